// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: who sent an RST, and why.
 *
 * rstmon_classify() is pure: it reads the RST, the connection's entry and
 * what the hook learnt from the socket, and fills an event.  The rules, and
 * why each holds in the kernels rstmon supports (6.1 to the newest), are
 * written next to them.  Documentation/rstmon.rst explains them to
 * operators.
 */
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/string.h>
#include <linux/rstmon.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "conn.h"
#include "parse.h"
#include "event.h"
#include "classify.h"
#include "idle.h"

static u32 rstmon_jiffies_ms(u32 delta)
{
	return jiffies_to_msecs(delta);
}

/* Sequence number of the RST against what its receiver expects. */
static u8 rstmon_seqchk(const struct rstmon_seg *seg, const struct rstmon_conn *c,
			int side)
{
	const struct rstmon_side *s = &RSTMON_SIDE(c, side), *r = &RSTMON_SIDE(c, !side);
	u32 win;

	if (!s->segs)
		return RSTMON_SEQ_NA;
	if (seg->seq == s->nxt)
		return RSTMON_SEQ_EXACT;
	/* The window is scaled when both SYNs were seen, except in the
	 * receiver's SYN itself (RFC 7323): its only segment so far.
	 */
	win = (u32)r->win << ((rstmon_sflags(c, !side) & RSTMON_SF_SYN) &&
			      (rstmon_sflags(c, side) & RSTMON_SF_SYN) && r->segs > 1 ?
			      rstmon_wscale(c, !side) : 0);
	if (!after(s->nxt, seg->seq) && before(seg->seq, s->nxt + max(win, 1U)))
		return RSTMON_SEQ_IN_WINDOW;
	return RSTMON_SEQ_OUT_OF_WINDOW;
}

/*
 * A full local socket sent the RST: tcp_send_active_reset().  The socket's
 * state at that moment tells why (checked in the 6.1, 6.12 and 7.2
 * sources):
 *
 *  - __tcp_close() sets sk_shutdown = SHUTDOWN_MASK first.  With unread
 *    data it sets TCP_CLOSE and resets; with SO_LINGER 0 it calls
 *    tcp_disconnect(), which sets TCP_CLOSE and resets.  Neither has
 *    orphaned the socket yet (sock_orphan() comes later).  The unread-data
 *    branch is taken first, and the receive queue is already purged, so
 *    when both hold we can only see SO_LINGER 0: then we say linger-abort.
 *  - After sock_orphan(), __tcp_close() resets an orphan in TCP_CLOSE in
 *    two cases: FIN_WAIT2 with TCP_LINGER2 below zero (timeout: its
 *    FIN_WAIT2 time is zero), and tcp_check_oom() (memory).
 *  - tcp_disconnect() without close() (connect(AF_UNSPEC)) leaves
 *    sk_shutdown alone until after the reset: app-abort.
 *  - tcp_abort() (SOCK_DESTROY, "ss -K") resets in the old state and sets
 *    sk_err only afterwards (tcp_done_with_error(); older 6.1 releases set
 *    ECONNABORTED first): app-abort.
 *  - tcp_out_of_resources() resets orphans (SOCK_DEAD) in FIN_WAIT1,
 *    CLOSING or LAST_ACK when orphans or memory run out: memory.  An
 *    orphan in FIN_WAIT2 is reset by tcp_keepalive_timer() when its
 *    FIN_WAIT2 time is used up: timeout.
 *  - tcp_keepalive_timer() resets a live socket whose probes are
 *    exhausted or whose user timeout expired, after a probe was sent
 *    (icsk_probes_out > 0, unless tcp_keepalive_probes is 0): timeout.
 *    Any other reset of a live socket is tcp_abort(): app-abort.
 */
static bool rstmon_no_data(const struct rstmon_conn *c)
{
	return c && !(rstmon_conn_cflags(c) & RSTMON_CF_MIDSTREAM) &&
	       !((rstmon_sflags(c, 0) | rstmon_sflags(c, 1)) & RSTMON_SF_DATA);
}

static void rstmon_classify_fullsock(const struct rstmon_rst_ctx *x,
				     const struct rstmon_conn *c,
				     struct rstmon_event *ev)
{
	ev->sender = RSTMON_SENDER_LOCAL;
	ev->confidence = RSTMON_CONF_CERTAIN;
	ev->evidence |= RSTMON_EV_SOCKET;
	if (x->sock_state == TCP_CLOSE) {
		if (x->sock_shutdown == SHUTDOWN_MASK) {
			if (x->sock_dead)
				ev->cause = x->sock_linger2_neg ? RSTMON_CAUSE_TIMEOUT :
								  RSTMON_CAUSE_MEMORY;
			else if (x->sock_linger0)
				ev->cause = RSTMON_CAUSE_LINGER_ABORT;
			else
				ev->cause = RSTMON_CAUSE_UNREAD_DATA;
		} else {
			ev->cause = RSTMON_CAUSE_APP_ABORT;
		}
	} else if (x->sock_err == ECONNABORTED) {
		ev->cause = RSTMON_CAUSE_APP_ABORT;
	} else if (x->sock_dead) {
		ev->cause = x->sock_state == TCP_FIN_WAIT2 ? RSTMON_CAUSE_TIMEOUT :
							   RSTMON_CAUSE_MEMORY;
	} else if (x->sock_keepalive_done) {
		ev->cause = RSTMON_CAUSE_TIMEOUT;
	} else {
		/* A live socket reset with no timer behind it: tcp_abort().
		 * (6.12 sends the RST before tcp_done_with_error() sets
		 * sk_err, so only 6.1 shows ECONNABORTED here.)
		 */
		ev->cause = RSTMON_CAUSE_APP_ABORT;
		ev->confidence = RSTMON_CONF_LIKELY;
	}
	/* An abort before any data either way discards the connection:
	 * the loser of a parallel connect (SMB 139/445, happy eyeballs).
	 */
	if (rstmon_no_data(c) && (ev->cause == RSTMON_CAUSE_LINGER_ABORT ||
				  ev->cause == RSTMON_CAUSE_APP_ABORT))
		ev->cause = RSTMON_CAUSE_ABANDONED;
}

/* Did the RST answer a SYN?  Stateless replies to a segment without ACK
 * carry ACK and sequence 0 (tcp_v4_send_reset(), nf_send_reset()).
 */
static bool rstmon_answers_syn(const struct rstmon_seg *seg, const struct rstmon_conn *c,
			       int side)
{
	if (c)
		return rstmon_sflags(c, !side) & RSTMON_SF_SYN &&
		       !(rstmon_sflags(c, side) & RSTMON_SF_SYN) &&
		       !(rstmon_sflags(c, !side) & RSTMON_SF_DATA) &&
		       (seg->flags & RSTMON_TCP_ACK) &&
		       seg->ack_seq == c->isn[!side] + 1;
	return (seg->flags & RSTMON_TCP_ACK) && seg->seq == 0;
}

/*
 * The stack's stateless reply socket sent it: no full socket matched the
 * segment that triggered it.  tcp_v4_rcv()/tcp_v6_rcv() get there with no
 * socket at all, a TIME_WAIT socket (tcp_timewait_state_process() says
 * TCP_TW_RST), a request socket whose handshake ACK failed or found the
 * accept queue full with tcp_abort_on_overflow (tcp_check_req()), or a
 * full socket that tcp_rcv_state_process() just killed for data after
 * close (TCP_ABORT_ON_DATA).  Which one, the connection's history says.
 */
static void rstmon_classify_ctlsock(const struct rstmon_seg *seg,
				    const struct rstmon_conn *c, int side,
				    struct rstmon_event *ev)
{
	const struct rstmon_side *me;

	ev->sender = RSTMON_SENDER_LOCAL;
	ev->evidence |= RSTMON_EV_CTL_SOCKET;
	ev->confidence = RSTMON_CONF_CERTAIN;
	if (rstmon_answers_syn(seg, c, side)) {
		ev->cause = RSTMON_CAUSE_REFUSED;
		if (!c)
			ev->confidence = RSTMON_CONF_LIKELY;
		return;
	}
	if (!c) {
		ev->cause = RSTMON_CAUSE_NO_CONNECTION;
		ev->confidence = RSTMON_CONF_LIKELY;
		return;
	}
	me = &RSTMON_SIDE(c, side);
	if (rstmon_sflags(c, side) & RSTMON_SF_FIN) {
		/* Our application had closed: a FIN_WAIT2/TIME_WAIT socket or
		 * an orphan answered.  New data after close is its own cause.
		 */
		ev->cause = (rstmon_sflags(c, !side) & RSTMON_SF_DATA_AFTER_FIN) ?
			RSTMON_CAUSE_DATA_AFTER_CLOSE : RSTMON_CAUSE_TIME_WAIT;
		if (ev->cause == RSTMON_CAUSE_TIME_WAIT)
			ev->confidence = RSTMON_CONF_LIKELY;
		return;
	}
	if (side == RSTMON_ORIG && rstmon_conn_state(c) == RSTMON_ST_SYN_RECV) {
		/* The reply to a SYN-ACK carries its ACK number as sequence.
		 * Within what we sent (ISN + 1 .. our next): our connect() was
		 * given up before the SYN-ACK came.  Otherwise the SYN_SENT
		 * socket itself found the ACK unacceptable
		 * (tcp_rcv_synsent_state_process(); the kernel's reason:
		 * TCP_INVALID_ACK_SEQUENCE).
		 */
		if (before(seg->seq, c->isn[side] + 1) || after(seg->seq, me->nxt)) {
			ev->cause = RSTMON_CAUSE_BAD_SEGMENT;
			ev->confidence = RSTMON_CONF_LIKELY;
		} else {
			ev->cause = RSTMON_CAUSE_ABANDONED;
		}
		return;
	}
	if (side == RSTMON_RESP && (rstmon_sflags(c, side) & RSTMON_SF_SYN) && me->segs == 1 &&
	    !(rstmon_conn_cflags(c) & RSTMON_CF_MIDSTREAM)) {
		/* We had only sent our SYN-ACK, and the peer's handshake ACK
		 * got an RST.  tcp_check_req() resets an acceptable ACK
		 * (seq = our ISN + 1) only when the accept queue is full and
		 * tcp_abort_on_overflow is set (the kernel's reason:
		 * INVALID_SYN); an unacceptable one is answered for the
		 * listener (TCP_FLAGS).
		 */
		ev->cause = (seg->seq == c->isn[side] + 1) ?
			RSTMON_CAUSE_ACCEPT_OVERFLOW : RSTMON_CAUSE_BAD_SEGMENT;
		ev->confidence = RSTMON_CONF_LIKELY;
		return;
	}
	ev->cause = RSTMON_CAUSE_NO_CONNECTION;
	/* The segment answered was the first seen from that address and
	 * port, and this end never sent anything to them: no connection
	 * ever existed here.  Behind a DNAT service address, it is the
	 * backend's real address on a segment that the NAT host forwarded
	 * untranslated (natinv.c); the NAT host's event names the cause.
	 */
	if (!me->segs && (rstmon_conn_cflags(c) & RSTMON_CF_MIDSTREAM))
		ev->evidence |= RSTMON_EV_STRAY;
}

/*
 * What the silence before an RST matches (module/idle.h), strongest first:
 * for a local reject rule (@firewall) the namespace's conntrack
 * established timeout, then a well-known timeout, idle_threshold, and
 * the connection's rhythm.  Fills the event's idle_match and idle_match_s.
 */
static u8 rstmon_idle_match(const struct rstmon_rst_ctx *x, const struct rstmon_conn *c,
			    u32 idle, bool firewall, struct rstmon_event *ev)
{
	u32 floor = rstmon_idle_floor(x->idle_threshold), secs = 0;
	u8 level = rstmon_rhythm_of(c);
	u8 m = rstmon_idle_known(idle, level, floor, &secs);

	if (firewall && x->ct_established && idle >= x->ct_established) {
		m = RSTMON_IDLE_MATCH_CONNTRACK;
		secs = x->ct_established / HZ;
	} else if (m) {
		/* a well-known timeout: secs is set */
	} else if (idle >= x->idle_threshold) {
		m = RSTMON_IDLE_MATCH_THRESHOLD;
		secs = x->idle_threshold / HZ;
	} else if (rstmon_rhythm_contrast(idle, level, floor)) {
		m = RSTMON_IDLE_MATCH_RHYTHM;
		secs = DIV_ROUND_UP(rstmon_rhythm_bound(level, floor), HZ);
	} else {
		return RSTMON_IDLE_MATCH_NONE;
	}
	ev->idle_match = m;
	ev->idle_match_s = secs;
	return m;
}

/*
 * A reject rule sent it.  Answering a SYN it refused a connection;
 * otherwise the firewall had no state that let the segment through: after
 * a silence that matches its conntrack timeout, idle_threshold, a
 * well-known idle timeout or stands out of the connection's rhythm, it
 * had expired the connection (certain for conntrack's and the threshold,
 * likely for the others).
 */
static void rstmon_classify_firewall(const struct rstmon_rst_ctx *x,
				     const struct rstmon_seg *seg,
				     const struct rstmon_conn *c, int side, u32 idle,
				     struct rstmon_event *ev)
{
	ev->sender = RSTMON_SENDER_FIREWALL;
	ev->evidence |= RSTMON_EV_NO_SOCKET;
	ev->confidence = RSTMON_CONF_CERTAIN;
	if (rstmon_answers_syn(seg, c, side) || (!c && (seg->flags & RSTMON_TCP_ACK))) {
		ev->cause = RSTMON_CAUSE_REFUSED;
		if (!c)
			ev->confidence = RSTMON_CONF_LIKELY;
	} else if (c && rstmon_idle_match(x, c, idle, true, ev)) {
		ev->cause = RSTMON_CAUSE_IDLE_TIMEOUT;
		if (idle >= x->idle_threshold)
			ev->evidence |= RSTMON_EV_IDLE;
		else if (ev->idle_match != RSTMON_IDLE_MATCH_CONNTRACK)
			ev->confidence = RSTMON_CONF_LIKELY;
	} else {
		ev->cause = RSTMON_CAUSE_NO_CONNECTION;
	}
}

/*
 * After a silence (@m: what it matched), an RST from elsewhere.  Who
 * answered tells an idle timeout from a new owner of the address:
 *
 *  - a stateless reply (no ACK: the reply of a stack without a socket to a
 *    segment with ACK; Linux's and nf_reject's alike) whose TTL has the
 *    sender's start but more hops came from beyond the host the
 *    connection talked to: the address moved (VRRP/keepalived failover, a
 *    replacement host).  no-connection, idle-timeout the other candidate;
 *  - a stateless reply with the sender's own TTL: the sender's address
 *    has no socket now.  The firewall of its host (or a device that
 *    copies TTLs) expired the connection, or the host restarted or was
 *    replaced at the same distance: idle-timeout, the more common, with
 *    no-connection the other candidate, suspected;
 *  - a stateless reply of another kind of host (another TTL start): the
 *    same two, suspected;
 *  - otherwise (nearer than the sender, a full socket's RST, another
 *    IPv4 ID pattern): idle-timeout.
 *
 * Below idle_threshold, a well-known timeout or the rhythm count only
 * from a sender that is not the peer (TTL, IPv4 ID, zero hops): a peer's
 * own reset at such a silence keeps its other causes.
 * Return: false when the silence decides nothing (the caller goes on).
 */
static bool rstmon_classify_silence(const struct rstmon_rst_ctx *x,
				    const struct rstmon_seg *seg,
				    const struct rstmon_conn *c, int side, u32 idle,
				    bool new_owner, struct rstmon_event *ev)
{
	bool other = ev->evidence & (RSTMON_EV_TTL_MISMATCH | RSTMON_EV_IPID_MISMATCH |
				     RSTMON_EV_ZERO_HOP);
	bool stateless = !(seg->flags & RSTMON_TCP_ACK);
	enum rstmon_ttl_rel rel = rstmon_ttl_rel(seg->ttl, c->ttl[side]);
	u8 m = rstmon_idle_match(x, c, idle, false, ev);

	if (m == RSTMON_IDLE_MATCH_NONE ||
	    (idle < x->idle_threshold && !other && !new_owner)) {
		ev->idle_match = RSTMON_IDLE_MATCH_NONE;
		ev->idle_match_s = 0;
		return false;
	}
	if (idle >= x->idle_threshold)
		ev->evidence |= RSTMON_EV_IDLE;
	ev->cause = RSTMON_CAUSE_IDLE_TIMEOUT;
	if (!stateless)
		return true;
	if (new_owner) {
		ev->cause = RSTMON_CAUSE_NO_CONNECTION;
		ev->alt_cause = RSTMON_CAUSE_IDLE_TIMEOUT;
	} else if ((rel == RSTMON_TTL_SAME && !other) || rel == RSTMON_TTL_OTHER) {
		ev->alt_cause = RSTMON_CAUSE_NO_CONNECTION;
		ev->confidence = RSTMON_CONF_SUSPECT;
	}
	return true;
}

/*
 * Only one direction of a forwarded connection passes this host: one side
 * has sent data (or, picked up mid-stream, several segments) and the other
 * nothing at all.  Routing is asymmetric; what the other side did is not
 * known here.
 */
static bool rstmon_one_way(const struct rstmon_conn *c)
{
	int v;

	for (v = 0; v < 2; v++) {
		if (RSTMON_SIDE(c, !v).segs)
			continue;
		if ((rstmon_sflags(c, v) & RSTMON_SF_DATA) ||
		    ((rstmon_conn_cflags(c) & RSTMON_CF_MIDSTREAM) && RSTMON_SIDE(c, v).segs >= 3))
			return true;
	}
	return false;
}

/*
 * A forwarded RST that claims more than passed here: its sequence number
 * is beyond what its sender sent through this host, or it acknowledges
 * data of the receiver that never crossed it.  The segments in between
 * took another way: a flowtable had offloaded the connection (its RST
 * tears the flow down and comes back through the hooks; the ct's
 * IPS_OFFLOAD bit is already cleared by then, in 6.1 to 7.2), or they were
 * lost before this host.  Either way the connection's middle is unknown.
 */
static bool rstmon_bypassed(const struct rstmon_seg *seg, const struct rstmon_conn *c,
			    int side)
{
	const struct rstmon_side *s = &RSTMON_SIDE(c, side), *r = &RSTMON_SIDE(c, !side);

	return (s->segs && after(seg->seq, s->nxt)) ||
	       ((seg->flags & RSTMON_TCP_ACK) && r->segs && after(seg->ack_seq, r->nxt));
}

/*
 * Forgery (Weaver, Sommer and Paxson, "Detecting Forged TCP Reset
 * Packets", NDSS 2009; Suricata's suspected_rst_inject).  A burst of RSTs
 * whose numbers change while the receiver sent no data is an injector
 * covering the window; a real stack answers each segment once.  An RST
 * with payload or out of the receiver's window is suspicious but not proof
 * on its own; with a second sign (another of the two, or a TTL, IPv4 ID or
 * hop count that is not the sender's) it is taken as forged.  A TTL or ID
 * mismatch alone is a middlebox that may reset for its own good reasons
 * (a load balancer, a NAT's expiry, a firewall): those keep their cause.
 * Data from the "reset" sender afterwards amends the event
 * (rstmon_ring_amend_injected()).
 */
static void rstmon_classify_forgery(const struct rstmon_rst_ctx *x,
				    const struct rstmon_seg *seg,
				    struct rstmon_event *ev)
{
	unsigned int strong = !!seg->payload + (ev->seqchk == RSTMON_SEQ_OUT_OF_WINDOW);
	unsigned int weak = !!(ev->evidence & (RSTMON_EV_TTL_MISMATCH |
					       RSTMON_EV_IPID_MISMATCH |
					       RSTMON_EV_ZERO_HOP));

	if (x->rst_burst) {
		ev->evidence |= RSTMON_EV_RST_BURST;
		ev->confidence = RSTMON_CONF_LIKELY;
	} else if (strong && strong + weak >= 2) {
		ev->confidence = RSTMON_CONF_SUSPECT;
	} else {
		return;
	}
	ev->sender = RSTMON_SENDER_MIDDLEBOX;
	ev->cause = RSTMON_CAUSE_INJECTED;
}

/*
 * An RST from elsewhere (received, or forwarded from one side to the
 * other): its cause is inferred from what the connection showed, and its
 * sender from how it compares with what that side sent before.
 */
static void rstmon_classify_remote(const struct rstmon_rst_ctx *x,
				   const struct rstmon_seg *seg,
				   const struct rstmon_conn *c, int side, u32 idle,
				   struct rstmon_event *ev)
{
	const struct rstmon_side *s;
	bool blind, new_owner;
	u8 sf, rf;

	ev->sender = RSTMON_SENDER_PEER;
	ev->confidence = RSTMON_CONF_LIKELY;
	/* Zero hops from an address behind a gateway: made on this link. */
	if (x->zero_hop_gw) {
		ev->evidence |= RSTMON_EV_ZERO_HOP;
		ev->sender = RSTMON_SENDER_MIDDLEBOX;
	}
	if (!c) {
		ev->cause = rstmon_answers_syn(seg, NULL, side) ? RSTMON_CAUSE_REFUSED :
								 RSTMON_CAUSE_UNKNOWN;
		ev->confidence = RSTMON_CONF_SUSPECT;
		rstmon_classify_forgery(x, seg, ev);
		return;
	}
	s = &RSTMON_SIDE(c, side);
	sf = rstmon_sflags(c, side);
	rf = rstmon_sflags(c, !side);

	if (s->segs && seg->ttl != c->ttl[side] && !(sf & RSTMON_SF_TTL_VARIED)) {
		ev->evidence |= RSTMON_EV_TTL_MISMATCH;
		ev->sender = RSTMON_SENDER_MIDDLEBOX;
	}
	/* IPv4 ID behaviour: Linux numbers a connection's segments, its
	 * full socket's RST included, from the socket's counter, and sends
	 * stateless replies (DF, from the control socket, which has no
	 * destination) with ID 0 (ip_select_ident_segs(), 6.1 to 7.2).  An
	 * RST far off an incrementing side's counter, or a non-zero ID from a
	 * side whose IDs were all zero, was made elsewhere.
	 */
	if (seg->family == AF_INET && s->segs && seg->ipid != 0 &&
	    ((rstmon_ipid_mode_of(c, side) == RSTMON_IPID_INCR &&
	      (u16)(seg->ipid - s->ipid) > 1024) ||
	     (rstmon_ipid_mode_of(c, side) == RSTMON_IPID_ZERO))) {
		ev->evidence |= RSTMON_EV_IPID_MISMATCH;
		ev->sender = RSTMON_SENDER_MIDDLEBOX;
	}
	/* A stateless reply from farther than the sender was: the address
	 * has a new owner (module/idle.h).
	 */
	new_owner = !(seg->flags & RSTMON_TCP_ACK) && (ev->evidence & RSTMON_EV_TTL_MISMATCH) &&
		    rstmon_ttl_rel(seg->ttl, c->ttl[side]) == RSTMON_TTL_FARTHER;
	if (x->dir == RSTMON_DIR_FWD && rstmon_one_way(c))
		ev->evidence |= RSTMON_EV_ONE_WAY;
	if (x->offloaded || (x->dir == RSTMON_DIR_FWD && rstmon_bypassed(seg, c, side)))
		ev->evidence |= RSTMON_EV_BYPASSED;
	blind = ev->evidence & RSTMON_EV_BYPASSED;

	/*
	 * A NAT host (natinv.c): a segment of this translated connection
	 * crossed without its translation, and now an RST crosses without
	 * it too.  Its sender addressed the other end's real address, which
	 * only the untranslated segment showed it: its stack, knowing no
	 * connection with that address, answered the stray segment.  The
	 * stateless answer to a segment with ACK carries that ACK as its
	 * sequence number and no ACK (tcp_v4_send_reset(),
	 * tcp_v6_send_reset()); when it is exactly what the sender had sent,
	 * the answered segment was the other end's own, in its stream.
	 */
	if (x->untranslated && (rstmon_conn_cflags(c) & RSTMON_CF_UNTRANSLATED)) {
		ev->sender = RSTMON_SENDER_PEER;
		ev->cause = RSTMON_CAUSE_NAT_INVALID;
		ev->evidence |= RSTMON_EV_UNTRANSLATED;
		ev->confidence = !(seg->flags & RSTMON_TCP_ACK) && ev->seqchk == RSTMON_SEQ_EXACT ?
				 RSTMON_CONF_CERTAIN : RSTMON_CONF_LIKELY;
		return;
	}
	if (rstmon_answers_syn(seg, c, side)) {
		ev->cause = RSTMON_CAUSE_REFUSED;
	} else if (rf & RSTMON_SF_DATA_AFTER_FIN && sf & RSTMON_SF_FIN) {
		ev->cause = RSTMON_CAUSE_DATA_AFTER_CLOSE;
	} else if (sf & RSTMON_SF_FIN) {
		/* After its FIN, and not for new data: its TIME_WAIT or
		 * FIN_WAIT2 socket answered.
		 */
		ev->cause = RSTMON_CAUSE_TIME_WAIT;
	} else if (!blind && rstmon_classify_silence(x, seg, c, side, idle, new_owner, ev)) {
		/* Cause set.  (When the connection's middle was not seen,
		 * its silence here proves nothing.)
		 */
	} else if (rstmon_no_data(c) && !blind &&
		   (rstmon_conn_state(c) == RSTMON_ST_ESTABLISHED ||
		    rstmon_conn_state(c) == RSTMON_ST_SYN_RECV)) {
		/* Reset right after the handshake, before any data: the
		 * responder's accept queue overflowed, or the originator
		 * dropped a connection it no longer wanted.
		 */
		ev->cause = side == RSTMON_RESP ? RSTMON_CAUSE_ACCEPT_OVERFLOW :
						  RSTMON_CAUSE_ABANDONED;
	} else if (!(seg->flags & RSTMON_TCP_ACK)) {
		/* Stateless replies to a segment with ACK carry no ACK: the
		 * sender had no socket for the connection.
		 */
		ev->cause = RSTMON_CAUSE_NO_CONNECTION;
	} else if (rf & RSTMON_SF_LAST_DATA) {
		/* An abort (RST with ACK, no FIN) after the receiver's data
		 * that the sender never answered: closed with it unread.
		 */
		ev->cause = RSTMON_CAUSE_UNREAD_DATA;
	} else if (sf & RSTMON_SF_LAST_DATA && idle < HZ) {
		/* An abort right after its own data: SO_LINGER 0 close. */
		ev->cause = RSTMON_CAUSE_LINGER_ABORT;
	} else {
		ev->cause = RSTMON_CAUSE_APP_ABORT;
	}
	if (new_owner && ev->cause == RSTMON_CAUSE_NO_CONNECTION) {
		ev->evidence |= RSTMON_EV_NEW_OWNER;
		ev->sender = RSTMON_SENDER_PEER;
	}
	/* Half the connection unseen, or its middle: a guess at best. */
	if (ev->evidence & (RSTMON_EV_ONE_WAY | RSTMON_EV_BYPASSED))
		ev->confidence = RSTMON_CONF_SUSPECT;
	rstmon_classify_forgery(x, seg, ev);
}

/**
 * rstmon_classify() - say who sent an RST and why.
 * @x: what the hook knows beyond the segment
 * @seg: the RST
 * @c: its connection, or NULL when untracked
 * @side: the side of @c that sent the RST
 * @ev: filled (all but id and timestamp)
 */
void rstmon_classify(const struct rstmon_rst_ctx *x, const struct rstmon_seg *seg,
		     const struct rstmon_conn *c, int side, struct rstmon_event *ev)
{
	u32 idle = 0;

	BUILD_BUG_ON(RSTMON_ORIG != RSTMON_SIDE_CLIENT || RSTMON_RESP != RSTMON_SIDE_SERVER);
	memset(ev, 0, sizeof(*ev));
	ev->src = seg->saddr;
	ev->dst = seg->daddr;
	ev->sport = seg->sport;
	ev->dport = seg->dport;
	ev->seq = seg->seq;
	ev->ack = seg->ack_seq;
	ev->family = seg->family;
	ev->dir = x->dir;
	ev->ttl = seg->ttl;
	ev->kreason = x->kreason;
	ev->state = 0xff;
	ev->side = RSTMON_SIDE_UNKNOWN;
	ev->closed_first = RSTMON_SIDE_UNKNOWN;
	if (seg->flags & RSTMON_TCP_ACK)
		ev->evidence |= RSTMON_EV_ACK;
	if (seg->payload)
		ev->evidence |= RSTMON_EV_PAYLOAD;

	if (c) {
		const struct rstmon_side *s = &RSTMON_SIDE(c, side), *r = &RSTMON_SIDE(c, !side);
		u8 sf = rstmon_sflags(c, side), rf = rstmon_sflags(c, !side);
		u32 created = rstmon_conn_created(c);

		/* Silence of the side the RST speaks for: the receiver's own
		 * segment that triggered the RST does not end it.
		 */
		idle = x->now - (s->segs ? s->last : created);
		ev->evidence |= RSTMON_EV_TRACKED;
		if (rstmon_conn_cflags(c) & RSTMON_CF_MIDSTREAM)
			ev->evidence |= RSTMON_EV_MIDSTREAM;
		if ((sf | rf) & RSTMON_SF_RST)
			ev->evidence |= RSTMON_EV_REPEATED;
		ev->state = rstmon_conn_state(c);
		ev->side = (rstmon_conn_cflags(c) & RSTMON_CF_MIDSTREAM) ?
			   RSTMON_SIDE_UNKNOWN : side;
		ev->idle_ms = rstmon_jiffies_ms(idle);
		ev->age_ms = rstmon_jiffies_ms(x->now - created);
		ev->bytes[0] = rstmon_side_bytes(c, side);
		ev->bytes[1] = rstmon_side_bytes(c, !side);
		ev->segs[0] = s->segs;
		ev->segs[1] = r->segs;
		ev->ttl_base = s->segs ? c->ttl[side] : 0;
		ev->fin = (sf & RSTMON_SF_FIN ? 1 : 0) | (rf & RSTMON_SF_FIN ? 2 : 0);
		if (sf & RSTMON_SF_FIN)
			ev->fin_ago_ms[0] = rstmon_jiffies_ms(x->now - c->fin[side]);
		if (rf & RSTMON_SF_FIN)
			ev->fin_ago_ms[1] = rstmon_jiffies_ms(x->now - c->fin[!side]);
		ev->seqchk = rstmon_seqchk(seg, c, side);
	}

	switch (x->origin) {
	case RSTMON_ORIGIN_NOSOCK:
		rstmon_classify_firewall(x, seg, c, side, idle, ev);
		break;
	case RSTMON_ORIGIN_CTLSOCK:
		rstmon_classify_ctlsock(seg, c, side, ev);
		break;
	case RSTMON_ORIGIN_FULLSOCK:
		rstmon_classify_fullsock(x, c, ev);
		break;
	case RSTMON_ORIGIN_RAWSOCK:
		/* A local program forged it with a raw socket. */
		ev->sender = RSTMON_SENDER_LOCAL;
		ev->cause = RSTMON_CAUSE_INJECTED;
		ev->confidence = RSTMON_CONF_CERTAIN;
		ev->evidence |= RSTMON_EV_RAW_SOCKET;
		break;
	default:
		rstmon_classify_remote(x, seg, c, side, idle, ev);
		break;
	}
	/*
	 * Data after close: the RST's sender closed first (its FIN came
	 * before the receiver's data).  A server closing first is the HTTP
	 * keep-alive race (its idle timeout fired as the client reused the
	 * connection); a client closing first left the server still sending.
	 */
	if (ev->cause == RSTMON_CAUSE_DATA_AFTER_CLOSE)
		ev->closed_first = ev->side;
}
