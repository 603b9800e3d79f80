// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon_bench: rstmon's per-segment path against nf_conntrack_in(), on the
 * same prebuilt skbs, side by side in one run.
 *
 * rstmon must be loaded first.  Its IPv4 LOCAL_IN hook is taken from
 * init_net's hook entries (found by its symbol name) and called exactly as
 * nf_hook_slow() calls it; conntrack is driven through nf_conntrack_in()
 * and, for new entries, nf_conntrack_confirm(), as the PRE_ROUTING and
 * LOCAL_IN hooks do, and the skb's conntrack reference is dropped after
 * each segment.  Both run with BHs off under rcu_read_lock(), as in the
 * receive softirq.
 *
 * Two more figures per size take the same segments elsewhere:
 *
 *  - "data-forwarded": rstmon's IPv4 FORWARD hook (found the same way) on
 *    the data segments of the same tracked connections, as a router sees
 *    them; conntrack as for the local ones (its PRE_ROUTING work is the
 *    same).
 *  - "data-socket": a local data segment with its socket at hand.  The
 *    bench makes a real TCP connection over loopback in init_net (a
 *    listener, a client and the accepted socket, all its own) and feeds
 *    rstmon's LOCAL_IN hook data segments of that connection (its tuple,
 *    ACK|PSH, sequence numbers going on from the accepted socket's
 *    rcv_nxt) with skb->sk set to the accepted socket for the call only,
 *    as early demux would (no reference is taken: the bench holds the
 *    socket, and skb->sk is NULL again before anything else sees the
 *    skb).  The socket in steady state: its segs_in and segs_out are set
 *    once to BENCH_SOCK_SEGS (past any warm-up, and neither a multiple of
 *    64 nor one below it, so no segment crosses a multiple of 64 of
 *    either counter), and its rcv_tstamp and icsk_ack.lrcvtime are set to
 *    the current jiffies at the start of each pass and every 1024
 *    segments, so that it always heard from its peer just now.  TCP never
 *    sees these segments, so the socket's own state does not move.  The
 *    one segment in 64 that a real connection sends through the table is
 *    not part of this figure (the "data-established" one gives its cost).
 *    conntrack meanwhile gets the data segments of its tracked
 *    connections of that size, as in "data-established": its cost has
 *    nothing to do with rstmon's path, and the ratio compares both in the
 *    same rounds.  Where rstmon has no socket path (or does not take it),
 *    this figure times its table path on the one connection, whose entry
 *    stays in cache: report.py gives no verdict unless rstmon's sock_path
 *    parameter is on.
 *  - "data-socket-stale", at the smallest size: the same with the socket
 *    last heard from its peer a second ago, so that rstmon must fall back
 *    to its table path, on the same connection in the same run: the
 *    difference to "data-socket" is what the socket path saves (none when
 *    it is not taken).
 *
 * Each figure is the median, min and max of @rounds rounds, rstmon and
 * conntrack alternating, in ns per segment after subtracting the cost of
 * the loop that rewrites the headers (measured the same way).  "FLOOR"
 * lines give what any design that reads a connection's state pays: a
 * random cache line of each size's footprint, and the keyed hash.  Results go
 * to the kernel log as "rstmon_bench: RESULT ..." lines, which
 * tests/bench/report.py turns into a table.  Loading runs the benchmark and
 * then fails with -ECANCELED on purpose, so nothing stays loaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/delay.h>
#include <linux/sort.h>
#include <linux/slab.h>
#include <linux/siphash.h>
#include <linux/vmalloc.h>
#include <linux/in.h>
#include <linux/net.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>

#include "bench_common.h"

static unsigned int sizes[3] = { 1000, 100000, 1000000 };
static int n_sizes = 3;
module_param_array(sizes, uint, &n_sizes, 0444);
MODULE_PARM_DESC(sizes, "table sizes for the data-segment figure (ascending)");
static unsigned int rounds = 7;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "rounds per figure (5..51)");
static unsigned int segs = 200000;
module_param(segs, uint, 0444);
MODULE_PARM_DESC(segs, "segments per round");
static bool rst_flood;
module_param(rst_flood, bool, 0444);
MODULE_PARM_DESC(rst_flood, "only the figure rst-unknown-limited, on the table a first run left");

#define BENCH_MAX_ROUNDS	51
/* Tuples for RSTs of unknown connections start here. */
#define BENCH_UNKNOWN_BASE	(1U << 23)
/* The socket's segment counters in steady state (see the top). */
#define BENCH_SOCK_SEGS		1001U
static_assert(BENCH_SOCK_SEGS >= 8 && BENCH_SOCK_SEGS % 64 != 0 &&
	      BENCH_SOCK_SEGS % 64 != 63);

struct bench {
	struct sk_buff *skb;
	struct nf_hook_state rst_state;	/* LOCAL_IN, for rstmon */
	struct nf_hook_state ct_state;	/* PRE_ROUTING, for conntrack */
	struct nf_hook_state fwd_state;	/* FORWARD, for rstmon */
	nf_hookfn *hook;
	void *priv;
	nf_hookfn *fwd_hook;
	void *fwd_priv;
	unsigned int created;		/* connections set up in both */
	/* The loopback connection of "data-socket" (see the top). */
	struct socket *lsock, *csock, *asock;
	struct sock *sk;		/* asock's: the server side */
	struct bench_conn sk_conn;	/* its ends, its next data segment's numbers */
};

/* Rewrite the skb's headers for connection @i (or the socket's) and segment @kind. */
static void bench_fill(struct bench *b, unsigned int i, enum bench_kind kind)
{
	if (kind == BENCH_SOCK_DATA)
		bench_put_conn(b->skb, &b->sk_conn, kind);
	else
		bench_put(b->skb, i, kind);
}

static unsigned int bench_rstmon(struct bench *b)
{
	return b->hook(b->priv, b->skb, &b->rst_state);
}

static unsigned int bench_rstmon_fwd(struct bench *b)
{
	return b->fwd_hook(b->fwd_priv, b->skb, &b->fwd_state);
}

/* LOCAL_IN with the socket at hand, as early demux leaves it. */
static unsigned int bench_rstmon_sock(struct bench *b)
{
	unsigned int v;

	b->skb->sk = b->sk;
	v = b->hook(b->priv, b->skb, &b->rst_state);
	b->skb->sk = NULL;
	return v;
}

/* The socket heard from its peer just now, or a second ago (see the top). */
static void bench_sock_heard(struct bench *b, bool stale)
{
	u32 now = tcp_jiffies32 - (stale ? HZ : 0);

	WRITE_ONCE(tcp_sk(b->sk)->rcv_tstamp, now);
	WRITE_ONCE(inet_csk(b->sk)->icsk_ack.lrcvtime, now);
}

/* As PRE_ROUTING and LOCAL_IN would: track, confirm a new entry, let go. */
static unsigned int bench_ct(struct bench *b)
{
	return bench_conntrack(b->skb, &b->ct_state, NULL);
}

enum bench_who {
	WHO_LOOP, WHO_RSTMON, WHO_CT, WHO_RSTMON_FWD, WHO_RSTMON_SOCK, WHO_RSTMON_SOCK_STALE,
};

/*
 * One timed pass: segments of connections @first.. (@n of them, visited
 * in a scattered order when @scatter, @span being the range to scatter
 * over), of @kind, to @who.  Returns ns.  WHO_RSTMON_SOCK(_STALE) gets,
 * whatever @kind, the data segments of the bench's socket (same work to
 * fill).
 */
static u64 bench_pass(struct bench *b, enum bench_who who, enum bench_kind kind,
		      unsigned int first, unsigned int n, unsigned int span, bool scatter)
{
	unsigned int k, i = 0, verdicts = 0;
	bool stale = who == WHO_RSTMON_SOCK_STALE;
	bool sock = who == WHO_RSTMON_SOCK || stale;
	u64 t0, t1;

	if (sock)
		kind = BENCH_SOCK_DATA;
	t0 = ktime_get_ns();
	local_bh_disable();
	rcu_read_lock();
	if (sock)
		bench_sock_heard(b, stale);
	for (k = 0; k < n; k++) {
		/* A stride coprime with any power of two... and most spans. */
		i = scatter ? (unsigned int)(((u64)k * 2654435761U) % span) : k;
		bench_fill(b, first + i, kind);
		switch (who) {
		case WHO_LOOP:
			break;
		case WHO_RSTMON:
			verdicts += bench_rstmon(b) != NF_ACCEPT;
			break;
		case WHO_RSTMON_FWD:
			verdicts += bench_rstmon_fwd(b) != NF_ACCEPT;
			break;
		case WHO_RSTMON_SOCK:
		case WHO_RSTMON_SOCK_STALE:
			verdicts += bench_rstmon_sock(b) != NF_ACCEPT;
			break;
		case WHO_CT:
			verdicts += bench_ct(b) != NF_ACCEPT;
			break;
		}
		if ((k & 1023) == 1023) {
			bench_breathe();
			if (sock)
				bench_sock_heard(b, stale);
		}
	}
	rcu_read_unlock();
	local_bh_enable();
	t1 = ktime_get_ns();
	if (verdicts && who != WHO_CT)
		pr_err("rstmon returned a verdict other than NF_ACCEPT %u times\n", verdicts);
	return t1 - t0;
}

/* Per round: ps per segment (ns * 1000), the loop's own cost taken off. */
struct bench_fig {
	s64 rst[BENCH_MAX_ROUNDS];
	s64 ct[BENCH_MAX_ROUNDS];
};

static void bench_round(struct bench_fig *f, unsigned int k, u64 loop, u64 rst, u64 ct,
			unsigned int n)
{
	f->rst[k] = div_s64(((s64)rst - (s64)loop) * 1000, n);
	f->ct[k] = div_s64(((s64)ct - (s64)loop) * 1000, n);
}

static void bench_report(const char *name, unsigned int size, struct bench_fig *f,
			 unsigned int nr, unsigned int n)
{
	s64 *r = f->rst, *c = f->ct;

	sort(r, nr, sizeof(r[0]), bench_cmp_s64, NULL);
	sort(c, nr, sizeof(c[0]), bench_cmp_s64, NULL);
	/* ps, so the script can print ns with decimals; ratio in 1/1000 */
	pr_info("RESULT %s size=%u rounds=%u segs=%u rstmon_med=%lld rstmon_min=%lld rstmon_max=%lld ct_med=%lld ct_min=%lld ct_max=%lld ratio_milli=%lld\n",
		name, size, nr, n, r[nr / 2], r[0], r[nr - 1], c[nr / 2], c[0], c[nr - 1],
		c[nr / 2] > 0 ? div_s64(r[nr / 2] * 1000, c[nr / 2]) : -1);
}

/* Set up connections [from, to) in both: SYN, SYN-ACK, ACK; times the SYNs. */
static void bench_create(struct bench *b, unsigned int from, unsigned int to,
			 struct bench_fig *f, unsigned int round)
{
	unsigned int n = to - from;
	u64 loop, rst, ct;

	loop = bench_pass(b, WHO_LOOP, BENCH_SYN, from, n, n, false);
	if (round & 1) {
		ct = bench_pass(b, WHO_CT, BENCH_SYN, from, n, n, false);
		rst = bench_pass(b, WHO_RSTMON, BENCH_SYN, from, n, n, false);
	} else {
		rst = bench_pass(b, WHO_RSTMON, BENCH_SYN, from, n, n, false);
		ct = bench_pass(b, WHO_CT, BENCH_SYN, from, n, n, false);
	}
	bench_round(f, round, loop, rst, ct, n);
	bench_pass(b, WHO_RSTMON, BENCH_SYNACK, from, n, n, false);
	bench_pass(b, WHO_CT, BENCH_SYNACK, from, n, n, false);
	bench_pass(b, WHO_RSTMON, BENCH_ACK, from, n, n, false);
	bench_pass(b, WHO_CT, BENCH_ACK, from, n, n, false);
	b->created = max(b->created, to);
}

/*
 * @nr rounds of @kind over @span connections from @first, alternating;
 * rstmon as @who (its LOCAL_IN, FORWARD or LOCAL_IN with the socket).
 */
static void bench_figure(struct bench *b, const char *name, unsigned int size,
			 enum bench_who who, enum bench_kind kind, unsigned int first,
			 unsigned int span, bool fresh, unsigned int n)
{
	struct bench_fig *f = kzalloc(sizeof(*f), GFP_KERNEL);
	unsigned int k, base;
	u64 loop, rst, ct;

	if (!f)
		return;
	for (k = 0; k < rounds; k++) {
		/* Fresh tuples each round (RSTs of connections never seen). */
		base = fresh ? first + k * n : first;
		loop = bench_pass(b, WHO_LOOP, kind, base, n, span, !fresh);
		if (k & 1) {
			ct = bench_pass(b, WHO_CT, kind, base, n, span, !fresh);
			rst = bench_pass(b, who, kind, base, n, span, !fresh);
		} else {
			rst = bench_pass(b, who, kind, base, n, span, !fresh);
			ct = bench_pass(b, WHO_CT, kind, base, n, span, !fresh);
		}
		bench_round(f, k, loop, rst, ct, n);
	}
	bench_report(name, size, f, rounds, n);
	kfree(f);
}

/*
 * Floors: what any design that reads a connection's state pays per
 * segment, measured in the same guest.
 *
 * floor-read: one dependent read of a random cache line out of @n lines
 * 128 bytes apart (the footprint of @n rstmon entries), chased through one
 * random cycle (Sattolo's shuffle) so that neither the prefetcher nor
 * out-of-order execution hides the miss.  A lookup that finds the entry
 * of a connection among @n pays at least this once.
 *
 * floor-hash: the keyed hash of an IPv4 4-tuple and namespace
 * (hsiphash_4u32(), the call rstmon makes), each call depending on the
 * last as in a stream of segments.
 */
struct bench_line {
	u32 next;
	u32 pad[31];
};

static u32 bench_sink;

static void bench_floor_report(const char *name, unsigned int size, s64 *t, unsigned int n)
{
	sort(t, rounds, sizeof(t[0]), bench_cmp_s64, NULL);
	pr_info("FLOOR %s size=%u rounds=%u segs=%u med=%lld min=%lld max=%lld\n", name, size,
		rounds, n, t[rounds / 2], t[0], t[rounds - 1]);
}

static void bench_floor_read(unsigned int n)
{
	struct bench_line *l = vmalloc(array_size(n, sizeof(*l)));
	u32 x = 2463534242U, i, j, k, r;
	s64 t[BENCH_MAX_ROUNDS];
	u64 t0;

	if (!l) {
		pr_info("FLOOR floor-read size=%u skipped: no memory\n", n);
		return;
	}
	for (i = 0; i < n; i++)
		l[i].next = i;
	for (i = n - 1; i > 0; i--) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		j = x % i;
		swap(l[i].next, l[j].next);
		if (!(i % 65536))
			cond_resched();
	}
	for (r = 0; r < rounds; r++) {
		t0 = ktime_get_ns();
		for (k = 0, i = 0; k < segs; k++)
			i = READ_ONCE(l[i].next);
		t[r] = div_u64((ktime_get_ns() - t0) * 1000, segs);
		bench_sink += i;
		cond_resched();
	}
	bench_floor_report("floor-read", n, t, segs);
	vfree(l);
}

static void bench_floor_hash(void)
{
	s64 t[BENCH_MAX_ROUNDS];
	hsiphash_key_t key;
	u32 acc = 0, k, r;
	u64 t0;

	get_random_bytes(&key, sizeof(key));
	for (r = 0; r < rounds; r++) {
		t0 = ktime_get_ns();
		for (k = 0; k < segs; k++)
			acc = hsiphash_4u32(0x0a000000 | k, 0x0aff0001, k << 16 | 80, acc, &key);
		t[r] = div_u64((ktime_get_ns() - t0) * 1000, segs);
		cond_resched();
	}
	bench_sink += acc;
	bench_floor_report("floor-hash", 0, t, segs);
}

/*
 * The loopback connection of "data-socket": a listener on 127.0.0.1, a
 * client connected to it and the accepted socket, all in init_net and
 * released by bench_sock_close() (an orderly close: no RST).  The address
 * goes through a void pointer: kernel_bind() and kernel_connect() take a
 * struct sockaddr before 6.19 and a struct sockaddr_unsized from it.
 */
static int bench_sock_open(struct bench *b)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct sock *sk;
	int err;

	err = sock_create_kern(&init_net, PF_INET, SOCK_STREAM, IPPROTO_TCP, &b->lsock);
	if (err)
		return err;
	err = kernel_bind(b->lsock, (void *)&sin, sizeof(sin));
	if (!err)
		err = kernel_listen(b->lsock, 1);
	if (err)
		return err;
	sin.sin_port = inet_sk(b->lsock->sk)->inet_sport;
	err = sock_create_kern(&init_net, PF_INET, SOCK_STREAM, IPPROTO_TCP, &b->csock);
	if (err)
		return err;
	/* Nothing here may wait for long: time out rather than hang insmod. */
	b->csock->sk->sk_sndtimeo = 5 * HZ;
	b->lsock->sk->sk_rcvtimeo = 5 * HZ;
	err = kernel_connect(b->csock, (void *)&sin, sizeof(sin), 0);
	if (!err)
		err = kernel_accept(b->lsock, &b->asock, 0);
	if (err)
		return err;
	sk = b->asock->sk;
	lock_sock(sk);
	if (sk->sk_state == TCP_ESTABLISHED && sk_fullsock(sk)) {
		b->sk = sk;
		b->sk_conn.caddr = sk->sk_daddr;
		b->sk_conn.cport = sk->sk_dport;
		b->sk_conn.saddr = sk->sk_rcv_saddr;
		b->sk_conn.sport = inet_sk(sk)->inet_sport;
		b->sk_conn.seq = tcp_sk(sk)->rcv_nxt;
		b->sk_conn.ack_seq = tcp_sk(sk)->snd_nxt;
		/* Past warm-up, no multiple of 64 crossed (see the top). */
		tcp_sk(sk)->segs_in = BENCH_SOCK_SEGS;
		tcp_sk(sk)->segs_out = BENCH_SOCK_SEGS;
	} else {
		err = -ENOTCONN;
	}
	release_sock(sk);
	return err;
}

static void bench_sock_close(struct bench *b)
{
	if (b->asock)
		sock_release(b->asock);
	if (b->csock)
		sock_release(b->csock);
	if (b->lsock)
		sock_release(b->lsock);
}

static int __init bench_init(void)
{
	unsigned int s, k, per_round, prev = 0;
	struct bench *b;
	int err;

	if (rounds < 5 || rounds > BENCH_MAX_ROUNDS || !n_sizes || !segs) {
		pr_err("rounds must be 5..%u, sizes and segs non-empty\n", BENCH_MAX_ROUNDS);
		return -EINVAL;
	}
	for (s = 1; s < n_sizes; s++) {
		if (sizes[s] <= sizes[s - 1]) {
			pr_err("sizes must ascend\n");
			return -EINVAL;
		}
	}
	/* Two runs of fresh unknown tuples: rst-unknown, rst-unknown-limited. */
	if (sizes[n_sizes - 1] > BENCH_UNKNOWN_BASE ||
	    2ULL * rounds * segs > (1U << 26) - BENCH_UNKNOWN_BASE) {
		pr_err("sizes and segs too large for the tuple space\n");
		return -EINVAL;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	err = bench_find_hook(NF_INET_LOCAL_IN, &b->hook, &b->priv);
	if (!err)
		err = bench_find_hook(NF_INET_FORWARD, &b->fwd_hook, &b->fwd_priv);
	if (err) {
		pr_err("rstmon's hooks are not registered in init_net: load rstmon first\n");
		goto out;
	}
	err = bench_sock_open(b);
	if (err) {
		pr_err("no loopback TCP connection for data-socket: %d\n", err);
		goto out_sock;
	}
	/*
	 * rstmon takes its socket path only from a second after it loaded
	 * (a connection older than rstmon gets its entry first): the
	 * benchmark starts after that.
	 */
	msleep(1100);
	b->skb = bench_skb();
	if (!b->skb) {
		err = -ENOMEM;
		goto out_sock;
	}
	bench_state(&b->rst_state, NF_INET_LOCAL_IN);
	bench_state(&b->ct_state, NF_INET_PRE_ROUTING);
	bench_state(&b->fwd_state, NF_INET_FORWARD);

	if (rst_flood) {
		/*
		 * RSTs of unknown connections past rstmon's untracked_rst_rate
		 * (bench-guest.sh sets it back to its default first): what
		 * an RST flood costs once the first of each second are logged.
		 * Tuples no earlier figure used, on the largest table.
		 */
		bench_figure(b, "rst-unknown-limited", sizes[n_sizes - 1], WHO_RSTMON, BENCH_RST,
			     BENCH_UNKNOWN_BASE + rounds * segs, 0, true, segs);
		goto done;
	}
	pr_info("START sizes=%u..%u rounds=%u segs=%u\n", sizes[0], sizes[n_sizes - 1],
		rounds, segs);
	for (s = 0; s < n_sizes; s++) {
		struct bench_fig *f = kzalloc(sizeof(*f), GFP_KERNEL);

		if (!f) {
			err = -ENOMEM;
			goto out_skb;
		}
		/* Grow the table to sizes[s] in @rounds timed batches of SYNs. */
		per_round = (sizes[s] - prev) / rounds;
		for (k = 0; k < rounds; k++) {
			unsigned int to = k == rounds - 1 ? sizes[s] : prev + per_round;

			bench_create(b, prev, to, f, k);
			prev = to;
		}
		if (per_round)
			bench_report("syn-create", sizes[s], f, rounds, per_round);
		kfree(f);
		pr_info("TABLE size=%u\n", sizes[s]);
		bench_figure(b, "data-established", sizes[s], WHO_RSTMON, BENCH_DATA, 0, sizes[s],
			     false, segs);
		bench_figure(b, "data-forwarded", sizes[s], WHO_RSTMON_FWD, BENCH_DATA, 0,
			     sizes[s], false, segs);
		bench_figure(b, "data-socket", sizes[s], WHO_RSTMON_SOCK, BENCH_DATA, 0,
			     sizes[s], false, segs);
		if (!s)
			bench_figure(b, "data-socket-stale", sizes[s], WHO_RSTMON_SOCK_STALE,
				     BENCH_DATA, 0, sizes[s], false, segs);
		bench_floor_read(sizes[s]);
	}
	bench_floor_hash();
	/* RSTs of tracked connections, each RST to a connection once. */
	per_round = min(segs, b->created / rounds);
	bench_figure(b, "rst-tracked", b->created, WHO_RSTMON, BENCH_RST, 0, 0, true, per_round);
	bench_figure(b, "rst-unknown", b->created, WHO_RSTMON, BENCH_RST, BENCH_UNKNOWN_BASE, 0,
		     true, segs);
	/* Not TCP: rstmon's cheapest path; conntrack tracks a UDP flow. */
	bench_figure(b, "udp-not-tcp", 1000, WHO_RSTMON, BENCH_UDP, 0, 1000, false, segs);
done:
	pr_info("DONE\n");
	err = -ECANCELED;
out_skb:
	kfree_skb(b->skb);
out_sock:
	bench_sock_close(b);
out:
	kfree(b);
	return err;
}

module_init(bench_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rstmon against nf_conntrack, per segment");
