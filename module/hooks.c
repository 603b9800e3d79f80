// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: netfilter hooks.
 *
 * rstmon is a monitor: every hook returns NF_ACCEPT and never changes the
 * skb.  It sees each TCP segment once per direction:
 *
 *  LOCAL_IN   received for this host, after the input filter accepted it
 *  LOCAL_OUT  sent by this host: by its TCP stack (full, request, TIME_WAIT
 *             or the per-CPU control socket) or by a reject rule (no socket)
 *  FORWARD    crossing this host, after the forward filter accepted it
 *
 * The hooks run last at their point (NF_IP_PRI_LAST), so what they see is
 * what the host's own rules let through.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>

#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "rstmon.h"
#include "parse.h"
#include "conn.h"
#include "classify.h"
#include "kreason.h"
#include "netpath.h"
#include "natinv.h"
#include "genl.h"
#include "attr.h"
#include "accept.h"
#include "idle.h"
#include "sockpath.h"

/*
 * What sent a locally generated RST, from the sockets LOCAL_OUT sees
 * (checked in the 6.1, 6.12 and 7.2 sources):
 *
 *  - tcp_send_active_reset() transmits through tcp_transmit_skb(): skb->sk
 *    is the full socket (destructor tcp_wfree).
 *  - tcp_v4_send_reset() replies through ip_send_unicast_reply() on the
 *    per-CPU control socket: up to 6.12 skb->sk is that socket; from 6.13
 *    the reply is owned by the socket it answers for, with the sock_edemux
 *    destructor (skb_set_owner_edemux(): a listener, a TIME_WAIT or request
 *    socket, or a full socket that was just killed), and ctl_sk when none.
 *  - tcp_v6_send_response() calls ip6_xmit(ctl_sk, ...) with the
 *    per-namespace control socket, which the hook gets as state->sk;
 *    skb->sk is NULL up to 6.12 and the answered-for socket from 6.13.
 *  - Control sockets are kernel sockets (sk_kern_sock) of type SOCK_RAW,
 *    protocol TCP (inet_ctl_sock_create()).
 *  - nf_send_reset() builds a fresh skb and sends it with
 *    ip_local_out(net, NULL, nskb); nf_send_reset6() passes the sk of the
 *    hook that rejected (NULL in INPUT and FORWARD, the sending socket in
 *    OUTPUT) but also leaves skb->sk NULL.  (Bridge rejects go out with
 *    dev_queue_xmit() and never pass LOCAL_OUT.)
 */
static bool rstmon_is_ctl_sock(const struct sock *sk)
{
	return sk_fullsock(sk) && sk->sk_kern_sock && sk->sk_type == SOCK_RAW &&
	       sk->sk_protocol == IPPROTO_TCP;
}

static void rstmon_local_origin(const struct sk_buff *skb,
				const struct nf_hook_state *state,
				struct rstmon_rst_ctx *x)
{
	struct sock *sk = skb->sk;

	if (state->sk && rstmon_is_ctl_sock(state->sk)) {
		x->origin = RSTMON_ORIGIN_CTLSOCK;
		return;
	}
	if (!sk) {
		x->origin = RSTMON_ORIGIN_NOSOCK;
		return;
	}
	if (!sk_fullsock(sk) || rstmon_is_ctl_sock(sk) || skb->destructor == sock_edemux) {
		x->origin = RSTMON_ORIGIN_CTLSOCK;
		return;
	}
	if (sk->sk_type == SOCK_RAW) {
		x->origin = RSTMON_ORIGIN_RAWSOCK;
		return;
	}
	if (sk->sk_protocol != IPPROTO_TCP) {
		x->origin = RSTMON_ORIGIN_NOSOCK;
		return;
	}
	x->origin = RSTMON_ORIGIN_FULLSOCK;
	x->sock_state = READ_ONCE(sk->sk_state);
	x->sock_dead = sock_flag(sk, SOCK_DEAD);
	x->sock_shutdown = READ_ONCE(sk->sk_shutdown);
	x->sock_linger0 = sock_flag(sk, SOCK_LINGER) && !READ_ONCE(sk->sk_lingertime);
	x->sock_linger2_neg = READ_ONCE(tcp_sk(sk)->linger2) < 0;
	x->sock_err = READ_ONCE(sk->sk_err);
	x->sock_keepalive_done = sock_flag(sk, SOCK_KEEPOPEN) &&
		READ_ONCE(inet_csk(sk)->icsk_probes_out);
}

/*
 * A second RST from the same sender, its sequence number beyond anything
 * that sender sent: if the first one had another number and the receiver
 * sent no data in between, the pair is an injector's burst across the
 * window, and the earlier event is amended as well.  A real stack's later
 * RSTs answer the receiver's segments still in flight: without ACK, their
 * sequence number is what such a segment acknowledged, never beyond what
 * the sender sent (a SO_LINGER 0 close followed by the stateless answer to
 * the peer's ACK of the last data has the same sequence number twice).
 */
static bool rstmon_rst_burst(struct rstmon_net *rn, enum rstmon_dir dir,
			     const struct rstmon_seg *seg, const struct rstmon_conn *c,
			     int side)
{
	struct rstmon_event key = {
		.src = seg->saddr,
		.dst = seg->daddr,
		.sport = seg->sport,
		.dport = seg->dport,
		.seq = seg->seq,
		.ack = seg->ack_seq,
		.bytes = { 0, rstmon_side_bytes(c, !side) },
		.dir = dir,
	};

	if (!rstmon_ring_amend_burst(&rn->ring, &key))
		return false;
	rstmon_count(rn, RSTMON_STAT_AMENDED);
	return true;
}

static void rstmon_rst(struct rstmon_net *rn, const struct sk_buff *skb,
		       const struct nf_hook_state *state, enum rstmon_dir dir,
		       const struct rstmon_seg *seg, struct rstmon_conn *c, int side,
		       u32 now)
{
	struct rstmon_rst_ctx x = {
		.dir = dir,
		.now = now,
		.idle_threshold = rstmon_idle_threshold(rn) * HZ,
	};
	struct rstmon_conn snap;
	struct rstmon_event ev;
	struct sock *sk = NULL;
	bool ref = false, local;

	if (!c)
		rstmon_count(rn, RSTMON_STAT_RST_UNTRACKED);
	if (!c && !rstmon_untracked_rst_allowed(rn)) {
		rstmon_count(rn, RSTMON_STAT_RST_UNLOGGED);
		return;
	}
	if (dir != RSTMON_DIR_FWD)
		sk = rstmon_attr_sock(skb, state, seg, dir, &ref);
	local = rstmon_sock_local(sk);
	if (dir == RSTMON_DIR_OUT) {
		rstmon_local_origin(skb, state, &x);
		x.kreason = rstmon_kreason_take(skb, seg);
		if (x.origin == RSTMON_ORIGIN_NOSOCK)
			x.ct_established = rstmon_ct_established(state->net);
	} else if (dir == RSTMON_DIR_IN && rstmon_ttl_hops(seg->ttl) == 0) {
		/* Only unspent TTLs cost a route lookup. */
		x.zero_hop_gw = rstmon_path_via_gateway(state->net, seg);
	}
	x.offloaded = rstmon_path_offloaded(skb);
	if (c) {
		/* What the socket path did not write, the socket knows. */
		if (local)
			rstmon_sock_sync(c, dir == RSTMON_DIR_OUT ? side : !side, sk, now);
		/*
		 * The classifier reads a private copy: other CPUs go on
		 * updating the entry, and each field of the copy is valid by
		 * itself (the contract in conn.c).
		 */
		snap = data_race(*c);
		if (dir != RSTMON_DIR_OUT && (rstmon_sflags(&snap, side) & RSTMON_SF_RST) &&
		    after(seg->seq, RSTMON_SIDE(&snap, side).nxt))
			x.rst_burst = rstmon_rst_burst(rn, dir, seg, &snap, side);
		if (dir == RSTMON_DIR_FWD)
			x.untranslated = rstmon_natinv_rst(&snap, skb);
	}
	rstmon_classify(&x, seg, c ? &snap : NULL, side, &ev);
	rstmon_path_nat(skb, &ev);
	rstmon_natinv_tuples(state->net, seg, &ev);
	if (ev.evidence & RSTMON_EV_NAT)
		rstmon_count(rn, RSTMON_STAT_NAT);
	if (ev.evidence & RSTMON_EV_ONE_WAY)
		rstmon_count(rn, RSTMON_STAT_ONE_WAY);
	if (ev.evidence & RSTMON_EV_BYPASSED)
		rstmon_count(rn, RSTMON_STAT_BYPASSED);
	if (ev.kreason) {
		ev.evidence |= RSTMON_EV_KREASON;
		if (!rstmon_kreason_agrees(ev.kreason, ev.cause)) {
			ev.evidence |= RSTMON_EV_KDISAGREE;
			rstmon_count(rn, RSTMON_STAT_KDISAGREE);
		}
	}
	rstmon_attr_rst(skb, state, seg, &ev, sk);
	rstmon_accept_rst(rn, skb, seg, &ev);
	rstmon_cgstats_add(&rn->cgstats, ev.cgroup_id);
	ev.tstamp = ktime_get_real_ns();
	rstmon_count_cause(rn, dir, ev.cause);
	rstmon_ring_add(&rn->ring, &ev);
	rstmon_genl_notify(state->net, &ev);

	if (c)
		rstmon_conn_rst_in(c, side, now, ev.accepted, rstmon_accept_lives(&ev));
	/* Its connection's next segments must reach the table. */
	if (local)
		rstmon_attn_set(rn, sk);
	rstmon_attr_sock_put(sk, ref);
}

/*
 * The sender of an RST sends data after it: its stack never reset the
 * connection, someone forged the RST.  Amend that event.
 */
static void rstmon_after_rst(struct rstmon_net *rn, enum rstmon_dir dir,
			     const struct rstmon_seg *seg)
{
	struct rstmon_event key = {
		.src = seg->saddr,
		.dst = seg->daddr,
		.sport = seg->sport,
		.dport = seg->dport,
		.dir = dir,
	};

	if (rstmon_ring_amend_injected(&rn->ring, &key))
		rstmon_count(rn, RSTMON_STAT_AMENDED);
}

/* The counter of each reason rstmon_conn_create() gives for no entry. */
static const u8 rstmon_conn_err_stat[] = {
	[RSTMON_CONN_FULL] = RSTMON_STAT_UNTRACKED,
	[RSTMON_CONN_NOMEM] = RSTMON_STAT_NOMEM,
	[RSTMON_CONN_NETNS_FULL] = RSTMON_STAT_NETNS_FULL,
};

static unsigned int rstmon_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	enum rstmon_dir dir = (enum rstmon_dir)(unsigned long)priv;
	struct rstmon_peek peek;
	enum rstmon_conn_err err;
	struct rstmon_net *rn;
	struct rstmon_conn *c;
	struct rstmon_seg seg;
	u32 hash;
	u32 now, set, floor;
	bool evicted;
	int side;

	/* The cheapest rejection first: not TCP, before the namespace. */
	if (!rstmon_peek(skb, state->pf, skb->sk && dir != RSTMON_DIR_FWD, &peek))
		return NF_ACCEPT;
	rn = rstmon_pernet(state->net);
	if (!(READ_ONCE(rn->families) &
	      (state->pf == NFPROTO_IPV4 ? RSTMON_FAM_IPV4 : RSTMON_FAM_IPV6)))
		return NF_ACCEPT;
	/* A local connection's socket knows this segment: no table. */
	if (rstmon_sock_skip(rn, skb, dir, &peek)) {
		rstmon_count(rn, RSTMON_STAT_SEG_IN + dir);
		rstmon_count(rn, RSTMON_STAT_SOCK_PATH);
		return NF_ACCEPT;
	}
	switch (rstmon_parse(skb, state->pf, &seg)) {
	case RSTMON_PARSE_TCP:
		break;
	case RSTMON_PARSE_NOT_TCP:
		return NF_ACCEPT;
	case RSTMON_PARSE_FRAGMENT:
		rstmon_count(rn, RSTMON_STAT_FRAGMENT);
		return NF_ACCEPT;
	case RSTMON_PARSE_MALFORMED:
		rstmon_count(rn, RSTMON_STAT_MALFORMED);
		return NF_ACCEPT;
	}

	rstmon_count(rn, RSTMON_STAT_SEG_IN + dir);
	now = jiffies;
	hash = rstmon_conn_hash(state->net, &seg);
	c = rstmon_conn_find(state->net, &seg, hash, &side);
	if (seg.flags & RSTMON_TCP_RST) {
		rstmon_count(rn, (seg.family == AF_INET ? RSTMON_STAT_RST4_IN :
				  RSTMON_STAT_RST6_IN) + dir);
		/* Never allocates: an RST flood cannot grow memory. */
		rstmon_rst(rn, skb, state, dir, &seg, c, side, now);
		return NF_ACCEPT;
	}
	/* A new SYN on a closed connection's 4-tuple: a new entry. */
	if (c && unlikely(rstmon_conn_reused(c, side, &seg))) {
		c = rstmon_conn_renew(state->net, &seg, hash, c, dir, &side);
		if (c && dir == RSTMON_DIR_FWD)
			rstmon_natinv_created(c, skb);
	}
	if (!c) {
		c = rstmon_conn_create(state->net, &seg, hash, dir, &side, &err, &evicted);
		if (evicted)
			rstmon_count(rn, RSTMON_STAT_EVICTED);
		if (!c) {
			rstmon_count(rn, rstmon_conn_err_stat[err]);
			return NF_ACCEPT;
		}
		if (dir == RSTMON_DIR_FWD)
			rstmon_natinv_created(c, skb);
	}
	floor = rstmon_idle_floor(rstmon_idle_threshold(rn) * HZ);
	/* Segments the socket path did not bring, their socket knows. */
	if (dir != RSTMON_DIR_FWD && rstmon_sock_local(skb->sk)) {
		rstmon_sock_sync(c, dir == RSTMON_DIR_OUT ? side : !side, skb->sk, now);
		if (dir == RSTMON_DIR_IN)
			rstmon_conn_rhythm_quiet(c, side, now, floor);
	}
	rstmon_conn_rhythm(c, side, now, floor);
	/* A translated connection's segment that conntrack did not
	 * translate (INVALID): one read of skb->_nfct, forwarded segments
	 * of translated connections only.
	 */
	if (dir == RSTMON_DIR_FWD &&
	    unlikely((rstmon_conn_cflags(c) & (RSTMON_CF_NAT | RSTMON_CF_UNTRANSLATED)) ==
		     RSTMON_CF_NAT))
		rstmon_natinv_seg(c, skb);
	/* Only the CPU whose segment set AFTER_RST amends the event. */
	set = rstmon_conn_update(c, side, &seg, now);
	if (unlikely(set & (RSTMON_SF_AFTER_RST << RSTMON_B_SF_SHIFT(side))))
		rstmon_after_rst(rn, dir, &seg);
	/* ... and the one whose segment answered a challenged RST. */
	if (unlikely(set & ((u32)RSTMON_CF_CHALLENGE << RSTMON_B_CF_SHIFT)))
		rstmon_accept_answer(rn, dir, &seg);
	return NF_ACCEPT;
}

#define RSTMON_HOOK(_pf, _hooknum, _dir)				\
	{								\
		.hook = rstmon_hook,					\
		.pf = _pf,						\
		.hooknum = _hooknum,					\
		.priority = NF_IP_PRI_LAST,				\
		.priv = (void *)(unsigned long)(_dir),			\
	}

static const struct nf_hook_ops rstmon_nf_ops[] = {
	RSTMON_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_IN, RSTMON_DIR_IN),
	RSTMON_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_OUT, RSTMON_DIR_OUT),
	RSTMON_HOOK(NFPROTO_IPV4, NF_INET_FORWARD, RSTMON_DIR_FWD),
	RSTMON_HOOK(NFPROTO_IPV6, NF_INET_LOCAL_IN, RSTMON_DIR_IN),
	RSTMON_HOOK(NFPROTO_IPV6, NF_INET_LOCAL_OUT, RSTMON_DIR_OUT),
	RSTMON_HOOK(NFPROTO_IPV6, NF_INET_FORWARD, RSTMON_DIR_FWD),
};

int rstmon_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, rstmon_nf_ops, ARRAY_SIZE(rstmon_nf_ops));
}

void rstmon_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, rstmon_nf_ops, ARRAY_SIZE(rstmon_nf_ops));
}
