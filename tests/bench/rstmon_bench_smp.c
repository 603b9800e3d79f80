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
 * SYN-ACK, ACK, and one data segment each way).  Then, in each of @rounds
 * rounds:
 *
 *  - two CPUs: two kthreads, bound to CPU 0 and CPU 1, start together;
 *    CPU 0 feeds the originator's data segments, CPU 1 the responder's,
 *    of the same connections (scattered over the table, the two threads
 *    half a table apart), @segs each, each thread with its own skb.  Each
 *    thread is timed on its own, and the share of the time both ran at
 *    once is reported (the worst round's), since under emulation two vCPUs
 *    need not run at the same time.
 *  - one CPU: one kthread on CPU 0 feeds both directions, alternating,
 *    @segs of each.
 *
 * rstmon and conntrack alternate which goes first; the cost of the loop
 * that rewrites the headers is measured the same way and subtracted.
 * Results go to the kernel log as "rstmon_bench_smp: RESULT ..." lines
 * (tests/bench/report-smp.py turns them into a table).  Loading runs the
 * benchmark and then fails with -ECANCELED on purpose, so nothing stays
 * loaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/sort.h>
#include <linux/slab.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/atomic.h>
#include <net/net_namespace.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>

static unsigned int sizes[4] = { 1000, 100000 };
static int n_sizes = 2;
module_param_array(sizes, uint, &n_sizes, 0444);
MODULE_PARM_DESC(sizes, "numbers of forwarded connections (ascending)");
static unsigned int rounds = 5;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "rounds per figure (3..51)");
static unsigned int segs = 50000;
module_param(segs, uint, 0444);
MODULE_PARM_DESC(segs, "segments per direction per round");

#define SMP_MAX_ROUNDS		51
#define SMP_MAX_SIZE		(1U << 24)
#define SMP_PAYLOAD		100
#define SMP_CLIENT_ISN		1000U
#define SMP_SERVER_ISN		500000U
#define SMP_SERVER_ADDR		0x0aff0001	/* 10.255.0.1 */
#define SMP_SERVER_PORT		80

enum smp_kind { SMP_SYN, SMP_SYNACK, SMP_ACK, SMP_ORIG, SMP_REPLY, SMP_BOTH };
enum smp_who { WHO_LOOP, WHO_RSTMON, WHO_CT };

struct smp_bench {
	struct nf_hook_state rst_state;	/* FORWARD, for rstmon */
	struct nf_hook_state ct_state;	/* PRE_ROUTING, for conntrack */
	nf_hookfn *hook;
	void *priv;
	atomic_t ready;			/* workers at the start line */
	unsigned int nr;		/* workers of this pass */
};

struct smp_worker {
	struct smp_bench *b;
	struct sk_buff *skb;
	struct task_struct *task;
	struct completion done;
	enum smp_who who;
	enum smp_kind kind;		/* SMP_ORIG, SMP_REPLY or SMP_BOTH */
	unsigned int size, n, offset;
	unsigned int cpu;
	u64 t0, ns;
	unsigned int not_accepted;	/* verdicts other than NF_ACCEPT */
	unsigned int untracked;		/* conntrack left no entry (invalid) */
};

/* 10.(i >> 10 & 0xff).(i >> 18).x: up to 2^26 distinct client tuples. */
static void smp_tuple(unsigned int i, __be32 *saddr, __be16 *sport)
{
	*saddr = htonl(0x0a000000 | (i >> 10));
	*sport = htons(1024 + (i & 1023));
}

/* Rewrite the skb's headers for connection @i and segment @kind. */
static void smp_fill(struct sk_buff *skb, unsigned int i, enum smp_kind kind)
{
	struct iphdr *iph = ip_hdr(skb);
	struct tcphdr *th = (struct tcphdr *)(iph + 1);
	bool reply = kind == SMP_SYNACK || kind == SMP_REPLY;
	unsigned int len = sizeof(*iph) + sizeof(*th);
	__be32 caddr;
	__be16 cport;

	smp_tuple(i, &caddr, &cport);
	iph->saddr = reply ? htonl(SMP_SERVER_ADDR) : caddr;
	iph->daddr = reply ? caddr : htonl(SMP_SERVER_ADDR);
	iph->protocol = IPPROTO_TCP;
	memset(th, 0, sizeof(*th));
	th->source = reply ? htons(SMP_SERVER_PORT) : cport;
	th->dest = reply ? cport : htons(SMP_SERVER_PORT);
	th->doff = sizeof(*th) / 4;
	th->window = htons(65535);
	switch (kind) {
	case SMP_SYN:
		th->syn = 1;
		th->seq = htonl(SMP_CLIENT_ISN);
		break;
	case SMP_SYNACK:
		th->syn = 1;
		th->ack = 1;
		th->seq = htonl(SMP_SERVER_ISN);
		th->ack_seq = htonl(SMP_CLIENT_ISN + 1);
		break;
	case SMP_ACK:
	case SMP_ORIG:
		th->ack = 1;
		th->seq = htonl(SMP_CLIENT_ISN + 1);
		th->ack_seq = htonl(SMP_SERVER_ISN + 1);
		if (kind == SMP_ORIG) {
			th->psh = 1;
			len += SMP_PAYLOAD;
		}
		break;
	case SMP_REPLY:
		th->ack = 1;
		th->psh = 1;
		th->seq = htonl(SMP_SERVER_ISN + 1);
		th->ack_seq = htonl(SMP_CLIENT_ISN + 1);
		len += SMP_PAYLOAD;
		break;
	default:
		break;
	}
	iph->tot_len = htons(len);
	skb_trim(skb, 0);
	__skb_put(skb, len);
	skb_set_transport_header(skb, sizeof(*iph));
}

/* As PRE_ROUTING and FORWARD would: track, confirm a new entry, let go. */
static unsigned int smp_ct(struct smp_worker *w)
{
	struct sk_buff *skb = w->skb;
	enum ip_conntrack_info ctinfo;
	unsigned int v = nf_conntrack_in(skb, &w->b->ct_state);

	if (!nf_ct_get(skb, &ctinfo))
		w->untracked++;
	if (v == NF_ACCEPT)
		v = nf_conntrack_confirm(skb);
	else if (v == -NF_ACCEPT)
		v = NF_ACCEPT;	/* not tracked, but passed */
	nf_reset_ct(skb);
	return v;
}

/* @w->n segments of @w->kind over @w->size connections to @w->who. */
static void smp_pass(struct smp_worker *w)
{
	struct smp_bench *b = w->b;
	enum smp_kind kind = w->kind;
	unsigned int k, i;
	u64 t0, t1;

	w->not_accepted = 0;
	w->untracked = 0;
	/* The start line: every worker of the pass goes at once. */
	atomic_inc(&b->ready);
	while (atomic_read(&b->ready) < b->nr)
		cond_resched();
	t0 = ktime_get_ns();
	local_bh_disable();
	rcu_read_lock();
	for (k = 0; k < w->n; k++) {
		/* A stride coprime with any power of two... and most sizes. */
		i = (unsigned int)(((u64)(k + w->offset) * 2654435761U) % w->size);
		if (w->kind == SMP_BOTH)
			kind = k & 1 ? SMP_REPLY : SMP_ORIG;
		smp_fill(w->skb, i, kind);
		if (w->who == WHO_RSTMON)
			w->not_accepted += b->hook(b->priv, w->skb, &b->rst_state) != NF_ACCEPT;
		else if (w->who == WHO_CT)
			w->not_accepted += smp_ct(w) != NF_ACCEPT;
		if ((k & 1023) == 1023) {
			rcu_read_unlock();
			local_bh_enable();
			cond_resched();
			local_bh_disable();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	local_bh_enable();
	t1 = ktime_get_ns();
	w->t0 = t0;
	w->ns = t1 - t0;
}

static int smp_thread(void *arg)
{
	struct smp_worker *w = arg;

	smp_pass(w);
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

/* Run @nr workers, each on its own CPU, at once; wait for all. */
static int smp_run(struct smp_bench *b, struct smp_worker *w, unsigned int nr)
{
	unsigned int j;
	int err = 0;

	atomic_set(&b->ready, 0);
	b->nr = nr;
	for (j = 0; j < nr; j++) {
		init_completion(&w[j].done);
		w[j].task = kthread_create(smp_thread, &w[j], "rstmon_smp/%u", w[j].cpu);
		if (IS_ERR(w[j].task)) {
			err = PTR_ERR(w[j].task);
			/* None has run: stopped before its function, they never will. */
			while (j--)
				kthread_stop(w[j].task);
			return err;
		}
		kthread_bind(w[j].task, w[j].cpu);
	}
	for (j = 0; j < nr; j++)
		wake_up_process(w[j].task);
	for (j = 0; j < nr; j++) {
		wait_for_completion(&w[j].done);
		kthread_stop(w[j].task);
	}
	return 0;
}

static int smp_cmp_s64(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

/* Per round, ps per segment (ns * 1000) after the loop's own cost. */
struct smp_fig {
	s64 two_rst[2][SMP_MAX_ROUNDS];	/* per CPU */
	s64 two_ct[2][SMP_MAX_ROUNDS];
	s64 two_rst_mean[SMP_MAX_ROUNDS];
	s64 two_ct_mean[SMP_MAX_ROUNDS];
	s64 one_rst[SMP_MAX_ROUNDS];
	s64 one_ct[SMP_MAX_ROUNDS];
	/* Of the longer thread's time, the share both ran (1/1000). */
	s64 overlap[SMP_MAX_ROUNDS];
	unsigned int not_accepted, untracked;
};

static s64 smp_ps(u64 t, u64 loop, unsigned int n)
{
	return div_s64(((s64)t - (s64)loop) * 1000, n);
}

static s64 smp_med(s64 *v, s64 *min, s64 *max)
{
	sort(v, rounds, sizeof(v[0]), smp_cmp_s64, NULL);
	*min = v[0];
	*max = v[rounds - 1];
	return v[rounds / 2];
}

/* One two-CPU pass of @who: CPU 0 the originator's, CPU 1 the responder's. */
static int smp_two(struct smp_bench *b, struct smp_worker *w, enum smp_who who,
		   unsigned int size, u64 ns[2], s64 *overlap, struct smp_fig *f)
{
	int err, j;

	for (j = 0; j < 2; j++) {
		w[j].who = who;
		w[j].kind = j ? SMP_REPLY : SMP_ORIG;
		w[j].size = size;
		w[j].n = segs;
		w[j].offset = j ? size / 2 : 0;
		w[j].cpu = j;
	}
	err = smp_run(b, w, 2);
	if (!err && who != WHO_LOOP) {
		u64 start = max(w[0].t0, w[1].t0);
		u64 end = min(w[0].t0 + w[0].ns, w[1].t0 + w[1].ns);
		u64 longer = max(w[0].ns, w[1].ns);

		*overlap = end > start && longer ? div64_u64((end - start) * 1000, longer) : 0;
	}
	for (j = 0; j < 2 && !err; j++) {
		ns[j] = w[j].ns;
		if (who == WHO_CT) {
			f->not_accepted += w[j].not_accepted;
			f->untracked += w[j].untracked;
		} else if (who == WHO_RSTMON && w[j].not_accepted) {
			pr_err("rstmon returned a verdict other than NF_ACCEPT %u times\n",
			       w[j].not_accepted);
		}
	}
	return err;
}

/* One one-CPU pass of @who: both directions alternating on CPU 0. */
static int smp_one(struct smp_bench *b, struct smp_worker *w, enum smp_who who,
		   unsigned int size, u64 *ns, struct smp_fig *f)
{
	int err;

	w->who = who;
	w->kind = SMP_BOTH;
	w->size = size;
	w->n = 2 * segs;
	w->offset = 0;
	w->cpu = 0;
	err = smp_run(b, w, 1);
	if (!err) {
		*ns = w->ns;
		if (who == WHO_CT) {
			f->not_accepted += w->not_accepted;
			f->untracked += w->untracked;
		}
	}
	return err;
}

static int smp_figure(struct smp_bench *b, struct smp_worker *w, unsigned int size)
{
	struct smp_fig *f = kzalloc(sizeof(*f), GFP_KERNEL);
	u64 loop[2], rst[2], ct[2], one_loop, one_rst, one_ct;
	s64 rmin, rmax, cmin, cmax, r, c, r0, r1, c0, c1, ov, ov_rst, ov_ct, dummy;
	unsigned int k, j;
	int err = 0;

	if (!f)
		return -ENOMEM;
	for (k = 0; k < rounds && !err; k++) {
		err = smp_two(b, w, WHO_LOOP, size, loop, &ov, f);
		if (!err && (k & 1)) {
			err = smp_two(b, w, WHO_CT, size, ct, &ov_ct, f) ?:
			      smp_two(b, w, WHO_RSTMON, size, rst, &ov_rst, f);
		} else if (!err) {
			err = smp_two(b, w, WHO_RSTMON, size, rst, &ov_rst, f) ?:
			      smp_two(b, w, WHO_CT, size, ct, &ov_ct, f);
		}
		if (err)
			break;
		for (j = 0; j < 2; j++) {
			f->two_rst[j][k] = smp_ps(rst[j], loop[j], segs);
			f->two_ct[j][k] = smp_ps(ct[j], loop[j], segs);
		}
		f->two_rst_mean[k] = (f->two_rst[0][k] + f->two_rst[1][k]) / 2;
		f->two_ct_mean[k] = (f->two_ct[0][k] + f->two_ct[1][k]) / 2;
		f->overlap[k] = min(ov_rst, ov_ct);

		err = smp_one(b, w, WHO_LOOP, size, &one_loop, f);
		if (!err && (k & 1)) {
			err = smp_one(b, w, WHO_CT, size, &one_ct, f) ?:
			      smp_one(b, w, WHO_RSTMON, size, &one_rst, f);
		} else if (!err) {
			err = smp_one(b, w, WHO_RSTMON, size, &one_rst, f) ?:
			      smp_one(b, w, WHO_CT, size, &one_ct, f);
		}
		if (err)
			break;
		f->one_rst[k] = smp_ps(one_rst, one_loop, 2 * segs);
		f->one_ct[k] = smp_ps(one_ct, one_loop, 2 * segs);
	}
	if (err)
		goto out;
	/* ps, so the script can print ns with decimals; ratio in 1/1000 */
	r0 = smp_med(f->two_rst[0], &dummy, &dummy);
	r1 = smp_med(f->two_rst[1], &dummy, &dummy);
	c0 = smp_med(f->two_ct[0], &dummy, &dummy);
	c1 = smp_med(f->two_ct[1], &dummy, &dummy);
	smp_med(f->overlap, &ov, &dummy);
	r = smp_med(f->two_rst_mean, &rmin, &rmax);
	c = smp_med(f->two_ct_mean, &cmin, &cmax);
	pr_info("RESULT fwd-data mode=two-cpus size=%u rounds=%u segs=%u rstmon_med=%lld rstmon_min=%lld rstmon_max=%lld ct_med=%lld ct_min=%lld ct_max=%lld ratio_milli=%lld rstmon_cpu0=%lld rstmon_cpu1=%lld ct_cpu0=%lld ct_cpu1=%lld overlap_min_milli=%lld\n",
		size, rounds, segs, r, rmin, rmax, c, cmin, cmax,
		c > 0 ? div_s64(r * 1000, c) : -1, r0, r1, c0, c1, ov);
	r = smp_med(f->one_rst, &rmin, &rmax);
	c = smp_med(f->one_ct, &cmin, &cmax);
	pr_info("RESULT fwd-data mode=one-cpu size=%u rounds=%u segs=%u rstmon_med=%lld rstmon_min=%lld rstmon_max=%lld ct_med=%lld ct_min=%lld ct_max=%lld ratio_milli=%lld\n",
		size, rounds, 2 * segs, r, rmin, rmax, c, cmin, cmax,
		c > 0 ? div_s64(r * 1000, c) : -1);
	pr_info("CHECK size=%u ct_not_accepted=%u ct_untracked=%u\n", size, f->not_accepted,
		f->untracked);
out:
	kfree(f);
	return err;
}

/* Connections [from, to) in both: handshake, then one data segment each way. */
static void smp_create(struct smp_bench *b, struct smp_worker *w, unsigned int from,
		       unsigned int to)
{
	static const enum smp_kind steps[] = { SMP_SYN, SMP_SYNACK, SMP_ACK, SMP_ORIG, SMP_REPLY };
	unsigned int s, i;

	for (s = 0; s < ARRAY_SIZE(steps); s++) {
		for (i = from; i < to; i++) {
			local_bh_disable();
			rcu_read_lock();
			smp_fill(w->skb, i, steps[s]);
			b->hook(b->priv, w->skb, &b->rst_state);
			smp_ct(w);
			rcu_read_unlock();
			local_bh_enable();
			if ((i & 1023) == 1023)
				cond_resched();
		}
	}
}

/* rstmon's IPv4 FORWARD hook in init_net, by its function's name. */
static int smp_find_hook(struct smp_bench *b)
{
	const struct nf_hook_entries *e;
	char sym[KSYM_SYMBOL_LEN];
	int i, err = -ENOENT;

	rcu_read_lock();
	e = rcu_dereference(init_net.nf.hooks_ipv4[NF_INET_FORWARD]);
	for (i = 0; e && i < e->num_hook_entries; i++) {
		sprint_symbol_no_offset(sym, (unsigned long)e->hooks[i].hook);
		if (!strncmp(sym, "rstmon_hook", 11)) {
			b->hook = e->hooks[i].hook;
			b->priv = e->hooks[i].priv;
			err = 0;
			break;
		}
	}
	rcu_read_unlock();
	return err;
}

static struct sk_buff *smp_skb(void)
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

static int __init rstmon_bench_smp_init(void)
{
	struct smp_worker w[2] = {};
	unsigned int s, prev = 0;
	struct smp_bench *b;
	int err, j;

	if (rounds < 3 || rounds > SMP_MAX_ROUNDS || !n_sizes || !segs || segs > (1U << 30)) {
		pr_err("rounds must be 3..%u, sizes and segs non-empty\n", SMP_MAX_ROUNDS);
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
	if (!b)
		return -ENOMEM;
	err = smp_find_hook(b);
	if (err) {
		pr_err("rstmon's FORWARD hook is not registered in init_net: load rstmon first\n");
		goto out;
	}
	for (j = 0; j < 2; j++) {
		w[j].b = b;
		w[j].skb = smp_skb();
		if (!w[j].skb) {
			err = -ENOMEM;
			goto out_skb;
		}
	}
	nf_hook_state_init(&b->rst_state, NF_INET_FORWARD, NFPROTO_IPV4,
			   init_net.loopback_dev, init_net.loopback_dev, NULL, &init_net, NULL);
	nf_hook_state_init(&b->ct_state, NF_INET_PRE_ROUTING, NFPROTO_IPV4,
			   init_net.loopback_dev, NULL, NULL, &init_net, NULL);

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
	kfree(b);
	return err;
}

module_init(rstmon_bench_smp_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rstmon against nf_conntrack, forwarded, two directions on two CPUs");
