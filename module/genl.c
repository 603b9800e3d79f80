// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: the generic netlink family "rstmon".
 *
 * One family for all namespaces (netnsok): every request is answered from
 * the state of the requesting socket's namespace, and notifications go to
 * listeners in the namespace the RST was seen in.  Each operation has its
 * own strict policy; what a policy cannot say (a missing attribute) is
 * refused with an extack message.
 *
 * The privilege rule, the same as /proc/net/rstmon's (mode 0440, the
 * namespace's root): every operation takes CAP_NET_ADMIN in the
 * namespace's user namespace (GENL_UNS_ADMIN_PERM), reads included;
 * joining the "events" group takes CAP_NET_ADMIN too
 * (GENL_MCAST_CAP_NET_ADMIN, found by a compile probe; a kernel without
 * it gets no group at all, so nothing leaks to unprivileged listeners).
 * The family has no module alias (MODULE_ALIAS_GENL_FAMILY): resolving a
 * family name is unprivileged, and loading rstmon puts hooks on every
 * packet of every namespace, so only an administrator loads it (modprobe).
 */
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/rstmon.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "compat.h"
#include "rstmon.h"
#include "conn.h"
#include "event.h"
#include "kreason.h"
#include "genl.h"
#include "attr.h"
#include "accept.h"

static struct genl_family rstmon_genl_family;
static bool rstmon_genl_ready;

/* enum rstmon_stat -> enum rstmon_counter (0: not exported this way) */
static const u8 rstmon_stat_ctr[RSTMON_STAT_NR] = {
	[RSTMON_STAT_SEG_IN] = RSTMON_CTR_SEG_IN,
	[RSTMON_STAT_SEG_OUT] = RSTMON_CTR_SEG_OUT,
	[RSTMON_STAT_SEG_FWD] = RSTMON_CTR_SEG_FWD,
	[RSTMON_STAT_RST4_IN] = RSTMON_CTR_RST4_IN,
	[RSTMON_STAT_RST4_OUT] = RSTMON_CTR_RST4_OUT,
	[RSTMON_STAT_RST4_FWD] = RSTMON_CTR_RST4_FWD,
	[RSTMON_STAT_RST6_IN] = RSTMON_CTR_RST6_IN,
	[RSTMON_STAT_RST6_OUT] = RSTMON_CTR_RST6_OUT,
	[RSTMON_STAT_RST6_FWD] = RSTMON_CTR_RST6_FWD,
	[RSTMON_STAT_MALFORMED] = RSTMON_CTR_MALFORMED,
	[RSTMON_STAT_FRAGMENT] = RSTMON_CTR_FRAGMENTS,
	[RSTMON_STAT_UNTRACKED] = RSTMON_CTR_UNTRACKED,
	[RSTMON_STAT_EVICTED] = RSTMON_CTR_EVICTED,
	[RSTMON_STAT_NOMEM] = RSTMON_CTR_NOMEM,
	[RSTMON_STAT_RST_UNTRACKED] = RSTMON_CTR_RST_UNTRACKED,
	[RSTMON_STAT_AMENDED] = RSTMON_CTR_AMENDED,
	[RSTMON_STAT_KDISAGREE] = RSTMON_CTR_KERNEL_DISAGREES,
	[RSTMON_STAT_ONE_WAY] = RSTMON_CTR_ONE_WAY,
	[RSTMON_STAT_BYPASSED] = RSTMON_CTR_BYPASSED,
	[RSTMON_STAT_NAT] = RSTMON_CTR_NAT,
	[RSTMON_STAT_NOTIFY_DROPPED] = RSTMON_CTR_NOTIFY_DROPPED,
	[RSTMON_STAT_NETNS_FULL] = RSTMON_CTR_NETNS_FULL,
	[RSTMON_STAT_RST_UNLOGGED] = RSTMON_CTR_RST_UNLOGGED,
	[RSTMON_STAT_RST_ACCEPTED] = RSTMON_CTR_RST_ACCEPTED,
	[RSTMON_STAT_RST_IGNORED] = RSTMON_CTR_RST_IGNORED,
	[RSTMON_STAT_RST_CHALLENGED] = RSTMON_CTR_RST_CHALLENGED,
	[RSTMON_STAT_SOCK_PATH] = RSTMON_CTR_SOCK_PATH,
};

static int rstmon_put_addr(struct sk_buff *skb, int type, u8 family,
			   const struct in6_addr *a)
{
	if (family == AF_INET)
		return nla_put_in_addr(skb, type, a->s6_addr32[3]);
	return nla_put_in6_addr(skb, type, a);
}

/*
 * The local socket's attributes.  Owners are given as @ns sees them; the
 * cgroup path only with @path, room for RSTMON_CGROUP_PATH_MAX bytes
 * (process context: not in notifications).
 */
static int rstmon_put_attribution(struct sk_buff *skb, const struct rstmon_event *ev,
				  struct user_namespace *ns, char *path)
{
	u32 uid;

	if (nla_put_u8(skb, RSTMON_E_SOCK, ev->sock) ||
	    nla_put_u32(skb, RSTMON_E_NETNS_INUM, ev->netns_inum))
		return -EMSGSIZE;
	if (ev->lport && nla_put_be16(skb, RSTMON_E_LOCAL_PORT, ev->lport))
		return -EMSGSIZE;
	if (ev->listen_port && nla_put_be16(skb, RSTMON_E_LISTEN_PORT, ev->listen_port))
		return -EMSGSIZE;
	if (rstmon_event_uid(ev, ns, &uid) && nla_put_u32(skb, RSTMON_E_UID, uid))
		return -EMSGSIZE;
	if (!ev->cgroup_id)
		return 0;
	if (nla_put_u64_64bit(skb, RSTMON_E_CGROUP_ID, ev->cgroup_id, RSTMON_E_PAD))
		return -EMSGSIZE;
	if (path && !rstmon_cgroup_path(ev->cgroup_id, path, RSTMON_CGROUP_PATH_MAX) &&
	    nla_put_string(skb, RSTMON_E_CGROUP, path))
		return -EMSGSIZE;
	return 0;
}

static int rstmon_put_event(struct sk_buff *skb, const struct rstmon_event *ev,
			    struct user_namespace *ns, char *path)
{
	struct nlattr *nest = nla_nest_start(skb, RSTMON_A_EVENT);
	const struct rstmon_nat *n = &ev->nat;

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, RSTMON_E_ID, ev->id, RSTMON_E_PAD) ||
	    nla_put_u64_64bit(skb, RSTMON_E_TIME_NS, ev->tstamp, RSTMON_E_PAD) ||
	    nla_put_u8(skb, RSTMON_E_FAMILY, ev->family) ||
	    nla_put_u8(skb, RSTMON_E_DIR, ev->dir) ||
	    nla_put_u8(skb, RSTMON_E_SENDER, ev->sender) ||
	    nla_put_u8(skb, RSTMON_E_CAUSE, ev->cause) ||
	    nla_put_u8(skb, RSTMON_E_CONFIDENCE, ev->confidence) ||
	    rstmon_put_addr(skb, RSTMON_E_SRC, ev->family, &ev->src) ||
	    rstmon_put_addr(skb, RSTMON_E_DST, ev->family, &ev->dst) ||
	    nla_put_be16(skb, RSTMON_E_SPORT, ev->sport) ||
	    nla_put_be16(skb, RSTMON_E_DPORT, ev->dport) ||
	    nla_put_u32(skb, RSTMON_E_SEQ, ev->seq) ||
	    nla_put_u32(skb, RSTMON_E_ACK, ev->ack) ||
	    nla_put_u8(skb, RSTMON_E_STATE, ev->state) ||
	    nla_put_u8(skb, RSTMON_E_SIDE, ev->side) ||
	    nla_put_u32(skb, RSTMON_E_IDLE_MS, ev->idle_ms) ||
	    nla_put_u32(skb, RSTMON_E_AGE_MS, ev->age_ms) ||
	    nla_put_u8(skb, RSTMON_E_SEQCHK, ev->seqchk) ||
	    nla_put_u8(skb, RSTMON_E_TTL, ev->ttl) ||
	    nla_put_u8(skb, RSTMON_E_TTL_BASE, ev->ttl_base) ||
	    nla_put_u32(skb, RSTMON_E_BYTES_SENDER, ev->bytes[0]) ||
	    nla_put_u32(skb, RSTMON_E_BYTES_RECEIVER, ev->bytes[1]) ||
	    nla_put_u32(skb, RSTMON_E_SEGS_SENDER, ev->segs[0]) ||
	    nla_put_u32(skb, RSTMON_E_SEGS_RECEIVER, ev->segs[1]) ||
	    nla_put_u32(skb, RSTMON_E_EVIDENCE, ev->evidence))
		goto cancel;
	if ((ev->fin & 1) && nla_put_u32(skb, RSTMON_E_FIN_SENDER_AGO_MS, ev->fin_ago_ms[0]))
		goto cancel;
	if ((ev->fin & 2) && nla_put_u32(skb, RSTMON_E_FIN_RECEIVER_AGO_MS, ev->fin_ago_ms[1]))
		goto cancel;
	if (ev->kreason &&
	    nla_put_string(skb, RSTMON_E_KREASON, rstmon_kreason_name(ev->kreason)))
		goto cancel;
	if ((ev->evidence & RSTMON_EV_NAT) &&
	    (rstmon_put_addr(skb, RSTMON_E_NAT_PRE_SRC, ev->family, &n->pre_src) ||
	     rstmon_put_addr(skb, RSTMON_E_NAT_PRE_DST, ev->family, &n->pre_dst) ||
	     rstmon_put_addr(skb, RSTMON_E_NAT_POST_SRC, ev->family, &n->post_src) ||
	     rstmon_put_addr(skb, RSTMON_E_NAT_POST_DST, ev->family, &n->post_dst) ||
	     nla_put_be16(skb, RSTMON_E_NAT_PRE_SPORT, n->pre_sport) ||
	     nla_put_be16(skb, RSTMON_E_NAT_PRE_DPORT, n->pre_dport) ||
	     nla_put_be16(skb, RSTMON_E_NAT_POST_SPORT, n->post_sport) ||
	     nla_put_be16(skb, RSTMON_E_NAT_POST_DPORT, n->post_dport)))
		goto cancel;
	if (rstmon_put_attribution(skb, ev, ns, path))
		goto cancel;
	if (rstmon_accept_put(skb, ev))
		goto cancel;
	if (ev->idle_match &&
	    (nla_put_u8(skb, RSTMON_E_IDLE_MATCH, ev->idle_match) ||
	     nla_put_u32(skb, RSTMON_E_IDLE_MATCH_S, ev->idle_match_s)))
		goto cancel;
	if (ev->alt_cause && nla_put_u8(skb, RSTMON_E_ALT_CAUSE, ev->alt_cause))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/*
 * The fill of the whole table counts every namespace's connections: only a
 * requester with CAP_NET_ADMIN in the initial user namespace (the host's
 * administrator) gets it, so no namespace learns of others' connections.
 */
static int rstmon_put_status(struct sk_buff *skb, struct net *net, bool all_ns)
{
	struct rstmon_net *rn = rstmon_pernet(net);
	u64 logged = rstmon_ring_logged(&rn->ring);
	unsigned int s, cause, dir;
	struct nlattr *nest;

	if (nla_put_string(skb, RSTMON_A_VERSION, RSTMON_VERSION) ||
	    nla_put_u32(skb, RSTMON_A_NETNS_INUM, net->ns.inum) ||
	    nla_put_u32(skb, RSTMON_A_CONNS, atomic_read(&rn->conns)) ||
	    (all_ns && nla_put_u32(skb, RSTMON_A_CONNS_TOTAL, rstmon_conn_count())) ||
	    nla_put_u32(skb, RSTMON_A_CONNS_LIMIT, rstmon_conn_limit()) ||
	    nla_put_u64_64bit(skb, RSTMON_A_EVENTS_LOGGED, logged, RSTMON_A_PAD) ||
	    nla_put_u32(skb, RSTMON_A_EVENT_RING, READ_ONCE(rn->ring.size)) ||
	    nla_put_u32(skb, RSTMON_A_IDLE_THRESHOLD, rstmon_idle_threshold(rn)))
		return -EMSGSIZE;

	nest = nla_nest_start(skb, RSTMON_A_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	for (s = 0; s < RSTMON_STAT_NR; s++) {
		if (rstmon_stat_ctr[s] &&
		    nla_put_u64_64bit(skb, rstmon_stat_ctr[s], rstmon_stat_sum(rn, s),
				      RSTMON_CTR_PAD))
			return -EMSGSIZE;
	}
	if (nla_put_u64_64bit(skb, RSTMON_CTR_OVERWRITTEN,
			      rstmon_ring_oldest(&rn->ring) - 1, RSTMON_CTR_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);

	for (cause = 0; cause < __RSTMON_CAUSE_MAX; cause++) {
		for (dir = 0; dir < __RSTMON_DIR_MAX; dir++) {
			nest = nla_nest_start(skb, RSTMON_A_CAUSE_COUNT);
			if (!nest ||
			    nla_put_u8(skb, RSTMON_CC_CAUSE, cause) ||
			    nla_put_u8(skb, RSTMON_CC_DIR, dir) ||
			    nla_put_u64_64bit(skb, RSTMON_CC_COUNT,
					      rstmon_cause_sum(rn, dir, cause), RSTMON_CC_PAD))
				return -EMSGSIZE;
			nla_nest_end(skb, nest);
		}
	}
	return 0;
}

static int rstmon_genl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rstmon_genl_family, 0, RSTMON_CMD_GET_STATUS);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err;
	}
	err = rstmon_put_status(msg, genl_info_net(info), netlink_capable(skb, CAP_NET_ADMIN));
	if (err) {
		NL_SET_ERR_MSG(info->extack, "status does not fit in one message");
		goto err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	nlmsg_free(msg);
	return err;
}

static int rstmon_genl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct rstmon_net *rn = rstmon_pernet(genl_info_net(info));
	u8 fam = READ_ONCE(rn->families);
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rstmon_genl_family, 0, RSTMON_CMD_GET_CONFIG);
	if (!hdr ||
	    nla_put_u32(msg, RSTMON_A_IDLE_THRESHOLD, rstmon_idle_threshold(rn)) ||
	    nla_put_u32(msg, RSTMON_A_EVENT_RING, READ_ONCE(rn->ring.size)) ||
	    nla_put_u8(msg, RSTMON_A_IPV4, !!(fam & RSTMON_FAM_IPV4)) ||
	    nla_put_u8(msg, RSTMON_A_IPV6, !!(fam & RSTMON_FAM_IPV6)) ||
	    nla_put_u32(msg, RSTMON_A_NOTIFY_RATE, READ_ONCE(rn->notify_rate)) ||
	    nla_put_u32(msg, RSTMON_A_MAX_CONNS, rstmon_conn_limit())) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static void rstmon_set_family(struct rstmon_net *rn, const struct nlattr *a, u8 bit)
{
	if (!a)
		return;
	if (nla_get_u8(a))
		WRITE_ONCE(rn->families, rn->families | bit);
	else
		WRITE_ONCE(rn->families, rn->families & ~bit);
}

/*
 * The policy checked every value's range; the only thing that can still
 * fail is the ring's memory, so it goes first and a failure changes
 * nothing.  The genetlink lock serialises settings (the family is not
 * parallel_ops).
 */
static int rstmon_genl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct rstmon_net *rn = rstmon_pernet(genl_info_net(info));
	struct nlattr **a = info->attrs;

	if (!a[RSTMON_A_IDLE_THRESHOLD] && !a[RSTMON_A_EVENT_RING] && !a[RSTMON_A_IPV4] &&
	    !a[RSTMON_A_IPV6] && !a[RSTMON_A_NOTIFY_RATE]) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give idle-threshold, event-ring, ipv4, ipv6 or notify-rate");
		return -EINVAL;
	}
	if (a[RSTMON_A_EVENT_RING] &&
	    rstmon_ring_resize(&rn->ring, nla_get_u32(a[RSTMON_A_EVENT_RING]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[RSTMON_A_EVENT_RING],
				    "no memory for an event ring of this size; nothing changed");
		return -ENOMEM;
	}
	if (a[RSTMON_A_IDLE_THRESHOLD])
		WRITE_ONCE(rn->idle_threshold, nla_get_u32(a[RSTMON_A_IDLE_THRESHOLD]));
	if (a[RSTMON_A_NOTIFY_RATE])
		WRITE_ONCE(rn->notify_rate, nla_get_u32(a[RSTMON_A_NOTIFY_RATE]));
	rstmon_set_family(rn, a[RSTMON_A_IPV4], RSTMON_FAM_IPV4);
	rstmon_set_family(rn, a[RSTMON_A_IPV6], RSTMON_FAM_IPV6);
	return 0;
}

/*
 * Dump state: args[0] the next event id to send (0: not started).  The
 * consistency sequence (cb->seq) moves when events were overwritten before
 * this dump sent them, so the message says NLM_F_DUMP_INTR.
 */
static int rstmon_genl_dump_events(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rstmon_net *rn = rstmon_pernet(sock_net(skb->sk));
	struct nlattr **attrs = rstmon_dump_attrs(cb);
	struct user_namespace *ns = sk_user_ns(NETLINK_CB(cb->skb).sk);
	u64 next = cb->args[0], oldest;
	struct rstmon_event ev;
	char *path;

	/*
	 * No room for cgroup paths ends the dump with an error: events
	 * without their paths would read as cgroups that are gone.
	 */
	path = kmalloc(RSTMON_CGROUP_PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	oldest = rstmon_ring_oldest(&rn->ring);
	if (!next) {
		next = oldest;
		if (attrs[RSTMON_A_START_ID])
			next = max(next, nla_get_u64(attrs[RSTMON_A_START_ID]));
		cb->seq = 1;
	} else if (next < oldest) {
		next = oldest;
		cb->seq++;
	}
	for (; rstmon_ring_get(&rn->ring, next, &ev); next++) {
		void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
					&rstmon_genl_family, NLM_F_MULTI, RSTMON_CMD_GET_EVENTS);

		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (rstmon_put_event(skb, &ev, ns, path)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	kfree(path);
	cb->args[0] = next;
	return skb->len;
}

static int rstmon_put_cgroup(struct sk_buff *skb, const struct rstmon_cgstat *st, char *path)
{
	struct nlattr *nest = nla_nest_start(skb, RSTMON_A_CGROUP);

	if (!nest)
		return -EMSGSIZE;
	if (!st->id) {
		if (nla_put_flag(skb, RSTMON_G_OTHER))
			goto cancel;
	} else if (nla_put_u64_64bit(skb, RSTMON_G_ID, st->id, RSTMON_G_PAD) ||
		   (path && !rstmon_cgroup_path(st->id, path, RSTMON_CGROUP_PATH_MAX) &&
		    nla_put_string(skb, RSTMON_G_PATH, path))) {
		goto cancel;
	}
	if (nla_put_u64_64bit(skb, RSTMON_G_RSTS, st->rsts, RSTMON_G_PAD))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Dump state: args[0] the next entry of rstmon_cgstats_get(). */
static int rstmon_genl_dump_cgroups(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rstmon_net *rn = rstmon_pernet(sock_net(skb->sk));
	unsigned int i = cb->args[0];
	struct rstmon_cgstat st;
	char *path;

	path = kmalloc(RSTMON_CGROUP_PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	for (; rstmon_cgstats_get(&rn->cgstats, i, &st); i++) {
		void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
					&rstmon_genl_family, NLM_F_MULTI, RSTMON_CMD_GET_CGROUPS);

		if (!hdr)
			break;
		if (rstmon_put_cgroup(skb, &st, path)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	kfree(path);
	cb->args[0] = i;
	return skb->len;
}

struct rstmon_conn_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	const struct in6_addr *addr;	/* filters; NULL/0/0xff: any */
	__be16 port;
	u8 state;
	u8 dir;
	u8 family;
	u32 now;
};

static int rstmon_put_side(struct sk_buff *skb, int type, const struct rstmon_conn *c,
			   int side, u32 now)
{
	const struct rstmon_side *s = &RSTMON_SIDE(c, side);
	struct nlattr *nest = nla_nest_start(skb, type);
	u8 sf = rstmon_sflags(c, side);
	u16 segs = READ_ONCE(s->segs);
	struct in6_addr addr;

	rstmon_conn_addr(c, side, &addr);
	if (!nest ||
	    rstmon_put_addr(skb, RSTMON_S_ADDR, rstmon_conn_family(c), &addr) ||
	    nla_put_be16(skb, RSTMON_S_PORT, c->port[side]) ||
	    nla_put_u32(skb, RSTMON_S_SEGS, segs) ||
	    nla_put_u32(skb, RSTMON_S_BYTES, rstmon_side_bytes(c, side)) ||
	    nla_put_u8(skb, RSTMON_S_TTL, segs ? READ_ONCE(c->ttl[side]) : 0) ||
	    nla_put_u16(skb, RSTMON_S_WINDOW, READ_ONCE(s->win)) ||
	    nla_put_u8(skb, RSTMON_S_WSCALE, rstmon_wscale(c, side)) ||
	    nla_put_u32(skb, RSTMON_S_FLAGS, sf))
		return -EMSGSIZE;
	if (segs && nla_put_u32(skb, RSTMON_S_IDLE_MS,
				jiffies_to_msecs(now - READ_ONCE(s->last))))
		return -EMSGSIZE;
	if ((sf & RSTMON_SF_FIN) &&
	    nla_put_u32(skb, RSTMON_S_FIN_AGO_MS,
			jiffies_to_msecs(now - READ_ONCE(c->fin[side]))))
		return -EMSGSIZE;
	if (READ_ONCE(s->mss) && nla_put_u16(skb, RSTMON_S_MSS, READ_ONCE(s->mss)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* @a is the address of one side of @c. */
static bool rstmon_conn_has_addr(const struct rstmon_conn *c, const struct in6_addr *a)
{
	struct in6_addr x;
	int side;

	for (side = 0; side < 2; side++) {
		rstmon_conn_addr(c, side, &x);
		if (ipv6_addr_equal(&x, a))
			return true;
	}
	return false;
}

static int rstmon_dump_one_conn(const struct rstmon_conn *c, void *arg)
{
	struct rstmon_conn_dump *d = arg;
	struct nlattr *nest;
	void *hdr;

	if (d->addr && (rstmon_conn_family(c) != d->family || !rstmon_conn_has_addr(c, d->addr)))
		return 0;
	if (d->port && c->port[0] != d->port && c->port[1] != d->port)
		return 0;
	if (d->state != 0xff && rstmon_conn_state(c) != d->state)
		return 0;
	if (d->dir != 0xff && rstmon_conn_dir(c) != d->dir)
		return 0;

	hdr = genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid, d->cb->nlh->nlmsg_seq,
			  &rstmon_genl_family, NLM_F_MULTI, RSTMON_CMD_GET_CONNS);
	if (!hdr)
		return 1;
	nest = nla_nest_start(d->skb, RSTMON_A_CONN);
	if (!nest ||
	    nla_put_u8(d->skb, RSTMON_C_FAMILY, rstmon_conn_family(c)) ||
	    nla_put_u8(d->skb, RSTMON_C_STATE, rstmon_conn_state(c)) ||
	    nla_put_u8(d->skb, RSTMON_C_DIR, rstmon_conn_dir(c)) ||
	    nla_put_u8(d->skb, RSTMON_C_MIDSTREAM,
		       !!(rstmon_conn_cflags(c) & RSTMON_CF_MIDSTREAM)) ||
	    nla_put_u32(d->skb, RSTMON_C_AGE_MS,
			jiffies_to_msecs(d->now - rstmon_conn_created(c))) ||
	    rstmon_put_side(d->skb, RSTMON_C_CLIENT, c, RSTMON_ORIG, d->now) ||
	    rstmon_put_side(d->skb, RSTMON_C_SERVER, c, RSTMON_RESP, d->now)) {
		genlmsg_cancel(d->skb, hdr);
		return 1;
	}
	nla_nest_end(d->skb, nest);
	genlmsg_end(d->skb, hdr);
	return 0;
}

/* Dump state: args[0] the bucket, args[1] the entries of it already sent. */
static int rstmon_genl_dump_conns(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = rstmon_dump_attrs(cb);
	struct rstmon_conn_dump d = {
		.skb = skb,
		.cb = cb,
		.state = 0xff,
		.dir = 0xff,
		.now = jiffies,
	};
	struct in6_addr addr;
	unsigned long pos[2] = { cb->args[0], cb->args[1] };

	if (attrs[RSTMON_A_FILTER_ADDR]) {
		const struct nlattr *a = attrs[RSTMON_A_FILTER_ADDR];

		if (nla_len(a) == 4) {
			ipv6_addr_set_v4mapped(nla_get_in_addr(a), &addr);
			d.family = AF_INET;
		} else if (nla_len(a) == 16) {
			addr = nla_get_in6_addr(a);
			d.family = AF_INET6;
		} else {
			NL_SET_ERR_MSG_ATTR(cb->extack, a, "an address is 4 or 16 bytes");
			return -EINVAL;
		}
		d.addr = &addr;
	}
	if (attrs[RSTMON_A_FILTER_PORT])
		d.port = nla_get_be16(attrs[RSTMON_A_FILTER_PORT]);
	if (attrs[RSTMON_A_FILTER_STATE])
		d.state = nla_get_u8(attrs[RSTMON_A_FILTER_STATE]);
	if (attrs[RSTMON_A_FILTER_DIR])
		d.dir = nla_get_u8(attrs[RSTMON_A_FILTER_DIR]);

	rstmon_conn_walk(sock_net(skb->sk), pos, rstmon_dump_one_conn, &d);
	cb->args[0] = pos[0];
	cb->args[1] = pos[1];
	return skb->len;
}

static int rstmon_genl_reset_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct rstmon_net *rn = rstmon_pernet(genl_info_net(info));
	int cpu;

	/*
	 * Racing increments on other CPUs may survive; that is all.  The
	 * counters only: the 32-bit seqcount (syncp) is the writers'.
	 */
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(rn->stats, cpu), 0, offsetof(struct rstmon_stats, syncp));
	rstmon_cgstats_reset(&rn->cgstats);
	return 0;
}

/* Lockless and approximate: a race can let a few more through. */
static bool rstmon_notify_allowed(struct rstmon_net *rn)
{
	unsigned long now = jiffies, start = READ_ONCE(rn->notify_start);

	if (time_after_eq(now, start + HZ)) {
		WRITE_ONCE(rn->notify_start, now);
		WRITE_ONCE(rn->notify_n, 1);
		return true;
	}
	if (READ_ONCE(rn->notify_n) >= READ_ONCE(rn->notify_rate))
		return false;
	WRITE_ONCE(rn->notify_n, READ_ONCE(rn->notify_n) + 1);
	return true;
}

/**
 * rstmon_genl_notify() - send a new event to the namespace's listeners.
 * @net: the namespace it happened in
 * @ev: the event, with its id
 *
 * Context: any (softirq from the hooks); allocates with GFP_ATOMIC.
 */
void rstmon_genl_notify(struct net *net, const struct rstmon_event *ev)
{
#ifdef RSTMON_HAVE_GENL_MCAST_CAP
	struct rstmon_net *rn = rstmon_pernet(net);
	struct sk_buff *msg;
	void *hdr;

	if (!READ_ONCE(rstmon_genl_ready) || !genl_has_listeners(&rstmon_genl_family, net, 0))
		return;
	if (!rstmon_notify_allowed(rn))
		goto drop;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		goto drop;
	hdr = genlmsg_put(msg, 0, 0, &rstmon_genl_family, 0, RSTMON_CMD_EVENT);
	if (!hdr || rstmon_put_event(msg, ev, net->user_ns, NULL)) {
		nlmsg_free(msg);
		goto drop;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&rstmon_genl_family, net, msg, 0, 0, GFP_ATOMIC);
	return;
drop:
	rstmon_count(rn, RSTMON_STAT_NOTIFY_DROPPED);
#endif
}

static const struct nla_policy rstmon_none_policy[RSTMON_A_MAX + 1] = {
};

static const struct nla_policy rstmon_events_policy[RSTMON_A_MAX + 1] = {
	[RSTMON_A_START_ID] = NLA_POLICY_MIN(NLA_U64, 1),
};

/* Not const: 6.1's policy points to a mutable one. */
static struct netlink_range_validation rstmon_idle_range = {
	.min = RSTMON_IDLE_MIN,
	.max = RSTMON_IDLE_MAX,
};

static struct netlink_range_validation rstmon_ring_range = {
	.min = RSTMON_EVENT_RING_MIN,
	.max = RSTMON_EVENT_RING_MAX,
};

static struct netlink_range_validation rstmon_notify_range = {
	.min = 1,
	.max = RSTMON_NOTIFY_RATE_MAX,
};

static const struct nla_policy rstmon_set_config_policy[RSTMON_A_MAX + 1] = {
	[RSTMON_A_IDLE_THRESHOLD] = NLA_POLICY_FULL_RANGE(NLA_U32, &rstmon_idle_range),
	[RSTMON_A_EVENT_RING] = NLA_POLICY_FULL_RANGE(NLA_U32, &rstmon_ring_range),
	[RSTMON_A_IPV4] = NLA_POLICY_MAX(NLA_U8, 1),
	[RSTMON_A_IPV6] = NLA_POLICY_MAX(NLA_U8, 1),
	[RSTMON_A_NOTIFY_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &rstmon_notify_range),
};

static const struct nla_policy rstmon_conns_policy[RSTMON_A_MAX + 1] = {
	[RSTMON_A_FILTER_ADDR] = NLA_POLICY_MIN_LEN(4),
	[RSTMON_A_FILTER_PORT] = { .type = NLA_BE16 },
	[RSTMON_A_FILTER_STATE] = NLA_POLICY_MAX(NLA_U8, RSTMON_ST_CLOSED),
	[RSTMON_A_FILTER_DIR] = NLA_POLICY_MAX(NLA_U8, __RSTMON_DIR_MAX - 1),
};

static const struct genl_ops rstmon_genl_ops[] = {
	{
		.cmd = RSTMON_CMD_GET_STATUS,
		.doit = rstmon_genl_get_status,
		.policy = rstmon_none_policy,
		.maxattr = RSTMON_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RSTMON_CMD_GET_EVENTS,
		.dumpit = rstmon_genl_dump_events,
		.policy = rstmon_events_policy,
		.maxattr = RSTMON_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RSTMON_CMD_GET_CONFIG,
		.doit = rstmon_genl_get_config,
		.policy = rstmon_none_policy,
		.maxattr = RSTMON_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RSTMON_CMD_SET_CONFIG,
		.doit = rstmon_genl_set_config,
		.policy = rstmon_set_config_policy,
		.maxattr = RSTMON_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RSTMON_CMD_GET_CONNS,
		.dumpit = rstmon_genl_dump_conns,
		.policy = rstmon_conns_policy,
		.maxattr = RSTMON_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RSTMON_CMD_RESET_STATS,
		.doit = rstmon_genl_reset_stats,
		.policy = rstmon_none_policy,
		.maxattr = RSTMON_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RSTMON_CMD_GET_CGROUPS,
		.dumpit = rstmon_genl_dump_cgroups,
		.policy = rstmon_none_policy,
		.maxattr = RSTMON_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

#ifdef RSTMON_HAVE_GENL_MCAST_CAP
static const struct genl_multicast_group rstmon_genl_mcgrps[] = {
	{ .name = RSTMON_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};
#endif

static struct genl_family rstmon_genl_family __ro_after_init = {
	.name = RSTMON_GENL_NAME,
	.version = RSTMON_GENL_VERSION,
	.maxattr = RSTMON_A_MAX,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = rstmon_genl_ops,
	.n_ops = ARRAY_SIZE(rstmon_genl_ops),
	/* Every operation strict: unknown attributes are refused. */
	.resv_start_op = RSTMON_CMD_GET_STATUS,
#ifdef RSTMON_HAVE_GENL_MCAST_CAP
	.mcgrps = rstmon_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(rstmon_genl_mcgrps),
#endif
};

/* After the namespaces' state exists: requests read it at once. */
int rstmon_genl_init(void)
{
	int err = genl_register_family(&rstmon_genl_family);

	if (err)
		return err;
	WRITE_ONCE(rstmon_genl_ready, true);
	return 0;
}

void rstmon_genl_exit(void)
{
	WRITE_ONCE(rstmon_genl_ready, false);
	/* Hooks that saw it true are done once a grace period passed. */
	synchronize_net();
	genl_unregister_family(&rstmon_genl_family);
}
