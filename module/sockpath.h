/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: the socket path.  A local connection's socket already knows what
 * its data segments would write into the table; such a segment touches no
 * table at all (module/sockpath.c).
 */
#ifndef _RSTMON_SOCKPATH_H
#define _RSTMON_SOCKPATH_H

#include <linux/hash.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jiffies.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "rstmon.h"

struct rstmon_conn;

/* Segments each way of a socket that always take the table (its start). */
#define RSTMON_SOCK_WARMUP	8
/* One segment in 2^6 of each direction takes the table (its sample). */
#define RSTMON_SOCK_SAMPLE_SHIFT	6
/* A segment after this long without one from the peer takes the table. */
#define RSTMON_SOCK_QUIET	(HZ / 4)

/*
 * A socket's field read without its lock: its owner writes it whole (each
 * is a naturally aligned word or less), and a value one segment old only
 * sends a segment to the table or an entry one segment behind.
 */
#define rstmon_sk_read(x)	data_race(x)

extern bool rstmon_sock_path_on;
extern unsigned long rstmon_sock_from;

/**
 * struct rstmon_peek - the first look at a segment, before the namespace's
 *	state is read: is it TCP at all, and where its header is.
 * @thoff: offset of the TCP header (0: only rstmon_parse() can tell)
 * @data: it carries payload, when @thoff is set
 * @flags: its TCP flags, when @thoff is set
 */
struct rstmon_peek {
	unsigned int thoff;
	bool data;
	u8 flags;
};

/*
 * rstmon_peek() - false when @skb is surely not TCP.  With @tcp (a
 * segment that may take the socket path), an IPv4 header without
 * options, or an IPv6 header followed directly by TCP, also gives the TCP
 * header's offset and flags; anything else (options, extension headers, a
 * fragment, a header that does not add up) is left to rstmon_parse(),
 * which also counts what is malformed.
 */
static __always_inline bool rstmon_peek(const struct sk_buff *skb, u8 pf, bool tcp,
					struct rstmon_peek *p)
{
	unsigned int nhoff = skb_network_offset(skb), thoff;
	const u8 *th;
	u8 proto;
	u8 b[20];

	p->thoff = 0;
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = skb_header_pointer(skb, nhoff, sizeof(*iph), b);

		if (!iph)
			return true;
		proto = iph->protocol;
		if (proto != IPPROTO_TCP)
			return false;
		if (!tcp || iph->ihl != 5 || (iph->frag_off & htons(IP_MF | IP_OFFSET)))
			return true;
		thoff = nhoff + sizeof(*iph);
	} else {
		const u8 *nh = skb_header_pointer(skb, nhoff + offsetof(struct ipv6hdr, nexthdr),
						  1, b);

		if (!nh)
			return true;
		proto = *nh;
		if (proto != IPPROTO_TCP)
			return ipv6_ext_hdr(proto);
		if (!tcp)
			return true;
		thoff = nhoff + sizeof(struct ipv6hdr);
	}
	/* Data offset and flags: bytes 12 and 13 of the TCP header. */
	th = skb_header_pointer(skb, thoff + 12, 2, b);
	if (th && th[0] >> 4 >= 5 && thoff + (th[0] >> 4) * 4 <= skb->len) {
		p->thoff = thoff;
		p->data = thoff + (th[0] >> 4) * 4 < skb->len;
		p->flags = th[1];
	}
	return true;
}

/*
 * jiffies (tcp_jiffies32) of the last segment @sk heard from its peer: the
 * later of its last ACK (rcv_tstamp) and its last data (lrcvtime).
 */
static inline u32 rstmon_sk_heard(const struct sock *sk)
{
	u32 ack = rstmon_sk_read(tcp_sk(sk)->rcv_tstamp);
	u32 data = rstmon_sk_read(inet_csk(sk)->icsk_ack.lrcvtime);

	return (s32)(data - ack) > 0 ? data : ack;
}

/* The slot of @sk in the attention bitmap. */
static inline unsigned int rstmon_attn_slot(const struct sock *sk)
{
	return hash_ptr(sk, RSTMON_ATTN_SHIFT);
}

/* Did a segment of @sk's connection ask for the table lately? */
static inline bool rstmon_attn_test(const struct rstmon_net *rn, const struct sock *sk)
{
	unsigned int bit = 2 * rstmon_attn_slot(sk);

	return (atomic_long_read(&rn->attn.bits[BIT_WORD(bit)]) >> (bit % BITS_PER_LONG)) & 3;
}

/**
 * rstmon_sock_skip() - may this segment skip the table?
 * @rn: the namespace's state
 * @skb: the segment
 * @dir: where it is seen
 * @p: what rstmon_peek() found
 *
 * Yes when its socket is at hand and holds everything the segment would
 * have written: a full TCP socket in ESTABLISHED, not orphaned, and a
 * segment with no SYN, FIN, RST or URG.  Some of those segments still
 * take the table, so that it holds what the socket does not (the TTL and
 * IPv4 ID a peer sends with, a silence it survived) and never lags far:
 * the socket's first RSTMON_SOCK_WARMUP segments each way, one in
 * 2^RSTMON_SOCK_SAMPLE_SHIFT of each direction, a segment after
 * RSTMON_SOCK_QUIET without one from the peer, payload in the jiffy the
 * other side's last payload came in (which side sent the last payload is
 * decided by the table when the socket's times cannot tell them apart),
 * every segment for a second
 * after the module loaded or the path was switched on (connections older
 * than rstmon get their entry), and every segment of a connection that
 * had an RST in the last minute or two (rstmon_attn_set()).  The socket's
 * fields are read without its lock: each is a word its owner writes whole,
 * and a stale value only sends the segment to the table.
 * Context: the hook; RCU read side.
 */
static __always_inline bool rstmon_sock_skip(const struct rstmon_net *rn,
					     const struct sk_buff *skb,
					     enum rstmon_dir dir,
					     const struct rstmon_peek *p)
{
	const struct sock *sk = skb->sk;
	const struct tcp_sock *tp;
	unsigned long j;
	u32 now, segs, other, n, odata;

	if (!sk || dir == RSTMON_DIR_FWD || !p->thoff ||
	    (p->flags & (TCPHDR_SYN | TCPHDR_FIN | TCPHDR_RST | TCPHDR_URG)))
		return false;
	/* ESTABLISHED is a full socket's state: its type can be read. */
	if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED || sk->sk_protocol != IPPROTO_TCP ||
	    sk->sk_type != SOCK_STREAM || sock_flag(sk, SOCK_DEAD))
		return false;
	if (!READ_ONCE(rstmon_sock_path_on))
		return false;
	/* A socket's stamps are tcp_jiffies32; the start is in full jiffies. */
	j = jiffies;
	now = j;
	if (time_before(j, READ_ONCE(rstmon_sock_from)))
		return false;
	tp = tcp_sk(sk);
	n = max_t(u32, skb_shinfo(skb)->gso_segs, 1);
	if (dir == RSTMON_DIR_IN) {
		/* Not counted yet: this skb's segments come after segs_in. */
		segs = rstmon_sk_read(tp->segs_in);
		other = rstmon_sk_read(tp->segs_out);
		odata = rstmon_sk_read(tp->lsndtime);
		if ((segs + n) >> RSTMON_SOCK_SAMPLE_SHIFT != segs >> RSTMON_SOCK_SAMPLE_SHIFT)
			return false;
	} else {
		/* Counted already (__tcp_transmit_skb()): they end at segs_out. */
		segs = rstmon_sk_read(tp->segs_out);
		other = rstmon_sk_read(tp->segs_in);
		odata = rstmon_sk_read(inet_csk(sk)->icsk_ack.lrcvtime);
		if ((segs - n) >> RSTMON_SOCK_SAMPLE_SHIFT != segs >> RSTMON_SOCK_SAMPLE_SHIFT)
			return false;
	}
	if (segs < RSTMON_SOCK_WARMUP || other < RSTMON_SOCK_WARMUP ||
	    (p->data && odata == now))
		return false;
	if ((s32)(now - rstmon_sk_heard(sk)) >= RSTMON_SOCK_QUIET)
		return false;
	return !rstmon_attn_test(rn, sk);
}

bool rstmon_sock_local(const struct sock *sk);
void rstmon_sock_sync(struct rstmon_conn *c, int lside, const struct sock *sk, u32 now);
void rstmon_attn_set(struct rstmon_net *rn, const struct sock *sk);
void rstmon_sock_path_start(void);
const char *rstmon_sock_path_state(void);

#endif /* _RSTMON_SOCKPATH_H */
