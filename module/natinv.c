// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: segments of a translated connection that cross a NAT host
 * without their translation, and the RSTs that answer them.
 *
 * Behind a DNAT service address (kube-proxy's Services) a segment that
 * conntrack finds INVALID, e.g. far out of its TCP window (tcp_in_window()
 * says NFCT_TCP_INVALID), loses its conntrack entry: nf_conntrack_in()
 * clears skb->_nfct (6.1 to 7.2), the NAT hooks leave it alone, and it is
 * forwarded with the backend's real address.  The client's stack knows no
 * connection with that address and answers with an RST, itself without a
 * conntrack entry (no tuple of the connection matches it, and an RST
 * opens none: tcp_new() refuses it), which reaches the backend untranslated
 * and, in its window, kills the backend's real connection.  The fixes are
 * nf_conntrack_tcp_be_liberal=1 (nf_tcp_log_invalid() then accepts) or
 * dropping INVALID segments in FORWARD.
 *
 * rstmon's FORWARD hook sees both directions of the connection with the
 * backend's real address (DNAT happens before it, the reply's de-NAT after
 * it), so the stray segment and the RST fall in the connection's entry:
 *
 *  - the entry made from a forwarded segment with a NATed conntrack entry
 *    gets RSTMON_CF_NAT (once, on the creation path);
 *  - a later forwarded segment of such an entry without a NATed conntrack
 *    entry sets RSTMON_CF_UNTRANSLATED (a test of skb->_nfct per
 *    forwarded segment of a translated connection, an atomic only when
 *    the flag is not yet set);
 *  - an RST without a NATed conntrack entry on an entry that has both is
 *    the answer (rstmon_classify(): RSTMON_CAUSE_NAT_INVALID).  Only then,
 *    on the RST path, conntrack is looked up for the connection's tuples,
 *    through symbol_get(): rstmon neither loads nf_conntrack nor depends on
 *    it;
 *  - with masquerade on the NAT host, the segment reaches the NAT host's
 *    own stack, which answers: an untracked stateless RST of this host
 *    whose inverse is a translated connection's reply tuple
 *    (rstmon_natinv_tuples()).
 */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "rstmon.h"
#include "conn.h"
#include "parse.h"
#include "event.h"
#include "natinv.h"

#if IS_ENABLED(CONFIG_NF_CONNTRACK)
static bool rstmon_natinv_translated(const struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	const struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	return ct && !nf_ct_is_template(ct) && (READ_ONCE(ct->status) & IPS_NAT_MASK);
}

static void rstmon_natinv_addr(struct in6_addr *a, const union nf_inet_addr *u, u8 family)
{
	if (family == AF_INET)
		ipv6_addr_set_v4mapped(u->ip, a);
	else
		*a = u->in6;
}

static void rstmon_natinv_tuple(struct nf_conntrack_tuple *t, const struct rstmon_seg *seg,
				bool inverse)
{
	const struct in6_addr *s = inverse ? &seg->daddr : &seg->saddr;
	const struct in6_addr *d = inverse ? &seg->saddr : &seg->daddr;

	memset(t, 0, sizeof(*t));
	t->src.l3num = seg->family;
	t->dst.protonum = IPPROTO_TCP;
	t->src.u.tcp.port = inverse ? seg->dport : seg->sport;
	t->dst.u.tcp.port = inverse ? seg->sport : seg->dport;
	if (seg->family == AF_INET) {
		t->src.u3.ip = s->s6_addr32[3];
		t->dst.u3.ip = d->s6_addr32[3];
	} else {
		t->src.u3.in6 = *s;
		t->dst.u3.in6 = *d;
	}
}

/*
 * The tuples of the connection the untranslated RST belongs to: conntrack's
 * entry has a direction whose translated tuple is the RST's addresses (or
 * their inverse, for the answer's own sender).  Found only without SNAT on
 * the RST's path; none is found when nf_conntrack is not loaded.
 */
static bool rstmon_natinv_lookup(struct net *net, const struct rstmon_seg *seg,
				 struct rstmon_event *ev)
{
	struct nf_conntrack_tuple_hash *(*find)(struct net *net,
						const struct nf_conntrack_zone *zone,
						const struct nf_conntrack_tuple *tuple);
	const struct nf_conntrack_zone zone = {
		.id = NF_CT_DEFAULT_ZONE_ID,
		.dir = NF_CT_DEFAULT_ZONE_DIR,
	};
	const struct nf_conntrack_tuple *in, *out;
	struct nf_conntrack_tuple t;
	struct nf_conntrack_tuple_hash *h;
	struct nf_conn *ct;
	bool nat = false;
	int d, inv;

	find = symbol_get(nf_conntrack_find_get);
	if (!find)
		return false;
	/* Without SNAT the RST's inverse is the tuple of the direction it
	 * answers; its own tuple is tried as well.
	 */
	rstmon_natinv_tuple(&t, seg, true);
	h = find(net, &zone, &t);
	inv = !!h;
	if (!h) {
		rstmon_natinv_tuple(&t, seg, false);
		h = find(net, &zone, &t);
	}
	symbol_put(nf_conntrack_find_get);
	if (!h)
		return false;
	ct = nf_ct_tuplehash_to_ctrack(h);
	/* The direction the RST travels: the other one when its inverse
	 * matched.
	 */
	d = NF_CT_DIRECTION(h);
	if (inv)
		d = !d;
	if (READ_ONCE(ct->status) & IPS_NAT_MASK) {
		/* As the RST's sender addressed it had it been translated
		 * (@in), and as it crossed (@out, the translated tuple).
		 */
		in = &ct->tuplehash[d].tuple;
		out = &ct->tuplehash[!d].tuple;
		ev->evidence |= RSTMON_EV_NAT;
		rstmon_natinv_addr(&ev->nat.pre_src, &in->src.u3, ev->family);
		rstmon_natinv_addr(&ev->nat.pre_dst, &in->dst.u3, ev->family);
		rstmon_natinv_addr(&ev->nat.post_src, &out->dst.u3, ev->family);
		rstmon_natinv_addr(&ev->nat.post_dst, &out->src.u3, ev->family);
		ev->nat.pre_sport = in->src.u.tcp.port;
		ev->nat.pre_dport = in->dst.u.tcp.port;
		ev->nat.post_sport = out->dst.u.tcp.port;
		ev->nat.post_dport = out->src.u.tcp.port;
		nat = true;
	}
	/* Not nf_ct_put(): on 6.1 it calls nf_conntrack.ko. */
	nf_conntrack_put(&ct->ct_general);
	return nat;
}
#else
static bool rstmon_natinv_translated(const struct sk_buff *skb)
{
	return false;
}

static bool rstmon_natinv_lookup(struct net *net, const struct rstmon_seg *seg,
				 struct rstmon_event *ev)
{
	return false;
}
#endif

/**
 * rstmon_natinv_created() - a new entry, made from a forwarded segment.
 * @c: the entry
 * @skb: its first segment
 *
 * Context: RCU read side; the creation path, once per connection.
 */
void rstmon_natinv_created(struct rstmon_conn *c, const struct sk_buff *skb)
{
	if (rstmon_natinv_translated(skb))
		atomic_or(RSTMON_CF_NAT << RSTMON_B_CF_SHIFT, &c->bits);
}

/**
 * rstmon_natinv_seg() - a forwarded segment of a translated connection not
 *	yet seen untranslated.
 * @c: its entry (RSTMON_CF_NAT without RSTMON_CF_UNTRANSLATED)
 * @skb: the segment
 *
 * Context: RCU read side; lockless.  The flag is set once, by an atomic OR
 * (the contract in conn.c: no other flag is lost).
 * Return: true when this segment set RSTMON_CF_UNTRANSLATED.
 */
bool rstmon_natinv_seg(struct rstmon_conn *c, const struct sk_buff *skb)
{
	if (rstmon_natinv_translated(skb))
		return false;
	atomic_or(RSTMON_CF_UNTRANSLATED << RSTMON_B_CF_SHIFT, &c->bits);
	return true;
}

/**
 * rstmon_natinv_rst() - is this forwarded RST untranslated?
 * @c: the RST's entry (a snapshot), or NULL
 * @skb: the RST
 *
 * Return: true for an RST of a translated connection that crossed without
 *	its translation.
 */
bool rstmon_natinv_rst(const struct rstmon_conn *c, const struct sk_buff *skb)
{
	return c && (rstmon_conn_cflags(c) & RSTMON_CF_NAT) && !rstmon_natinv_translated(skb);
}

/**
 * rstmon_natinv_tuples() - the connection's tuples for a nat-invalid event,
 *	and the NAT host's own answer to an untranslated segment.
 * @net: the namespace
 * @seg: the RST
 * @ev: its event; gets RSTMON_EV_NAT and @ev->nat when conntrack still has
 *	the translated connection
 *
 * With source NAT on the NAT host (masquerade), the untranslated segment
 * is addressed to the NAT host itself, and its own stack answers: a
 * stateless RST of this host to a stray segment (or untracked: FORWARD
 * tracked the connection under its other addresses) whose inverse is the
 * reply tuple of a translated conntrack entry.  That one is certain:
 * conntrack still holds the connection the RST says does not exist.
 *
 * Context: RCU read side; the RST path only (a conntrack lookup), and for
 * untracked RSTs within the untracked_rst_rate limit.
 */
void rstmon_natinv_tuples(struct net *net, const struct rstmon_seg *seg,
			  struct rstmon_event *ev)
{
	if (ev->cause == RSTMON_CAUSE_NAT_INVALID) {
		if (!(ev->evidence & RSTMON_EV_NAT))
			rstmon_natinv_lookup(net, seg, ev);
		return;
	}
	if (ev->dir == RSTMON_DIR_OUT && ev->cause == RSTMON_CAUSE_NO_CONNECTION &&
	    (ev->evidence & RSTMON_EV_CTL_SOCKET) &&
	    (ev->evidence & (RSTMON_EV_STRAY | RSTMON_EV_TRACKED)) != RSTMON_EV_TRACKED &&
	    !(ev->evidence & RSTMON_EV_NAT) && rstmon_natinv_lookup(net, seg, ev)) {
		ev->cause = RSTMON_CAUSE_NAT_INVALID;
		ev->confidence = RSTMON_CONF_CERTAIN;
		ev->evidence |= RSTMON_EV_UNTRANSLATED;
	}
}
