// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: what the network path says about an RST.
 *
 * Three facts that the segment and the connection table cannot give:
 *
 *  - whether the RST's source is reached through a gateway: an RST that
 *    arrives with an unspent initial TTL (zero hops) from such an address
 *    was made on this host's link, by the gateway or another device on it,
 *    not by the peer;
 *  - whether conntrack has the connection offloaded to a flowtable: its
 *    segments then bypass the FORWARD hook.  An RST that came through the
 *    flowtable's ingress hook has torn the flow down, which clears the
 *    bit first (flow_offload_teardown(), 6.1 to 7.2); the classifier
 *    finds those from the sequence space instead (rstmon_bypassed()).  The
 *    bit is still set for an RST that reached FORWARD another way, e.g.
 *    from a device the flowtable does not list;
 *  - the connection's addresses before and after NAT.
 *
 * Conntrack is read through nf_ct_get(), an inline that reads skb->_nfct:
 * rstmon neither loads nf_conntrack nor depends on it, and finds nothing
 * when it is not loaded (or the packet is untracked).  Routes are looked
 * up with nf_route(), netfilter's family-independent helper, so rstmon
 * does not depend on the ipv6 module either.  Both are used only for RSTs.
 */
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/ip6_fib.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>

#include "rstmon.h"
#include "parse.h"
#include "event.h"
#include "netpath.h"

/**
 * rstmon_ttl_hops() - hops a TTL or hop limit has travelled.
 * @ttl: the value a packet arrived with
 *
 * Senders start from 255, 128, 64 or 32 (Linux and most routers 64 or 255,
 * Windows 128); the distance is the nearest start at or above @ttl, less
 * @ttl.
 * Return: the hops, 0 for a packet that no router forwarded.
 */
unsigned int rstmon_ttl_hops(u8 ttl)
{
	static const u8 starts[] = { 32, 64, 128, 255 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(starts); i++)
		if (ttl <= starts[i])
			return starts[i] - ttl;
	return 0;
}

/**
 * rstmon_path_via_gateway() - is @seg's source reached through a gateway?
 * @net: the namespace that received @seg
 * @seg: a received segment
 *
 * Context: softirq or process, RCU read side (a route lookup).
 * Return: true when this host's route back to the source has a gateway;
 *	false when it is on-link, or no route exists.
 */
bool rstmon_path_via_gateway(struct net *net, const struct rstmon_seg *seg)
{
	struct dst_entry *dst = NULL;
	struct flowi fl;
	bool gw = false;

	memset(&fl, 0, sizeof(fl));
	if (seg->family == AF_INET) {
		fl.u.ip4.daddr = seg->saddr.s6_addr32[3];
		fl.u.ip4.saddr = seg->daddr.s6_addr32[3];
		fl.u.ip4.flowi4_proto = IPPROTO_TCP;
	} else {
		fl.u.ip6.daddr = seg->saddr;
		fl.u.ip6.saddr = seg->daddr;
		fl.u.ip6.flowi6_proto = IPPROTO_TCP;
	}
	if (nf_route(net, &dst, &fl, false, seg->family) || !dst)
		return false;
	if (seg->family == AF_INET)
		gw = container_of(dst, struct rtable, dst)->rt_uses_gateway;
	else
		gw = container_of(dst, struct rt6_info, dst)->rt6i_flags & RTF_GATEWAY;
	dst_release(dst);
	return gw;
}

#if IS_ENABLED(CONFIG_NF_CONNTRACK)
static const struct nf_conn *rstmon_path_ct(const struct sk_buff *skb,
					    enum ip_conntrack_info *ctinfo)
{
	const struct nf_conn *ct = nf_ct_get(skb, ctinfo);

	if (!ct || nf_ct_is_template(ct))
		return NULL;
	return ct;
}

/**
 * rstmon_path_offloaded() - had a flowtable carried the RST's connection?
 * @skb: the RST
 *
 * Return: true when conntrack marked the flow offloaded.
 */
bool rstmon_path_offloaded(const struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	const struct nf_conn *ct = rstmon_path_ct(skb, &ctinfo);

	return ct && test_bit(IPS_OFFLOAD_BIT, &ct->status);
}

static void rstmon_path_addr(struct in6_addr *a, const union nf_inet_addr *u, u8 family)
{
	if (family == AF_INET)
		ipv6_addr_set_v4mapped(u->ip, a);
	else
		*a = u->in6;
}

/**
 * rstmon_path_nat() - the RST's addresses before and after NAT.
 * @skb: the RST
 * @ev: its event; gets RSTMON_EV_NAT and @ev->nat when the connection is
 *	translated
 *
 * For a packet of conntrack direction D, the tuple it enters with is
 * tuplehash[D] and the one it leaves with the inverse of tuplehash[!D].
 */
void rstmon_path_nat(const struct sk_buff *skb, struct rstmon_event *ev)
{
	const struct nf_conntrack_tuple *in, *out;
	enum ip_conntrack_info ctinfo;
	const struct nf_conn *ct = rstmon_path_ct(skb, &ctinfo);
	enum ip_conntrack_dir d;

	if (!ct || !(READ_ONCE(ct->status) & IPS_NAT_MASK))
		return;
	d = CTINFO2DIR(ctinfo);
	in = &ct->tuplehash[d].tuple;
	out = &ct->tuplehash[!d].tuple;
	if (in->dst.protonum != IPPROTO_TCP)
		return;
	ev->evidence |= RSTMON_EV_NAT;
	rstmon_path_addr(&ev->nat.pre_src, &in->src.u3, ev->family);
	rstmon_path_addr(&ev->nat.pre_dst, &in->dst.u3, ev->family);
	rstmon_path_addr(&ev->nat.post_src, &out->dst.u3, ev->family);
	rstmon_path_addr(&ev->nat.post_dst, &out->src.u3, ev->family);
	ev->nat.pre_sport = in->src.u.tcp.port;
	ev->nat.pre_dport = in->dst.u.tcp.port;
	ev->nat.post_sport = out->dst.u.tcp.port;
	ev->nat.post_dport = out->src.u.tcp.port;
}
#else
bool rstmon_path_offloaded(const struct sk_buff *skb)
{
	return false;
}

void rstmon_path_nat(const struct sk_buff *skb, struct rstmon_event *ev)
{
}
#endif
