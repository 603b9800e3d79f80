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

/*
 * Always generated before the build (Kbuild runs the probes when the
 * Makefile did not): there is no fallback that fits every kernel, since
 * the features' absence is the old API in some cases and the new in others.
 */
#include "generated/compat-probes.h"

#include <net/genetlink.h>
#include <net/inet_hashtables.h>
#include <net/inet6_hashtables.h>
#include <linux/tcp.h>

/* The parsed attributes of a dump request. */
static inline struct nlattr **rstmon_dump_attrs(struct netlink_callback *cb)
{
#ifdef RSTMON_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * The established-hash lookups (a full, request or TIME_WAIT socket, with
 * a reference taken): addresses and ports are the remote end's, then the
 * local end's (the local port in host order).
 */
static inline struct sock *rstmon_lookup_established4(struct net *net, __be32 raddr,
						      __be16 rport, __be32 laddr,
						      u16 lport, int dif)
{
#ifdef RSTMON_HAVE_INET_LOOKUP_HASHINFO
	return __inet_lookup_established(net, net->ipv4.tcp_death_row.hashinfo, raddr,
					 rport, laddr, lport, dif, 0);
#else
	return __inet_lookup_established(net, raddr, rport, laddr, lport, dif, 0);
#endif
}

#if IS_ENABLED(CONFIG_IPV6)
static inline struct sock *rstmon_lookup_established6(struct net *net,
						      const struct in6_addr *raddr,
						      __be16 rport,
						      const struct in6_addr *laddr,
						      u16 lport, int dif)
{
#ifdef RSTMON_HAVE_INET_LOOKUP_HASHINFO
	return __inet6_lookup_established(net, net->ipv4.tcp_death_row.hashinfo, raddr,
					  rport, laddr, lport, dif, 0);
#else
	return __inet6_lookup_established(net, raddr, rport, laddr, lport, dif, 0);
#endif
}
#endif

/*
 * How far past rcv_nxt tcp_sequence() lets an incoming segment start: the
 * largest window ever advertised from 7.x (rcv_mwnd_seq), the current one
 * (rcv_wup + rcv_wnd, tcp_receive_window()) before.
 */
static inline u32 rstmon_rcv_window(const struct tcp_sock *tp)
{
#ifdef RSTMON_HAVE_TCP_RCV_MWND_SEQ
	s32 win = READ_ONCE(tp->rcv_mwnd_seq) - READ_ONCE(tp->rcv_nxt);
#else
	s32 win = READ_ONCE(tp->rcv_wup) + READ_ONCE(tp->rcv_wnd) - READ_ONCE(tp->rcv_nxt);
#endif

	return win < 0 ? 0 : win;
}

#endif /* _RSTMON_COMPAT_H */
