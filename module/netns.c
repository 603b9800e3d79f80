// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: per network namespace state.
 *
 * Each namespace gets its own counters, /proc/net/rstmon and netfilter
 * hooks; nothing of one namespace is visible from another.
 */
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "rstmon.h"
#include "conn.h"

unsigned int rstmon_net_id __read_mostly;

u64 rstmon_stat_sum(const struct rstmon_net *rn, enum rstmon_stat s)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct rstmon_stats *st = per_cpu_ptr(rn->stats, cpu);
		unsigned int start;
		u64 v;

		/* Whole on 32-bit too: see rstmon_count(). */
		do {
			start = u64_stats_fetch_begin(&st->syncp);
			v = READ_ONCE(st->c[s]);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		sum += v;
	}
	return sum;
}

u64 rstmon_cause_sum(const struct rstmon_net *rn, unsigned int dir, unsigned int cause)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct rstmon_stats *st = per_cpu_ptr(rn->stats, cpu);
		unsigned int start;
		u64 v;

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			v = READ_ONCE(st->cause[dir][cause]);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		sum += v;
	}
	return sum;
}

static int __net_init rstmon_net_init(struct net *net)
{
	struct rstmon_net *rn = rstmon_pernet(net);
	int err, cpu;

	rn->net = net;
	atomic_set(&rn->conns, 0);
	rn->idle_threshold = 0;
	rn->notify_rate = RSTMON_NOTIFY_RATE_DEFAULT;
	rn->families = RSTMON_FAM_IPV4 | RSTMON_FAM_IPV6;
	rn->attn.next = jiffies;
	rstmon_cgstats_init(&rn->cgstats);
	/* Charged to the memory cgroup of whoever creates the namespace. */
	/*
	 * tests/selftests/failnth.py finds a namespace's init in an
	 * allocation trace by this size (stats_size() there): the counters,
	 * then the untracked-RST window (8 + 4 bytes, padded to 16).
	 */
	BUILD_BUG_ON(IS_ENABLED(CONFIG_64BIT) && sizeof(struct rstmon_stats) !=
		     8 * (RSTMON_STAT_NR + __RSTMON_DIR_MAX * __RSTMON_CAUSE_MAX) + 16 +
		     sizeof(struct u64_stats_sync));
	rn->stats = alloc_percpu_gfp(struct rstmon_stats, GFP_KERNEL_ACCOUNT);
	if (!rn->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(rn->stats, cpu)->syncp);
	err = rstmon_ring_init(&rn->ring, rstmon_params.event_ring);
	if (err)
		goto err_ring;

	err = rstmon_conn_net_add(net, rn);
	if (err)
		goto err_netid;
	err = rstmon_proc_init(net);
	if (err)
		goto err_proc;
	/* Hooks last: once they run, everything they touch exists. */
	err = rstmon_hooks_register(net);
	if (err)
		goto err_hooks;
	/* Pairs with rstmon_pernet_live(): all of the above is visible. */
	smp_store_release(&rn->alive, true);
	return 0;

err_hooks:
	/*
	 * nf_register_net_hooks() took back the hooks it had registered, but
	 * they may have run (and may still run: the entries are freed after
	 * a grace period, not waited for), creating entries of this
	 * namespace.  Wait for them, then drop those entries before the
	 * state they name goes (rstmon_conn_net_del()).
	 */
	synchronize_net();
	rstmon_proc_exit(net);
err_proc:
	rstmon_conn_net_del(net);
err_netid:
	rstmon_ring_free(&rn->ring);
err_ring:
	free_percpu(rn->stats);
	return err;
}

/*
 * First of the namespace's teardown: no new user of its state.  The
 * namespace core then waits a grace period before any exit runs (see
 * rstmon_pernet_live()), so the hooks that were running (they run under
 * RCU; nf_unregister_net_hooks() does not wait for them) and the
 * tracepoint probes that found the state alive are done before
 * rstmon_net_exit_batch() frees it.
 */
static void __net_exit rstmon_net_pre_exit(struct net *net)
{
	WRITE_ONCE(rstmon_pernet(net)->alive, false);
	rstmon_hooks_unregister(net);
}

static void __net_exit rstmon_net_exit(struct net *net)
{
	rstmon_proc_exit(net);
}

/*
 * Once per batch of dying namespaces (and at module unload): one walk of
 * the connection table drops their entries, then their memory goes.
 */
static void __net_exit rstmon_net_exit_batch(struct list_head *net_exit_list)
{
	struct net *net;

	rstmon_conn_flush_nets(net_exit_list);
	list_for_each_entry(net, net_exit_list, exit_list) {
		struct rstmon_net *rn = rstmon_pernet(net);

		WARN_ON_ONCE(atomic_read(&rn->conns));
		rstmon_conn_net_del(net);
		rstmon_ring_free(&rn->ring);
		free_percpu(rn->stats);
	}
}

static struct pernet_operations rstmon_net_ops = {
	.init = rstmon_net_init,
	.pre_exit = rstmon_net_pre_exit,
	.exit = rstmon_net_exit,
	.exit_batch = rstmon_net_exit_batch,
	.id = &rstmon_net_id,
	.size = sizeof(struct rstmon_net),
};

int rstmon_netns_init(void)
{
	return register_pernet_subsys(&rstmon_net_ops);
}

void rstmon_netns_exit(void)
{
	unregister_pernet_subsys(&rstmon_net_ops);
}
