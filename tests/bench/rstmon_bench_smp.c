// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon_bench_smp: rstmon's forwarded data segment against
 * nf_conntrack_in(), with the two directions of the same connections on
 * two CPUs at once, and on one CPU for comparison.
 *
 * rstmon and nf_conntrack must be loaded first.  rstmon's IPv4 FORWARD
 * hook is taken from init_net's hook entries (found by its symbol name)
 * and called as nf_hook_slow() calls it; conntrack is driven through
 * nf_conntrack_in() and, for a new entry, nf_conntrack_confirm(), and the
 * skb's conntrack reference is dropped after each segment.  Both run with
 * BHs off under rcu_read_lock(), as in the receive softirq.
 *
 * For each size, @size forwarded connections are set up in both (SYN,
 * SYN-ACK, ACK, and one data segment each way).  Then two kthreads, bound
 * to CPU 0 and CPU 1, run @rounds rounds; each round times, every step
 * starting on both CPUs together (a barrier):
 *
 *  - two CPUs: CPU 0 feeds the originator's data segments, CPU 1 the
 *    responder's, of the same connections (a scattered walk over the
 *    table; CPU 1 answers the connections CPU 0 fed in the round before,
 *    so it writes lines the other CPU wrote last), @segs each, each with
 *    its own skb, each timed on its own;
 *  - one CPU: CPU 0 feeds both directions, alternating in the same way
 *    (the answer to a connection fed @segs segments before), @segs of
 *    each, while CPU 1 waits;
 *
 * each for the loop that rewrites the headers (subtracted), rstmon and
 * conntrack, the two alternating which goes first.  Rounds are short and
 * many, so that rstmon and conntrack share whatever else the machine does:
 * an emulated guest's vCPUs are host threads, and a step of a few hundred
 * segments is short enough that both usually run through it together.
 * The figures are the median and quartiles over the rounds; the two-CPU
 * ones only over the rounds whose steps both threads ran through together
 * (measured without clocks: how much of its step the peer did meanwhile).
 *
 * Results go to the kernel log as "rstmon_bench_smp: RESULT ..." lines
 * (tests/bench/report-smp.py turns them into a table).  Loading runs the
 * benchmark and then fails with -ECANCELED on purpose, so nothing stays
 * loaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/sort.h>
#include <linux/slab.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/atomic.h>

#include "bench_common.h"

static unsigned int sizes[4] = { 1000, 100000 };
static int n_sizes = 2;
module_param_array(sizes, uint, &n_sizes, 0444);
MODULE_PARM_DESC(sizes, "numbers of forwarded connections (ascending)");
static unsigned int rounds = 1001;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "rounds per size (5..1001)");
static unsigned int segs = 200;
module_param(segs, uint, 0444);
MODULE_PARM_DESC(segs, "segments per direction per step of a round");

#define SMP_MAX_ROUNDS		1001
#define SMP_MAX_SIZE		(1U << 24)

enum smp_who { WHO_LOOP, WHO_RSTMON, WHO_CT };
/* The timed steps of a round: who, on two CPUs or on one. */
enum smp_step { TWO_LOOP, TWO_RST, TWO_CT, ONE_LOOP, ONE_RST, ONE_CT, SMP_STEPS };

struct smp_bench {
	struct nf_hook_state rst_state;	/* FORWARD, for rstmon */
	struct nf_hook_state ct_state;	/* PRE_ROUTING, for conntrack */
	nf_hookfn *hook;
	void *priv;
	atomic_t arrived;		/* barrier: arrivals so far */
	unsigned int size;		/* connections of this run */
};

struct smp_worker {
	struct smp_bench *b;
	struct sk_buff *skb;
	struct task_struct *task;
	struct completion done;
	struct smp_worker *peer;	/* the worker on the other CPU */
	unsigned int cpu;		/* 0: the originator's, 1: the responder's */
	unsigned int gen;		/* barriers passed */
	u64 ns[SMP_STEPS][SMP_MAX_ROUNDS];
	/* Of the peer's step, the share it did during ours (1/1000). */
	s64 conc[SMP_STEPS][SMP_MAX_ROUNDS];
	unsigned int not_accepted;	/* conntrack verdicts other than NF_ACCEPT */
	unsigned int untracked;		/* conntrack left no entry (invalid) */
	unsigned int rst_not_accepted;	/* rstmon verdicts other than NF_ACCEPT */
	/* Segments done so far, for the peer to see (no clock involved). */
	unsigned long progress ____cacheline_aligned_in_smp;
};

/* As PRE_ROUTING and FORWARD would: track, confirm a new entry, let go. */
static unsigned int smp_ct(struct smp_worker *w)
{
	return bench_conntrack(w->skb, &w->b->ct_state, &w->untracked);
}

/* Connection at position @pos of the scattered walk over the table. */
static unsigned int smp_conn(struct smp_bench *b, u64 pos)
{
	/* A stride coprime with any power of two... and most sizes. */
	return (unsigned int)((pos * 2654435761U) % b->size);
}

/*
 * @n segments of @kind to @who, for positions @pos.. of the walk.
 * BENCH_BOTH: the originator's segment of position @pos + k and the
 * responder's of @pos + k - segs in turn, as one CPU sees a connection's
 * answers a while after its data.
 */
static void smp_pass(struct smp_worker *w, enum smp_who who, enum bench_kind kind,
		     u64 pos, unsigned int n)
{
	unsigned long done = w->progress;
	struct smp_bench *b = w->b;
	unsigned int k, i;

	local_bh_disable();
	rcu_read_lock();
	for (k = 0; k < n; k++) {
		if (!(k & 15))
			WRITE_ONCE(w->progress, done + k);
		if (kind != BENCH_BOTH) {
			i = smp_conn(b, pos + k);
			bench_put(w->skb, i, kind);
		} else if (k & 1) {
			bench_put(w->skb, smp_conn(b, pos + k / 2 - segs), BENCH_REPLY);
		} else {
			bench_put(w->skb, smp_conn(b, pos + k / 2), BENCH_DATA);
		}
		if (who == WHO_RSTMON)
			w->rst_not_accepted += b->hook(b->priv, w->skb, &b->rst_state) != NF_ACCEPT;
		else if (who == WHO_CT)
			w->not_accepted += smp_ct(w) != NF_ACCEPT;
		if ((k & 1023) == 1023)
			bench_breathe();
	}
	rcu_read_unlock();
	local_bh_enable();
	WRITE_ONCE(w->progress, done + n);
}

/* Both workers wait here for each other. */
static void smp_barrier(struct smp_worker *w)
{
	unsigned int want = ++w->gen * 2;

	atomic_inc(&w->b->arrived);
	while ((unsigned int)atomic_read(&w->b->arrived) < want) {
		cpu_relax();
		cond_resched();
	}
}

/* The steps of round @k, rstmon and conntrack alternating which goes first. */
static const enum smp_step smp_order[2][SMP_STEPS] = {
	{ TWO_LOOP, TWO_RST, TWO_CT, ONE_LOOP, ONE_RST, ONE_CT },
	{ TWO_LOOP, TWO_CT, TWO_RST, ONE_LOOP, ONE_CT, ONE_RST },
};

static int smp_thread(void *arg)
{
	static const enum smp_who who[SMP_STEPS] = {
		WHO_LOOP, WHO_RSTMON, WHO_CT, WHO_LOOP, WHO_RSTMON, WHO_CT
	};
	struct smp_worker *w = arg;
	unsigned int size = w->b->size, k, j;
	unsigned long p0, p1;
	enum smp_step step;
	u64 t0, pos;

	for (k = 0; k < rounds; k++) {
		for (j = 0; j < SMP_STEPS; j++) {
			step = smp_order[k & 1][j];
			smp_barrier(w);
			if (step >= ONE_LOOP && w->cpu)
				continue;	/* one CPU: CPU 1 idles */
			p0 = READ_ONCE(w->peer->progress);
			t0 = ktime_get_ns();
			if (step < ONE_LOOP) {
				/*
				 * CPU 1 answers what CPU 0 sent a round
				 * before: the lines CPU 0 wrote, from CPU 1.
				 */
				pos = (u64)(k + 1) * segs - (w->cpu ? segs : 0);
				smp_pass(w, who[step], w->cpu ? BENCH_REPLY : BENCH_DATA, pos,
					 segs);
			} else {
				/* Its own part of the walk, not what a two-CPU step warmed. */
				pos = (u64)(k + 1) * segs + size / 2;
				smp_pass(w, who[step], BENCH_BOTH, pos, 2 * segs);
			}
			w->ns[step][k] = ktime_get_ns() - t0;
			p1 = READ_ONCE(w->peer->progress);
			w->conc[step][k] = min(p1 - p0, (unsigned long)segs) * 1000 / segs;
		}
	}
	complete(&w->done);
	/* Stay until kthread_stop(): the module text must outlive us. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* Run both workers, each on its CPU; wait for both. */
static int smp_run(struct smp_bench *b, struct smp_worker *w)
{
	unsigned int j;
	int err;

	atomic_set(&b->arrived, 0);
	for (j = 0; j < 2; j++) {
		w[j].gen = 0;
		w[j].not_accepted = 0;
		w[j].untracked = 0;
		w[j].rst_not_accepted = 0;
		init_completion(&w[j].done);
		w[j].task = kthread_create(smp_thread, &w[j], "rstmon_smp/%u", w[j].cpu);
		if (IS_ERR(w[j].task)) {
			err = PTR_ERR(w[j].task);
			/* Stopped before its function ran, it never will. */
			while (j--)
				kthread_stop(w[j].task);
			return err;
		}
		kthread_bind(w[j].task, w[j].cpu);
	}
	for (j = 0; j < 2; j++)
		wake_up_process(w[j].task);
	for (j = 0; j < 2; j++) {
		wait_for_completion(&w[j].done);
		kthread_stop(w[j].task);
	}
	return 0;
}

/* Sorts @v (@n of them, n > 0): its median and quartiles. */
struct smp_q {
	s64 med, q1, q3;
};

static struct smp_q smp_quart(s64 *v, unsigned int n)
{
	sort(v, n, sizeof(v[0]), bench_cmp_s64, NULL);
	return (struct smp_q){ v[n / 2], v[n / 4], v[n - 1 - n / 4] };
}

static s64 smp_ps(u64 t, u64 loop, unsigned int n)
{
	return div_s64(((s64)t - (s64)loop) * 1000, n);
}

/*
 * How much of step @s of round @k the two threads ran at once: of each
 * one's step, the share of the other's segments done meanwhile; the less.
 */
static s64 smp_overlap(struct smp_worker *w, enum smp_step s, unsigned int k)
{
	return min(w[0].conc[s][k], w[1].conc[s][k]);
}

struct smp_fig {
	s64 rst[3][SMP_MAX_ROUNDS];	/* two CPUs: CPU 0, CPU 1, their mean */
	s64 ct[3][SMP_MAX_ROUNDS];
	s64 one_rst[SMP_MAX_ROUNDS];
	s64 one_ct[SMP_MAX_ROUNDS];
	s64 overlap[SMP_MAX_ROUNDS];
};

static int smp_figure(struct smp_bench *b, struct smp_worker *w, unsigned int size)
{
	struct smp_fig *f = kvzalloc(sizeof(*f), GFP_KERNEL);
	struct smp_q r, c, r0, r1, c0, c1, ov;
	unsigned int k, j, m = 0, n;
	s64 conc;
	int err;

	if (!f)
		return -ENOMEM;
	b->size = size;
	err = smp_run(b, w);
	if (err)
		goto out;
	/*
	 * The two-CPU figures count the rounds in which both threads ran
	 * through both the rstmon and the conntrack step together (at least
	 * 75 % of the peer's segments done meanwhile, each way): on a busy
	 * host a vCPU may sit out a step, which then measured one CPU.
	 * Should too few rounds qualify, all count, and the line says so.
	 */
	for (k = 0; k < rounds; k++) {
		conc = min(smp_overlap(w, TWO_RST, k), smp_overlap(w, TWO_CT, k));
		f->overlap[k] = conc;
		if (conc >= 750)
			m++;
	}
	for (k = 0, n = 0; k < rounds; k++) {
		f->one_rst[k] = smp_ps(w[0].ns[ONE_RST][k], w[0].ns[ONE_LOOP][k], 2 * segs);
		f->one_ct[k] = smp_ps(w[0].ns[ONE_CT][k], w[0].ns[ONE_LOOP][k], 2 * segs);
		if (m >= 5 && f->overlap[k] < 750)
			continue;
		for (j = 0; j < 2; j++) {
			f->rst[j][n] = smp_ps(w[j].ns[TWO_RST][k], w[j].ns[TWO_LOOP][k], segs);
			f->ct[j][n] = smp_ps(w[j].ns[TWO_CT][k], w[j].ns[TWO_LOOP][k], segs);
		}
		f->rst[2][n] = (f->rst[0][n] + f->rst[1][n]) / 2;
		f->ct[2][n] = (f->ct[0][n] + f->ct[1][n]) / 2;
		n++;
	}
	r0 = smp_quart(f->rst[0], n);
	r1 = smp_quart(f->rst[1], n);
	c0 = smp_quart(f->ct[0], n);
	c1 = smp_quart(f->ct[1], n);
	r = smp_quart(f->rst[2], n);
	c = smp_quart(f->ct[2], n);
	ov = smp_quart(f->overlap, rounds);
	/* ps, so the script can print ns with decimals; ratio and overlap in 1/1000 */
	pr_info("RESULT fwd-data mode=two-cpus size=%u rounds=%u segs=%u rstmon_med=%lld rstmon_q1=%lld rstmon_q3=%lld ct_med=%lld ct_q1=%lld ct_q3=%lld ratio_milli=%lld rstmon_cpu0=%lld rstmon_cpu1=%lld ct_cpu0=%lld ct_cpu1=%lld overlap_med_milli=%lld overlap_q1_milli=%lld together=%u counted=%u\n",
		size, rounds, segs, r.med, r.q1, r.q3, c.med, c.q1, c.q3,
		c.med > 0 ? div_s64(r.med * 1000, c.med) : -1, r0.med, r1.med, c0.med, c1.med,
		ov.med, ov.q1, m, n);
	r = smp_quart(f->one_rst, rounds);
	c = smp_quart(f->one_ct, rounds);
	pr_info("RESULT fwd-data mode=one-cpu size=%u rounds=%u segs=%u rstmon_med=%lld rstmon_q1=%lld rstmon_q3=%lld ct_med=%lld ct_q1=%lld ct_q3=%lld ratio_milli=%lld\n",
		size, rounds, 2 * segs, r.med, r.q1, r.q3, c.med, c.q1, c.q3,
		c.med > 0 ? div_s64(r.med * 1000, c.med) : -1);
	pr_info("CHECK size=%u ct_not_accepted=%u ct_untracked=%u rstmon_not_accepted=%u\n", size,
		w[0].not_accepted + w[1].not_accepted, w[0].untracked + w[1].untracked,
		w[0].rst_not_accepted + w[1].rst_not_accepted);
	if (w[0].rst_not_accepted + w[1].rst_not_accepted)
		pr_err("rstmon returned a verdict other than NF_ACCEPT\n");
out:
	kvfree(f);
	return err;
}

/* Connections [from, to) in both: handshake, then one data segment each way. */
static void smp_create(struct smp_bench *b, struct smp_worker *w, unsigned int from,
		       unsigned int to)
{
	static const enum bench_kind steps[] = {
		BENCH_SYN, BENCH_SYNACK, BENCH_ACK, BENCH_DATA, BENCH_REPLY
	};
	unsigned int s, i;

	for (s = 0; s < ARRAY_SIZE(steps); s++) {
		for (i = from; i < to; i++) {
			local_bh_disable();
			rcu_read_lock();
			bench_put(w->skb, i, steps[s]);
			b->hook(b->priv, w->skb, &b->rst_state);
			smp_ct(w);
			rcu_read_unlock();
			local_bh_enable();
			if ((i & 1023) == 1023)
				cond_resched();
		}
	}
}

static int __init rstmon_bench_smp_init(void)
{
	unsigned int s, prev = 0;
	struct smp_worker *w;
	struct smp_bench *b;
	int err, j;

	if (rounds < 5 || rounds > SMP_MAX_ROUNDS || !n_sizes || !segs || segs > (1U << 20)) {
		pr_err("rounds must be 5..%u, segs 1..%u, sizes non-empty\n", SMP_MAX_ROUNDS,
		       1U << 20);
		return -EINVAL;
	}
	for (s = 0; s < n_sizes; s++) {
		if (!sizes[s] || sizes[s] > SMP_MAX_SIZE || (s && sizes[s] <= sizes[s - 1])) {
			pr_err("sizes must ascend, each 1..%u\n", SMP_MAX_SIZE);
			return -EINVAL;
		}
	}
	if (!cpu_online(0) || !cpu_online(1)) {
		pr_err("needs CPUs 0 and 1 online\n");
		return -ENODEV;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	w = kvcalloc(2, sizeof(*w), GFP_KERNEL);
	err = -ENOMEM;
	if (!b || !w)
		goto out;
	err = bench_find_hook(NF_INET_FORWARD, &b->hook, &b->priv);
	if (err) {
		pr_err("rstmon's FORWARD hook is not registered in init_net: load rstmon first\n");
		goto out;
	}
	for (j = 0; j < 2; j++) {
		w[j].b = b;
		w[j].cpu = j;
		w[j].peer = &w[!j];
		w[j].skb = bench_skb();
		if (!w[j].skb) {
			err = -ENOMEM;
			goto out_skb;
		}
	}
	bench_state(&b->rst_state, NF_INET_FORWARD);
	bench_state(&b->ct_state, NF_INET_PRE_ROUTING);

	pr_info("START sizes=%u..%u rounds=%u segs=%u cpus=%u\n", sizes[0], sizes[n_sizes - 1],
		rounds, segs, num_online_cpus());
	for (s = 0; s < n_sizes; s++) {
		smp_create(b, &w[0], prev, sizes[s]);
		prev = sizes[s];
		pr_info("TABLE size=%u\n", sizes[s]);
		err = smp_figure(b, w, sizes[s]);
		if (err)
			goto out_skb;
	}
	pr_info("DONE\n");
	err = -ECANCELED;
out_skb:
	for (j = 0; j < 2; j++)
		kfree_skb(w[j].skb);
out:
	kvfree(w);
	kfree(b);
	return err;
}

module_init(rstmon_bench_smp_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rstmon against nf_conntrack, forwarded, two directions on two CPUs");
