// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: KUnit tests.
 *
 * This module compiles the pure logic it tests straight from module/ and needs
 * nothing of rstmon.ko.  It has two parts:
 *
 *  - packet builders: craft IPv4 or IPv6 + TCP packets into a buffer, then put
 *    the packet into an skb, linear or spread over page fragments;
 *  - suites, one per piece of logic; rstmon_parse tests rstmon_parse()
 *    against well-formed, truncated, lying and unusual packets.
 *
 * Buffers come from kunit_kzalloc() and go with the test.  No skb is ever held
 * across a KUNIT_ASSERT_*(): a case frees its skb before it asserts, so a
 * failing case leaks nothing.
 */
#include "../../module/parse.c"

#include <kunit/test.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/string.h>
#include <net/ip.h>
#include <net/tcp.h>

/* ------------------------------------------------------------------------ */
/* Packet builders                                                          */
/* ------------------------------------------------------------------------ */

#define RSTMON_TEST_SADDR4	0xc0000201	/* 192.0.2.1 */
#define RSTMON_TEST_DADDR4	0xc6336402	/* 198.51.100.2 */
#define RSTMON_TEST_FILL	0xa5	/* payload and opaque header bytes */
#define RSTMON_TEST_JUNK	0xee	/* bytes in front of the network header */

/* The IPv4 addresses above as rstmon_seg carries them: IPv4-mapped. */
static const struct in6_addr rstmon_test_saddr4_mapped = {
	.s6_addr = { [10] = 0xff, 0xff, 192, 0, 2, 1 },
};

static const struct in6_addr rstmon_test_daddr4_mapped = {
	.s6_addr = { [10] = 0xff, 0xff, 198, 51, 100, 2 },
};

static const struct in6_addr rstmon_test_saddr6 = {	/* 2001:db8::1 */
	.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 },
};

static const struct in6_addr rstmon_test_daddr6 = {	/* 2001:db8:0:1::beef */
	.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, [14] = 0xbe, 0xef },
};

/* The options of a Linux SYN: MSS 1460, SACK permitted, timestamps, window scale 7. */
static const u8 rstmon_test_syn_opts[] = {
	TCPOPT_MSS, TCPOLEN_MSS, 0x05, 0xb4,
	TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM,
	TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP, 0x00, 0x01, 0x02, 0x03, 0, 0, 0, 0,
	TCPOPT_NOP,
	TCPOPT_WINDOW, TCPOLEN_WINDOW, 7,
};

/* The options of an established Linux segment: NOP, NOP, timestamps. */
static const u8 rstmon_test_ts_opts[] = {
	TCPOPT_NOP, TCPOPT_NOP,
	TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP, 0x00, 0x01, 0x02, 0x03, 0x0a, 0x0b, 0x0c, 0x0d,
};

/**
 * struct rstmon_test_tcp - the TCP part of a crafted packet.
 * @sport: source port
 * @dport: destination port
 * @seq: sequence number
 * @ack_seq: acknowledgment number
 * @window: window field
 * @flags: flag byte (RSTMON_TCP_*)
 * @opts: option bytes, or NULL
 * @optlen: bytes of @opts, at most MAX_TCP_OPTION_SPACE; padded with EOL to 4
 * @payload: payload bytes, all RSTMON_TEST_FILL
 */
struct rstmon_test_tcp {
	u16 sport;
	u16 dport;
	u32 seq;
	u32 ack_seq;
	u16 window;
	u8 flags;
	const u8 *opts;
	unsigned int optlen;
	unsigned int payload;
};

/**
 * struct rstmon_test_ip4 - the IPv4 header of a crafted packet.
 * @saddr: source address, host order
 * @daddr: destination address, host order
 * @id: identification
 * @frag_off: fragment field, host order: IP_DF, IP_MF and the offset
 * @ttl: time to live
 * @protocol: next protocol
 * @optlen: bytes of IP options (all NOP), a multiple of 4 up to 40
 *
 * tot_len is the length of the packet built, or 0 past 64 KiB (BIG TCP).
 */
struct rstmon_test_ip4 {
	u32 saddr;
	u32 daddr;
	u16 id;
	u16 frag_off;
	u8 ttl;
	u8 protocol;
	u8 optlen;
};

/**
 * struct rstmon_test_ext - one IPv6 extension header of a crafted packet.
 * @type: NEXTHDR_* of the header; anything but NEXTHDR_FRAGMENT and
 *	NEXTHDR_AUTH is laid out as a generic option header
 * @hdrlen: the length field (8-byte units past the first 8, 4-byte units past
 *	the first 8 for AH); unused for a fragment header
 * @frag_off: fragment header: the frag_off field in host order (offset in
 *	8-byte units shifted left by 3, IP6_MF)
 */
struct rstmon_test_ext {
	u8 type;
	u8 hdrlen;
	u16 frag_off;
};

/**
 * struct rstmon_test_ip6 - the IPv6 headers of a crafted packet.
 * @saddr: source address
 * @daddr: destination address
 * @hop_limit: hop limit
 * @protocol: the upper-layer protocol after the extension headers
 * @n_ext: number of extension headers
 * @ext: the extension headers, in order
 *
 * payload_len is the length of what follows the header, or 0 past 64 KiB.
 */
struct rstmon_test_ip6 {
	struct in6_addr saddr;
	struct in6_addr daddr;
	u8 hop_limit;
	u8 protocol;
	unsigned int n_ext;
	const struct rstmon_test_ext *ext;
};

/**
 * struct rstmon_test_pkt - a crafted packet.
 * @data: its bytes, from the network header on (test-managed memory)
 * @len: bytes of @data
 * @l4off: offset of the TCP header in @data
 */
struct rstmon_test_pkt {
	u8 *data;
	unsigned int len;
	unsigned int l4off;
};

/**
 * rstmon_test_tcp_init() - defaults for the TCP part of a packet.
 * @tcp: filled with an ACK from port 40000 to 443, no options, no payload
 */
static void rstmon_test_tcp_init(struct rstmon_test_tcp *tcp)
{
	*tcp = (struct rstmon_test_tcp) {
		.sport = 40000,
		.dport = 443,
		.seq = 0xdeadbeef,
		.ack_seq = 0x8badf00d,
		.window = 502,
		.flags = RSTMON_TCP_ACK,
	};
}

/**
 * rstmon_test_ip4_init() - defaults for an IPv4 header.
 * @ip: filled with a TCP header from 192.0.2.1 to 198.51.100.2, DF, TTL 64
 */
static void rstmon_test_ip4_init(struct rstmon_test_ip4 *ip)
{
	*ip = (struct rstmon_test_ip4) {
		.saddr = RSTMON_TEST_SADDR4,
		.daddr = RSTMON_TEST_DADDR4,
		.id = 0x1234,
		.frag_off = IP_DF,
		.ttl = 64,
		.protocol = IPPROTO_TCP,
	};
}

/**
 * rstmon_test_ip6_init() - defaults for IPv6 headers.
 * @ip6: filled with 2001:db8::1 to 2001:db8:0:1::beef, hop limit 64, TCP, no
 *	extension headers
 */
static void rstmon_test_ip6_init(struct rstmon_test_ip6 *ip6)
{
	*ip6 = (struct rstmon_test_ip6) {
		.saddr = rstmon_test_saddr6,
		.daddr = rstmon_test_daddr6,
		.hop_limit = 64,
		.protocol = IPPROTO_TCP,
	};
}

/**
 * rstmon_test_tcp_hlen() - length of the TCP header a spec builds.
 * @tcp: the spec
 *
 * Return: header length in bytes, options and their padding included.
 */
static unsigned int rstmon_test_tcp_hlen(const struct rstmon_test_tcp *tcp)
{
	return sizeof(struct tcphdr) + ALIGN(tcp->optlen, 4);
}

/**
 * rstmon_test_put_tcp() - write a TCP segment.
 * @p: where to write, rstmon_test_tcp_hlen() + payload zeroed bytes
 * @tcp: the spec
 */
static void rstmon_test_put_tcp(u8 *p, const struct rstmon_test_tcp *tcp)
{
	struct tcphdr *th = (struct tcphdr *)p;
	unsigned int hlen = rstmon_test_tcp_hlen(tcp);

	th->source = htons(tcp->sport);
	th->dest = htons(tcp->dport);
	th->seq = htonl(tcp->seq);
	th->ack_seq = htonl(tcp->ack_seq);
	th->doff = hlen / 4;
	tcp_flag_byte(th) = tcp->flags;
	th->window = htons(tcp->window);
	if (tcp->optlen)
		memcpy(p + sizeof(*th), tcp->opts, tcp->optlen);
	memset(p + hlen, RSTMON_TEST_FILL, tcp->payload);
}

/**
 * rstmon_test_pkt_alloc() - a zeroed packet buffer, freed with the test.
 * @test: the test
 * @len: bytes
 *
 * Return: the packet; the test is aborted when out of memory.
 */
static struct rstmon_test_pkt *rstmon_test_pkt_alloc(struct kunit *test, unsigned int len)
{
	struct rstmon_test_pkt *pkt;

	pkt = kunit_kzalloc(test, sizeof(*pkt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	pkt->data = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pkt->data);
	pkt->len = len;
	return pkt;
}

/**
 * rstmon_test_build_ipv4() - craft an IPv4 packet carrying a TCP segment.
 * @test: the test
 * @ip: the IPv4 header (with another @ip->protocol the TCP bytes are its body)
 * @tcp: the TCP segment
 *
 * Return: the packet; the test is aborted when out of memory or on a bad spec.
 */
static struct rstmon_test_pkt *rstmon_test_build_ipv4(struct kunit *test,
						      const struct rstmon_test_ip4 *ip,
						      const struct rstmon_test_tcp *tcp)
{
	unsigned int ihl = sizeof(struct iphdr) + ip->optlen;
	struct rstmon_test_pkt *pkt;
	struct iphdr *iph;

	KUNIT_ASSERT_TRUE(test, ip->optlen % 4 == 0 && ip->optlen <= 40);
	KUNIT_ASSERT_LE(test, tcp->optlen, MAX_TCP_OPTION_SPACE);
	pkt = rstmon_test_pkt_alloc(test, ihl + rstmon_test_tcp_hlen(tcp) + tcp->payload);
	iph = (struct iphdr *)pkt->data;
	iph->version = 4;
	iph->ihl = ihl / 4;
	iph->tot_len = htons(pkt->len <= U16_MAX ? pkt->len : 0);
	iph->id = htons(ip->id);
	iph->frag_off = htons(ip->frag_off);
	iph->ttl = ip->ttl;
	iph->protocol = ip->protocol;
	iph->saddr = htonl(ip->saddr);
	iph->daddr = htonl(ip->daddr);
	memset(pkt->data + sizeof(*iph), IPOPT_NOOP, ip->optlen);
	pkt->l4off = ihl;
	rstmon_test_put_tcp(pkt->data + ihl, tcp);
	return pkt;
}

/**
 * rstmon_test_ext_len() - length of an IPv6 extension header a spec builds.
 * @ext: the spec
 *
 * Return: the length in bytes, by the rules of its type.
 */
static unsigned int rstmon_test_ext_len(const struct rstmon_test_ext *ext)
{
	switch (ext->type) {
	case NEXTHDR_FRAGMENT:
		return sizeof(struct frag_hdr);
	case NEXTHDR_AUTH:	/* RFC 4302: in 4-byte units, minus 2 */
		return (ext->hdrlen + 2) * 4;
	}
	return (ext->hdrlen + 1) * 8;	/* RFC 8200: in 8-byte units, minus 1 */
}

/**
 * rstmon_test_put_ext() - write an IPv6 extension header.
 * @p: where to write, rstmon_test_ext_len() zeroed bytes
 * @ext: the spec
 * @next: its next header field
 */
static void rstmon_test_put_ext(u8 *p, const struct rstmon_test_ext *ext, u8 next)
{
	unsigned int len = rstmon_test_ext_len(ext);
	struct frag_hdr *fh;

	p[0] = next;
	switch (ext->type) {
	case NEXTHDR_FRAGMENT:
		fh = (struct frag_hdr *)p;
		fh->frag_off = htons(ext->frag_off);
		fh->identification = htonl(0x12345678);
		return;
	case NEXTHDR_HOP:
	case NEXTHDR_DEST:
		/* One PadN option fills the header. */
		p[1] = ext->hdrlen;
		p[2] = IPV6_TLV_PADN;
		p[3] = len - 4;
		return;
	}
	p[1] = ext->hdrlen;
	memset(p + 2, RSTMON_TEST_FILL, len - 2);
}

/**
 * rstmon_test_build_ipv6() - craft an IPv6 packet carrying a TCP segment.
 * @test: the test
 * @ip6: the IPv6 header and extension headers
 * @tcp: the TCP segment (the body of whatever @ip6->protocol says)
 *
 * Return: the packet; the test is aborted when out of memory or on a bad spec.
 */
static struct rstmon_test_pkt *rstmon_test_build_ipv6(struct kunit *test,
						      const struct rstmon_test_ip6 *ip6,
						      const struct rstmon_test_tcp *tcp)
{
	unsigned int i, off = sizeof(struct ipv6hdr), plen;
	struct rstmon_test_pkt *pkt;
	struct ipv6hdr *ip6h;

	KUNIT_ASSERT_LE(test, tcp->optlen, MAX_TCP_OPTION_SPACE);
	for (i = 0; i < ip6->n_ext; i++)
		off += rstmon_test_ext_len(&ip6->ext[i]);
	pkt = rstmon_test_pkt_alloc(test, off + rstmon_test_tcp_hlen(tcp) + tcp->payload);
	plen = pkt->len - sizeof(*ip6h);
	ip6h = (struct ipv6hdr *)pkt->data;
	ip6h->version = 6;
	ip6h->flow_lbl[0] = 0x0a;
	ip6h->flow_lbl[1] = 0xbc;
	ip6h->flow_lbl[2] = 0xde;
	ip6h->payload_len = htons(plen <= U16_MAX ? plen : 0);
	ip6h->nexthdr = ip6->n_ext ? ip6->ext[0].type : ip6->protocol;
	ip6h->hop_limit = ip6->hop_limit;
	ip6h->saddr = ip6->saddr;
	ip6h->daddr = ip6->daddr;
	off = sizeof(*ip6h);
	for (i = 0; i < ip6->n_ext; i++) {
		rstmon_test_put_ext(pkt->data + off, &ip6->ext[i],
				    i + 1 < ip6->n_ext ? ip6->ext[i + 1].type : ip6->protocol);
		off += rstmon_test_ext_len(&ip6->ext[i]);
	}
	pkt->l4off = off;
	rstmon_test_put_tcp(pkt->data + off, tcp);
	return pkt;
}

/**
 * rstmon_test_pkt_pad() - append zero bytes the headers do not account for.
 * @test: the test
 * @pkt: the packet; its headers are left alone
 * @n: bytes to append (like Ethernet padding of a short frame)
 */
static void rstmon_test_pkt_pad(struct kunit *test, struct rstmon_test_pkt *pkt, unsigned int n)
{
	u8 *data = kunit_kzalloc(test, pkt->len + n, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, data);
	memcpy(data, pkt->data, pkt->len);
	pkt->data = data;
	pkt->len += n;
}

/**
 * rstmon_test_copy() - copy part of a packet preceded by junk.
 * @dst: destination
 * @data: the packet
 * @nhoff: bytes of RSTMON_TEST_JUNK in front of @data
 * @from: offset into junk + packet to copy from
 * @n: bytes to copy
 */
static void rstmon_test_copy(u8 *dst, const u8 *data, unsigned int nhoff,
			     unsigned int from, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++, from++)
		dst[i] = from < nhoff ? RSTMON_TEST_JUNK : data[from - nhoff];
}

/**
 * rstmon_test_skb() - put a crafted packet into a fresh skb.
 * @data: the packet, from its network header on
 * @len: bytes of @data
 * @nhoff: bytes of RSTMON_TEST_JUNK (a stand-in link-layer header) in front of
 *	the network header
 * @linear: bytes, junk included, to put in the linear area; the rest goes
 *	into page fragments
 * @fragsz: most bytes per page fragment; 0 or more than PAGE_SIZE means
 *	PAGE_SIZE
 *
 * skb->data points at the junk and the network header at @data.  Free the skb
 * with kfree_skb().
 *
 * Return: the skb, or NULL when out of memory or when the rest would need more
 * than MAX_SKB_FRAGS fragments.
 */
static struct sk_buff *rstmon_test_skb(const u8 *data, unsigned int len, unsigned int nhoff,
				       unsigned int linear, unsigned int fragsz)
{
	unsigned int total = nhoff + len, off;
	struct sk_buff *skb;

	linear = min(linear, total);
	if (!fragsz || fragsz > PAGE_SIZE)
		fragsz = PAGE_SIZE;
	if (DIV_ROUND_UP(total - linear, fragsz) > MAX_SKB_FRAGS)
		return NULL;
	skb = alloc_skb(linear, GFP_KERNEL);
	if (!skb)
		return NULL;
	rstmon_test_copy(skb_put(skb, linear), data, nhoff, 0, linear);
	for (off = linear; off < total; off += fragsz) {
		unsigned int n = min(fragsz, total - off);
		struct page *page = alloc_page(GFP_KERNEL);

		if (!page) {
			kfree_skb(skb);
			return NULL;
		}
		/* At the end of the page: nothing valid follows it. */
		rstmon_test_copy(page_address(page) + PAGE_SIZE - n, data, nhoff, off, n);
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page, PAGE_SIZE - n, n,
				PAGE_SIZE);
	}
	skb_set_network_header(skb, nhoff);
	return skb;
}

/**
 * rstmon_test_pkt_skb() - put a crafted packet into a fresh linear skb.
 * @pkt: the packet
 *
 * Return: the skb, its data and network header at the packet; NULL when out of
 * memory.  Free it with kfree_skb().
 */
static struct sk_buff *rstmon_test_pkt_skb(const struct rstmon_test_pkt *pkt)
{
	return rstmon_test_skb(pkt->data, pkt->len, 0, pkt->len, 0);
}

/**
 * rstmon_test_parse_buf() - run rstmon_parse() on bytes in a linear skb.
 * @test: the test, aborted when out of memory
 * @data: the packet, from the network header on
 * @len: bytes of @data to put in the skb
 * @nfproto: passed to rstmon_parse()
 * @seg: passed to rstmon_parse()
 *
 * Return: what rstmon_parse() returned.  The skb is gone by then.
 */
static enum rstmon_parse_result rstmon_test_parse_buf(struct kunit *test, const u8 *data,
						      unsigned int len, u8 nfproto,
						      struct rstmon_seg *seg)
{
	struct sk_buff *skb = rstmon_test_skb(data, len, 0, len, 0);
	enum rstmon_parse_result res;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	res = rstmon_parse(skb, nfproto, seg);
	kfree_skb(skb);
	return res;
}

/**
 * rstmon_test_parse_pkt() - run rstmon_parse() on a crafted packet.
 * @test: the test, aborted when out of memory
 * @pkt: the packet
 * @nfproto: passed to rstmon_parse()
 * @seg: passed to rstmon_parse()
 *
 * Return: what rstmon_parse() returned.
 */
static enum rstmon_parse_result rstmon_test_parse_pkt(struct kunit *test,
						      const struct rstmon_test_pkt *pkt,
						      u8 nfproto, struct rstmon_seg *seg)
{
	return rstmon_test_parse_buf(test, pkt->data, pkt->len, nfproto, seg);
}

/**
 * rstmon_test_want_tcp() - the TCP facts a segment parsed from a spec carries.
 * @want: its TCP fields are set; opts, mss and wscale are left to the caller
 * @tcp: the spec
 * @payload: payload bytes the network header accounts for
 */
static void rstmon_test_want_tcp(struct rstmon_seg *want, const struct rstmon_test_tcp *tcp,
				 unsigned int payload)
{
	want->sport = htons(tcp->sport);
	want->dport = htons(tcp->dport);
	want->seq = tcp->seq;
	want->ack_seq = tcp->ack_seq;
	want->window = tcp->window;
	want->flags = tcp->flags;
	want->doff = rstmon_test_tcp_hlen(tcp);
	want->payload = payload;
}

/**
 * rstmon_test_want_ipv4() - the IPv4 facts a segment parsed from a spec carries.
 * @want: its network fields are set
 * @ip: the spec
 */
static void rstmon_test_want_ipv4(struct rstmon_seg *want, const struct rstmon_test_ip4 *ip)
{
	want->family = AF_INET;
	ipv6_addr_set_v4mapped(htonl(ip->saddr), &want->saddr);
	ipv6_addr_set_v4mapped(htonl(ip->daddr), &want->daddr);
	want->ttl = ip->ttl;
	want->ipid = ip->id;
	want->df = ip->frag_off & IP_DF;
}

/**
 * rstmon_test_want_ipv6() - the IPv6 facts a segment parsed from a spec carries.
 * @want: its network fields are set
 * @ip6: the spec
 */
static void rstmon_test_want_ipv6(struct rstmon_seg *want, const struct rstmon_test_ip6 *ip6)
{
	want->family = AF_INET6;
	want->saddr = ip6->saddr;
	want->daddr = ip6->daddr;
	want->ttl = ip6->hop_limit;
	want->ipid = 0;
	want->df = true;
}

/**
 * rstmon_test_seg_equal() - whether two parsed segments agree in every field.
 * @a: one
 * @b: the other
 *
 * Return: true when they do.
 */
static bool rstmon_test_seg_equal(const struct rstmon_seg *a, const struct rstmon_seg *b)
{
	return ipv6_addr_equal(&a->saddr, &b->saddr) && ipv6_addr_equal(&a->daddr, &b->daddr) &&
	       a->sport == b->sport && a->dport == b->dport && a->seq == b->seq &&
	       a->ack_seq == b->ack_seq && a->payload == b->payload && a->window == b->window &&
	       a->ipid == b->ipid && a->mss == b->mss && a->family == b->family &&
	       a->ttl == b->ttl && a->flags == b->flags && a->doff == b->doff &&
	       a->wscale == b->wscale && a->opts == b->opts && a->df == b->df;
}

/**
 * rstmon_test_expect_seg() - expect a parsed segment to be what it should.
 * @test: the test
 * @got: what the parser filled in
 * @want: what it should have, every field
 */
static void rstmon_test_expect_seg(struct kunit *test, const struct rstmon_seg *got,
				   const struct rstmon_seg *want)
{
	/* Options are parsed on SYNs only (the only ones that use them). */
	bool syn = want->flags & RSTMON_TCP_SYN;

	KUNIT_EXPECT_TRUE_MSG(test, ipv6_addr_equal(&got->saddr, &want->saddr),
			      "saddr %pI6c, want %pI6c", &got->saddr, &want->saddr);
	KUNIT_EXPECT_TRUE_MSG(test, ipv6_addr_equal(&got->daddr, &want->daddr),
			      "daddr %pI6c, want %pI6c", &got->daddr, &want->daddr);
	KUNIT_EXPECT_EQ(test, ntohs(got->sport), ntohs(want->sport));
	KUNIT_EXPECT_EQ(test, ntohs(got->dport), ntohs(want->dport));
	KUNIT_EXPECT_EQ(test, got->seq, want->seq);
	KUNIT_EXPECT_EQ(test, got->ack_seq, want->ack_seq);
	KUNIT_EXPECT_EQ(test, got->payload, want->payload);
	KUNIT_EXPECT_EQ(test, got->window, want->window);
	KUNIT_EXPECT_EQ(test, got->ipid, want->ipid);
	KUNIT_EXPECT_EQ(test, got->mss, syn ? want->mss : 0);
	KUNIT_EXPECT_EQ(test, got->family, want->family);
	KUNIT_EXPECT_EQ(test, got->ttl, want->ttl);
	KUNIT_EXPECT_EQ(test, got->flags, want->flags);
	KUNIT_EXPECT_EQ(test, got->doff, want->doff);
	KUNIT_EXPECT_EQ(test, got->wscale, syn ? want->wscale : 0);
	KUNIT_EXPECT_EQ(test, got->opts, syn ? want->opts : 0);
	KUNIT_EXPECT_EQ(test, got->df, want->df);
}

/* ------------------------------------------------------------------------ */
/* Suite rstmon_parse                                                       */
/* ------------------------------------------------------------------------ */

/* An IPv4 SYN with the usual options: every field of the segment. */
static void rstmon_parse_ipv4_syn(struct kunit *test)
{
	struct rstmon_test_ip4 ip;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	struct rstmon_seg seg;
	const struct rstmon_seg want = {
		.saddr = rstmon_test_saddr4_mapped,
		.daddr = rstmon_test_daddr4_mapped,
		.sport = htons(40000),
		.dport = htons(443),
		.seq = 0xdeadbeef,
		.ack_seq = 0,
		.payload = 0,
		.window = 64240,
		.ipid = 0xbeef,
		.mss = 1460,
		.family = AF_INET,
		.ttl = 61,
		.flags = RSTMON_TCP_SYN | RSTMON_TCP_ECE | RSTMON_TCP_CWR,
		.doff = 40,
		.wscale = 7,
		.opts = RSTMON_OPT_MSS | RSTMON_OPT_WSCALE | RSTMON_OPT_SACK_OK | RSTMON_OPT_TS,
		.df = true,
	};

	rstmon_test_ip4_init(&ip);
	ip.id = 0xbeef;
	ip.ttl = 61;
	rstmon_test_tcp_init(&tcp);
	tcp.ack_seq = 0;
	tcp.window = 64240;
	tcp.flags = RSTMON_TCP_SYN | RSTMON_TCP_ECE | RSTMON_TCP_CWR;
	tcp.opts = rstmon_test_syn_opts;
	tcp.optlen = sizeof(rstmon_test_syn_opts);
	pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
	KUNIT_ASSERT_EQ(test, pkt->len, 60U);

	memset(&seg, 0xff, sizeof(seg));
	KUNIT_EXPECT_EQ(test, rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV4, &seg),
			RSTMON_PARSE_TCP);
	rstmon_test_expect_seg(test, &seg, &want);
}

/**
 * struct rstmon_test_ipopt_case - an IPv4 packet with IP options.
 * @desc: case name
 * @optlen: bytes of IP options
 * @payload: TCP payload bytes
 */
struct rstmon_test_ipopt_case {
	const char *desc;
	u8 optlen;
	unsigned int payload;
};

static const struct rstmon_test_ipopt_case rstmon_test_ipopt_cases[] = {
	{ "ihl6", 4, 1 },
	{ "ihl7", 8, 37 },
	{ "ihl15", 40, 1000 },
};

static void rstmon_test_ipopt_desc(const struct rstmon_test_ipopt_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rstmon_test_ipopt, rstmon_test_ipopt_cases, rstmon_test_ipopt_desc);

/* IPv4 with IP options: the TCP header is found past them; an RST+ACK with data. */
static void rstmon_parse_ipv4_ipopts_rst(struct kunit *test)
{
	const struct rstmon_test_ipopt_case *c = test->param_value;
	struct rstmon_seg seg, want = {};
	struct rstmon_test_ip4 ip;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;

	rstmon_test_ip4_init(&ip);
	ip.optlen = c->optlen;
	ip.frag_off = 0;
	ip.id = 0xfedc;
	ip.ttl = 255;
	rstmon_test_tcp_init(&tcp);
	tcp.flags = RSTMON_TCP_RST | RSTMON_TCP_ACK;
	tcp.window = 0;
	tcp.payload = c->payload;
	pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
	KUNIT_ASSERT_EQ(test, pkt->l4off, 20U + c->optlen);

	rstmon_test_want_ipv4(&want, &ip);
	rstmon_test_want_tcp(&want, &tcp, c->payload);
	KUNIT_EXPECT_EQ(test, rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV4, &seg),
			RSTMON_PARSE_TCP);
	rstmon_test_expect_seg(test, &seg, &want);
}

/* A bare RST in a padded minimum-size Ethernet frame: the padding is no payload. */
static void rstmon_parse_ipv4_padded_rst(struct kunit *test)
{
	struct rstmon_seg seg, want = {};
	struct rstmon_test_ip4 ip;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;

	rstmon_test_ip4_init(&ip);
	rstmon_test_tcp_init(&tcp);
	tcp.flags = RSTMON_TCP_RST;
	tcp.ack_seq = 0;
	tcp.window = 0;
	pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
	rstmon_test_pkt_pad(test, pkt, ETH_ZLEN - ETH_HLEN - pkt->len);
	KUNIT_ASSERT_EQ(test, pkt->len, 46U);

	rstmon_test_want_ipv4(&want, &ip);
	rstmon_test_want_tcp(&want, &tcp, 0);
	KUNIT_EXPECT_EQ(test, rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV4, &seg),
			RSTMON_PARSE_TCP);
	rstmon_test_expect_seg(test, &seg, &want);
}

/* Every flag byte comes through whole; reserved bits do not touch doff or flags. */
static void rstmon_parse_tcp_flags(struct kunit *test)
{
	struct rstmon_test_ip4 ip;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	struct rstmon_seg seg;
	struct sk_buff *skb;
	struct tcphdr *th;
	unsigned int f;

	rstmon_test_ip4_init(&ip);
	rstmon_test_tcp_init(&tcp);
	tcp.opts = rstmon_test_ts_opts;
	tcp.optlen = sizeof(rstmon_test_ts_opts);
	tcp.payload = 3;
	pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
	skb = rstmon_test_pkt_skb(pkt);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	th = (struct tcphdr *)(skb_network_header(skb) + pkt->l4off);

	for (f = 0; f <= U8_MAX; f++) {
		enum rstmon_parse_result res;

		/* data offset 8, then the reserved bits (AE among them) */
		((u8 *)th)[12] = 8 << 4 | (f & 0x0f);
		tcp_flag_byte(th) = f;
		res = rstmon_parse(skb, NFPROTO_IPV4, &seg);
		if (res != RSTMON_PARSE_TCP || seg.flags != f || seg.doff != 32 ||
		    seg.payload != 3 || seg.opts != ((f & TCPHDR_SYN) ? RSTMON_OPT_TS : 0)) {
			KUNIT_FAIL(test,
				   "flags %#x: result %d flags %#x doff %u payload %u opts %#x",
				   f, res, seg.flags, seg.doff, seg.payload, seg.opts);
			break;
		}
	}
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, f, U8_MAX + 1);
}

/**
 * struct rstmon_test_trunc_case - a packet cut short at every byte.
 * @desc: case name
 * @ipv6: IPv6 (with an extension header chain) rather than IPv4
 * @ip_optlen: bytes of IPv4 options
 * @payload: TCP payload bytes
 */
struct rstmon_test_trunc_case {
	const char *desc;
	bool ipv6;
	u8 ip_optlen;
	unsigned int payload;
};

static const struct rstmon_test_trunc_case rstmon_test_trunc_cases[] = {
	{ "ipv4-syn", false, 0, 0 },
	{ "ipv4-ipopts-data", false, 12, 9 },
	{ "ipv6-syn", true, 0, 0 },
	{ "ipv6-data", true, 0, 9 },
};

static void rstmon_test_trunc_desc(const struct rstmon_test_trunc_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rstmon_test_trunc, rstmon_test_trunc_cases, rstmon_test_trunc_desc);

/* Extension headers of the truncated IPv6 packet: every kind rstmon walks. */
static const struct rstmon_test_ext rstmon_test_trunc6_ext[] = {
	{ NEXTHDR_HOP, 0 },
	{ NEXTHDR_ROUTING, 2 },
	{ NEXTHDR_AUTH, 4 },
	{ NEXTHDR_FRAGMENT, 0, IP6_MF },
	{ NEXTHDR_DEST, 1 },
};

/*
 * A valid packet in an skb cut at every length short of its end, the headers
 * unchanged so that tot_len (payload_len) claims more than there is: always
 * malformed, never a fragment, and never a read past the skb.
 */
static void rstmon_parse_truncated(struct kunit *test)
{
	const struct rstmon_test_trunc_case *c = test->param_value;
	u8 nfproto = c->ipv6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	struct rstmon_seg seg;
	unsigned int len;

	rstmon_test_tcp_init(&tcp);
	tcp.flags = RSTMON_TCP_SYN;
	tcp.opts = rstmon_test_syn_opts;
	tcp.optlen = sizeof(rstmon_test_syn_opts);
	tcp.payload = c->payload;
	if (c->ipv6) {
		struct rstmon_test_ip6 ip6;

		rstmon_test_ip6_init(&ip6);
		ip6.ext = rstmon_test_trunc6_ext;
		ip6.n_ext = ARRAY_SIZE(rstmon_test_trunc6_ext);
		pkt = rstmon_test_build_ipv6(test, &ip6, &tcp);
	} else {
		struct rstmon_test_ip4 ip;

		rstmon_test_ip4_init(&ip);
		ip.optlen = c->ip_optlen;
		pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
	}

	/* Whole, the packet is good TCP. */
	KUNIT_ASSERT_EQ(test, rstmon_test_parse_pkt(test, pkt, nfproto, &seg), RSTMON_PARSE_TCP);
	KUNIT_ASSERT_EQ(test, seg.payload, c->payload);
	KUNIT_ASSERT_EQ(test, seg.opts, RSTMON_OPT_MSS | RSTMON_OPT_WSCALE |
					RSTMON_OPT_SACK_OK | RSTMON_OPT_TS);

	for (len = 0; len < pkt->len; len++) {
		enum rstmon_parse_result res;

		res = rstmon_test_parse_buf(test, pkt->data, len, nfproto, &seg);
		KUNIT_EXPECT_EQ_MSG(test, res, RSTMON_PARSE_MALFORMED, "cut to %u of %u bytes",
				    len, pkt->len);
		if (res != RSTMON_PARSE_MALFORMED)
			break;
	}
}

/*
 * Every value of tot_len, in an skb with 16 bytes more than the packet: TCP
 * exactly when it covers the IP and TCP headers and not more than the skb,
 * the payload always what tot_len says.
 */
static void rstmon_parse_ipv4_tot_len(struct kunit *test)
{
	unsigned int tot, hdrs, bad = 0;
	struct rstmon_test_ip4 ip;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	struct rstmon_seg seg;
	struct sk_buff *skb;

	rstmon_test_ip4_init(&ip);
	ip.optlen = 8;
	rstmon_test_tcp_init(&tcp);
	tcp.opts = rstmon_test_syn_opts;
	tcp.optlen = sizeof(rstmon_test_syn_opts);
	tcp.payload = 10;
	pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
	hdrs = pkt->l4off + rstmon_test_tcp_hlen(&tcp);
	rstmon_test_pkt_pad(test, pkt, 16);
	skb = rstmon_test_pkt_skb(pkt);
	KUNIT_ASSERT_NOT_NULL(test, skb);

	for (tot = 0; tot <= U16_MAX; tot++) {
		bool tcp_ok = tot >= hdrs && tot <= skb->len;
		enum rstmon_parse_result res;

		ip_hdr(skb)->tot_len = htons(tot);
		res = rstmon_parse(skb, NFPROTO_IPV4, &seg);
		if (res != (tcp_ok ? RSTMON_PARSE_TCP : RSTMON_PARSE_MALFORMED) ||
		    (tcp_ok && seg.payload != tot - hdrs)) {
			KUNIT_FAIL(test, "tot_len %u of skb %u: result %d payload %u",
				   tot, skb->len, res, seg.payload);
			bad++;
			break;
		}
	}
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, bad, 0U);
	KUNIT_EXPECT_EQ(test, tot, U16_MAX + 1);
}

/*
 * A header length field under 5 words is malformed.  The packet is made so
 * that the 20 bytes at each such length would pass for a TCP header (each
 * has a data offset of 5 where byte 12 would be), so only the check on the
 * field itself stops them.
 */
static void rstmon_parse_ipv4_bad_ihl(struct kunit *test)
{
	struct rstmon_test_ip4 ip;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	struct rstmon_seg seg;
	unsigned int ihl;

	rstmon_test_ip4_init(&ip);
	ip.saddr = 0x50000201;		/* byte 12: at ihl 0 */
	ip.daddr = 0x50336402;		/* byte 16: at ihl 1 */
	rstmon_test_tcp_init(&tcp);
	tcp.sport = 0x5000;		/* byte 20: at ihl 2 */
	tcp.seq = 0x50000000;		/* byte 24: at ihl 3 */
	tcp.ack_seq = 0x50000000;	/* byte 28: at ihl 4 */
	tcp.payload = 20;
	pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
	KUNIT_ASSERT_EQ(test, rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV4, &seg),
			RSTMON_PARSE_TCP);

	for (ihl = 0; ihl < 5; ihl++) {
		KUNIT_ASSERT_EQ(test, pkt->data[ihl * 4 + 12] >> 4, 5);
		((struct iphdr *)pkt->data)->ihl = ihl;
		KUNIT_EXPECT_EQ_MSG(test, rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV4, &seg),
				    RSTMON_PARSE_MALFORMED, "ihl %u", ihl);
	}
}

/* Any IP version but 4 at NFPROTO_IPV4 is malformed, IPv6 packets included. */
static void rstmon_parse_ipv4_bad_version(struct kunit *test)
{
	struct rstmon_test_ip4 ip;
	struct rstmon_test_ip6 ip6;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt, *pkt6;
	struct rstmon_seg seg;
	unsigned int v;

	rstmon_test_ip4_init(&ip);
	rstmon_test_ip6_init(&ip6);
	rstmon_test_tcp_init(&tcp);
	pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
	pkt6 = rstmon_test_build_ipv6(test, &ip6, &tcp);
	KUNIT_ASSERT_EQ(test, rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV4, &seg),
			RSTMON_PARSE_TCP);

	for (v = 0; v < 16; v++) {
		if (v == 4)
			continue;
		((struct iphdr *)pkt->data)->version = v;
		KUNIT_EXPECT_EQ_MSG(test, rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV4, &seg),
				    RSTMON_PARSE_MALFORMED, "version %u", v);
	}
	KUNIT_EXPECT_EQ(test, rstmon_test_parse_pkt(test, pkt6, NFPROTO_IPV4, &seg),
			RSTMON_PARSE_MALFORMED);
}

/*
 * BIG TCP: a GSO packet over 64 KiB carries tot_len (payload_len) 0 and is
 * measured by the skb; without GSO a zero length is malformed.
 */
static void rstmon_parse_big_tcp(struct kunit *test)
{
	const bool ipv6 = *(const bool *)test->param_value;
	enum rstmon_parse_result res_plain, res_gso;
	struct rstmon_seg seg, want = {};
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	struct sk_buff *skb;
	u8 nfproto;

	rstmon_test_tcp_init(&tcp);
	tcp.opts = rstmon_test_ts_opts;
	tcp.optlen = sizeof(rstmon_test_ts_opts);
	tcp.payload = 70000;
	if (ipv6) {
		static const struct rstmon_test_ext dest = { NEXTHDR_DEST, 0 };
		struct rstmon_test_ip6 ip6;

		rstmon_test_ip6_init(&ip6);
		ip6.ext = &dest;
		ip6.n_ext = 1;
		pkt = rstmon_test_build_ipv6(test, &ip6, &tcp);
		KUNIT_ASSERT_EQ(test, ((struct ipv6hdr *)pkt->data)->payload_len, 0);
		rstmon_test_want_ipv6(&want, &ip6);
		nfproto = NFPROTO_IPV6;
	} else {
		struct rstmon_test_ip4 ip;

		rstmon_test_ip4_init(&ip);
		pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
		KUNIT_ASSERT_EQ(test, ((struct iphdr *)pkt->data)->tot_len, 0);
		rstmon_test_want_ipv4(&want, &ip);
		nfproto = NFPROTO_IPV4;
	}
	rstmon_test_want_tcp(&want, &tcp, tcp.payload);
	want.opts = RSTMON_OPT_TS;

	/* Headers and a little data linear, the rest in pages: like a GSO skb. */
	skb = rstmon_test_skb(pkt->data, pkt->len, 0, 8192, 0);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	res_plain = rstmon_parse(skb, nfproto, &seg);
	skb_shinfo(skb)->gso_size = 1448;
	skb_shinfo(skb)->gso_type = ipv6 ? SKB_GSO_TCPV6 : SKB_GSO_TCPV4;
	skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(tcp.payload, 1448);
	res_gso = rstmon_parse(skb, nfproto, &seg);
	kfree_skb(skb);

	KUNIT_EXPECT_EQ(test, res_plain, RSTMON_PARSE_MALFORMED);
	KUNIT_EXPECT_EQ(test, res_gso, RSTMON_PARSE_TCP);
	rstmon_test_expect_seg(test, &seg, &want);
}

static const bool rstmon_test_families[] = { false, true };

static void rstmon_test_family_desc(const bool *ipv6, char *desc)
{
	strscpy(desc, *ipv6 ? "ipv6" : "ipv4", KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rstmon_test_family, rstmon_test_families, rstmon_test_family_desc);

/**
 * struct rstmon_test_doff_case - a TCP segment with every data offset.
 * @desc: case name
 * @ipv6: over IPv6 rather than IPv4
 * @first_frag: the packet is a first fragment (more fragments follow)
 */
struct rstmon_test_doff_case {
	const char *desc;
	bool ipv6;
	bool first_frag;
};

static const struct rstmon_test_doff_case rstmon_test_doff_cases[] = {
	{ "ipv4", false, false },
	{ "ipv4-first-fragment", false, true },
	{ "ipv6", true, false },
	{ "ipv6-first-fragment", true, true },
};

static void rstmon_test_doff_desc(const struct rstmon_test_doff_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rstmon_test_doff, rstmon_test_doff_cases, rstmon_test_doff_desc);

/*
 * Every TCP data offset, in a segment of 52 bytes: under 5 words malformed;
 * up to the segment TCP with the rest as payload; beyond it malformed, or a
 * fragment when more fragments follow.
 */
static void rstmon_parse_tcp_doff(struct kunit *test)
{
	static const struct rstmon_test_ext frag = { NEXTHDR_FRAGMENT, 0, IP6_MF };
	static const u8 nops[20] = { [0 ... 19] = TCPOPT_NOP };
	const struct rstmon_test_doff_case *c = test->param_value;
	const unsigned int seglen = 52;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	struct rstmon_seg seg;
	struct sk_buff *skb;
	struct tcphdr *th;
	unsigned int doff;
	u8 nfproto;

	rstmon_test_tcp_init(&tcp);
	tcp.opts = nops;
	tcp.optlen = sizeof(nops);
	tcp.payload = seglen - rstmon_test_tcp_hlen(&tcp);
	if (c->ipv6) {
		struct rstmon_test_ip6 ip6;

		rstmon_test_ip6_init(&ip6);
		if (c->first_frag) {
			ip6.ext = &frag;
			ip6.n_ext = 1;
		}
		pkt = rstmon_test_build_ipv6(test, &ip6, &tcp);
		nfproto = NFPROTO_IPV6;
	} else {
		struct rstmon_test_ip4 ip;

		rstmon_test_ip4_init(&ip);
		if (c->first_frag)
			ip.frag_off = IP_MF;
		pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
		nfproto = NFPROTO_IPV4;
	}
	skb = rstmon_test_pkt_skb(pkt);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	th = (struct tcphdr *)(skb_network_header(skb) + pkt->l4off);

	for (doff = 0; doff < 16; doff++) {
		enum rstmon_parse_result res, want;

		if (doff < 5)
			want = RSTMON_PARSE_MALFORMED;
		else if (doff * 4 <= seglen)
			want = RSTMON_PARSE_TCP;
		else
			want = c->first_frag ? RSTMON_PARSE_FRAGMENT : RSTMON_PARSE_MALFORMED;
		th->doff = doff;
		res = rstmon_parse(skb, nfproto, &seg);
		KUNIT_EXPECT_EQ_MSG(test, res, want, "doff %u", doff);
		if (res == RSTMON_PARSE_TCP && want == RSTMON_PARSE_TCP) {
			KUNIT_EXPECT_EQ_MSG(test, seg.doff, doff * 4, "doff %u", doff);
			KUNIT_EXPECT_EQ_MSG(test, seg.payload, seglen - doff * 4, "doff %u", doff);
			KUNIT_EXPECT_EQ_MSG(test, ntohs(seg.sport), tcp.sport, "doff %u", doff);
		}
	}
	kfree_skb(skb);
}

/**
 * struct rstmon_test_opts_case - a TCP option list and what it yields.
 * @desc: case name
 * @opts: the option bytes
 * @len: bytes of @opts (padded with EOL to a multiple of 4)
 * @want_opts: RSTMON_OPT_* expected
 * @want_mss: MSS expected
 * @want_wscale: window scale expected
 */
struct rstmon_test_opts_case {
	const char *desc;
	u8 opts[MAX_TCP_OPTION_SPACE];
	u8 len;
	u8 want_opts;
	u16 want_mss;
	u8 want_wscale;
};

#define RSTMON_TEST_OPTS(...)	.opts = { __VA_ARGS__ }, .len = sizeof((u8 []){ __VA_ARGS__ })

static const struct rstmon_test_opts_case rstmon_test_opts_cases[] = {
	{
		.desc = "linux-syn",
		RSTMON_TEST_OPTS(2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0,
				 1, 3, 3, 7),
		.want_opts = RSTMON_OPT_MSS | RSTMON_OPT_SACK_OK | RSTMON_OPT_TS |
			     RSTMON_OPT_WSCALE,
		.want_mss = 1460, .want_wscale = 7,
	}, {
		.desc = "full-40-bytes",
		RSTMON_TEST_OPTS(2, 4, 0x02, 0x18, 4, 2, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8,
				 1, 3, 3, 14, 30, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				 0, 0, 0, 0, 0, 0),
		.want_opts = RSTMON_OPT_MSS | RSTMON_OPT_SACK_OK | RSTMON_OPT_TS |
			     RSTMON_OPT_WSCALE,
		.want_mss = 536, .want_wscale = 14,
	}, {
		.desc = "unknown-skipped",
		RSTMON_TEST_OPTS(254, 6, 0xf9, 0x89, 1, 2, 2, 4, 0x02, 0x18, 3, 3, 2, 1, 4, 2),
		.want_opts = RSTMON_OPT_MSS | RSTMON_OPT_WSCALE | RSTMON_OPT_SACK_OK,
		.want_mss = 536, .want_wscale = 2,
	}, {
		.desc = "wrong-lengths-ignored",
		RSTMON_TEST_OPTS(2, 3, 5, 3, 2, 4, 3, 0, 8, 9, 1, 2, 3, 4, 5, 6, 7, 1, 1, 1),
		.want_opts = 0,
	}, {
		.desc = "eol-ends-list",
		RSTMON_TEST_OPTS(2, 4, 0x05, 0xb4, 0, 3, 0, 0),
		.want_opts = RSTMON_OPT_MSS, .want_mss = 1460,
	}, {
		.desc = "len0-first",
		RSTMON_TEST_OPTS(2, 0, 0x05, 0xb4),
		.want_opts = RSTMON_OPT_BAD,
	}, {
		.desc = "len0-after-mss",
		RSTMON_TEST_OPTS(2, 4, 0x05, 0xb4, 3, 0, 7, 0),
		.want_opts = RSTMON_OPT_MSS | RSTMON_OPT_BAD, .want_mss = 1460,
	}, {
		.desc = "len1-after-mss-wscale",
		RSTMON_TEST_OPTS(2, 4, 0x05, 0xb4, 1, 3, 3, 14, 8, 1, 0, 0),
		.want_opts = RSTMON_OPT_MSS | RSTMON_OPT_WSCALE | RSTMON_OPT_BAD,
		.want_mss = 1460, .want_wscale = 14,
	}, {
		.desc = "overlong-after-sack",
		RSTMON_TEST_OPTS(4, 2, 8, 40, 1, 2, 3, 4, 5, 6, 7, 8),
		.want_opts = RSTMON_OPT_SACK_OK | RSTMON_OPT_BAD,
	}, {
		.desc = "overlong-by-one",
		RSTMON_TEST_OPTS(1, 4, 2, 8, 10, 1, 2, 3, 4, 5, 6, 7),
		.want_opts = RSTMON_OPT_SACK_OK | RSTMON_OPT_BAD,
	}, {
		.desc = "exact-fit",
		RSTMON_TEST_OPTS(1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8),
		.want_opts = RSTMON_OPT_TS,
	}, {
		.desc = "wscale-past-end",
		RSTMON_TEST_OPTS(1, 1, 3, 3),
		.want_opts = RSTMON_OPT_BAD,
	}, {
		.desc = "kind-without-length",
		RSTMON_TEST_OPTS(1, 4, 2, 2),
		.want_opts = RSTMON_OPT_SACK_OK | RSTMON_OPT_BAD,
	}, {
		.desc = "mss-without-length-at-end",
		RSTMON_TEST_OPTS(2, 4, 0x05, 0xb4, 1, 1, 1, 2),
		.want_opts = RSTMON_OPT_MSS | RSTMON_OPT_BAD, .want_mss = 1460,
	}, {
		.desc = "40-bytes-kind-without-length",
		RSTMON_TEST_OPTS(3, 3, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
				 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8),
		.want_opts = RSTMON_OPT_WSCALE | RSTMON_OPT_BAD, .want_wscale = 9,
	}, {
		.desc = "40-bytes-option-past-end",
		RSTMON_TEST_OPTS(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
				 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 3),
		.want_opts = RSTMON_OPT_BAD,
	},
};

static void rstmon_test_opts_desc(const struct rstmon_test_opts_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rstmon_test_opts, rstmon_test_opts_cases, rstmon_test_opts_desc);

/*
 * TCP options: known ones recorded, a bad length stops the walk with
 * RSTMON_OPT_BAD and keeps what came before, the segment still TCP.  Read
 * from a linear skb (in place) and from a paged one (copied to the stack).
 */
static void rstmon_parse_tcp_options(struct kunit *test)
{
	const struct rstmon_test_opts_case *c = test->param_value;
	struct rstmon_seg seg, seg_paged, want = {};
	enum rstmon_parse_result res_paged;
	struct rstmon_test_ip4 ip;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	struct sk_buff *skb;

	rstmon_test_ip4_init(&ip);
	rstmon_test_tcp_init(&tcp);
	tcp.flags = RSTMON_TCP_SYN | RSTMON_TCP_ACK;
	tcp.opts = c->opts;
	tcp.optlen = c->len;
	tcp.payload = 5;
	pkt = rstmon_test_build_ipv4(test, &ip, &tcp);

	rstmon_test_want_ipv4(&want, &ip);
	rstmon_test_want_tcp(&want, &tcp, 5);
	want.opts = c->want_opts;
	want.mss = c->want_mss;
	want.wscale = c->want_wscale;
	KUNIT_EXPECT_EQ(test, rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV4, &seg),
			RSTMON_PARSE_TCP);
	rstmon_test_expect_seg(test, &seg, &want);

	skb = rstmon_test_skb(pkt->data, pkt->len, 0, 0, 7);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	res_paged = rstmon_parse(skb, NFPROTO_IPV4, &seg_paged);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, res_paged, RSTMON_PARSE_TCP);
	rstmon_test_expect_seg(test, &seg_paged, &want);
}

/* Any IPv4 protocol but TCP is not TCP, fragment or not. */
static void rstmon_parse_ipv4_not_tcp(struct kunit *test)
{
	enum rstmon_parse_result res_tcp = RSTMON_PARSE_MALFORMED;
	struct rstmon_test_ip4 ip;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	unsigned int proto, bad = 0;
	struct rstmon_seg seg;
	struct sk_buff *skb;

	rstmon_test_ip4_init(&ip);
	rstmon_test_tcp_init(&tcp);
	tcp.payload = 8;
	pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
	skb = rstmon_test_pkt_skb(pkt);
	KUNIT_ASSERT_NOT_NULL(test, skb);

	for (proto = 0; proto <= U8_MAX; proto++) {
		enum rstmon_parse_result first, later;

		ip_hdr(skb)->protocol = proto;
		ip_hdr(skb)->frag_off = htons(IP_DF);
		first = rstmon_parse(skb, NFPROTO_IPV4, &seg);
		ip_hdr(skb)->frag_off = htons(IP_MF | 100);
		later = rstmon_parse(skb, NFPROTO_IPV4, &seg);
		if (proto == IPPROTO_TCP) {
			res_tcp = first;
			continue;
		}
		if (first != RSTMON_PARSE_NOT_TCP || later != RSTMON_PARSE_NOT_TCP) {
			KUNIT_FAIL(test, "protocol %u: result %d, as a later fragment %d",
				   proto, first, later);
			bad++;
		}
	}
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, res_tcp, RSTMON_PARSE_TCP);
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

#define RSTMON_TEST_WHOLE	UINT_MAX

/**
 * struct rstmon_test_frag4_case - an IPv4 fragment.
 * @desc: case name
 * @frag_off: the fragment field, host order
 * @keep: bytes of the 140-byte TCP segment (40 of them header) in the packet,
 *	or RSTMON_TEST_WHOLE
 * @want: expected result
 */
struct rstmon_test_frag4_case {
	const char *desc;
	u16 frag_off;
	unsigned int keep;
	enum rstmon_parse_result want;
};

static const struct rstmon_test_frag4_case rstmon_test_frag4_cases[] = {
	{ "later", 1, RSTMON_TEST_WHOLE, RSTMON_PARSE_FRAGMENT },
	{ "later-mf", IP_MF | 1, RSTMON_TEST_WHOLE, RSTMON_PARSE_FRAGMENT },
	{ "later-df", IP_DF | 185, RSTMON_TEST_WHOLE, RSTMON_PARSE_FRAGMENT },
	{ "last-offset", IP_OFFSET, RSTMON_TEST_WHOLE, RSTMON_PARSE_FRAGMENT },
	{ "later-short", IP_MF | 3, 8, RSTMON_PARSE_FRAGMENT },
	{ "first-no-tcp", IP_MF, 0, RSTMON_PARSE_FRAGMENT },
	{ "first-8-bytes", IP_MF, 8, RSTMON_PARSE_FRAGMENT },
	{ "first-19-bytes", IP_MF, 19, RSTMON_PARSE_FRAGMENT },
	{ "first-options-cut", IP_MF, 32, RSTMON_PARSE_FRAGMENT },
	{ "first-header-only", IP_MF, 40, RSTMON_PARSE_TCP },
	{ "first-with-data", IP_MF, 48, RSTMON_PARSE_TCP },
	{ "unfragmented-19-bytes", 0, 19, RSTMON_PARSE_MALFORMED },
	{ "unfragmented-options-cut", IP_DF, 32, RSTMON_PARSE_MALFORMED },
	{ "unfragmented", IP_DF, RSTMON_TEST_WHOLE, RSTMON_PARSE_TCP },
};

static void rstmon_test_frag4_desc(const struct rstmon_test_frag4_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rstmon_test_frag4, rstmon_test_frag4_cases, rstmon_test_frag4_desc);

/*
 * IPv4 fragments: a later one is a fragment; a first one is TCP when it holds
 * the whole TCP header and a fragment when it does not; cut short without
 * more fragments to come, it is malformed.
 */
static void rstmon_parse_ipv4_fragments(struct kunit *test)
{
	const struct rstmon_test_frag4_case *c = test->param_value;
	struct rstmon_seg seg, want = {};
	enum rstmon_parse_result res;
	struct rstmon_test_ip4 ip;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;

	rstmon_test_ip4_init(&ip);
	ip.frag_off = c->frag_off;
	rstmon_test_tcp_init(&tcp);
	tcp.opts = rstmon_test_syn_opts;
	tcp.optlen = sizeof(rstmon_test_syn_opts);
	tcp.payload = 100;
	pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
	if (c->keep != RSTMON_TEST_WHOLE) {
		pkt->len = pkt->l4off + c->keep;
		((struct iphdr *)pkt->data)->tot_len = htons(pkt->len);
	}

	res = rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV4, &seg);
	KUNIT_EXPECT_EQ(test, res, c->want);
	if (c->want != RSTMON_PARSE_TCP || res != RSTMON_PARSE_TCP)
		return;
	rstmon_test_want_ipv4(&want, &ip);
	rstmon_test_want_tcp(&want, &tcp, pkt->len - pkt->l4off - rstmon_test_tcp_hlen(&tcp));
	want.opts = RSTMON_OPT_MSS | RSTMON_OPT_WSCALE | RSTMON_OPT_SACK_OK | RSTMON_OPT_TS;
	want.mss = 1460;
	want.wscale = 7;
	rstmon_test_expect_seg(test, &seg, &want);
}

/* A plain IPv6 segment with data: every field. */
static void rstmon_parse_ipv6_tcp(struct kunit *test)
{
	struct rstmon_test_ip6 ip6;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	struct rstmon_seg seg;
	const struct rstmon_seg want = {
		.saddr = rstmon_test_saddr6,
		.daddr = rstmon_test_daddr6,
		.sport = htons(443),
		.dport = htons(51234),
		.seq = 0x80000001,
		.ack_seq = 0xffffffff,
		.payload = 100,
		.window = 65535,
		.ipid = 0,
		.mss = 0,
		.family = AF_INET6,
		.ttl = 57,
		.flags = RSTMON_TCP_ACK | RSTMON_TCP_PSH,
		.doff = 32,
		.wscale = 0,
		.opts = RSTMON_OPT_TS,
		.df = true,
	};

	rstmon_test_ip6_init(&ip6);
	ip6.hop_limit = 57;
	rstmon_test_tcp_init(&tcp);
	tcp.sport = 443;
	tcp.dport = 51234;
	tcp.seq = 0x80000001;
	tcp.ack_seq = 0xffffffff;
	tcp.window = 65535;
	tcp.flags = RSTMON_TCP_ACK | RSTMON_TCP_PSH;
	tcp.opts = rstmon_test_ts_opts;
	tcp.optlen = sizeof(rstmon_test_ts_opts);
	tcp.payload = 100;
	pkt = rstmon_test_build_ipv6(test, &ip6, &tcp);
	KUNIT_ASSERT_EQ(test, pkt->len, 172U);

	memset(&seg, 0xff, sizeof(seg));
	KUNIT_EXPECT_EQ(test, rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV6, &seg),
			RSTMON_PARSE_TCP);
	rstmon_test_expect_seg(test, &seg, &want);
}

/**
 * struct rstmon_test_ip6_case - an IPv6 extension header chain.
 * @desc: case name
 * @ext: the extension headers
 * @n_ext: how many
 * @protocol: the upper-layer protocol after them
 * @keep: bytes of the 45-byte TCP segment (32 of them header) in the packet,
 *	or RSTMON_TEST_WHOLE
 * @want: expected result
 */
struct rstmon_test_ip6_case {
	const char *desc;
	struct rstmon_test_ext ext[4];
	unsigned int n_ext;
	u8 protocol;
	unsigned int keep;
	enum rstmon_parse_result want;
};

#define RSTMON_TEST_EXT(...)	.ext = { __VA_ARGS__ },	\
				.n_ext = sizeof((struct rstmon_test_ext []){ __VA_ARGS__ }) / \
					 sizeof(struct rstmon_test_ext)

static const struct rstmon_test_ip6_case rstmon_test_ip6_cases[] = {
	{
		.desc = "plain",
		.protocol = IPPROTO_TCP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_TCP,
	}, {
		.desc = "hop-routing-dest",
		RSTMON_TEST_EXT({ NEXTHDR_HOP, 0 }, { NEXTHDR_ROUTING, 2 }, { NEXTHDR_DEST, 1 }),
		.protocol = IPPROTO_TCP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_TCP,
	}, {
		.desc = "ah",
		RSTMON_TEST_EXT({ NEXTHDR_AUTH, 4 }),
		.protocol = IPPROTO_TCP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_TCP,
	}, {
		.desc = "ah-12-bytes",
		RSTMON_TEST_EXT({ NEXTHDR_AUTH, 1 }),
		.protocol = IPPROTO_TCP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_TCP,
	}, {
		.desc = "hop-ah-dest",
		RSTMON_TEST_EXT({ NEXTHDR_HOP, 1 }, { NEXTHDR_AUTH, 4 }, { NEXTHDR_DEST, 0 }),
		.protocol = IPPROTO_TCP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_TCP,
	}, {
		.desc = "first-fragment",
		RSTMON_TEST_EXT({ NEXTHDR_FRAGMENT, 0, IP6_MF }),
		.protocol = IPPROTO_TCP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_TCP,
	}, {
		.desc = "atomic-fragment",
		RSTMON_TEST_EXT({ NEXTHDR_FRAGMENT, 0, 0 }),
		.protocol = IPPROTO_TCP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_TCP,
	}, {
		.desc = "hop-first-fragment-dest",
		RSTMON_TEST_EXT({ NEXTHDR_HOP, 0 }, { NEXTHDR_FRAGMENT, 0, IP6_MF },
				{ NEXTHDR_DEST, 0 }),
		.protocol = IPPROTO_TCP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_TCP,
	}, {
		.desc = "first-fragment-header-only",
		RSTMON_TEST_EXT({ NEXTHDR_FRAGMENT, 0, IP6_MF }),
		.protocol = IPPROTO_TCP, .keep = 32, .want = RSTMON_PARSE_TCP,
	}, {
		.desc = "first-fragment-8-bytes",
		RSTMON_TEST_EXT({ NEXTHDR_FRAGMENT, 0, IP6_MF }),
		.protocol = IPPROTO_TCP, .keep = 8, .want = RSTMON_PARSE_FRAGMENT,
	}, {
		.desc = "first-fragment-options-cut",
		RSTMON_TEST_EXT({ NEXTHDR_FRAGMENT, 0, IP6_MF }),
		.protocol = IPPROTO_TCP, .keep = 24, .want = RSTMON_PARSE_FRAGMENT,
	}, {
		.desc = "atomic-fragment-options-cut",
		RSTMON_TEST_EXT({ NEXTHDR_FRAGMENT, 0, 0 }),
		.protocol = IPPROTO_TCP, .keep = 24, .want = RSTMON_PARSE_MALFORMED,
	}, {
		.desc = "unfragmented-options-cut",
		.protocol = IPPROTO_TCP, .keep = 24, .want = RSTMON_PARSE_MALFORMED,
	}, {
		.desc = "later-fragment",
		RSTMON_TEST_EXT({ NEXTHDR_FRAGMENT, 0, 1 << 3 }),
		.protocol = IPPROTO_TCP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_FRAGMENT,
	}, {
		.desc = "later-fragment-mf",
		RSTMON_TEST_EXT({ NEXTHDR_DEST, 0 }, { NEXTHDR_FRAGMENT, 0, 185 << 3 | IP6_MF }),
		.protocol = IPPROTO_TCP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_FRAGMENT,
	}, {
		.desc = "later-fragment-udp",
		RSTMON_TEST_EXT({ NEXTHDR_FRAGMENT, 0, 1 << 3 }),
		.protocol = IPPROTO_UDP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_NOT_TCP,
	}, {
		.desc = "no-next-header",
		.protocol = NEXTHDR_NONE, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_NOT_TCP,
	}, {
		.desc = "dest-no-next-header",
		RSTMON_TEST_EXT({ NEXTHDR_DEST, 0 }),
		.protocol = NEXTHDR_NONE, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_NOT_TCP,
	}, {
		.desc = "icmpv6",
		.protocol = IPPROTO_ICMPV6, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_NOT_TCP,
	}, {
		.desc = "hop-icmpv6",
		RSTMON_TEST_EXT({ NEXTHDR_HOP, 0 }),
		.protocol = IPPROTO_ICMPV6, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_NOT_TCP,
	}, {
		.desc = "udp",
		.protocol = IPPROTO_UDP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_NOT_TCP,
	}, {
		.desc = "esp",
		RSTMON_TEST_EXT({ NEXTHDR_HOP, 0 }),
		.protocol = IPPROTO_ESP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_NOT_TCP,
	}, {
		.desc = "mobility",
		.protocol = NEXTHDR_MOBILITY, .keep = RSTMON_TEST_WHOLE,
		.want = RSTMON_PARSE_NOT_TCP,
	}, {
		.desc = "ipv4-in-ipv6",
		.protocol = IPPROTO_IPIP, .keep = RSTMON_TEST_WHOLE, .want = RSTMON_PARSE_NOT_TCP,
	},
};

static void rstmon_test_ip6_desc(const struct rstmon_test_ip6_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rstmon_test_ip6, rstmon_test_ip6_cases, rstmon_test_ip6_desc);

/*
 * IPv6 extension header chains: walked to TCP with each header's own length
 * rule (AH in 4-byte units), fragments told apart, other protocols ignored.
 */
static void rstmon_parse_ipv6_exthdrs(struct kunit *test)
{
	const struct rstmon_test_ip6_case *c = test->param_value;
	struct rstmon_seg seg, want = {};
	enum rstmon_parse_result res;
	struct rstmon_test_ip6 ip6;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;

	rstmon_test_ip6_init(&ip6);
	ip6.ext = c->ext;
	ip6.n_ext = c->n_ext;
	ip6.protocol = c->protocol;
	rstmon_test_tcp_init(&tcp);
	tcp.opts = rstmon_test_ts_opts;
	tcp.optlen = sizeof(rstmon_test_ts_opts);
	tcp.payload = 13;
	pkt = rstmon_test_build_ipv6(test, &ip6, &tcp);
	if (c->keep != RSTMON_TEST_WHOLE) {
		pkt->len = pkt->l4off + c->keep;
		struct ipv6hdr *ip6h = (struct ipv6hdr *)pkt->data;

		ip6h->payload_len = htons(pkt->len - sizeof(*ip6h));
	}

	res = rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV6, &seg);
	KUNIT_EXPECT_EQ(test, res, c->want);
	if (c->want != RSTMON_PARSE_TCP || res != RSTMON_PARSE_TCP)
		return;
	rstmon_test_want_ipv6(&want, &ip6);
	rstmon_test_want_tcp(&want, &tcp, pkt->len - pkt->l4off - rstmon_test_tcp_hlen(&tcp));
	want.opts = RSTMON_OPT_TS;
	rstmon_test_expect_seg(test, &seg, &want);
}

/**
 * struct rstmon_test_chain_case - a long IPv6 extension header chain.
 * @desc: case name
 * @n_dest: destination options headers
 * @frag: then a first-fragment header
 * @want: expected result
 */
struct rstmon_test_chain_case {
	const char *desc;
	unsigned int n_dest;
	bool frag;
	enum rstmon_parse_result want;
};

/* RSTMON_MAX_EXTHDRS headers are walked; one more is malformed. */
static const struct rstmon_test_chain_case rstmon_test_chain_cases[] = {
	{ "1", 1, false, RSTMON_PARSE_TCP },
	{ "max-1", RSTMON_MAX_EXTHDRS - 1, false, RSTMON_PARSE_TCP },
	{ "max", RSTMON_MAX_EXTHDRS, false, RSTMON_PARSE_TCP },
	{ "max+1", RSTMON_MAX_EXTHDRS + 1, false, RSTMON_PARSE_MALFORMED },
	{ "max-1+fragment", RSTMON_MAX_EXTHDRS - 1, true, RSTMON_PARSE_TCP },
	{ "max+fragment", RSTMON_MAX_EXTHDRS, true, RSTMON_PARSE_MALFORMED },
	{ "4*max", 4 * RSTMON_MAX_EXTHDRS, false, RSTMON_PARSE_MALFORMED },
};

static void rstmon_test_chain_desc(const struct rstmon_test_chain_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rstmon_test_chain, rstmon_test_chain_cases, rstmon_test_chain_desc);

/* The extension header chain is bounded by RSTMON_MAX_EXTHDRS. */
static void rstmon_parse_ipv6_exthdr_limit(struct kunit *test)
{
	const struct rstmon_test_chain_case *c = test->param_value;
	unsigned int i, n = c->n_dest + c->frag;
	struct rstmon_test_ext *ext;
	struct rstmon_test_ip6 ip6;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	enum rstmon_parse_result res;
	struct rstmon_seg seg;

	ext = kunit_kcalloc(test, n, sizeof(*ext), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ext);
	for (i = 0; i < c->n_dest; i++)
		ext[i].type = NEXTHDR_DEST;
	if (c->frag)
		ext[i] = (struct rstmon_test_ext){ NEXTHDR_FRAGMENT, 0, IP6_MF };
	rstmon_test_ip6_init(&ip6);
	ip6.ext = ext;
	ip6.n_ext = n;
	rstmon_test_tcp_init(&tcp);
	pkt = rstmon_test_build_ipv6(test, &ip6, &tcp);
	KUNIT_ASSERT_EQ(test, pkt->l4off, 40 + 8 * n);

	res = rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV6, &seg);
	KUNIT_EXPECT_EQ(test, res, c->want);
	if (c->want == RSTMON_PARSE_TCP && res == RSTMON_PARSE_TCP) {
		KUNIT_EXPECT_EQ(test, ntohs(seg.sport), tcp.sport);
		KUNIT_EXPECT_EQ(test, ntohs(seg.dport), tcp.dport);
		KUNIT_EXPECT_EQ(test, seg.payload, 0U);
	}
}

/*
 * An extension header whose length runs past payload_len is malformed, even
 * though the skb holds the bytes (padding).  Tried for every length value of
 * each header in a hop-by-hop, AH, destination options chain.
 */
static void rstmon_parse_ipv6_exthdr_overrun(struct kunit *test)
{
	static const struct rstmon_test_ext chain[] = {
		{ NEXTHDR_HOP, 0 }, { NEXTHDR_AUTH, 1 }, { NEXTHDR_DEST, 0 },
	};
	unsigned int i, v, off, plen, tried = 0, bad = 0;
	enum rstmon_parse_result res_before, res_after;
	struct rstmon_test_ip6 ip6;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	struct rstmon_seg seg;
	struct sk_buff *skb;
	u8 *nh;

	rstmon_test_ip6_init(&ip6);
	ip6.ext = chain;
	ip6.n_ext = ARRAY_SIZE(chain);
	rstmon_test_tcp_init(&tcp);
	tcp.payload = 10;
	pkt = rstmon_test_build_ipv6(test, &ip6, &tcp);
	plen = pkt->len - sizeof(struct ipv6hdr);
	rstmon_test_pkt_pad(test, pkt, 2100);
	skb = rstmon_test_pkt_skb(pkt);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	nh = skb_network_header(skb);

	res_before = rstmon_parse(skb, NFPROTO_IPV6, &seg);
	off = 0;
	for (i = 0; i < ARRAY_SIZE(chain); i++) {
		u8 *hdrlen = nh + sizeof(struct ipv6hdr) + off + 1;
		u8 orig = *hdrlen;

		for (v = 0; v <= U8_MAX; v++) {
			struct rstmon_test_ext e = chain[i];
			enum rstmon_parse_result res;

			e.hdrlen = v;
			if (rstmon_test_ext_len(&e) <= plen - off)
				continue;
			*hdrlen = v;
			res = rstmon_parse(skb, NFPROTO_IPV6, &seg);
			tried++;
			if (res != RSTMON_PARSE_MALFORMED) {
				KUNIT_FAIL(test, "header %u (type %u) hdrlen %u: result %d",
					   i, e.type, v, res);
				bad++;
			}
		}
		*hdrlen = orig;
		off += rstmon_test_ext_len(&chain[i]);
	}
	res_after = rstmon_parse(skb, NFPROTO_IPV6, &seg);
	kfree_skb(skb);

	KUNIT_EXPECT_EQ(test, res_before, RSTMON_PARSE_TCP);
	KUNIT_EXPECT_EQ(test, res_after, RSTMON_PARSE_TCP);
	/* hop-by-hop from hdrlen 7, AH from 11, destination options from 4 */
	KUNIT_EXPECT_EQ(test, tried, (256U - 7) + (256U - 11) + (256U - 4));
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

/**
 * struct rstmon_test_plen_case - an extension header chain for every payload_len.
 * @desc: case name
 * @ext: the extension headers (none a first fragment with more to come)
 * @n_ext: how many
 */
struct rstmon_test_plen_case {
	const char *desc;
	struct rstmon_test_ext ext[4];
	unsigned int n_ext;
};

static const struct rstmon_test_plen_case rstmon_test_plen_cases[] = {
	{ "none" },
	{ "hop-dest", { { NEXTHDR_HOP, 0 }, { NEXTHDR_DEST, 1 } }, 2 },
	{ "atomic-fragment", { { NEXTHDR_FRAGMENT, 0, 0 } }, 1 },
	{
		"hop-ah-fragment-dest",
		{ { NEXTHDR_HOP, 0 }, { NEXTHDR_AUTH, 1 }, { NEXTHDR_FRAGMENT, 0, 0 },
		  { NEXTHDR_DEST, 0 } },
		4
	},
};

static void rstmon_test_plen_desc(const struct rstmon_test_plen_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rstmon_test_plen, rstmon_test_plen_cases, rstmon_test_plen_desc);

/*
 * Every value of payload_len, in an skb with 16 bytes more than the packet:
 * TCP exactly when it covers the extension and TCP headers and not more than
 * the skb, the payload always what payload_len says.  Below that, some header
 * runs past payload_len though the skb holds its bytes.
 */
static void rstmon_parse_ipv6_payload_len(struct kunit *test)
{
	const struct rstmon_test_plen_case *c = test->param_value;
	unsigned int plen, hdrs, avail, bad = 0;
	struct rstmon_test_ip6 ip6;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	struct rstmon_seg seg;
	struct sk_buff *skb;

	rstmon_test_ip6_init(&ip6);
	ip6.ext = c->ext;
	ip6.n_ext = c->n_ext;
	rstmon_test_tcp_init(&tcp);
	tcp.opts = rstmon_test_syn_opts;
	tcp.optlen = sizeof(rstmon_test_syn_opts);
	tcp.payload = 10;
	pkt = rstmon_test_build_ipv6(test, &ip6, &tcp);
	hdrs = pkt->l4off - sizeof(struct ipv6hdr) + rstmon_test_tcp_hlen(&tcp);
	rstmon_test_pkt_pad(test, pkt, 16);
	avail = pkt->len - sizeof(struct ipv6hdr);
	skb = rstmon_test_pkt_skb(pkt);
	KUNIT_ASSERT_NOT_NULL(test, skb);

	for (plen = 0; plen <= U16_MAX; plen++) {
		bool tcp_ok = plen >= hdrs && plen <= avail;
		enum rstmon_parse_result res;

		ipv6_hdr(skb)->payload_len = htons(plen);
		res = rstmon_parse(skb, NFPROTO_IPV6, &seg);
		if (res != (tcp_ok ? RSTMON_PARSE_TCP : RSTMON_PARSE_MALFORMED) ||
		    (tcp_ok && seg.payload != plen - hdrs)) {
			KUNIT_FAIL(test, "payload_len %u of %u: result %d payload %u",
				   plen, avail, res, seg.payload);
			bad++;
			break;
		}
	}
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, bad, 0U);
	KUNIT_EXPECT_EQ(test, plen, U16_MAX + 1);
}

/* Any IP version but 6 at NFPROTO_IPV6 is malformed, IPv4 packets included. */
static void rstmon_parse_ipv6_bad_version(struct kunit *test)
{
	struct rstmon_test_ip4 ip;
	struct rstmon_test_ip6 ip6;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt, *pkt4;
	struct rstmon_seg seg;
	unsigned int v;

	rstmon_test_ip4_init(&ip);
	rstmon_test_ip6_init(&ip6);
	rstmon_test_tcp_init(&tcp);
	tcp.payload = 40;	/* an IPv4 packet as long as an IPv6 one */
	pkt = rstmon_test_build_ipv6(test, &ip6, &tcp);
	pkt4 = rstmon_test_build_ipv4(test, &ip, &tcp);
	KUNIT_ASSERT_EQ(test, rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV6, &seg),
			RSTMON_PARSE_TCP);

	for (v = 0; v < 16; v++) {
		if (v == 6)
			continue;
		((struct ipv6hdr *)pkt->data)->version = v;
		KUNIT_EXPECT_EQ_MSG(test, rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV6, &seg),
				    RSTMON_PARSE_MALFORMED, "version %u", v);
	}
	KUNIT_EXPECT_EQ(test, rstmon_test_parse_pkt(test, pkt4, NFPROTO_IPV6, &seg),
			RSTMON_PARSE_MALFORMED);
}

/**
 * struct rstmon_test_nonlinear_case - a packet spread over page fragments.
 * @desc: case name
 * @ipv6: IPv6 (with an extension header chain) rather than IPv4
 * @nhoff: bytes of link-layer header in front of the network header
 */
struct rstmon_test_nonlinear_case {
	const char *desc;
	bool ipv6;
	unsigned int nhoff;
};

static const struct rstmon_test_nonlinear_case rstmon_test_nonlinear_cases[] = {
	{ "ipv4", false, 0 },
	{ "ipv4-behind-ethernet", false, ETH_HLEN },
	{ "ipv6", true, 0 },
	{ "ipv6-behind-ethernet", true, ETH_HLEN },
};

static void rstmon_test_nonlinear_desc(const struct rstmon_test_nonlinear_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rstmon_test_nonlinear, rstmon_test_nonlinear_cases,
		  rstmon_test_nonlinear_desc);

/*
 * Headers split at every byte between the linear area and page fragments, the
 * rest in one page or in many small fragments: the same segment as from a
 * linear skb, so every header read copies across the pieces.
 */
static void rstmon_parse_nonlinear(struct kunit *test)
{
	const struct rstmon_test_nonlinear_case *c = test->param_value;
	u8 nfproto = c->ipv6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	unsigned int linear, total, mode, tried = 0, bad = 0;
	struct rstmon_seg ref, seg;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;

	rstmon_test_tcp_init(&tcp);
	tcp.flags = RSTMON_TCP_SYN | RSTMON_TCP_ACK;
	tcp.opts = rstmon_test_syn_opts;
	tcp.optlen = sizeof(rstmon_test_syn_opts);
	tcp.payload = 30;
	if (c->ipv6) {
		struct rstmon_test_ip6 ip6;

		rstmon_test_ip6_init(&ip6);
		ip6.ext = rstmon_test_trunc6_ext;
		ip6.n_ext = ARRAY_SIZE(rstmon_test_trunc6_ext);
		pkt = rstmon_test_build_ipv6(test, &ip6, &tcp);
	} else {
		struct rstmon_test_ip4 ip;

		rstmon_test_ip4_init(&ip);
		ip.optlen = 8;
		pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
	}
	KUNIT_ASSERT_EQ(test, rstmon_test_parse_pkt(test, pkt, nfproto, &ref), RSTMON_PARSE_TCP);
	KUNIT_ASSERT_EQ(test, ref.payload, 30U);
	KUNIT_ASSERT_EQ(test, ref.mss, 1460);

	total = c->nhoff + pkt->len;
	for (linear = 0; linear <= total; linear++) {
		for (mode = 0; mode < 2; mode++) {
			unsigned int fragsz = mode ? PAGE_SIZE :
				max(5U, DIV_ROUND_UP(total - linear, MAX_SKB_FRAGS));
			enum rstmon_parse_result res;
			struct sk_buff *skb;
			unsigned int headlen;

			skb = rstmon_test_skb(pkt->data, pkt->len, c->nhoff, linear, fragsz);
			KUNIT_ASSERT_NOT_NULL(test, skb);
			headlen = skb_headlen(skb);
			res = rstmon_parse(skb, nfproto, &seg);
			kfree_skb(skb);
			tried++;
			if (headlen != linear || res != RSTMON_PARSE_TCP ||
			    !rstmon_test_seg_equal(&seg, &ref)) {
				KUNIT_FAIL(test,
					   "linear %u of %u, fragments of %u: headlen %u result %d",
					   linear, total, fragsz, headlen, res);
				rstmon_test_expect_seg(test, &seg, &ref);
				bad++;
				break;
			}
		}
		if (bad)
			break;
	}
	KUNIT_EXPECT_EQ(test, tried, 2 * (total + 1));
}

/*
 * The network header need not be at skb->data; one before skb->data, or at or
 * past its end, is malformed.
 */
static void rstmon_parse_network_offset(struct kunit *test)
{
	enum rstmon_parse_result res_l2, res_pulled, res_neg, res_end, res_past;
	struct rstmon_seg ref, seg_l2, seg_pulled, seg;
	struct rstmon_test_ip4 ip;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	struct sk_buff *skb;

	rstmon_test_ip4_init(&ip);
	rstmon_test_tcp_init(&tcp);
	tcp.opts = rstmon_test_syn_opts;
	tcp.optlen = sizeof(rstmon_test_syn_opts);
	tcp.payload = 21;
	pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
	KUNIT_ASSERT_EQ(test, rstmon_test_parse_pkt(test, pkt, NFPROTO_IPV4, &ref),
			RSTMON_PARSE_TCP);

	skb = rstmon_test_skb(pkt->data, pkt->len, ETH_HLEN, UINT_MAX, 0);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	res_l2 = rstmon_parse(skb, NFPROTO_IPV4, &seg_l2);
	__skb_pull(skb, ETH_HLEN);
	res_pulled = rstmon_parse(skb, NFPROTO_IPV4, &seg_pulled);
	__skb_pull(skb, 1);
	res_neg = rstmon_parse(skb, NFPROTO_IPV4, &seg);
	__skb_push(skb, 1 + ETH_HLEN);
	skb_set_network_header(skb, skb->len);
	res_end = rstmon_parse(skb, NFPROTO_IPV4, &seg);
	skb_set_network_header(skb, skb->len + 1);
	res_past = rstmon_parse(skb, NFPROTO_IPV4, &seg);
	kfree_skb(skb);

	KUNIT_EXPECT_EQ(test, res_l2, RSTMON_PARSE_TCP);
	KUNIT_EXPECT_TRUE(test, rstmon_test_seg_equal(&seg_l2, &ref));
	KUNIT_EXPECT_EQ(test, res_pulled, RSTMON_PARSE_TCP);
	KUNIT_EXPECT_TRUE(test, rstmon_test_seg_equal(&seg_pulled, &ref));
	KUNIT_EXPECT_EQ(test, res_neg, RSTMON_PARSE_MALFORMED);
	KUNIT_EXPECT_EQ(test, res_end, RSTMON_PARSE_MALFORMED);
	KUNIT_EXPECT_EQ(test, res_past, RSTMON_PARSE_MALFORMED);
}

/* Next headers an IPv6 garbage packet names: TCP, every one rstmon walks, others. */
static const u8 rstmon_test_nh[] = {
	IPPROTO_TCP, NEXTHDR_HOP, NEXTHDR_ROUTING, NEXTHDR_DEST, NEXTHDR_FRAGMENT,
	NEXTHDR_AUTH, NEXTHDR_NONE, IPPROTO_UDP,
};

#define RSTMON_TEST_GARBAGE_RUNS	20000
#define RSTMON_TEST_GARBAGE_MAX		192

/*
 * Garbage headers: packets of random bytes and random length (0 to 191),
 * made plausible enough to get past the first checks (version, protocol or
 * next header, and half the time consistent lengths and a small data
 * offset), split at a random point between the linear area and page
 * fragments of random size, one in eight marked GSO.  Whatever the bytes,
 * the parser returns one of its four results, and a TCP result accounts
 * for no more bytes than the packet has.  Every result occurs.  (KASAN
 * reports any read past the skb; the seed is fixed, so a failure repeats.)
 */
static void rstmon_parse_garbage(struct kunit *test)
{
	unsigned int seen[RSTMON_PARSE_MALFORMED + 1] = { };
	struct rnd_state rs;
	unsigned int i, j;
	u8 *buf;

	buf = kunit_kzalloc(test, RSTMON_TEST_GARBAGE_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	prandom_seed_state(&rs, 0x7273746d6f6eULL);
	for (i = 0; i < RSTMON_TEST_GARBAGE_RUNS; i++) {
		unsigned int len = prandom_u32_state(&rs) % RSTMON_TEST_GARBAGE_MAX;
		bool ipv6 = i & 1, plausible = i & 2, gso = !(i % 8);
		unsigned int iphlen = ipv6 ? 40 : 20, linear, fragsz;
		enum rstmon_parse_result res;
		struct rstmon_seg seg;
		struct sk_buff *skb;

		for (j = 0; j < len; j++)
			buf[j] = prandom_u32_state(&rs);
		if (len)
			buf[0] = (ipv6 ? 0x60 : 0x40) | (plausible && !ipv6 ? 5 : buf[0] & 0x0f);
		if (ipv6 && len > 6)
			buf[6] = rstmon_test_nh[buf[6] % ARRAY_SIZE(rstmon_test_nh)];
		if (!ipv6 && len > 9)
			buf[9] = buf[9] & 1 ? IPPROTO_TCP : buf[9];
		if (plausible && len >= iphlen) {
			u16 l = gso ? 0 : (ipv6 ? len - iphlen : len);

			buf[ipv6 ? 4 : 2] = l >> 8;
			buf[ipv6 ? 5 : 3] = l & 0xff;
			if (!ipv6) {
				buf[6] &= ~0x3f;	/* no fragment offset, no MF */
				buf[7] = 0;
			}
			if (len > iphlen + 12)	/* data offset 5..8 words */
				buf[iphlen + 12] = (5 + (buf[iphlen + 12] & 3)) << 4;
		}
		linear = prandom_u32_state(&rs) % (len + 1);
		fragsz = max(1 + prandom_u32_state(&rs) % 64, DIV_ROUND_UP(len, MAX_SKB_FRAGS - 1));
		skb = rstmon_test_skb(buf, len, prandom_u32_state(&rs) % 3, linear, fragsz);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		if (gso) {
			skb_shinfo(skb)->gso_size = 1448;
			skb_shinfo(skb)->gso_type = ipv6 ? SKB_GSO_TCPV6 : SKB_GSO_TCPV4;
			skb_shinfo(skb)->gso_segs = 1;
		}
		res = rstmon_parse(skb, ipv6 ? NFPROTO_IPV6 : NFPROTO_IPV4, &seg);
		kfree_skb(skb);
		KUNIT_ASSERT_LE_MSG(test, res, RSTMON_PARSE_MALFORMED, "run %u", i);
		seen[res]++;
		if (res != RSTMON_PARSE_TCP)
			continue;
		KUNIT_ASSERT_EQ_MSG(test, seg.family, ipv6 ? AF_INET6 : AF_INET, "run %u", i);
		KUNIT_ASSERT_TRUE_MSG(test, seg.doff >= 20 && seg.doff <= 60 && !(seg.doff % 4),
				      "run %u: doff %u", i, seg.doff);
		KUNIT_ASSERT_LE_MSG(test, iphlen + seg.doff + seg.payload, len,
				    "run %u: %u header and %u payload bytes in %u", i, seg.doff,
				    seg.payload, len);
	}
	for (j = 0; j <= RSTMON_PARSE_MALFORMED; j++)
		KUNIT_EXPECT_GT_MSG(test, seen[j], 0U, "result %u never occurred", j);
	kunit_info(test, "%u runs: %u TCP, %u not TCP, %u fragments, %u malformed\n",
		   RSTMON_TEST_GARBAGE_RUNS, seen[RSTMON_PARSE_TCP], seen[RSTMON_PARSE_NOT_TCP],
		   seen[RSTMON_PARSE_FRAGMENT], seen[RSTMON_PARSE_MALFORMED]);
}

/* A protocol family other than IPv4 and IPv6 is not TCP, and the segment is zeroed. */
static void rstmon_parse_nfproto(struct kunit *test)
{
	enum rstmon_parse_result res4 = RSTMON_PARSE_MALFORMED;
	unsigned int pf, bad = 0;
	struct rstmon_test_ip4 ip;
	struct rstmon_test_tcp tcp;
	struct rstmon_test_pkt *pkt;
	struct rstmon_seg seg;
	struct sk_buff *skb;

	rstmon_test_ip4_init(&ip);
	rstmon_test_tcp_init(&tcp);
	pkt = rstmon_test_build_ipv4(test, &ip, &tcp);
	skb = rstmon_test_pkt_skb(pkt);
	KUNIT_ASSERT_NOT_NULL(test, skb);

	for (pf = 0; pf <= U8_MAX; pf++) {
		enum rstmon_parse_result res;

		memset(&seg, 0xff, sizeof(seg));
		res = rstmon_parse(skb, pf, &seg);
		if (pf == NFPROTO_IPV4) {
			res4 = res;
			continue;
		}
		if (pf == NFPROTO_IPV6)
			continue;
		if (res != RSTMON_PARSE_NOT_TCP || memchr_inv(&seg, 0, sizeof(seg))) {
			KUNIT_FAIL(test, "nfproto %u: result %d", pf, res);
			bad++;
		}
	}
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, res4, RSTMON_PARSE_TCP);
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

static struct kunit_case rstmon_parse_cases[] = {
	KUNIT_CASE(rstmon_parse_ipv4_syn),
	KUNIT_CASE_PARAM(rstmon_parse_ipv4_ipopts_rst, rstmon_test_ipopt_gen_params),
	KUNIT_CASE(rstmon_parse_ipv4_padded_rst),
	KUNIT_CASE(rstmon_parse_tcp_flags),
	KUNIT_CASE_PARAM(rstmon_parse_truncated, rstmon_test_trunc_gen_params),
	KUNIT_CASE(rstmon_parse_ipv4_tot_len),
	KUNIT_CASE(rstmon_parse_ipv4_bad_ihl),
	KUNIT_CASE(rstmon_parse_ipv4_bad_version),
	KUNIT_CASE_PARAM(rstmon_parse_tcp_doff, rstmon_test_doff_gen_params),
	KUNIT_CASE_PARAM(rstmon_parse_tcp_options, rstmon_test_opts_gen_params),
	KUNIT_CASE(rstmon_parse_ipv4_not_tcp),
	KUNIT_CASE_PARAM(rstmon_parse_ipv4_fragments, rstmon_test_frag4_gen_params),
	KUNIT_CASE(rstmon_parse_ipv6_tcp),
	KUNIT_CASE_PARAM(rstmon_parse_ipv6_exthdrs, rstmon_test_ip6_gen_params),
	KUNIT_CASE_PARAM(rstmon_parse_ipv6_exthdr_limit, rstmon_test_chain_gen_params),
	KUNIT_CASE(rstmon_parse_ipv6_exthdr_overrun),
	KUNIT_CASE_PARAM(rstmon_parse_ipv6_payload_len, rstmon_test_plen_gen_params),
	KUNIT_CASE(rstmon_parse_ipv6_bad_version),
	KUNIT_CASE_PARAM(rstmon_parse_big_tcp, rstmon_test_family_gen_params),
	KUNIT_CASE_PARAM(rstmon_parse_nonlinear, rstmon_test_nonlinear_gen_params),
	KUNIT_CASE(rstmon_parse_network_offset),
	KUNIT_CASE(rstmon_parse_nfproto),
	KUNIT_CASE(rstmon_parse_garbage),
	{}
};

static struct kunit_suite rstmon_parse_suite = {
	.name = "rstmon_parse",
	.test_cases = rstmon_parse_cases,
};

kunit_test_suite(rstmon_parse_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rstmon: KUnit tests");
