// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: TCP segment parser.
 *
 * Reads the network and TCP headers of a segment at a netfilter hook.  Every
 * read goes through skb_header_pointer() and is bounded twice: by the skb's
 * length and by the lengths the headers claim, so a lying length can never
 * make us read past the packet.  Anything inconsistent is reported as
 * malformed; the caller counts it and passes the packet untouched.
 */
#include <linux/skbuff.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/netfilter.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "parse.h"

static void rstmon_parse_options(const struct sk_buff *skb, unsigned int off,
				 unsigned int len, struct rstmon_seg *seg)
{
	u8 buf[MAX_TCP_OPTION_SPACE];
	const u8 *opt;
	unsigned int i = 0;

	opt = skb_header_pointer(skb, off, len, buf);
	if (!opt)
		return;

	while (i < len) {
		u8 kind = opt[i], olen;

		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			goto bad;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			goto bad;
		switch (kind) {
		case TCPOPT_MSS:
			if (olen == TCPOLEN_MSS) {
				seg->mss = (opt[i + 2] << 8) | opt[i + 3];
				seg->opts |= RSTMON_OPT_MSS;
			}
			break;
		case TCPOPT_WINDOW:
			if (olen == TCPOLEN_WINDOW) {
				seg->wscale = opt[i + 2];
				seg->opts |= RSTMON_OPT_WSCALE;
			}
			break;
		case TCPOPT_SACK_PERM:
			if (olen == TCPOLEN_SACK_PERM)
				seg->opts |= RSTMON_OPT_SACK_OK;
			break;
		case TCPOPT_TIMESTAMP:
			if (olen == TCPOLEN_TIMESTAMP)
				seg->opts |= RSTMON_OPT_TS;
			break;
		}
		i += olen;
	}
	return;
bad:
	seg->opts |= RSTMON_OPT_BAD;
}

/*
 * @off: offset of the TCP header; @len: bytes the IP header says follow it;
 * @more: this is a first fragment, so a short TCP header is not malformed.
 */
static enum rstmon_parse_result
rstmon_parse_tcp(const struct sk_buff *skb, unsigned int off, unsigned int len,
		 bool more, struct rstmon_seg *seg)
{
	struct tcphdr _th;
	const struct tcphdr *th;
	unsigned int doff;

	if (len < sizeof(*th))
		return more ? RSTMON_PARSE_FRAGMENT : RSTMON_PARSE_MALFORMED;
	th = skb_header_pointer(skb, off, sizeof(_th), &_th);
	if (!th)
		return RSTMON_PARSE_MALFORMED;
	doff = th->doff * 4;
	if (doff < sizeof(*th))
		return RSTMON_PARSE_MALFORMED;
	if (doff > len)
		return more ? RSTMON_PARSE_FRAGMENT : RSTMON_PARSE_MALFORMED;

	seg->sport = th->source;
	seg->dport = th->dest;
	seg->seq = ntohl(th->seq);
	seg->ack_seq = ntohl(th->ack_seq);
	seg->window = ntohs(th->window);
	seg->flags = tcp_flag_byte(th);
	seg->doff = doff;
	seg->thoff = off;
	seg->payload = len - doff;
	/* Only a SYN's options are used (MSS, window scale). */
	if (doff > sizeof(*th) && th->syn)
		rstmon_parse_options(skb, off + sizeof(*th), doff - sizeof(*th), seg);
	return RSTMON_PARSE_TCP;
}

static enum rstmon_parse_result
rstmon_parse_ipv4(const struct sk_buff *skb, unsigned int nhoff,
		  struct rstmon_seg *seg)
{
	struct iphdr _iph;
	const struct iphdr *iph;
	unsigned int ihl, tot, avail = skb->len - nhoff;

	iph = skb_header_pointer(skb, nhoff, sizeof(_iph), &_iph);
	if (!iph || iph->version != 4 || iph->ihl < 5)
		return RSTMON_PARSE_MALFORMED;
	ihl = iph->ihl * 4;
	tot = ntohs(iph->tot_len);
	/* BIG TCP: a GSO packet over 64 KiB carries tot_len 0. */
	if (tot == 0 && skb_is_gso(skb))
		tot = avail;
	if (tot < ihl || tot > avail)
		return RSTMON_PARSE_MALFORMED;
	if (iph->protocol != IPPROTO_TCP)
		return RSTMON_PARSE_NOT_TCP;
	if (iph->frag_off & htons(IP_OFFSET))
		return RSTMON_PARSE_FRAGMENT;

	seg->family = AF_INET;
	ipv6_addr_set_v4mapped(iph->saddr, &seg->saddr);
	ipv6_addr_set_v4mapped(iph->daddr, &seg->daddr);
	seg->ttl = iph->ttl;
	seg->ipid = ntohs(iph->id);
	seg->df = !!(iph->frag_off & htons(IP_DF));
	return rstmon_parse_tcp(skb, nhoff + ihl, tot - ihl,
				!!(iph->frag_off & htons(IP_MF)), seg);
}

static enum rstmon_parse_result
rstmon_parse_ipv6(const struct sk_buff *skb, unsigned int nhoff,
		  struct rstmon_seg *seg)
{
	struct ipv6hdr _ip6h;
	const struct ipv6hdr *ip6h;
	unsigned int avail = skb->len - nhoff, plen, off, end, n;
	bool more = false;
	u8 nexthdr;

	ip6h = skb_header_pointer(skb, nhoff, sizeof(_ip6h), &_ip6h);
	if (!ip6h || ip6h->version != 6)
		return RSTMON_PARSE_MALFORMED;
	plen = ntohs(ip6h->payload_len);
	/* BIG TCP: a GSO packet over 64 KiB carries payload_len 0. */
	if (plen == 0 && skb_is_gso(skb))
		plen = avail - sizeof(*ip6h);
	if (plen > avail - sizeof(*ip6h))
		return RSTMON_PARSE_MALFORMED;

	off = nhoff + sizeof(*ip6h);
	end = off + plen;
	nexthdr = ip6h->nexthdr;

	/*
	 * Walk the extension header chain ourselves rather than with
	 * ipv6_skip_exthdr(): we bound it by the payload length the header
	 * claims (not only by skb->len) and by RSTMON_MAX_EXTHDRS.
	 */
	for (n = 0; nexthdr != IPPROTO_TCP; n++) {
		u8 _hdr[2];
		const u8 *hdr;
		unsigned int hlen;

		if (nexthdr != NEXTHDR_FRAGMENT && nexthdr != NEXTHDR_HOP &&
		    nexthdr != NEXTHDR_ROUTING && nexthdr != NEXTHDR_DEST &&
		    nexthdr != NEXTHDR_AUTH)
			return RSTMON_PARSE_NOT_TCP;
		if (n >= RSTMON_MAX_EXTHDRS)
			return RSTMON_PARSE_MALFORMED;
		if (nexthdr == NEXTHDR_FRAGMENT) {
			struct frag_hdr _fh;
			const struct frag_hdr *fh;

			if (off + sizeof(_fh) > end)
				return RSTMON_PARSE_MALFORMED;
			fh = skb_header_pointer(skb, off, sizeof(_fh), &_fh);
			if (!fh)
				return RSTMON_PARSE_MALFORMED;
			if (fh->frag_off & htons(IP6_OFFSET))
				return fh->nexthdr == IPPROTO_TCP ?
					RSTMON_PARSE_FRAGMENT : RSTMON_PARSE_NOT_TCP;
			more = !!(fh->frag_off & htons(IP6_MF));
			nexthdr = fh->nexthdr;
			off += sizeof(_fh);
			continue;
		}
		if (off + sizeof(_hdr) > end)
			return RSTMON_PARSE_MALFORMED;
		hdr = skb_header_pointer(skb, off, sizeof(_hdr), _hdr);
		if (!hdr)
			return RSTMON_PARSE_MALFORMED;
		hlen = nexthdr == NEXTHDR_AUTH ? ipv6_authlen((const struct ip_auth_hdr *)hdr)
					       : ipv6_optlen((const struct ipv6_opt_hdr *)hdr);
		if (hlen > end - off)
			return RSTMON_PARSE_MALFORMED;
		nexthdr = hdr[0];
		off += hlen;
	}

	seg->family = AF_INET6;
	seg->saddr = ip6h->saddr;
	seg->daddr = ip6h->daddr;
	seg->ttl = ip6h->hop_limit;
	seg->ipid = 0;
	seg->df = true;
	return rstmon_parse_tcp(skb, off, end - off, more, seg);
}

/**
 * rstmon_parse() - parse the TCP segment of a packet at a netfilter hook.
 * @skb: the packet; its network header must be set.  It is only read.
 * @nfproto: NFPROTO_IPV4 or NFPROTO_IPV6
 * @seg: filled when the result is RSTMON_PARSE_TCP; zeroed first
 *
 * Return: what was found, see &enum rstmon_parse_result.
 */
enum rstmon_parse_result rstmon_parse(const struct sk_buff *skb, u8 nfproto,
				      struct rstmon_seg *seg)
{
	int nhoff = skb_network_offset(skb);

	memset(seg, 0, sizeof(*seg));
	if (nhoff < 0 || (unsigned int)nhoff > skb->len)
		return RSTMON_PARSE_MALFORMED;
	switch (nfproto) {
	case NFPROTO_IPV4:
		return rstmon_parse_ipv4(skb, nhoff, seg);
	case NFPROTO_IPV6:
		return rstmon_parse_ipv6(skb, nhoff, seg);
	}
	return RSTMON_PARSE_NOT_TCP;
}
