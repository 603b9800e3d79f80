# SPDX-License-Identifier: GPL-2.0
#
# rstmon top-level Makefile.
#
#   make                 build rstmon.ko and userspace-ctl/rstmonctl
#   make check           build everything and run every test (the CI entry)
#   make demo            boot a kernel with rstmon and provoke real resets
#   make bench           rstmon against nf_conntrack, per segment, and end to end
#   make bench-smp       the same on a 2-vCPU guest, the two directions on two CPUs
#   make install         install the module (updates/), rstmonctl, its man page,
#                        an example /etc/modprobe.d/rstmon.conf and the
#                        rstmon-events systemd unit; depmod
#   make uninstall       remove all of it
#   make dkms-install    register the sources with DKMS (/usr/src/rstmon-VERSION),
#                        build and install for the running kernel
#   make dkms-uninstall  remove them from DKMS
#   make deb             build the rstmon-dkms and rstmonctl Debian packages
#                        into build/deb/ (packaging: module/debian/)
#   make KDIR=...        build against another kernel tree

# Kbuild reads ./Kbuild (never this file) for the module itself, so this
# file is only ever the top level, even when DKMS passes KERNELRELEASE=.

# KDIR: the running kernel's build tree when it exists, else the newest
# installed Debian kernel headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	  $(shell ls -d /usr/src/linux-headers-*-amd64 /usr/src/linux-headers-*-arm64 2>/dev/null | sort -V | tail -n 1))
KVER ?= $(or $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null),$(shell uname -r))
PWD := $(CURDIR)
DESTDIR ?=
PREFIX ?= /usr
INSTALL_MOD_DIR ?= updates

.PHONY: stress all module ctl clean check demo bench bench-smp install install-ctl uninstall dkms-source \
	dkms-install dkms-uninstall deb deps

VERSION := $(shell sed -n 's/^\#define RSTMON_VERSION "\(.*\)"/\1/p' module/rstmon.h)
SYSTEMD_DIR ?= /lib/systemd/system
DKMS_SRC ?= /usr/src
DKMS_ARGS ?=
# What DKMS builds from: the module's sources, nothing built from them.
DKMS_FILES := Kbuild Makefile module/compat/probe.sh \
	$(wildcard module/*.[ch] module/compat/probes/*.c uapi/linux/*.h)

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
	$(if $(wildcard userspace-ctl),$(MAKE) -C userspace-ctl clean)
	rm -rf build module/generated

check:
	bash tests/run.sh check

demo:
	bash tests/run.sh demo

bench:
	bash tests/run.sh bench

bench-smp:
	bash tests/run.sh bench-smp

stress:
	bash tests/run.sh stress

install: all
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))
	$(MAKE) install-ctl
	install -D -m 0644 module/rstmon.modprobe.conf $(DESTDIR)/etc/modprobe.d/rstmon.conf
	install -D -m 0644 userspace-ctl/rstmon.modules-load.conf $(DESTDIR)/etc/modules-load.d/rstmon.conf

# rstmonctl, its man page and the rstmon-events unit (the rstmonctl package).
install-ctl:
	$(MAKE) -C userspace-ctl install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	install -D -m 0644 userspace-ctl/rstmon-events.service \
		$(DESTDIR)$(SYSTEMD_DIR)/rstmon-events.service

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR)/rstmon.ko*
	$(if $(DESTDIR),,depmod -a $(KVER))
	$(MAKE) -C userspace-ctl uninstall DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	rm -f $(DESTDIR)/etc/modprobe.d/rstmon.conf $(DESTDIR)/etc/modules-load.d/rstmon.conf \
		$(DESTDIR)$(SYSTEMD_DIR)/rstmon-events.service

# DKMS builds from a copy of the sources it keeps; DKMS_ARGS passes options
# such as --dkmstree (the test suite uses them to stay in a scratch tree).
# dkms-source lays the sources out as DKMS wants them (also the rstmon-dkms
# package's files).
dkms-source:
	rm -rf $(DKMS_SRC)/rstmon-$(VERSION)
	mkdir -p $(DKMS_SRC)/rstmon-$(VERSION)
	cp --parents $(DKMS_FILES) $(DKMS_SRC)/rstmon-$(VERSION)/
	sed 's/#MODULE_VERSION#/$(VERSION)/' module/dkms.conf > $(DKMS_SRC)/rstmon-$(VERSION)/dkms.conf

dkms-install: dkms-source
	dkms add $(DKMS_ARGS) --sourcetree $(DKMS_SRC) -m rstmon -v $(VERSION)
	dkms build $(DKMS_ARGS) --sourcetree $(DKMS_SRC) -m rstmon -v $(VERSION) -k $(KVER)
	dkms install $(DKMS_ARGS) --sourcetree $(DKMS_SRC) -m rstmon -v $(VERSION) -k $(KVER)

dkms-uninstall:
	dkms remove $(DKMS_ARGS) --sourcetree $(DKMS_SRC) -m rstmon -v $(VERSION) --all
	rm -rf $(DKMS_SRC)/rstmon-$(VERSION)

# The Debian packages, built by dpkg-buildpackage in a copy of the sources
# with module/debian/ as debian/ (the version: RSTMON_VERSION, as above).
DEB_DIR := build/deb
DEB_SRC := $(DEB_DIR)/rstmon-$(VERSION)
# rstmonctl's Prometheus rules, Grafana dashboard, Kubernetes DaemonSet
# (module/debian/rstmonctl.examples).
PROM_EXAMPLES := Documentation/examples/prometheus/rstmon.rules.yml \
	Documentation/examples/prometheus/rstmon.rules.test.yml \
	Documentation/examples/grafana/rstmon.json \
	Documentation/examples/kubernetes/rstmon-daemonset.yaml
deb:
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	cp --parents $(DKMS_FILES) module/dkms.conf module/rstmon.modprobe.conf README.md \
		Documentation/*.rst userspace-ctl/rstmon.modules-load.conf \
		userspace-ctl/Makefile userspace-ctl/rstmonctl.8 userspace-ctl/rstmon-events.service \
		$(wildcard userspace-ctl/*.[ch]) $(PROM_EXAMPLES) $(DEB_SRC)/
	cp -r module/debian $(DEB_SRC)/debian
	sed -e 's/@VERSION@/$(VERSION)/' \
		-e "s/@DATE@/$$(git log -1 --format=%aD 2>/dev/null || date -R)/" \
		module/debian/changelog > $(DEB_SRC)/debian/changelog
	cd $(DEB_SRC) && dpkg-buildpackage -b --no-sign
	@ls $(DEB_DIR)/*.deb
