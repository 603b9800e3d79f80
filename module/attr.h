/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: who an RST hit on this host: the local socket it involved, that
 * socket's owner and cgroup, and RST counts by cgroup.
 */
#ifndef _RSTMON_ATTR_H
#define _RSTMON_ATTR_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/rstmon.h>

struct sk_buff;
struct sock;
struct nf_hook_state;
struct user_namespace;
struct rstmon_seg;
struct rstmon_event;

/* Room for a cgroup path in the reports; a longer one is left out. */
#define RSTMON_CGROUP_PATH_MAX	512

/**
 * struct rstmon_cgstat - RSTs counted for one cgroup.
 * @id: the cgroup v2 id (0: a free slot)
 * @rsts: RSTs that involved a socket of that cgroup
 */
struct rstmon_cgstat {
	u64 id;
	u64 rsts;
};

/**
 * struct rstmon_cgstats - a namespace's RSTs by cgroup, bounded.
 * @lock: guards the rest (taken on RSTs only, never per segment)
 * @used: slots in use, from 0
 * @other: RSTs of cgroups that found no free slot
 * @slot: the cgroups, in the order they were first seen
 */
struct rstmon_cgstats {
	spinlock_t lock;	/* the RST path and readers */
	unsigned int used;
	u64 other;
	struct rstmon_cgstat slot[RSTMON_CGROUP_SLOTS];
};

struct sock *rstmon_attr_sock(const struct sk_buff *skb, const struct nf_hook_state *state,
			      const struct rstmon_seg *seg, enum rstmon_dir dir, bool *ref);
void rstmon_attr_sock_put(struct sock *sk, bool ref);
void rstmon_attr_rst(const struct sk_buff *skb, const struct nf_hook_state *state,
		     const struct rstmon_seg *seg, struct rstmon_event *ev, struct sock *sk);
void rstmon_cgstats_init(struct rstmon_cgstats *cs);
void rstmon_cgstats_add(struct rstmon_cgstats *cs, u64 id);
void rstmon_cgstats_reset(struct rstmon_cgstats *cs);
bool rstmon_cgstats_get(struct rstmon_cgstats *cs, unsigned int i,
			struct rstmon_cgstat *out);
int rstmon_cgroup_path(u64 id, char *buf, size_t len);
bool rstmon_event_uid(const struct rstmon_event *ev, struct user_namespace *ns,
		      u32 *uid);

#endif /* _RSTMON_ATTR_H */
