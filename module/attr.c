// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: who an RST hit on this host.
 *
 * For an RST sent or received by this host, the local socket at the
 * connection's local end tells, without guessing, whose it is: its owner's
 * uid, its cgroup (v2: a systemd service, a container, a pod) and, on the
 * server side, the port it was accepted on.  No process id is recorded:
 * in softirq context the task on the CPU has nothing to do with the packet.
 *
 * The socket is found, in order:
 *  - as skb->sk, when that is a TCP socket of the connection (an active
 *    reset goes out through its own socket; on input, early demux has
 *    often attached the established socket already; from 6.13 a stateless
 *    reply is owned by the socket it answers for);
 *  - in the established hash (full, request and TIME_WAIT sockets), which
 *    the LOCAL_IN hook sees before TCP handles the RST, and LOCAL_OUT
 *    while a reply for a request socket is being sent.
 * A request socket stands for its listener; a TIME_WAIT socket keeps no
 * owner.  No socket at all is a stateless reply: only the namespace and
 * the port are known, and the event says so.
 *
 * The cgroup is kept as its id; its path is resolved when read, in the
 * reader's cgroup namespace (a container sees its own paths only).
 */
#include <linux/cgroup.h>
#include <linux/nsproxy.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/uidgid.h>
#include <net/inet_sock.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "rstmon.h"
#include "compat.h"
#include "parse.h"
#include "event.h"
#include "attr.h"
#include "accept.h"

/* Is @sk, of any kind, the local end of the connection of @seg? */
static bool rstmon_attr_is_local_end(const struct sock *sk, const struct net *net,
				     __be16 lport, __be16 rport)
{
	if (!net_eq(sock_net(sk), net) ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return false;
	if (sk_fullsock(sk) && (sk->sk_type != SOCK_STREAM || sk->sk_protocol != IPPROTO_TCP))
		return false;
	/* A closed full socket has given its port number back, not its port. */
	if ((sk_fullsock(sk) ? inet_sk(sk)->inet_sport : htons(sk->sk_num)) != lport)
		return false;
	return sk->sk_state == TCP_LISTEN || sk->sk_dport == rport;
}

static struct sock *rstmon_attr_lookup(const struct nf_hook_state *state,
				       const struct rstmon_seg *seg, bool out)
{
	const struct in6_addr *raddr = out ? &seg->daddr : &seg->saddr;
	const struct in6_addr *laddr = out ? &seg->saddr : &seg->daddr;
	__be16 rport = out ? seg->dport : seg->sport;
	u16 lport = ntohs(out ? seg->sport : seg->dport);
	const struct net_device *dev = out ? state->out : state->in;
	int dif = dev ? dev->ifindex : 0;

	if (seg->family == AF_INET)
		return rstmon_lookup_established4(state->net, raddr->s6_addr32[3], rport,
						  laddr->s6_addr32[3], lport, dif);
#if IS_ENABLED(CONFIG_IPV6)
	return rstmon_lookup_established6(state->net, raddr, rport, laddr, lport, dif);
#else
	return NULL;
#endif
}

static void rstmon_attr_owner(struct sock *sk, struct rstmon_event *ev)
{
	ev->uid = __kuid_val(READ_ONCE(sk->sk_uid));
	ev->has_uid = 1;
#ifdef CONFIG_SOCK_CGROUP_DATA
	ev->cgroup_id = cgroup_id(sock_cgroup_ptr(&sk->sk_cgrp_data));
#endif
}

/**
 * rstmon_attr_sock() - the local end of the connection of a local RST.
 * @skb: the RST
 * @state: the hook it passes
 * @seg: its parsed header
 * @dir: where it is seen (RSTMON_DIR_IN or RSTMON_DIR_OUT)
 * @ref: set when the socket was looked up and holds a reference, to be
 *	dropped with rstmon_attr_sock_put()
 *
 * Return: the socket (full, request, TIME_WAIT or listener) at the local
 * end: @skb's own when it is that end, else the established-hash lookup's;
 * NULL when there is none.
 */
struct sock *rstmon_attr_sock(const struct sk_buff *skb, const struct nf_hook_state *state,
			      const struct rstmon_seg *seg, enum rstmon_dir dir, bool *ref)
{
	bool out = dir == RSTMON_DIR_OUT;
	__be16 lport = out ? seg->sport : seg->dport;
	__be16 rport = out ? seg->dport : seg->sport;
	struct sock *sk = skb->sk;

	*ref = false;
	if (sk && rstmon_attr_is_local_end(sk, state->net, lport, rport))
		return sk;
	sk = rstmon_attr_lookup(state, seg, out);
	*ref = sk;
	return sk;
}

void rstmon_attr_sock_put(struct sock *sk, bool ref)
{
	if (ref)
		sock_gen_put(sk);
}

/**
 * rstmon_attr_rst() - record in @ev the local socket an RST involved.
 * @skb: the RST
 * @state: the hook it passes
 * @seg: its parsed header
 * @ev: its event, classified (dir, side and segs are set)
 * @sk: the local end, from rstmon_attr_sock() (NULL when forwarded)
 */
void rstmon_attr_rst(const struct sk_buff *skb, const struct nf_hook_state *state,
		     const struct rstmon_seg *seg, struct rstmon_event *ev, struct sock *sk)
{
	bool out = ev->dir == RSTMON_DIR_OUT;
	__be16 lport = out ? seg->sport : seg->dport;
	struct sock *owner;
	bool server;

	ev->netns_inum = state->net->ns.inum;
	if (ev->dir == RSTMON_DIR_FWD) {
		ev->sock = RSTMON_SOCK_NOT_LOCAL;
		return;
	}
	ev->lport = lport;
	if (ev->dir == RSTMON_DIR_IN)
		ev->accepted = rstmon_accept_predict(sk, seg);
	if (!sk) {
		/* The local end had sent on the connection: its socket was. */
		ev->sock = ev->segs[out ? 0 : 1] ? RSTMON_SOCK_GONE : RSTMON_SOCK_NONE;
		return;
	}
	/* The sender's side: 0 opened the connection, 1 accepted it. */
	server = ev->side == (out ? RSTMON_SIDE_SERVER : RSTMON_SIDE_CLIENT);
	switch (READ_ONCE(sk->sk_state)) {
	case TCP_TIME_WAIT:
		ev->sock = RSTMON_SOCK_TIME_WAIT;
		owner = NULL;
		break;
	case TCP_NEW_SYN_RECV:
		ev->sock = RSTMON_SOCK_REQUEST;
		owner = inet_reqsk(sk)->rsk_listener;
		server = true;
		break;
	case TCP_LISTEN:
		ev->sock = RSTMON_SOCK_LISTENER;
		owner = sk;
		server = true;
		break;
	default:
		ev->sock = RSTMON_SOCK_FULL;
		owner = sk;
		break;
	}
	if (server)
		ev->listen_port = lport;
	if (owner)
		rstmon_attr_owner(owner, ev);
}

/**
 * rstmon_event_uid() - an event's owner uid as @ns sees it.
 * @ev: the event
 * @ns: the reader's user namespace
 * @uid: the uid, when true is returned
 *
 * Return: whether the event has an owner; one that @ns cannot map reads as
 * the overflow uid.
 */
bool rstmon_event_uid(const struct rstmon_event *ev, struct user_namespace *ns, u32 *uid)
{
	if (!ev->has_uid)
		return false;
	*uid = from_kuid_munged(ns, KUIDT_INIT(ev->uid));
	return true;
}

/**
 * rstmon_cgroup_path() - the path of a cgroup, for a reader.
 * @id: the cgroup v2 id
 * @buf: where the path goes
 * @len: its size
 *
 * Process context only.  The path starts at the root of the calling task's
 * cgroup namespace.
 *
 * Return: 0, -ENOENT when the cgroup is gone or outside that namespace,
 * -ENAMETOOLONG when the path does not fit.
 */
int rstmon_cgroup_path(u64 id, char *buf, size_t len)
{
#ifdef CONFIG_CGROUPS
	struct cgroup *cgrp;
	int ret;

	if (!id || !current->nsproxy)
		return -ENOENT;
	cgrp = cgroup_get_from_id(id);
	if (IS_ERR_OR_NULL(cgrp))
		return -ENOENT;
	ret = cgroup_path_ns(cgrp, buf, len, current->nsproxy->cgroup_ns);
	cgroup_put(cgrp);
	/* Kernels tell truncation either by length or by -E2BIG. */
	if (ret == -E2BIG || ret >= (int)len)
		return -ENAMETOOLONG;
	return ret < 0 ? ret : 0;
#else
	/* No cgroups: no path (the reports say "-"). */
	return -ENOENT;
#endif
}

void rstmon_cgstats_init(struct rstmon_cgstats *cs)
{
	spin_lock_init(&cs->lock);
	cs->used = 0;
	cs->other = 0;
}

/* Count an RST for cgroup @id; a cgroup without a slot counts as other. */
void rstmon_cgstats_add(struct rstmon_cgstats *cs, u64 id)
{
	unsigned long flags;
	unsigned int i;

	if (!id)
		return;
	spin_lock_irqsave(&cs->lock, flags);
	for (i = 0; i < cs->used && cs->slot[i].id != id; i++)
		;
	if (i < cs->used) {
		cs->slot[i].rsts++;
	} else if (i < RSTMON_CGROUP_SLOTS) {
		cs->slot[i].id = id;
		cs->slot[i].rsts = 1;
		cs->used++;
	} else {
		cs->other++;
	}
	spin_unlock_irqrestore(&cs->lock, flags);
}

void rstmon_cgstats_reset(struct rstmon_cgstats *cs)
{
	unsigned long flags;

	spin_lock_irqsave(&cs->lock, flags);
	cs->used = 0;
	cs->other = 0;
	spin_unlock_irqrestore(&cs->lock, flags);
}

/**
 * rstmon_cgstats_get() - one entry of a namespace's RSTs by cgroup.
 * @cs: the counts
 * @i: the entry: the slots in use, then the one for other cgroups
 * @out: the entry; @out->id is 0 for other cgroups
 *
 * Return: false past the last entry.
 */
bool rstmon_cgstats_get(struct rstmon_cgstats *cs, unsigned int i, struct rstmon_cgstat *out)
{
	unsigned long flags;
	bool ok = true;

	spin_lock_irqsave(&cs->lock, flags);
	if (i < cs->used) {
		*out = cs->slot[i];
	} else if (i == cs->used) {
		out->id = 0;
		out->rsts = cs->other;
	} else {
		ok = false;
	}
	spin_unlock_irqrestore(&cs->lock, flags);
	return ok;
}
