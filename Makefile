# SPDX-License-Identifier: GPL-2.0
#
# rstmon top-level Makefile.
#
#   make                 build rstmon.ko and userspace-ctl/rstmonctl
#   make check           build everything and run every test (the CI entry)
#   make demo            boot a kernel with rstmon and provoke real resets
#   make bench           rstmon against nf_conntrack, per segment, and end to end
#   make install         install the module (updates/) and rstmonctl; depmod
#   make KDIR=...        build against another kernel tree

KERNELRELEASE ?=
ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

# KDIR: the running kernel's build tree when it exists, else the newest
# installed Debian kernel headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	  $(shell ls -d /usr/src/linux-headers-*-amd64 /usr/src/linux-headers-*-arm64 2>/dev/null | sort -V | tail -n 1))
KVER ?= $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null)
PWD := $(CURDIR)
DESTDIR ?=
PREFIX ?= /usr
INSTALL_MOD_DIR ?= updates

.PHONY: all module ctl clean check demo bench install uninstall deps

all: module ctl

# KBUILD_ARGS: extra kbuild arguments (W=1, ARCH=um, ...), also given to
# the compile probes so they test the same kernel the same way.
KBUILD_ARGS ?=
PROBES_HDR := module/generated/compat-probes.h

module:
	@test -n "$(KDIR)" && test -d "$(KDIR)" || \
		{ echo "no kernel build tree: install linux-headers-$$(uname -r) or pass KDIR=" >&2; exit 1; }
	sh module/compat/probe.sh $(KDIR) $(PROBES_HDR) $(KBUILD_ARGS)
	$(MAKE) -C $(KDIR) M=$(PWD) $(KBUILD_ARGS) modules

ctl:
	$(MAKE) -C userspace-ctl

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || true
	$(MAKE) -C userspace-ctl clean
	rm -rf build module/generated

check:
	bash tests/run.sh check

demo:
	bash tests/run.sh demo

bench:
	bash tests/run.sh bench

install: all
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	depmod -a $(KVER)
	$(MAKE) -C userspace-ctl install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

uninstall:
	rm -f /lib/modules/$(KVER)/$(INSTALL_MOD_DIR)/rstmon.ko*
	depmod -a $(KVER)
	$(MAKE) -C userspace-ctl uninstall DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

endif
