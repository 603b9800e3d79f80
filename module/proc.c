// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: /proc/net/rstmon, the human report of one namespace.
 *
 * A header (counters, the table, causes by direction), then the recent
 * events, one per line.  The file is a seq_file iterator: position 0 is
 * the header and position N the N-th event from the oldest one present
 * when the read began, so a read that needs several buffers resumes from
 * its cursor instead of walking the ring again.  The file is mode 0440
 * and owned by the namespace's root: only its administrators read it.
 */
#include <linux/proc_fs.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/seq_file.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include "rstmon.h"
#include "sockpath.h"
#include "conn.h"
#include "kreason.h"
#include "names.h"
#include "attr.h"
#include "accept.h"

/**
 * struct rstmon_proc_iter - the cursor of one reader.
 * @p: the per-namespace seq_file state proc_create_net() requires first
 * @first: id of the oldest event when the read began
 * @ev: the event being shown
 * @path: room for its cgroup's path
 */
struct rstmon_proc_iter {
	struct seq_net_private p;
	u64 first;
	struct rstmon_event ev;
	char path[RSTMON_CGROUP_PATH_MAX];
};

static void rstmon_show_by_dir(struct seq_file *m, const struct rstmon_net *rn,
			       const char *label, enum rstmon_stat base)
{
	int dir;

	seq_puts(m, label);
	for (dir = 0; dir < __RSTMON_DIR_MAX; dir++)
		seq_printf(m, " %s=%llu", rstmon_dir_name(dir), rstmon_stat_sum(rn, base + dir));
	seq_putc(m, '\n');
}

static void rstmon_show_header(struct seq_file *m, struct net *net)
{
	struct rstmon_net *rn = rstmon_pernet(net);
	u64 logged = rstmon_ring_logged(&rn->ring);
	unsigned int cause, dir;

	seq_printf(m, "rstmon version=%s netns=%u\n", RSTMON_VERSION, net->ns.inum);
	/* All namespaces' fill: for the host's administrator only (genl.c). */
	seq_printf(m, "table conns=%d total=", atomic_read(&rn->conns));
	if (file_ns_capable(m->file, &init_user_ns, CAP_NET_ADMIN))
		seq_printf(m, "%u", rstmon_conn_count());
	else
		seq_putc(m, '-');
	seq_printf(m, " limit=%u netns_limit=%u untracked=%llu evicted=%llu nomem=%llu netns_full=%llu\n",
		   rstmon_conn_limit(), READ_ONCE(rstmon_params.netns_max_conns),
		   rstmon_stat_sum(rn, RSTMON_STAT_UNTRACKED),
		   rstmon_stat_sum(rn, RSTMON_STAT_EVICTED),
		   rstmon_stat_sum(rn, RSTMON_STAT_NOMEM),
		   rstmon_stat_sum(rn, RSTMON_STAT_NETNS_FULL));
	seq_printf(m, "events logged=%llu ring=%u overwritten=%llu amended=%llu idle_threshold=%u notify_dropped=%llu rst_unlogged=%llu\n",
		   logged, READ_ONCE(rn->ring.size), rstmon_ring_oldest(&rn->ring) - 1,
		   rstmon_stat_sum(rn, RSTMON_STAT_AMENDED),
		   rstmon_idle_threshold(rn),
		   rstmon_stat_sum(rn, RSTMON_STAT_NOTIFY_DROPPED),
		   rstmon_stat_sum(rn, RSTMON_STAT_RST_UNLOGGED));
	seq_printf(m, "config ipv4=%d ipv6=%d notify_rate=%u\n",
		   !!(READ_ONCE(rn->families) & RSTMON_FAM_IPV4),
		   !!(READ_ONCE(rn->families) & RSTMON_FAM_IPV6), READ_ONCE(rn->notify_rate));
	rstmon_show_by_dir(m, rn, "segments", RSTMON_STAT_SEG_IN);
	rstmon_show_by_dir(m, rn, "rst ipv4", RSTMON_STAT_RST4_IN);
	rstmon_show_by_dir(m, rn, "rst ipv6", RSTMON_STAT_RST6_IN);
	seq_printf(m, "errors malformed=%llu fragments=%llu rst_untracked=%llu kernel_disagrees=%llu\n",
		   rstmon_stat_sum(rn, RSTMON_STAT_MALFORMED),
		   rstmon_stat_sum(rn, RSTMON_STAT_FRAGMENT),
		   rstmon_stat_sum(rn, RSTMON_STAT_RST_UNTRACKED),
		   rstmon_stat_sum(rn, RSTMON_STAT_KDISAGREE));
	seq_printf(m, "path one_way=%llu bypassed=%llu nat=%llu\n",
		   rstmon_stat_sum(rn, RSTMON_STAT_ONE_WAY),
		   rstmon_stat_sum(rn, RSTMON_STAT_BYPASSED),
		   rstmon_stat_sum(rn, RSTMON_STAT_NAT));
	seq_printf(m, "rst_in accepted=%llu ignored=%llu challenged=%llu\n",
		   rstmon_stat_sum(rn, RSTMON_STAT_RST_ACCEPTED),
		   rstmon_stat_sum(rn, RSTMON_STAT_RST_IGNORED),
		   rstmon_stat_sum(rn, RSTMON_STAT_RST_CHALLENGED));
	seq_printf(m, "socket_path segments=%llu state=%s\n",
		   rstmon_stat_sum(rn, RSTMON_STAT_SOCK_PATH), rstmon_sock_path_state());
	for (cause = 0; cause < __RSTMON_CAUSE_MAX; cause++) {
		seq_printf(m, "cause %s", rstmon_cause_name(cause));
		for (dir = 0; dir < __RSTMON_DIR_MAX; dir++)
			seq_printf(m, " %s=%llu", rstmon_dir_name(dir),
				   rstmon_cause_sum(rn, dir, cause));
		seq_putc(m, '\n');
	}
}

static void rstmon_show_addr(struct seq_file *m, const char *key, u8 family,
			     const struct in6_addr *a, __be16 port)
{
	if (family == AF_INET)
		seq_printf(m, " %s=%pI4:%u", key, &a->s6_addr32[3], ntohs(port));
	else
		seq_printf(m, " %s=[%pI6c]:%u", key, a, ntohs(port));
}

/* A port, or "-" for none. */
static void rstmon_show_port(struct seq_file *m, const char *key, __be16 port)
{
	if (port)
		seq_printf(m, " %s=%u", key, ntohs(port));
	else
		seq_printf(m, " %s=-", key);
}

/*
 * Who the RST hit: the local socket, its owner (as the reader's user
 * namespace sees it) and its cgroup (from the reader's cgroup namespace;
 * white space and backslashes octal-escaped, so a line stays one field
 * per word).
 */
static void rstmon_show_attribution(struct seq_file *m, const struct rstmon_event *ev)
{
	struct rstmon_proc_iter *it = m->private;
	const char *c;
	u32 uid;

	seq_printf(m, " sock=%s netns=%u", rstmon_sock_name(ev->sock), ev->netns_inum);
	rstmon_show_port(m, "lport", ev->lport);
	rstmon_show_port(m, "listen", ev->listen_port);
	if (rstmon_event_uid(ev, seq_user_ns(m), &uid))
		seq_printf(m, " uid=%u", uid);
	else
		seq_puts(m, " uid=-");
	if (!ev->cgroup_id) {
		seq_puts(m, " cgroup_id=- cgroup=-");
		return;
	}
	seq_printf(m, " cgroup_id=%llu cgroup=", ev->cgroup_id);
	if (rstmon_cgroup_path(ev->cgroup_id, it->path, sizeof(it->path))) {
		seq_putc(m, '-');
		return;
	}
	for (c = it->path; *c; c++) {
		if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\\')
			seq_printf(m, "\\%03o", *c);
		else
			seq_putc(m, *c);
	}
}

static void rstmon_show_event(struct seq_file *m, const struct rstmon_event *ev)
{
	static const char *const fins[] = { "none", "sender", "receiver", "both" };
	unsigned int i;
	char sep = '=';
	u32 ns;
	/* Not "/" or "%": a u64 division needs math64.h on 32-bit. */
	u64 sec = div_u64_rem(ev->tstamp, NSEC_PER_SEC, &ns);

	/* names.h names every RSTMON_EV_* bit, in bit order. */
	BUILD_BUG_ON(ARRAY_SIZE(rstmon_evidence_names) != ilog2(RSTMON_EV_STRAY) + 1);

	seq_printf(m, "event id=%llu time=%llu.%06u dir=%s sender=%s cause=%s confidence=%s",
		   ev->id, sec, ns / 1000,
		   rstmon_dir_name(ev->dir), rstmon_sender_name(ev->sender),
		   rstmon_cause_name(ev->cause), rstmon_confidence_name(ev->confidence));
	seq_printf(m, " family=%s", ev->family == AF_INET ? "ipv4" : "ipv6");
	rstmon_show_addr(m, "src", ev->family, &ev->src, ev->sport);
	rstmon_show_addr(m, "dst", ev->family, &ev->dst, ev->dport);
	seq_printf(m, " state=%s side=%s idle_ms=%u age_ms=%u seq=%u ack=%u seqchk=%s",
		   ev->state == 0xff ? "untracked" : rstmon_state_name(ev->state),
		   rstmon_side_names[min_t(u8, ev->side, RSTMON_SIDE_UNKNOWN)], ev->idle_ms,
		   ev->age_ms, ev->seq, ev->ack, rstmon_seqchk_name(ev->seqchk));
	seq_printf(m, " ttl=%u ttl_base=%u bytes_sender=%u bytes_receiver=%u segs_sender=%u segs_receiver=%u fin=%s",
		   ev->ttl, ev->ttl_base, ev->bytes[0], ev->bytes[1], ev->segs[0],
		   ev->segs[1], fins[ev->fin & 3]);
	for (i = 0; i < 2; i++) {
		seq_printf(m, " fin_%s_ago_ms=", i ? "receiver" : "sender");
		if (ev->fin & (1 << i))
			seq_printf(m, "%u", ev->fin_ago_ms[i]);
		else
			seq_putc(m, '-');
	}
	seq_printf(m, " kreason=%s", rstmon_kreason_name(ev->kreason));
	if (ev->evidence & RSTMON_EV_NAT) {
		rstmon_show_addr(m, "nat_pre_src", ev->family, &ev->nat.pre_src,
				 ev->nat.pre_sport);
		rstmon_show_addr(m, "nat_pre_dst", ev->family, &ev->nat.pre_dst,
				 ev->nat.pre_dport);
		rstmon_show_addr(m, "nat_post_src", ev->family, &ev->nat.post_src,
				 ev->nat.post_sport);
		rstmon_show_addr(m, "nat_post_dst", ev->family, &ev->nat.post_dst,
				 ev->nat.post_dport);
	}
	rstmon_show_attribution(m, ev);
	rstmon_accept_show(m, ev);
	/* What the silence matched and the other candidate, when any. */
	if (ev->idle_match || ev->alt_cause)
		seq_printf(m, " idle_match=%s idle_match_s=%u alt_cause=%s",
			   rstmon_idle_match_name(ev->idle_match), ev->idle_match_s,
			   ev->alt_cause ? rstmon_cause_name(ev->alt_cause) : "-");
	seq_puts(m, " evidence");
	for (i = 0; i < ARRAY_SIZE(rstmon_evidence_names); i++) {
		if (ev->evidence & (1U << i)) {
			seq_printf(m, "%c%s", sep, rstmon_evidence_names[i]);
			sep = ',';
		}
	}
	if (sep == '=')
		seq_puts(m, "=none");
	seq_putc(m, '\n');
}

/* Position N > 0 is event id first + N - 1; skip what was overwritten. */
static void *rstmon_seq_at(struct seq_file *m, loff_t *pos)
{
	struct rstmon_proc_iter *it = m->private;
	struct rstmon_net *rn = rstmon_pernet(seq_file_net(m));
	u64 id, oldest;

	if (*pos == 0)
		return SEQ_START_TOKEN;
	oldest = rstmon_ring_oldest(&rn->ring);
	id = it->first + *pos - 1;
	if (id < oldest) {
		*pos += oldest - id;
		id = oldest;
	}
	return rstmon_ring_get(&rn->ring, id, &it->ev) ? &it->ev : NULL;
}

static void *rstmon_seq_start(struct seq_file *m, loff_t *pos)
{
	struct rstmon_proc_iter *it = m->private;

	if (*pos == 0)
		it->first = rstmon_ring_oldest(&rstmon_pernet(seq_file_net(m))->ring);
	return rstmon_seq_at(m, pos);
}

static void *rstmon_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return rstmon_seq_at(m, pos);
}

static void rstmon_seq_stop(struct seq_file *m, void *v)
{
}

static int rstmon_seq_show(struct seq_file *m, void *v)
{
	if (v == SEQ_START_TOKEN)
		rstmon_show_header(m, seq_file_net(m));
	else
		rstmon_show_event(m, v);
	return 0;
}

static const struct seq_operations rstmon_seq_ops = {
	.start = rstmon_seq_start,
	.next = rstmon_seq_next,
	.stop = rstmon_seq_stop,
	.show = rstmon_seq_show,
};

/*
 * A namespace made together with its user namespace (unshare -Urn) comes
 * before that one's maps, while its root maps to no one yet: the file is
 * then its user namespace's owner's, who holds every capability there,
 * and its group stays the initial one's root.
 */
int rstmon_proc_init(struct net *net)
{
	kuid_t uid = make_kuid(net->user_ns, 0);
	kgid_t gid = make_kgid(net->user_ns, 0);
	struct proc_dir_entry *pde;

	pde = proc_create_net("rstmon", 0440, net->proc_net, &rstmon_seq_ops,
			      sizeof(struct rstmon_proc_iter));
	if (!pde)
		return -ENOMEM;
	if (!uid_valid(uid))
		uid = net->user_ns->owner;
	if (!gid_valid(gid))
		gid = GLOBAL_ROOT_GID;
	proc_set_user(pde, uid, gid);
	return 0;
}

void rstmon_proc_exit(struct net *net)
{
	remove_proc_entry("rstmon", net->proc_net);
}
