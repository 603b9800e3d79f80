/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two benchmark modules share: rstmon_bench.c ("make bench") and
 * rstmon_bench_smp.c ("make bench-smp").  The segments they feed (one skb
 * rewritten in place, connection @i of the table or given ends), rstmon's
 * IPv4 hook found in init_net by its symbol name, and conntrack driven as
 * its hooks drive it.  Everything here is static inline: each module
 * inlines what it uses into its own timed loops.
 */
#ifndef _RSTMON_BENCH_COMMON_H
#define _RSTMON_BENCH_COMMON_H

#include <linux/kallsyms.h>
#include <linux/skbuff.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <net/net_namespace.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>

#define BENCH_PAYLOAD		100
#define BENCH_CLIENT_ISN	1000U
#define BENCH_SERVER_ISN	500000U
#define BENCH_SERVER_ADDR	0x0aff0001	/* 10.255.0.1 */
#define BENCH_SERVER_PORT	80

enum bench_kind {
	BENCH_SYN, BENCH_SYNACK, BENCH_ACK, BENCH_DATA, BENCH_RST, BENCH_UDP,
	BENCH_SOCK_DATA,	/* a data segment of given ends and sequence numbers */
	BENCH_REPLY,		/* the responder's data segment */
	BENCH_BOTH,		/* not a segment: BENCH_DATA and BENCH_REPLY in turn */
};

/* A connection's ends: the client (the originator) and the server. */
struct bench_conn {
	__be32 caddr, saddr;
	__be16 cport, sport;
	u32 seq, ack_seq;	/* BENCH_SOCK_DATA: the next data segment's */
};

/* 10.(i >> 10 & 0xff).(i >> 18).x: up to 2^26 distinct client tuples. */
static inline void bench_tuple(unsigned int i, __be32 *saddr, __be16 *sport)
{
	*saddr = htonl(0x0a000000 | (i >> 10));
	*sport = htons(1024 + (i & 1023));
}

/*
 * Rewrite @skb's headers for the segment @kind of connection @c.
 * BENCH_SOCK_DATA takes its sequence numbers from @c and moves @c's on.
 */
static inline void bench_put_conn(struct sk_buff *skb, struct bench_conn *c,
				  enum bench_kind kind)
{
	struct iphdr *iph = ip_hdr(skb);
	struct tcphdr *th = (struct tcphdr *)(iph + 1);
	bool reply = kind == BENCH_SYNACK || kind == BENCH_REPLY;
	unsigned int len = sizeof(*iph);

	iph->saddr = reply ? c->saddr : c->caddr;
	iph->daddr = reply ? c->caddr : c->saddr;
	if (kind == BENCH_UDP) {
		struct udphdr *uh = (struct udphdr *)(iph + 1);

		iph->protocol = IPPROTO_UDP;
		uh->source = c->cport;
		uh->dest = htons(53);
		uh->len = htons(sizeof(*uh) + BENCH_PAYLOAD);
		uh->check = 0;
		len += sizeof(*uh) + BENCH_PAYLOAD;
		goto out;
	}
	iph->protocol = IPPROTO_TCP;
	memset(th, 0, sizeof(*th));
	th->source = reply ? c->sport : c->cport;
	th->dest = reply ? c->cport : c->sport;
	th->doff = sizeof(*th) / 4;
	th->window = htons(65535);
	len += sizeof(*th);
	switch (kind) {
	case BENCH_SYN:
		th->syn = 1;
		th->seq = htonl(BENCH_CLIENT_ISN);
		break;
	case BENCH_SYNACK:
		th->syn = 1;
		th->ack = 1;
		th->seq = htonl(BENCH_SERVER_ISN);
		th->ack_seq = htonl(BENCH_CLIENT_ISN + 1);
		break;
	case BENCH_ACK:
	case BENCH_DATA:
		th->ack = 1;
		th->seq = htonl(BENCH_CLIENT_ISN + 1);
		th->ack_seq = htonl(BENCH_SERVER_ISN + 1);
		if (kind == BENCH_DATA) {
			th->psh = 1;
			len += BENCH_PAYLOAD;
		}
		break;
	case BENCH_REPLY:
		th->ack = 1;
		th->psh = 1;
		th->seq = htonl(BENCH_SERVER_ISN + 1);
		th->ack_seq = htonl(BENCH_CLIENT_ISN + 1);
		len += BENCH_PAYLOAD;
		break;
	case BENCH_SOCK_DATA:
		th->ack = 1;
		th->psh = 1;
		th->seq = htonl(c->seq);
		th->ack_seq = htonl(c->ack_seq);
		c->seq += BENCH_PAYLOAD;
		len += BENCH_PAYLOAD;
		break;
	case BENCH_RST:
		th->rst = 1;
		th->ack = 1;
		th->seq = htonl(BENCH_CLIENT_ISN + 1 + BENCH_PAYLOAD);
		th->ack_seq = htonl(BENCH_SERVER_ISN + 1);
		break;
	default:
		break;
	}
out:
	iph->tot_len = htons(len);
	skb_trim(skb, 0);
	__skb_put(skb, len);
	skb_set_transport_header(skb, sizeof(*iph));
}

/* The same for connection @i of the table: bench_tuple()'s to the server. */
static inline void bench_put(struct sk_buff *skb, unsigned int i, enum bench_kind kind)
{
	struct bench_conn c = {
		.saddr = htonl(BENCH_SERVER_ADDR),
		.sport = htons(BENCH_SERVER_PORT),
	};

	bench_tuple(i, &c.caddr, &c.cport);
	bench_put_conn(skb, &c, kind);
}

/* The skb the segments are written into: an IPv4 header, room for 256. */
static inline struct sk_buff *bench_skb(void)
{
	struct sk_buff *skb = alloc_skb(MAX_HEADER + 256, GFP_KERNEL);

	if (!skb)
		return NULL;
	skb_reserve(skb, MAX_HEADER);
	skb_reset_network_header(skb);
	__skb_put(skb, sizeof(struct iphdr));
	memset(skb->data, 0, 256);
	*ip_hdr(skb) = (struct iphdr){ .version = 4, .ihl = 5, .ttl = 60 };
	skb->protocol = htons(ETH_P_IP);
	skb->dev = init_net.loopback_dev;
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return skb;
}

/* An IPv4 hook's state at @hooknum in init_net, over loopback. */
static inline void bench_state(struct nf_hook_state *state, unsigned int hooknum)
{
	struct net_device *out = hooknum == NF_INET_FORWARD ? init_net.loopback_dev : NULL;

	nf_hook_state_init(state, hooknum, NFPROTO_IPV4, init_net.loopback_dev, out, NULL,
			   &init_net, NULL);
}

/* rstmon's IPv4 hook at @hooknum in init_net, by its function's name. */
static inline int bench_find_hook(unsigned int hooknum, nf_hookfn **hook, void **priv)
{
	const struct nf_hook_entries *e;
	char sym[KSYM_SYMBOL_LEN];
	int i, err = -ENOENT;

	rcu_read_lock();
	e = rcu_dereference(init_net.nf.hooks_ipv4[hooknum]);
	for (i = 0; e && i < e->num_hook_entries; i++) {
		sprint_symbol_no_offset(sym, (unsigned long)e->hooks[i].hook);
		if (!strncmp(sym, "rstmon_hook", 11)) {
			*hook = e->hooks[i].hook;
			*priv = e->hooks[i].priv;
			err = 0;
			break;
		}
	}
	rcu_read_unlock();
	return err;
}

/*
 * As PRE_ROUTING and then LOCAL_IN or FORWARD would: track, confirm a new
 * entry, let go.  @untracked (unless NULL) counts the segments conntrack
 * left without an entry.
 */
static inline unsigned int bench_conntrack(struct sk_buff *skb,
					   const struct nf_hook_state *state,
					   unsigned int *untracked)
{
	enum ip_conntrack_info ctinfo;
	unsigned int v = nf_conntrack_in(skb, state);

	if (untracked && !nf_ct_get(skb, &ctinfo))
		(*untracked)++;
	if (v == NF_ACCEPT)
		v = nf_conntrack_confirm(skb);
	else if (v == -NF_ACCEPT)
		v = NF_ACCEPT;	/* not tracked, but passed */
	nf_reset_ct(skb);
	return v;
}

/* In a timed loop with BHs off under rcu_read_lock(): let others run. */
static inline void bench_breathe(void)
{
	rcu_read_unlock();
	local_bh_enable();
	cond_resched();
	local_bh_disable();
	rcu_read_lock();
}

static inline int bench_cmp_s64(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

#endif /* _RSTMON_BENCH_COMMON_H */
