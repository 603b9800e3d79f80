/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: the one place where kernel versions differ.
 *
 * Features are detected by compile probes (module/compat/probe.sh), never
 * by version number: RSTMON_HAVE_<PROBE> is defined when the kernel built
 * against has the feature.
 */
#ifndef _RSTMON_COMPAT_H
#define _RSTMON_COMPAT_H

/* Kbuild defines RSTMON_PROBED when the probes' header was generated. */
#ifdef RSTMON_PROBED
#include "generated/compat-probes.h"
#endif

#include <net/genetlink.h>

/* The parsed attributes of a dump request. */
static inline struct nlattr **rstmon_dump_attrs(struct netlink_callback *cb)
{
#ifdef RSTMON_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _RSTMON_COMPAT_H */
