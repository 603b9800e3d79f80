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

#endif /* _RSTMON_COMPAT_H */
