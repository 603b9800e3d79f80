// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: did the receiving stack accept an RST, and what did it carry.
 *
 * An RST that comes in to a local connection does not always end it.
 * rstmon's LOCAL_IN hook runs before TCP sees the RST; the local socket's
 * state at that moment decides what TCP will do, by the rules below
 * (checked in the 6.1, 6.12 and 7.2 sources):
 *
 *  - A full socket in SYN-SENT (tcp_rcv_synsent_state_process()) is reset
 *    only by an RST with an acceptable ACK (snd_una < ack <= snd_nxt);
 *    anything else is discarded.
 *  - A listener, or a closed socket, discards every RST.
 *  - Any other full socket (tcp_validate_incoming()): an RST whose
 *    sequence number is rcv_nxt - 1 in CLOSE-WAIT, LAST-ACK or CLOSING
 *    (tcp_reset_check(): the peer's FIN counted) resets, in the window or
 *    not.  Outside the receive window (tcp_sequence(): ending before
 *    rcv_wup, or starting beyond rcv_nxt plus the window) it is ignored.
 *    Inside, exactly rcv_nxt, or the end of the right-most SACK block,
 *    resets; every other sequence number is discarded and answered with a
 *    challenge ACK (RFC 5961; the ACK itself is rate-limited, the RST is
 *    discarded either way).  PAWS never rejects an RST.
 *  - A request socket (tcp_check_req()): an RST with an ACK other than the
 *    SYN-ACK's is handed to the listener, which discards it; otherwise one
 *    in the window (rcv_nxt up to the SYN-ACK's window) drops the request.
 *  - A TIME-WAIT socket (tcp_timewait_state_process()): in its FIN-WAIT2
 *    substate an RST in the window kills it; in TIME-WAIT proper one with
 *    exactly rcv_nxt does, unless net.ipv4.tcp_rfc1337 is set.
 *  - No socket: nothing to reset.
 *
 * What TCP checks before (checksum, a socket filter, TCP-MD5 or TCP-AO
 * signatures, IP_MINTTL) is not repeated here: a segment dropped by one of
 * them reads as accepted or challenged all the same.  A challenged RST
 * is confirmed when its receiver's challenge ACK is seen leaving
 * (rstmon_accept_answer(): evidence challenge-ack); one whose "sender"
 * then goes on sending data was not its: the event is amended to an
 * injection (rstmon_ring_amend_injected()).  An ignored or challenged RST
 * leaves the connection's entry in its state (rstmon_accept_lives()).
 *
 * The socket's fields are read without its lock: the answer is the one
 * TCP gives an instant later, unless a segment or timer of another CPU
 * moves the state in between.
 */
#include <linux/netfilter.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <net/inet_timewait_sock.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "rstmon.h"
#include "compat.h"
#include "parse.h"
#include "event.h"
#include "accept.h"
#include "accept_names.h"

/* tcp_in_window() of tcp_minisocks.c. */
static bool rstmon_in_window(u32 seq, u32 end_seq, u32 s_win, u32 e_win)
{
	if (seq == s_win)
		return true;
	if (after(end_seq, s_win) && before(seq, e_win))
		return true;
	return seq == e_win && seq == end_seq;
}

/* The end of the right-most SACK block the socket sends, or rcv_nxt. */
static u32 rstmon_max_sack(const struct tcp_sock *tp, u32 nxt)
{
	/* Bitfields, READ_ONCE() cannot read them: racy by design (above). */
	unsigned int i, n = (unsigned int)data_race((unsigned int)tp->rx_opt.num_sacks);
	u32 max;

	/* As num_sacks: a bitfield, read without the socket's lock. */
	if (!data_race((unsigned int)tp->rx_opt.sack_ok) || !n)
		return nxt;
	n = min_t(unsigned int, n, TCP_NUM_SACKS);
	max = READ_ONCE(tp->selective_acks[0].end_seq);
	for (i = 1; i < n; i++) {
		u32 e = READ_ONCE(tp->selective_acks[i].end_seq);

		if (after(e, max))
			max = e;
	}
	return max;
}

static u8 rstmon_accept_full(const struct sock *sk, const struct rstmon_seg *seg)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 seq = seg->seq, end = seg->seq + seg->payload;
	u32 nxt = READ_ONCE(tp->rcv_nxt);
	int state = READ_ONCE(sk->sk_state);

	switch (state) {
	case TCP_SYN_SENT:
		return (seg->flags & RSTMON_TCP_ACK) &&
		       after(seg->ack_seq, READ_ONCE(tp->snd_una)) &&
		       !after(seg->ack_seq, READ_ONCE(tp->snd_nxt)) ?
		       RSTMON_ACCEPTED_YES : RSTMON_ACCEPTED_NO;
	case TCP_LISTEN:
	case TCP_CLOSE:
		return RSTMON_ACCEPTED_NO;
	}
	if (seq == nxt - 1 && ((1 << state) & (TCPF_CLOSE_WAIT | TCPF_LAST_ACK | TCPF_CLOSING)))
		return RSTMON_ACCEPTED_YES;
	if (before(end, READ_ONCE(tp->rcv_wup)) || after(seq, nxt + rstmon_rcv_window(tp)))
		return RSTMON_ACCEPTED_NO;
	if (seq == nxt || seq == rstmon_max_sack(tp, nxt))
		return RSTMON_ACCEPTED_YES;
	return RSTMON_ACCEPTED_CHALLENGED;
}

static u8 rstmon_accept_req(const struct sock *sk, const struct rstmon_seg *seg)
{
	const struct request_sock *req = inet_reqsk((struct sock *)sk);
	const struct tcp_request_sock *treq = tcp_rsk(req);
	u32 nxt = READ_ONCE(treq->rcv_nxt);

	if ((seg->flags & RSTMON_TCP_ACK) && seg->ack_seq != treq->snt_isn + 1)
		return RSTMON_ACCEPTED_NO;
	return rstmon_in_window(seg->seq, seg->seq + seg->payload, nxt,
				nxt + min(READ_ONCE(req->rsk_rcv_wnd), 65535U)) ?
	       RSTMON_ACCEPTED_YES : RSTMON_ACCEPTED_NO;
}

static u8 rstmon_accept_tw(const struct sock *sk, const struct rstmon_seg *seg)
{
	const struct tcp_timewait_sock *tw = tcp_twsk(sk);
	u32 nxt = READ_ONCE(tw->tw_rcv_nxt);

	/* Set once when the TIME-WAIT socket is made (a byte). */
	if (data_race(inet_twsk(sk)->tw_substate) == TCP_FIN_WAIT2)
		return rstmon_in_window(seg->seq, seg->seq + seg->payload, nxt,
					nxt + READ_ONCE(tw->tw_rcv_wnd)) ?
		       RSTMON_ACCEPTED_YES : RSTMON_ACCEPTED_NO;
	return seg->seq == nxt && !READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_rfc1337) ?
	       RSTMON_ACCEPTED_YES : RSTMON_ACCEPTED_NO;
}

/**
 * rstmon_accept_predict() - what TCP will do with an RST that came in.
 * @sk: the local end of its connection (any kind of TCP socket), or NULL
 * @seg: the RST
 *
 * Return: &enum rstmon_accepted.
 */
u8 rstmon_accept_predict(const struct sock *sk, const struct rstmon_seg *seg)
{
	if (!sk)
		return RSTMON_ACCEPTED_NO;
	switch (READ_ONCE(sk->sk_state)) {
	case TCP_TIME_WAIT:
		return rstmon_accept_tw(sk, seg);
	case TCP_NEW_SYN_RECV:
		return rstmon_accept_req(sk, seg);
	default:
		return rstmon_accept_full(sk, seg);
	}
}

/**
 * rstmon_accept_rst() - the last facts of an RST's event: its payload's
 *	first bytes, and the count of what its receiving stack did.
 * @rn: the namespace's state
 * @skb: the RST
 * @seg: its parsed header
 * @ev: its event, attributed (rstmon_attr_rst() set @ev->accepted)
 */
void rstmon_accept_rst(struct rstmon_net *rn, const struct sk_buff *skb,
		       const struct rstmon_seg *seg, struct rstmon_event *ev)
{
	static const u8 stat[] = {
		[RSTMON_ACCEPTED_YES] = RSTMON_STAT_RST_ACCEPTED,
		[RSTMON_ACCEPTED_NO] = RSTMON_STAT_RST_IGNORED,
		[RSTMON_ACCEPTED_CHALLENGED] = RSTMON_STAT_RST_CHALLENGED,
	};
	u32 off = seg->thoff + seg->doff, n = 0;
	const u8 *p;

	if (ev->accepted && ev->accepted < ARRAY_SIZE(stat))
		rstmon_count(rn, stat[ev->accepted]);
	if (!seg->payload)
		return;
	ev->rst_payload_len = seg->payload;
	/* A first fragment holds less than its TCP header announces. */
	if (off < skb->len)
		n = min3(seg->payload, skb->len - off, (u32)RSTMON_RST_PAYLOAD_MAX);
	p = n ? skb_header_pointer(skb, off, n, ev->rst_payload) : NULL;
	if (!p)
		n = 0;
	else if (p != ev->rst_payload)
		memcpy(ev->rst_payload, p, n);
	ev->rst_payload_kept = n;
}

/**
 * rstmon_accept_lives() - does the connection outlive a received RST?
 * @ev: the RST's event
 *
 * Ignored or challenged by a socket that is there: the connection goes
 * on, and its entry keeps its state.  With no socket (or its socket gone)
 * there is nothing left to go on.
 */
bool rstmon_accept_lives(const struct rstmon_event *ev)
{
	return ev->accepted == RSTMON_ACCEPTED_CHALLENGED ||
	       (ev->accepted == RSTMON_ACCEPTED_NO && ev->sock != RSTMON_SOCK_NONE &&
		ev->sock != RSTMON_SOCK_GONE);
}

/**
 * rstmon_accept_answer() - the first segment of the receiver of an RST
 *	predicted challenged, after it.
 * @rn: the namespace's state
 * @dir: where @seg was seen
 * @seg: the segment
 *
 * tcp_send_challenge_ack() sends a pure ACK while TCP handles the RST, so
 * it is the receiver's next segment out: this one, when it is a pure ACK
 * leaving this host, confirms the prediction (evidence challenge-ack).
 * Anything else means the ACK was rate-limited (per socket,
 * net.ipv4.tcp_invalid_ratelimit after another out-of-window answer; per
 * namespace, net.ipv4.tcp_challenge_ack_limit) or the RST never reached
 * TCP (a bad checksum): the event stays unconfirmed.  Only the one
 * segment that clears RSTMON_CF_CHALLENGE comes here.
 */
void rstmon_accept_answer(struct rstmon_net *rn, int dir, const struct rstmon_seg *seg)
{
	struct rstmon_event key = {
		.src = seg->daddr,
		.dst = seg->saddr,
		.sport = seg->dport,
		.dport = seg->sport,
		.dir = RSTMON_DIR_IN,
	};

	if (dir != RSTMON_DIR_OUT || seg->payload ||
	    (seg->flags & (RSTMON_TCP_SYN | RSTMON_TCP_FIN | RSTMON_TCP_ACK)) != RSTMON_TCP_ACK)
		return;
	if (rstmon_ring_amend_challenge(&rn->ring, &key))
		rstmon_count(rn, RSTMON_STAT_AMENDED);
}

/* The event's attributes of this file (genl.c). */
int rstmon_accept_put(struct sk_buff *msg, const struct rstmon_event *ev)
{
	if (ev->accepted && nla_put_u8(msg, RSTMON_E_ACCEPTED, ev->accepted))
		return -EMSGSIZE;
	if (ev->closed_first != RSTMON_SIDE_UNKNOWN &&
	    nla_put_u8(msg, RSTMON_E_CLOSED_FIRST, ev->closed_first))
		return -EMSGSIZE;
	if (!ev->rst_payload_len)
		return 0;
	if (nla_put(msg, RSTMON_E_RST_PAYLOAD, ev->rst_payload_kept, ev->rst_payload) ||
	    nla_put_u32(msg, RSTMON_E_RST_PAYLOAD_LEN, ev->rst_payload_len))
		return -EMSGSIZE;
	return 0;
}

/*
 * The event's fields of this file (proc.c): accepted= and closed_first=
 * always, as every key of the line ("-" when they do not apply: an RST
 * sent or forwarded, a cause other than data-after-close); then, only
 * when the RST had a payload, rst_payload="..." (escaped:
 * rstmon_payload_escape()), "..." after the closing quote when cut, and
 * rst_payload_len=.
 */
void rstmon_accept_show(struct seq_file *m, const struct rstmon_event *ev)
{
	static const char *const sides[] = { "client", "server" };
	char esc[RSTMON_PAYLOAD_ESC_LEN(RSTMON_RST_PAYLOAD_MAX)];

	seq_printf(m, " accepted=%s closed_first=%s", rstmon_accepted_name(ev->accepted),
		   ev->closed_first < RSTMON_SIDE_UNKNOWN ? sides[ev->closed_first] : "-");
	if (!ev->rst_payload_len)
		return;
	rstmon_payload_escape(esc, ev->rst_payload, ev->rst_payload_kept);
	seq_printf(m, " rst_payload=\"%s\"%s rst_payload_len=%u", esc,
		   ev->rst_payload_kept < ev->rst_payload_len ? "..." : "",
		   ev->rst_payload_len);
}
