/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: TCP segment parser.
 */
#ifndef _RSTMON_PARSE_H
#define _RSTMON_PARSE_H

#include <linux/types.h>
#include <linux/in6.h>

struct sk_buff;

/* Extension headers walked before a chain is called malformed. */
#define RSTMON_MAX_EXTHDRS	16

/* TCP flag bits as they stand in byte 13 of the header. */
#define RSTMON_TCP_FIN	0x01
#define RSTMON_TCP_SYN	0x02
#define RSTMON_TCP_RST	0x04
#define RSTMON_TCP_PSH	0x08
#define RSTMON_TCP_ACK	0x10
#define RSTMON_TCP_URG	0x20
#define RSTMON_TCP_ECE	0x40
#define RSTMON_TCP_CWR	0x80

/* Options found in struct rstmon_seg.opts. */
#define RSTMON_OPT_MSS		BIT(0)
#define RSTMON_OPT_WSCALE	BIT(1)
#define RSTMON_OPT_SACK_OK	BIT(2)
#define RSTMON_OPT_TS		BIT(3)
#define RSTMON_OPT_BAD		BIT(7)	/* option list ended early: bad length */

/**
 * enum rstmon_parse_result - what rstmon_parse() found.
 * @RSTMON_PARSE_TCP: a TCP header was parsed into the segment
 * @RSTMON_PARSE_NOT_TCP: another protocol (or no next header); ignored
 * @RSTMON_PARSE_FRAGMENT: a fragment that does not carry a whole TCP header
 * @RSTMON_PARSE_MALFORMED: truncated or inconsistent headers
 */
enum rstmon_parse_result {
	RSTMON_PARSE_TCP,
	RSTMON_PARSE_NOT_TCP,
	RSTMON_PARSE_FRAGMENT,
	RSTMON_PARSE_MALFORMED,
};

/**
 * struct rstmon_seg - the facts of one TCP segment that rstmon uses.
 * @saddr: source address (IPv4 as an IPv4-mapped IPv6 address)
 * @daddr: destination address (likewise)
 * @sport: source port, network order
 * @dport: destination port, network order
 * @seq: sequence number
 * @ack_seq: acknowledgment number
 * @payload: TCP payload bytes (for a GSO packet: of all its segments)
 * @window: raw window field (unscaled)
 * @ipid: IPv4 identification (0 for IPv6)
 * @mss: MSS option value, when @opts has RSTMON_OPT_MSS
 * @family: AF_INET or AF_INET6
 * @ttl: IPv4 TTL or IPv6 hop limit
 * @flags: TCP flags (RSTMON_TCP_*)
 * @doff: TCP header length in bytes
 * @wscale: window scale option, when @opts has RSTMON_OPT_WSCALE
 * @opts: RSTMON_OPT_* bits of the options present
 * @df: IPv4 don't-fragment bit set (always true for IPv6)
 * @thoff: offset of the TCP header from skb->data
 */
struct rstmon_seg {
	struct in6_addr saddr;
	struct in6_addr daddr;
	__be16 sport;
	__be16 dport;
	u32 seq;
	u32 ack_seq;
	u32 payload;
	u16 window;
	u16 ipid;
	u16 mss;
	u8 family;
	u8 ttl;
	u8 flags;
	u8 doff;
	u8 wscale;
	u8 opts;
	bool df;
	u32 thoff;
};

enum rstmon_parse_result rstmon_parse(const struct sk_buff *skb, u8 nfproto,
				      struct rstmon_seg *seg);

#endif /* _RSTMON_PARSE_H */
