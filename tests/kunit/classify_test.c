// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: KUnit tests of the connection table, the classifier and the event
 * ring.
 *
 * Three suites, in rstmon_kunit.ko next to the parser's:
 *
 *  - rstmon_conn: rstmon_conn_create(), _find() and _update(), the limit
 *    and the eviction of half-open entries, expiry;
 *  - rstmon_classify: rstmon_classify() for every cause of the rules in
 *    Documentation/rstmon.rst, each from a connection built by feeding
 *    segments through rstmon_conn_update() the way the hooks do (each
 *    segment from the side that sent it), then an RST found in the table as
 *    the hooks find it.  The verdicts are one table, each row a scenario
 *    (the segments before the RST), the RST, what the hook knew of it and
 *    what must be said of it, run as a parameterised case;
 *  - rstmon_ring: the event ring and the names of an event's values.
 *
 * The first suite also holds the cases of a namespace's life as the table
 * and the tcp_send_reset probe (module/kreason.c, compiled in too) see it:
 * entries dropped when a namespace is forgotten, and a namespace's state
 * used only while it is alive.
 *
 * The table is module/conn.c compiled into this file, with module/classify.c
 * and module/event.c.  The first two suites register a pernet id for
 * struct rstmon_net (only its entry count is used) and set the table up in
 * suite_init, with its GC worker stopped so that an entry aged by hand is
 * reaped only when a case says so.  Entries live in &init_net; every case
 * ends with the table empty (its exit reaps everything), so no case sees
 * another's entries.  Segments are struct rstmon_seg values built by hand:
 * the parser is tested elsewhere.
 */
#include <linux/slab.h>

#include "../../module/conn.h"

/*
 * rstmon.ko is loaded while these suites run, and its table has a slab cache
 * named after struct rstmon_conn.  Two caches of one name confuse slabinfo,
 * and a kernel with CONFIG_DEBUG_VM WARNs "kmem_cache of name ... already
 * exists" (kmem_cache_sanity_check()), which fails the kernel log check.
 * The copy of the table compiled here gets a cache of its own name (and
 * the table's alignment, which its tagged links need).
 */
#define RSTMON_CONN_CACHE_NAME	"rstmon_kunit_conn"

/* The replay of another CPU's write inside rstmon_conn_update() and _rst(). */
static void rstmon_test_race(struct rstmon_conn *c);
#define RSTMON_TEST_RACE_POINT(c)	rstmon_test_race(c)

#include "../../module/conn.c"
#include "../../module/classify.c"
#include "../../module/event.c"
#include "../../module/netpath.c"
#include "../../module/kreason.c"
#include "../../module/names.h"

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/jiffies.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp_states.h>

/* What conn.c and hooks.c take from main.c and netns.c. */
unsigned int rstmon_net_id;
struct rstmon_params rstmon_params = {
	.max_conns = 1024,
	.event_ring = 16,
	.idle_threshold = 300,
	.syn_timeout = 120,	/* the default, as rstmon_test_timeouts gives it */
};

#define RSTMON_TEST_MAX_CONNS	1024
#define RSTMON_TEST_ISN_O	0x00c0ffeeU	/* the originator's ISN */
#define RSTMON_TEST_ISN_R	0xb0000000U	/* the responder's ISN */
/* The originator's ISN when it uses a closed connection's 4-tuple again. */
#define RSTMON_TEST_ISN_O2	(RSTMON_TEST_ISN_O + 0x01000000)
#define RSTMON_TEST_PORT_O	40000
#define RSTMON_TEST_PORT_R	80
#define RSTMON_TEST_TTL_O	64
#define RSTMON_TEST_TTL_R	55
#define RSTMON_TEST_WIN		1000
#define RSTMON_TEST_WSCALE	7
#define RSTMON_TEST_MSS		1460
#define RSTMON_TEST_IDLE	(2 * HZ)	/* idle_threshold of the classify cases */

#define RSTMON_TEST_SYN		RSTMON_TCP_SYN
#define RSTMON_TEST_SYNACK	(RSTMON_TCP_SYN | RSTMON_TCP_ACK)
#define RSTMON_TEST_ACK		RSTMON_TCP_ACK
#define RSTMON_TEST_PSH		(RSTMON_TCP_PSH | RSTMON_TCP_ACK)
#define RSTMON_TEST_FIN		(RSTMON_TCP_FIN | RSTMON_TCP_ACK)

/* Expiry by state, as Documentation/rstmon.rst gives it, in seconds. */
static const unsigned int rstmon_test_timeouts[__RSTMON_ST_MAX] = {
	[RSTMON_ST_SYN_SENT] = 120,
	[RSTMON_ST_SYN_RECV] = 120,
	[RSTMON_ST_ESTABLISHED] = 4 * 3600,
	[RSTMON_ST_FIN_WAIT] = 300,
	[RSTMON_ST_CLOSING] = 120,
	[RSTMON_ST_CLOSED] = 60,
};

static const struct in6_addr rstmon_test_addr6_o = {	/* 2001:db8::1 */
	.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 },
};

static const struct in6_addr rstmon_test_addr6_r = {	/* 2001:db8:0:1::beef */
	.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, [14] = 0xbe, 0xef },
};

/* ------------------------------------------------------------------------ */
/* The table's life in the suites                                           */
/* ------------------------------------------------------------------------ */

static int __net_init rstmon_test_net_init(struct net *net)
{
	return rstmon_conn_net_add(net, rstmon_pernet(net));
}

static void __net_exit rstmon_test_net_exit(struct net *net)
{
	rstmon_conn_net_del(net);
}

static struct pernet_operations rstmon_test_net_ops = {
	.init = rstmon_test_net_init,
	.exit = rstmon_test_net_exit,
	.id = &rstmon_net_id,
	.size = sizeof(struct rstmon_net),
};

static bool rstmon_test_registered;
static bool rstmon_test_table_up;
static unsigned int rstmon_test_max;	/* rstmon_max as rstmon_conn_init() set it */
static unsigned int rstmon_test_netns_max;	/* and netns_max_conns */

static bool rstmon_test_match_all(const struct rstmon_conn *c, const void *arg)
{
	return true;
}

/* Unlink every entry, as a namespace flush does.  Returns how many. */
static unsigned int rstmon_test_reap_all(void)
{
	unsigned int b, n = 0;

	if (!rstmon_test_table_up)
		return 0;
	for (b = 0; b <= rstmon_hash_mask; b++)
		n += rstmon_bucket_reap(b, rstmon_test_match_all, NULL);
	return n;
}

static int rstmon_test_table_init(struct kunit_suite *suite)
{
	int err;

	err = register_pernet_subsys(&rstmon_test_net_ops);
	if (err)
		return err;
	rstmon_test_registered = true;

	rstmon_params.max_conns = RSTMON_TEST_MAX_CONNS;
	err = rstmon_conn_init();
	if (err)
		return err;
	rstmon_test_table_up = true;
	/* Cases age entries by hand; the GC worker must not race them. */
	cancel_delayed_work_sync(&rstmon_gc_work);
	rstmon_test_max = rstmon_max;
	rstmon_test_netns_max = rstmon_params.netns_max_conns;
	return 0;
}

static void rstmon_test_table_exit(struct kunit_suite *suite)
{
	if (rstmon_test_table_up) {
		rstmon_test_reap_all();
		/* The entries go with call_rcu(); rstmon_conn_exit() waits too. */
		rcu_barrier();
		rstmon_conn_exit();
		rstmon_test_table_up = false;
	}
	if (rstmon_test_registered) {
		unregister_pernet_subsys(&rstmon_test_net_ops);
		rstmon_test_registered = false;
	}
}

/*
 * Forget the last failed eviction search: each case starts as if none
 * happened in this jiffy.
 */
static void rstmon_test_evict_reset(void)
{
	rstmon_pernet(&init_net)->evict_failed = jiffies - 1;
}

static int rstmon_test_case_init(struct kunit *test)
{
	rstmon_test_evict_reset();
	return 0;
}

static void rstmon_test_case_exit(struct kunit *test)
{
	if (!rstmon_test_table_up)
		return;
	rstmon_max = rstmon_test_max;
	rstmon_params.netns_max_conns = rstmon_test_netns_max;
	rstmon_test_reap_all();
	KUNIT_EXPECT_EQ(test, rstmon_conn_count(), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&rstmon_pernet(&init_net)->conns), 0);
}

/* ------------------------------------------------------------------------ */
/* Test connections                                                         */
/* ------------------------------------------------------------------------ */

/**
 * struct rstmon_tc - a test connection.
 * @test: the running case
 * @addr: the originator's and the responder's addresses (IPv4 mapped)
 * @port: their ports, network order
 * @nxt: the next sequence number each side sends
 * @ipid: the next IPv4 ID each side sends (then incremented)
 * @win: the window each side advertises
 * @ttl: the TTL or hop limit of each side's segments
 * @ipid_zero: that side sends every segment with IPv4 ID 0
 * @family: AF_INET or AF_INET6
 * @c: its entry, once a segment created it
 */
struct rstmon_tc {
	struct kunit *test;
	struct in6_addr addr[2];
	__be16 port[2];
	u32 nxt[2];
	u16 ipid[2];
	u16 win[2];
	u8 ttl[2];
	bool ipid_zero[2];
	u8 family;
	struct rstmon_conn *c;
};

/* 192.0.2.1:40000 -> 198.51.100.2:80, or 2001:db8::1 -> 2001:db8:0:1::beef. */
static void rstmon_tc_init(struct rstmon_tc *tc, struct kunit *test, u8 family)
{
	memset(tc, 0, sizeof(*tc));
	tc->test = test;
	tc->family = family;
	if (family == AF_INET) {
		ipv6_addr_set_v4mapped(htonl(0xc0000201), &tc->addr[RSTMON_ORIG]);
		ipv6_addr_set_v4mapped(htonl(0xc6336402), &tc->addr[RSTMON_RESP]);
	} else {
		tc->addr[RSTMON_ORIG] = rstmon_test_addr6_o;
		tc->addr[RSTMON_RESP] = rstmon_test_addr6_r;
	}
	tc->port[RSTMON_ORIG] = htons(RSTMON_TEST_PORT_O);
	tc->port[RSTMON_RESP] = htons(RSTMON_TEST_PORT_R);
	tc->nxt[RSTMON_ORIG] = RSTMON_TEST_ISN_O;
	tc->nxt[RSTMON_RESP] = RSTMON_TEST_ISN_R;
	tc->ipid[RSTMON_ORIG] = 0x1000;
	tc->ipid[RSTMON_RESP] = 0x2000;
	tc->win[RSTMON_ORIG] = RSTMON_TEST_WIN;
	tc->win[RSTMON_RESP] = RSTMON_TEST_WIN;
	tc->ttl[RSTMON_ORIG] = RSTMON_TEST_TTL_O;
	tc->ttl[RSTMON_RESP] = RSTMON_TEST_TTL_R;
}

/* A segment from @side of @tc, as rstmon_parse() would describe it. */
static void rstmon_tc_seg(const struct rstmon_tc *tc, int side, u8 flags, u32 seq,
			  u32 ack, u32 len, struct rstmon_seg *seg)
{
	memset(seg, 0, sizeof(*seg));
	seg->saddr = tc->addr[side];
	seg->daddr = tc->addr[!side];
	seg->sport = tc->port[side];
	seg->dport = tc->port[!side];
	seg->seq = seq;
	seg->ack_seq = ack;
	seg->payload = len;
	seg->window = tc->win[side];
	seg->ipid = tc->family == AF_INET ? tc->ipid[side] : 0;
	seg->family = tc->family;
	seg->ttl = tc->ttl[side];
	seg->flags = flags;
	seg->doff = 20;
	seg->df = true;
	if (flags & RSTMON_TCP_SYN) {
		seg->doff = 40;
		seg->opts = RSTMON_OPT_MSS | RSTMON_OPT_WSCALE;
		seg->mss = RSTMON_TEST_MSS;
		seg->wscale = RSTMON_TEST_WSCALE;
	}
}

/*
 * Account a segment from @side the way the hooks do: look its connection
 * up, create it if unknown, update it.  The entry must take @side for the
 * segment's sender.
 */
static struct rstmon_conn *rstmon_tc_feed(struct rstmon_tc *tc, int side, u8 flags,
					  u32 seq, u32 ack, u32 len, u32 when)
{
	enum rstmon_conn_err err = 0;
	struct rstmon_conn *c;
	struct rstmon_seg seg;
	bool evicted = false;
	unsigned int b;
	int s = -1;

	bool renewed = false;

	rstmon_tc_seg(tc, side, flags, seq, ack, len, &seg);
	rcu_read_lock();
	b = rstmon_conn_hash(&init_net, &seg);
	c = rstmon_conn_find(&init_net, &seg, b, &s);
	if (c && rstmon_conn_reused(c, s, &seg)) {
		c = rstmon_conn_renew(&init_net, &seg, b, c, RSTMON_DIR_IN, &s);
		renewed = true;
	}
	if (!c)
		c = rstmon_conn_create(&init_net, &seg, b, RSTMON_DIR_IN, &s, &err, &evicted);
	if (c && s == side) {
		rstmon_conn_rhythm(c, s, when, rstmon_idle_floor(RSTMON_TEST_IDLE));
		rstmon_conn_update(c, s, &seg, when);
	}
	rcu_read_unlock();
	KUNIT_ASSERT_NOT_NULL_MSG(tc->test, c, "no entry (error %d)", err);
	KUNIT_ASSERT_EQ(tc->test, s, side);
	KUNIT_EXPECT_FALSE(tc->test, evicted);
	/* A reused 4-tuple's new SYN gets a new entry (rstmon_conn_renew()). */
	if (tc->c && !renewed)
		KUNIT_EXPECT_PTR_EQ(tc->test, c, tc->c);
	if (tc->c && renewed)
		KUNIT_EXPECT_PTR_NE(tc->test, c, tc->c);
	tc->c = c;
	if (!tc->ipid_zero[side])
		tc->ipid[side]++;
	return c;
}

/* The next segment of @side: its own sequence, acknowledging the other's. */
static struct rstmon_conn *rstmon_tc_send(struct rstmon_tc *tc, int side, u8 flags,
					  u32 len, u32 when)
{
	u32 ack = (flags & RSTMON_TCP_ACK) ? tc->nxt[!side] : 0;
	u32 seq = tc->nxt[side];

	tc->nxt[side] = seq + len + !!(flags & RSTMON_TCP_SYN) + !!(flags & RSTMON_TCP_FIN);
	return rstmon_tc_feed(tc, side, flags, seq, ack, len, when);
}

/* Handshake, then @olen bytes from the originator and @rlen back, all at @when. */
static void rstmon_tc_established(struct rstmon_tc *tc, u32 olen, u32 rlen, u32 when)
{
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_SYN, 0, when);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_SYNACK, 0, when);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_ACK, 0, when);
	if (olen)
		rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_PSH, olen, when);
	if (rlen)
		rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_PSH, rlen, when);
}

/* An RST from @side of @tc (RSTMON_TCP_RST is added to @flags). */
static void rstmon_tc_rst(const struct rstmon_tc *tc, int side, u8 flags, u32 seq, u32 ack,
			  struct rstmon_seg *rst)
{
	rstmon_tc_seg(tc, side, RSTMON_TCP_RST | flags, seq, ack, 0, rst);
}

/* What the hook knew of an RST: @facts (direction, origin, socket), at @now. */
static void rstmon_ctx(struct rstmon_rst_ctx *x, const struct rstmon_rst_ctx *facts, u32 now)
{
	*x = *facts;
	x->now = now;
	x->idle_threshold = RSTMON_TEST_IDLE;
}

/* Facts of an RST: its direction and origin. */
#define RSTMON_CTX(d, o)	{ .dir = (d), .origin = (o) }

/* Facts of an out RST from a full socket in @st with the given shutdown bits and flags. */
#define RSTMON_CTX_SOCK(st, shut, dead, l0)						\
	{ .dir = RSTMON_DIR_OUT, .origin = RSTMON_ORIGIN_FULLSOCK, .sock_state = (st),	\
	  .sock_shutdown = (shut), .sock_dead = (dead), .sock_linger0 = (l0) }

static const struct rstmon_rst_ctx rstmon_test_in = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE);
static const struct rstmon_rst_ctx rstmon_test_fwd = RSTMON_CTX(RSTMON_DIR_FWD, RSTMON_ORIGIN_NONE);

/* Classify @rst with the entry and side the table gives for it. */
static void rstmon_tc_classify(const struct rstmon_tc *tc, const struct rstmon_seg *rst,
			       const struct rstmon_rst_ctx *x, struct rstmon_event *ev)
{
	struct rstmon_conn *c;
	int side = 2;

	rcu_read_lock();
	c = rstmon_conn_find(&init_net, rst, rstmon_conn_hash(&init_net, rst), &side);
	rstmon_classify(x, rst, c, side, ev);
	rcu_read_unlock();
	KUNIT_EXPECT_PTR_EQ(tc->test, c, tc->c);
}

static void rstmon_expect_class(struct kunit *test, const struct rstmon_event *ev, u8 sender,
				u8 cause, u8 confidence, u32 evidence)
{
	KUNIT_EXPECT_EQ_MSG(test, ev->sender, sender, "sender %s, expected %s",
			    rstmon_sender_name(ev->sender), rstmon_sender_name(sender));
	KUNIT_EXPECT_EQ_MSG(test, ev->cause, cause, "cause %s, expected %s",
			    rstmon_cause_name(ev->cause), rstmon_cause_name(cause));
	KUNIT_EXPECT_EQ_MSG(test, ev->confidence, confidence, "confidence %s, expected %s",
			    rstmon_confidence_name(ev->confidence),
			    rstmon_confidence_name(confidence));
	KUNIT_EXPECT_EQ_MSG(test, ev->evidence, evidence, "evidence %#x, expected %#x",
			    ev->evidence, evidence);
}

/* The connection's view of the event: state, sender's side, seqchk, FINs. */
static void rstmon_expect_view(struct kunit *test, const struct rstmon_event *ev, u8 state,
			       u8 side, u8 seqchk, u8 fin)
{
	KUNIT_EXPECT_EQ_MSG(test, ev->state, state, "state %s, expected %s",
			    rstmon_state_name(ev->state), rstmon_state_name(state));
	KUNIT_EXPECT_EQ(test, ev->side, side);
	KUNIT_EXPECT_EQ_MSG(test, ev->seqchk, seqchk, "seqchk %s, expected %s",
			    rstmon_seqchk_name(ev->seqchk), rstmon_seqchk_name(seqchk));
	KUNIT_EXPECT_EQ(test, ev->fin, fin);
}

/* Payload bytes and segments of the RST's sender and receiver. */
static void rstmon_expect_counts(struct kunit *test, const struct rstmon_event *ev,
				 u32 sbytes, u32 rbytes, u16 ssegs, u16 rsegs)
{
	KUNIT_EXPECT_EQ(test, ev->bytes[0], sbytes);
	KUNIT_EXPECT_EQ(test, ev->bytes[1], rbytes);
	KUNIT_EXPECT_EQ(test, ev->segs[0], ssegs);
	KUNIT_EXPECT_EQ(test, ev->segs[1], rsegs);
}

#define EV_TRACKED_ACK	(RSTMON_EV_TRACKED | RSTMON_EV_ACK)

/* ------------------------------------------------------------------------ */
/* rstmon_conn                                                              */
/* ------------------------------------------------------------------------ */

/* rstmon_conn_find() on a read side of its own. */
static struct rstmon_conn *rstmon_test_find(const struct net *net, const struct rstmon_seg *seg,
					    int *side)
{
	struct rstmon_conn *c;

	rcu_read_lock();
	c = rstmon_conn_find(net, seg, rstmon_conn_hash(net, seg), side);
	rcu_read_unlock();
	return c;
}

/* The entry of @seg in &init_net, if any. */
static struct rstmon_conn *rstmon_test_lookup(const struct rstmon_seg *seg)
{
	int side;

	return rstmon_test_find(&init_net, seg, &side);
}

/* Set @c's state as the hooks' RST path or a case's setup would. */
static void rstmon_test_set_state(struct rstmon_conn *c, u8 st)
{
	u32 old = atomic_read(&c->bits);

	atomic_set(&c->bits, (old & ~RSTMON_B_STATE_MASK) | (u32)st << RSTMON_B_STATE_SHIFT);
}

/* Add @sf to side @side's RSTMON_SF_* of @c. */
static void rstmon_test_set_sflags(struct rstmon_conn *c, int side, u8 sf)
{
	atomic_or((u32)sf << RSTMON_B_SF_SHIFT(side), &c->bits);
}

/* rstmon_conn_create() in &init_net, on a read side of its own. */
static struct rstmon_conn *rstmon_test_create(const struct rstmon_seg *seg, int *side,
					      enum rstmon_conn_err *err, bool *evicted)
{
	struct rstmon_conn *c;

	rcu_read_lock();
	c = rstmon_conn_create(&init_net, seg, rstmon_conn_hash(&init_net, seg), RSTMON_DIR_IN,
			       side, err, evicted);
	rcu_read_unlock();
	return c;
}

/* Create an entry from one segment, without updating it. */
static struct rstmon_conn *rstmon_tc_create(struct rstmon_tc *tc, int side, u8 flags,
					    u32 seq, u32 ack, u32 len)
{
	enum rstmon_conn_err err = 0;
	struct rstmon_conn *c;
	struct rstmon_seg seg;
	bool evicted = true;
	int s = -1;

	rstmon_tc_seg(tc, side, flags, seq, ack, len, &seg);
	KUNIT_EXPECT_NULL(tc->test, rstmon_test_lookup(&seg));
	c = rstmon_test_create(&seg, &s, &err, &evicted);
	KUNIT_ASSERT_NOT_NULL_MSG(tc->test, c, "no entry (error %d)", err);
	KUNIT_EXPECT_EQ(tc->test, s, side);
	KUNIT_EXPECT_FALSE(tc->test, evicted);
	tc->c = c;
	return c;
}

static void rstmon_expect_endpoints(struct kunit *test, const struct rstmon_tc *tc,
				    const struct rstmon_conn *c)
{
	struct in6_addr a;

	rstmon_conn_addr(c, RSTMON_ORIG, &a);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&a, &tc->addr[RSTMON_ORIG]));
	rstmon_conn_addr(c, RSTMON_RESP, &a);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&a, &tc->addr[RSTMON_RESP]));
	KUNIT_EXPECT_EQ(test, c->port[RSTMON_ORIG], tc->port[RSTMON_ORIG]);
	KUNIT_EXPECT_EQ(test, c->port[RSTMON_RESP], tc->port[RSTMON_RESP]);
	KUNIT_EXPECT_EQ(test, rstmon_conn_family(c), tc->family);
	KUNIT_EXPECT_EQ(test, c->net_id, init_net.ns.inum);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_pernet_by_id(c->net_id), rstmon_pernet(&init_net));
}

/**
 * struct rstmon_test_first - the first segment seen of a connection.
 * @name: the case's name in the KTAP output
 * @family: AF_INET or AF_INET6
 * @side: the side that sent it
 * @sport: its source port
 * @dport: its destination port
 * @flags: its TCP flags
 * @seq: its sequence number
 * @ack: its acknowledgment number
 * @len: its payload
 * @state: the state of the entry it creates
 * @cflags: the entry's flags
 */
struct rstmon_test_first {
	const char *name;
	u8 family;
	int side;
	u16 sport;
	u16 dport;
	u8 flags;
	u32 seq;
	u32 ack;
	u32 len;
	u8 state;
	u8 cflags;
};

/*
 * Picked up mid-stream: the side with the well-known port (below 1024, or
 * the lower one when the other is ephemeral) is the responder.
 */
#define RSTMON_TEST_MIDSTREAM(sp, dp, sd)						\
	{ .name = "midstream-" #sp "-" #dp, .family = AF_INET, .side = (sd),		\
	  .sport = (sp), .dport = (dp), .flags = RSTMON_TEST_ACK, .seq = 1000,		\
	  .ack = 2000, .len = 10, .state = RSTMON_ST_ESTABLISHED,			\
	  .cflags = RSTMON_CF_MIDSTREAM }

static const struct rstmon_test_first rstmon_test_firsts[] = {
	{	/* A SYN makes its sender the originator. */
		.name = "syn", .family = AF_INET, .side = RSTMON_ORIG,
		.sport = RSTMON_TEST_PORT_O, .dport = RSTMON_TEST_PORT_R,
		.flags = RSTMON_TEST_SYN, .seq = RSTMON_TEST_ISN_O,
		.state = RSTMON_ST_SYN_SENT,
	},
	{	/* A SYN-ACK makes its sender the responder. */
		.name = "synack-ipv6", .family = AF_INET6, .side = RSTMON_RESP,
		.sport = RSTMON_TEST_PORT_R, .dport = RSTMON_TEST_PORT_O,
		.flags = RSTMON_TEST_SYNACK, .seq = RSTMON_TEST_ISN_R,
		.ack = RSTMON_TEST_ISN_O + 1, .state = RSTMON_ST_SYN_SENT,
	},
	RSTMON_TEST_MIDSTREAM(40000, 80, RSTMON_ORIG),
	RSTMON_TEST_MIDSTREAM(80, 40000, RSTMON_RESP),
	RSTMON_TEST_MIDSTREAM(2000, 443, RSTMON_ORIG),
	RSTMON_TEST_MIDSTREAM(443, 2000, RSTMON_RESP),
	RSTMON_TEST_MIDSTREAM(50000, 8080, RSTMON_ORIG),
	RSTMON_TEST_MIDSTREAM(8080, 50000, RSTMON_RESP),
};

KUNIT_ARRAY_PARAM_DESC(rstmon_test_firsts, rstmon_test_firsts, name);

/* The first segment of a connection creates its entry, its sender on the right side. */
static void rstmon_conn_test_create(struct kunit *test)
{
	const struct rstmon_test_first *f = test->param_value;
	struct rstmon_tc tc;
	struct rstmon_conn *c;
	u32 before = jiffies;

	rstmon_tc_init(&tc, test, f->family);
	tc.port[f->side] = htons(f->sport);
	tc.port[!f->side] = htons(f->dport);
	c = rstmon_tc_create(&tc, f->side, f->flags, f->seq, f->ack, f->len);
	rstmon_expect_endpoints(test, &tc, c);
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), f->state);
	KUNIT_EXPECT_EQ(test, rstmon_conn_cflags(c) & ~(RSTMON_CF_INET6 | RSTMON_CF_RESP_FIRST),
			f->cflags);
	KUNIT_EXPECT_EQ(test, !!(rstmon_conn_cflags(c) & RSTMON_CF_INET6), f->family == AF_INET6);
	KUNIT_EXPECT_EQ(test, !!(rstmon_conn_cflags(c) & RSTMON_CF_RESP_FIRST),
			f->side == RSTMON_RESP);
	KUNIT_EXPECT_EQ(test, RSTMON_SIDE(c, RSTMON_ORIG).segs, 0);
	KUNIT_EXPECT_EQ(test, RSTMON_SIDE(c, RSTMON_RESP).segs, 0);
	KUNIT_EXPECT_LE(test, rstmon_conn_created(c) - before, (u32)jiffies - before);
	KUNIT_EXPECT_EQ(test, rstmon_conn_count(), 1U);
	KUNIT_EXPECT_EQ(test, rstmon_conn_limit(), RSTMON_TEST_MAX_CONNS);
	KUNIT_EXPECT_EQ(test, atomic_read(&rstmon_pernet(&init_net)->conns), 1);
	KUNIT_EXPECT_EQ(test, rstmon_test_reap_all(), 1U);
}

/* Both directions of a connection find one entry, each with its side. */
static void rstmon_conn_test_lookup(struct kunit *test)
{
	static const u8 families[] = { AF_INET, AF_INET6, AF_INET };
	struct rstmon_seg seg, rev;
	struct rstmon_tc tc;
	struct rstmon_conn *c;
	unsigned int i;
	int side;

	for (i = 0; i < ARRAY_SIZE(families); i++) {
		rstmon_tc_init(&tc, test, families[i]);
		if (i == 2) {	/* 127.0.0.1 to itself: only the ports differ */
			ipv6_addr_set_v4mapped(htonl(INADDR_LOOPBACK), &tc.addr[RSTMON_ORIG]);
			tc.addr[RSTMON_RESP] = tc.addr[RSTMON_ORIG];
		}
		c = rstmon_tc_create(&tc, RSTMON_ORIG, RSTMON_TEST_SYN, RSTMON_TEST_ISN_O, 0, 0);

		rstmon_tc_seg(&tc, RSTMON_ORIG, RSTMON_TEST_ACK, 1, 1, 0, &seg);
		rev = seg;
		swap(rev.saddr, rev.daddr);
		swap(rev.sport, rev.dport);
		KUNIT_EXPECT_EQ(test, rstmon_conn_hash(&init_net, &seg),
				rstmon_conn_hash(&init_net, &rev));
		side = -1;
		KUNIT_EXPECT_PTR_EQ(test, rstmon_test_find(&init_net, &seg, &side), c);
		KUNIT_EXPECT_EQ(test, side, RSTMON_ORIG);

		rstmon_tc_seg(&tc, RSTMON_RESP, RSTMON_TEST_SYNACK, 1, 1, 0, &seg);
		side = -1;
		KUNIT_EXPECT_PTR_EQ(test, rstmon_test_find(&init_net, &seg, &side), c);
		KUNIT_EXPECT_EQ(test, side, RSTMON_RESP);

		/* Another port is another connection. */
		tc.port[RSTMON_ORIG] = htons(RSTMON_TEST_PORT_O + 1);
		rstmon_tc_seg(&tc, RSTMON_ORIG, RSTMON_TEST_ACK, 1, 1, 0, &seg);
		KUNIT_EXPECT_NULL(test, rstmon_test_lookup(&seg));
		KUNIT_EXPECT_EQ(test, rstmon_test_reap_all(), 1U);
	}
}

/* The key holds the family and the namespace, not only the endpoints. */
static void rstmon_conn_test_key(struct kunit *test)
{
	struct rstmon_conn *c4, *c6;
	struct rstmon_tc tc4, tc6;
	struct rstmon_seg seg;
	struct net *other;
	int side = -1, i;

	rstmon_tc_init(&tc4, test, AF_INET);
	c4 = rstmon_tc_create(&tc4, RSTMON_ORIG, RSTMON_TEST_SYN, RSTMON_TEST_ISN_O, 0, 0);

	/* The same numbers as IPv6 (an IPv6 socket to a mapped address). */
	tc6 = tc4;
	tc6.family = AF_INET6;
	tc6.c = NULL;
	rstmon_tc_seg(&tc6, RSTMON_ORIG, RSTMON_TEST_ACK, 1, 1, 0, &seg);
	KUNIT_EXPECT_EQ(test, rstmon_conn_side(c4, &init_net, &seg), -1);
	KUNIT_EXPECT_NULL(test, rstmon_test_find(&init_net, &seg, &side));

	c6 = rstmon_tc_create(&tc6, RSTMON_ORIG, RSTMON_TEST_SYN, RSTMON_TEST_ISN_O, 0, 0);
	KUNIT_EXPECT_PTR_NE(test, c6, c4);
	KUNIT_EXPECT_EQ(test, rstmon_conn_count(), 2U);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_find(&init_net, &seg, &side), c6);

	/*
	 * IPv6 addresses that differ from c6's only before their last 32 bits
	 * (the part kept in the entry's second cache line) are another
	 * connection, on either side.
	 */
	for (i = 0; i < 2; i++) {
		struct rstmon_tc tcx = tc6;

		tcx.addr[i].s6_addr32[i] ^= htonl(0x20);
		rstmon_tc_seg(&tcx, RSTMON_ORIG, RSTMON_TEST_ACK, 1, 1, 0, &seg);
		KUNIT_EXPECT_EQ(test, rstmon_conn_side(c6, &init_net, &seg), -1);
		KUNIT_EXPECT_NULL(test, rstmon_test_find(&init_net, &seg, &side));
		rstmon_tc_seg(&tcx, RSTMON_RESP, RSTMON_TEST_ACK, 1, 1, 0, &seg);
		KUNIT_EXPECT_EQ(test, rstmon_conn_side(c6, &init_net, &seg), -1);
	}
	rstmon_tc_seg(&tc6, RSTMON_RESP, RSTMON_TEST_ACK, 1, 1, 0, &seg);
	KUNIT_EXPECT_EQ(test, rstmon_conn_side(c6, &init_net, &seg), RSTMON_RESP);

	rstmon_tc_seg(&tc4, RSTMON_RESP, RSTMON_TEST_ACK, 1, 1, 0, &seg);
	KUNIT_EXPECT_EQ(test, rstmon_conn_side(c4, &init_net, &seg), RSTMON_RESP);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_find(&init_net, &seg, &side), c4);

	/*
	 * Another namespace: only its address and hash_mix are read by the
	 * lookup, so a zeroed struct net stands in for one.
	 */
	other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, other);
	KUNIT_EXPECT_EQ(test, rstmon_conn_side(c4, other, &seg), -1);
	KUNIT_EXPECT_NULL(test, rstmon_test_find(other, &seg, &side));
}

/* Creating a known connection returns its entry (another CPU won the race). */
static void rstmon_conn_test_create_existing(struct kunit *test)
{
	enum rstmon_conn_err err = 0;
	struct rstmon_seg seg;
	struct rstmon_tc tc;
	struct rstmon_conn *c;
	bool evicted = true;
	int side = -1;

	rstmon_tc_init(&tc, test, AF_INET);
	c = rstmon_tc_create(&tc, RSTMON_ORIG, RSTMON_TEST_SYN, RSTMON_TEST_ISN_O, 0, 0);

	rstmon_tc_seg(&tc, RSTMON_RESP, RSTMON_TEST_SYNACK, RSTMON_TEST_ISN_R,
		      RSTMON_TEST_ISN_O + 1, 0, &seg);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_create(&seg, &side, &err, &evicted), c);
	KUNIT_EXPECT_EQ(test, side, RSTMON_RESP);
	KUNIT_EXPECT_FALSE(test, evicted);

	rstmon_tc_seg(&tc, RSTMON_ORIG, RSTMON_TEST_SYN, RSTMON_TEST_ISN_O, 0, 0, &seg);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_create(&seg, &side, &err, &evicted), c);
	KUNIT_EXPECT_EQ(test, side, RSTMON_ORIG);
	KUNIT_EXPECT_EQ(test, rstmon_conn_count(), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&rstmon_pernet(&init_net)->conns), 1);
}

/* SYN -> syn-sent, SYN-ACK -> syn-recv, the originator's ACK -> established. */
static void rstmon_conn_test_update_handshake(struct kunit *test)
{
	const struct rstmon_side *o, *r;
	struct rstmon_seg seg;
	struct rstmon_tc tc;
	struct rstmon_conn *c;
	u32 t = jiffies;

	rstmon_tc_init(&tc, test, AF_INET);
	c = rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_SYN, 0, t);
	o = &RSTMON_SIDE(c, RSTMON_ORIG);
	r = &RSTMON_SIDE(c, RSTMON_RESP);
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_SYN_SENT);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_ORIG), RSTMON_SF_SYN);
	KUNIT_EXPECT_EQ(test, c->isn[RSTMON_ORIG], RSTMON_TEST_ISN_O);
	KUNIT_EXPECT_EQ(test, o->nxt, RSTMON_TEST_ISN_O + 1);
	KUNIT_EXPECT_EQ(test, o->segs, 1);
	KUNIT_EXPECT_EQ(test, o->last, t);
	KUNIT_EXPECT_EQ(test, c->first[RSTMON_ORIG], t);
	KUNIT_EXPECT_EQ(test, rstmon_conn_created(c), t);
	KUNIT_EXPECT_EQ(test, o->mss, RSTMON_TEST_MSS);
	KUNIT_EXPECT_EQ(test, rstmon_wscale(c, RSTMON_ORIG), RSTMON_TEST_WSCALE);
	KUNIT_EXPECT_EQ(test, o->win, RSTMON_TEST_WIN);
	KUNIT_EXPECT_EQ(test, c->ttl[RSTMON_ORIG], RSTMON_TEST_TTL_O);
	KUNIT_EXPECT_EQ(test, r->segs, 0);

	/* The SYN-ACK, by hand: another MSS, and a window scale above 14. */
	rstmon_tc_seg(&tc, RSTMON_RESP, RSTMON_TEST_SYNACK, RSTMON_TEST_ISN_R,
		      RSTMON_TEST_ISN_O + 1, 0, &seg);
	seg.mss = 1400;
	seg.wscale = 20;
	rstmon_conn_update(c, RSTMON_RESP, &seg, t + 1);
	tc.nxt[RSTMON_RESP]++;
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_SYN_RECV);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_RESP), RSTMON_SF_SYN);
	KUNIT_EXPECT_EQ(test, c->isn[RSTMON_RESP], RSTMON_TEST_ISN_R);
	KUNIT_EXPECT_EQ(test, r->nxt, RSTMON_TEST_ISN_R + 1);
	KUNIT_EXPECT_EQ(test, r->mss, 1400);
	KUNIT_EXPECT_EQ(test, rstmon_wscale(c, RSTMON_RESP), 14);
	KUNIT_EXPECT_EQ(test, r->last, t + 1);
	KUNIT_EXPECT_EQ(test, c->first[RSTMON_RESP], t + 1);

	rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_ACK, 0, t + 2);
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_ORIG), RSTMON_SF_SYN);
	KUNIT_EXPECT_EQ(test, o->nxt, RSTMON_TEST_ISN_O + 1);
	KUNIT_EXPECT_EQ(test, o->segs, 2);
	KUNIT_EXPECT_EQ(test, o->last, t + 2);
	/* First activity stays; the entry's age runs from the SYN. */
	KUNIT_EXPECT_EQ(test, c->first[RSTMON_ORIG], t);
	KUNIT_EXPECT_EQ(test, c->first[RSTMON_RESP], t + 1);
	KUNIT_EXPECT_EQ(test, rstmon_conn_created(c), t);
}

/* One FIN -> fin-wait, both -> closing; each side's FIN keeps its time. */
static void rstmon_conn_test_update_fin(struct kunit *test)
{
	struct rstmon_tc tc;
	struct rstmon_conn *c;
	u32 t = jiffies;

	rstmon_tc_init(&tc, test, AF_INET);
	rstmon_tc_established(&tc, 0, 0, t);
	c = tc.c;
	rstmon_tc_send(&tc, RSTMON_RESP, RSTMON_TEST_FIN, 0, t + 5);
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_FIN_WAIT);
	KUNIT_EXPECT_EQ(test, c->fin[RSTMON_RESP], t + 5);
	KUNIT_EXPECT_EQ(test, c->fin[RSTMON_ORIG], 0U);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_RESP), RSTMON_SF_SYN | RSTMON_SF_FIN);
	KUNIT_EXPECT_EQ(test, RSTMON_SIDE(c, RSTMON_RESP).nxt, RSTMON_TEST_ISN_R + 2);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_ORIG), RSTMON_SF_SYN);

	rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_FIN, 0, t + 9);
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_CLOSING);
	KUNIT_EXPECT_EQ(test, c->fin[RSTMON_RESP], t + 5);
	KUNIT_EXPECT_EQ(test, c->fin[RSTMON_ORIG], t + 9);
	/* A retransmitted FIN keeps the first one's time. */
	tc.nxt[RSTMON_RESP]--;
	rstmon_tc_send(&tc, RSTMON_RESP, RSTMON_TEST_FIN, 0, t + 20);
	KUNIT_EXPECT_EQ(test, c->fin[RSTMON_RESP], t + 5);
	KUNIT_EXPECT_EQ(test, RSTMON_SIDE(c, RSTMON_RESP).last, t + 20);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_ORIG), RSTMON_SF_SYN | RSTMON_SF_FIN);

	/* After an RST (the hooks mark the entry closed) a FIN changes nothing. */
	rstmon_tc_init(&tc, test, AF_INET);
	tc.port[RSTMON_ORIG] = htons(RSTMON_TEST_PORT_O + 1);
	rstmon_tc_established(&tc, 10, 0, t);
	rstmon_test_set_state(tc.c, RSTMON_ST_CLOSED);
	rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_FIN, 0, t + 1);
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(tc.c), RSTMON_ST_CLOSED);
	KUNIT_EXPECT_TRUE(test, rstmon_sflags(tc.c, RSTMON_ORIG) & RSTMON_SF_FIN);
}

/* Payload: DATA, and LAST_DATA moves to whoever sent the latest. */
static void rstmon_conn_test_update_data(struct kunit *test)
{
	const struct rstmon_side *o;
	struct rstmon_tc tc;
	struct rstmon_conn *c;
	u32 t = jiffies;

	rstmon_tc_init(&tc, test, AF_INET);
	rstmon_tc_established(&tc, 0, 0, t);
	c = tc.c;
	o = &RSTMON_SIDE(c, RSTMON_ORIG);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_ORIG) &
			(RSTMON_SF_DATA | RSTMON_SF_LAST_DATA), 0);

	rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 100, t);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_ORIG),
			RSTMON_SF_SYN | RSTMON_SF_DATA | RSTMON_SF_LAST_DATA);
	KUNIT_EXPECT_EQ(test, o->nxt, RSTMON_TEST_ISN_O + 1 + 100);

	rstmon_tc_send(&tc, RSTMON_RESP, RSTMON_TEST_PSH, 200, t);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_RESP),
			RSTMON_SF_SYN | RSTMON_SF_DATA | RSTMON_SF_LAST_DATA);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_ORIG), RSTMON_SF_SYN | RSTMON_SF_DATA);

	/* A bare ACK is not data. */
	rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_ACK, 0, t);
	KUNIT_EXPECT_TRUE(test, rstmon_sflags(c, RSTMON_RESP) & RSTMON_SF_LAST_DATA);
	KUNIT_EXPECT_FALSE(test, rstmon_sflags(c, RSTMON_ORIG) & RSTMON_SF_LAST_DATA);

	/* Data after the other side's FIN. */
	rstmon_tc_send(&tc, RSTMON_RESP, RSTMON_TEST_FIN, 0, t);
	KUNIT_EXPECT_FALSE(test, rstmon_sflags(c, RSTMON_ORIG) & RSTMON_SF_DATA_AFTER_FIN);
	rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 10, t);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_ORIG),
			RSTMON_SF_SYN | RSTMON_SF_DATA | RSTMON_SF_LAST_DATA |
			RSTMON_SF_DATA_AFTER_FIN);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_RESP),
			RSTMON_SF_SYN | RSTMON_SF_DATA | RSTMON_SF_FIN);
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_FIN_WAIT);

	/* Payload after its own RST (which the hooks record) is flagged. */
	rstmon_test_set_sflags(c, RSTMON_ORIG, RSTMON_SF_RST);
	rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_ACK, 0, t);
	KUNIT_EXPECT_FALSE(test, rstmon_sflags(c, RSTMON_ORIG) & RSTMON_SF_AFTER_RST);
	rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 1, t);
	KUNIT_EXPECT_TRUE(test, rstmon_sflags(c, RSTMON_ORIG) & RSTMON_SF_AFTER_RST);
	KUNIT_EXPECT_FALSE(test, rstmon_sflags(c, RSTMON_RESP) & RSTMON_SF_AFTER_RST);
}

/* Segment counts stop at 65535. */
static void rstmon_conn_test_update_segs(struct kunit *test)
{
	struct rstmon_seg seg;
	struct rstmon_tc tc;
	struct rstmon_conn *c;
	unsigned int i;
	u32 t = jiffies;

	rstmon_tc_init(&tc, test, AF_INET);
	rstmon_tc_established(&tc, 0, 0, t);
	c = tc.c;
	rstmon_tc_seg(&tc, RSTMON_RESP, RSTMON_TEST_ACK, tc.nxt[RSTMON_RESP],
		      tc.nxt[RSTMON_ORIG], 0, &seg);
	for (i = 1; i < 65534; i++)
		rstmon_conn_update(c, RSTMON_RESP, &seg, t);
	KUNIT_EXPECT_EQ(test, RSTMON_SIDE(c, RSTMON_RESP).segs, 65534);
	rstmon_conn_update(c, RSTMON_RESP, &seg, t);
	KUNIT_EXPECT_EQ(test, RSTMON_SIDE(c, RSTMON_RESP).segs, 65535);
	for (i = 0; i < 10; i++)
		rstmon_conn_update(c, RSTMON_RESP, &seg, t);
	KUNIT_EXPECT_EQ(test, RSTMON_SIDE(c, RSTMON_RESP).segs, 65535);
	KUNIT_EXPECT_EQ(test, RSTMON_SIDE(c, RSTMON_ORIG).segs, 2);
}

/* nxt is the highest sequence sent plus length, across the wrap. */
static void rstmon_conn_test_update_nxt(struct kunit *test)
{
	const struct rstmon_side *o, *r;
	struct rstmon_tc tc;
	struct rstmon_conn *c;
	u32 t = jiffies;

	rstmon_tc_init(&tc, test, AF_INET);
	c = rstmon_tc_feed(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 1000, 5000, 100, t);
	o = &RSTMON_SIDE(c, RSTMON_ORIG);
	r = &RSTMON_SIDE(c, RSTMON_RESP);
	KUNIT_EXPECT_EQ(test, c->isn[RSTMON_ORIG], 1000U);
	KUNIT_EXPECT_EQ(test, o->nxt, 1100U);
	rstmon_tc_feed(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 1000, 5000, 50, t);	/* resent */
	KUNIT_EXPECT_EQ(test, o->nxt, 1100U);
	rstmon_tc_feed(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 1200, 5000, 100, t);	/* past a hole */
	KUNIT_EXPECT_EQ(test, o->nxt, 1300U);
	rstmon_tc_feed(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 1100, 5000, 100, t);	/* the hole */
	KUNIT_EXPECT_EQ(test, o->nxt, 1300U);
	rstmon_tc_feed(&tc, RSTMON_ORIG, RSTMON_TEST_FIN, 1300, 5000, 0, t);
	KUNIT_EXPECT_EQ(test, o->nxt, 1301U);
	KUNIT_EXPECT_EQ(test, c->isn[RSTMON_ORIG], 1000U);

	/* The responder's sequence space wraps. */
	rstmon_tc_feed(&tc, RSTMON_RESP, RSTMON_TEST_PSH, 0xfffffff0, 1100, 0x20, t);
	KUNIT_EXPECT_EQ(test, r->nxt, 0x10U);
	rstmon_tc_feed(&tc, RSTMON_RESP, RSTMON_TEST_PSH, 0x10, 1100, 0x10, t);
	KUNIT_EXPECT_EQ(test, r->nxt, 0x20U);
	rstmon_tc_feed(&tc, RSTMON_RESP, RSTMON_TEST_PSH, 0xfffffff0, 1100, 0x10, t);
	KUNIT_EXPECT_EQ(test, r->nxt, 0x20U);
	KUNIT_EXPECT_EQ(test, c->isn[RSTMON_RESP], 0xfffffff0U);
	KUNIT_EXPECT_EQ(test, rstmon_side_bytes(c, RSTMON_RESP), 0x30U);
}

/* The TTL of a side's first segment is its baseline; a change is flagged. */
static void rstmon_conn_test_update_ttl(struct kunit *test)
{
	struct rstmon_tc tc;
	struct rstmon_conn *c;
	u32 t = jiffies;

	rstmon_tc_init(&tc, test, AF_INET6);
	rstmon_tc_established(&tc, 10, 10, t);
	c = tc.c;
	KUNIT_EXPECT_EQ(test, c->ttl[RSTMON_ORIG], RSTMON_TEST_TTL_O);
	KUNIT_EXPECT_EQ(test, c->ttl[RSTMON_RESP], RSTMON_TEST_TTL_R);
	KUNIT_EXPECT_FALSE(test, rstmon_sflags(c, RSTMON_ORIG) & RSTMON_SF_TTL_VARIED);
	KUNIT_EXPECT_FALSE(test, rstmon_sflags(c, RSTMON_RESP) & RSTMON_SF_TTL_VARIED);

	tc.ttl[RSTMON_RESP] = RSTMON_TEST_TTL_R - 1;
	rstmon_tc_send(&tc, RSTMON_RESP, RSTMON_TEST_ACK, 0, t);
	KUNIT_EXPECT_EQ(test, c->ttl[RSTMON_RESP], RSTMON_TEST_TTL_R);
	KUNIT_EXPECT_TRUE(test, rstmon_sflags(c, RSTMON_RESP) & RSTMON_SF_TTL_VARIED);
	KUNIT_EXPECT_FALSE(test, rstmon_sflags(c, RSTMON_ORIG) & RSTMON_SF_TTL_VARIED);

	/* Back to the baseline: once varied, it stays flagged. */
	tc.ttl[RSTMON_RESP] = RSTMON_TEST_TTL_R;
	rstmon_tc_send(&tc, RSTMON_RESP, RSTMON_TEST_ACK, 0, t);
	KUNIT_EXPECT_TRUE(test, rstmon_sflags(c, RSTMON_RESP) & RSTMON_SF_TTL_VARIED);
	/* IPv6 has no IPv4 ID to learn. */
	KUNIT_EXPECT_EQ(test, rstmon_ipid_mode_of(c, RSTMON_ORIG), RSTMON_IPID_UNKNOWN);
	KUNIT_EXPECT_EQ(test, rstmon_ipid_mode_of(c, RSTMON_RESP), RSTMON_IPID_UNKNOWN);
}

static u8 rstmon_tc_ipid(struct rstmon_tc *tc, int side, u16 ipid)
{
	tc->ipid[side] = ipid;
	rstmon_tc_send(tc, side, RSTMON_TEST_ACK, 0, jiffies);
	return rstmon_ipid_mode_of(tc->c, side);
}

/* IPv4 ID patterns: always zero, small steps, anything else. */
static void rstmon_conn_test_update_ipid(struct kunit *test)
{
	struct rstmon_tc tc;

	rstmon_tc_init(&tc, test, AF_INET);
	/* The originator's IDs are 0: Linux's stateless replies with DF. */
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_ORIG, 0), RSTMON_IPID_UNKNOWN);
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_ORIG, 0), RSTMON_IPID_ZERO);
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_ORIG, 0), RSTMON_IPID_ZERO);
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_ORIG, 7), RSTMON_IPID_RANDOM);
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_ORIG, 8), RSTMON_IPID_RANDOM);
	KUNIT_EXPECT_EQ(test, RSTMON_SIDE(tc.c, RSTMON_ORIG).ipid, 8);

	/* The responder's count up in small steps, across the wrap. */
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_RESP, 0xfff0), RSTMON_IPID_UNKNOWN);
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_RESP, 0xfff1), RSTMON_IPID_INCR);
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_RESP, 0x0005), RSTMON_IPID_INCR);
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_RESP, 0x0105), RSTMON_IPID_INCR);
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_RESP, 0x5105), RSTMON_IPID_RANDOM);
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_RESP, 0x5106), RSTMON_IPID_RANDOM);

	/* Random from the start. */
	rstmon_tc_init(&tc, test, AF_INET);
	tc.port[RSTMON_ORIG] = htons(RSTMON_TEST_PORT_O + 1);
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_ORIG, 100), RSTMON_IPID_UNKNOWN);
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_ORIG, 40000), RSTMON_IPID_RANDOM);
	KUNIT_EXPECT_EQ(test, rstmon_tc_ipid(&tc, RSTMON_ORIG, 40001), RSTMON_IPID_RANDOM);
}

/* A SYN (or a mid-stream ACK) from 192.0.2.@host:PORT to 198.51.100.2:80. */
static void rstmon_test_tuple(struct rstmon_seg *seg, u8 host, u16 port, u8 flags)
{
	memset(seg, 0, sizeof(*seg));
	ipv6_addr_set_v4mapped(htonl(0xc0000200 | host), &seg->saddr);
	ipv6_addr_set_v4mapped(htonl(0xc6336402), &seg->daddr);
	seg->sport = htons(port);
	seg->dport = htons(RSTMON_TEST_PORT_R);
	seg->seq = 1000 + port;
	seg->family = AF_INET;
	seg->ttl = RSTMON_TEST_TTL_O;
	seg->flags = flags;
	seg->window = RSTMON_TEST_WIN;
}

/* Move @seg's source port, from 1024 up, until it lands in @bucket. */
static bool rstmon_test_to_bucket(struct rstmon_seg *seg, unsigned int bucket)
{
	unsigned int port;

	for (port = 1024; port <= 65535; port++) {
		seg->sport = htons(port);
		if ((rstmon_conn_hash(&init_net, seg) & rstmon_hash_mask) == bucket)
			return true;
	}
	return false;
}

/* Create and account an entry for @seg, whose sender is the originator. */
static struct rstmon_conn *rstmon_test_add(struct kunit *test, const struct rstmon_seg *seg)
{
	enum rstmon_conn_err err = 0;
	struct rstmon_conn *c;
	bool evicted = true;
	int side = -1;

	rcu_read_lock();
	c = rstmon_conn_create(&init_net, seg, rstmon_conn_hash(&init_net, seg), RSTMON_DIR_FWD,
			       &side, &err, &evicted);
	if (c)
		rstmon_conn_update(c, side, seg, jiffies);
	rcu_read_unlock();
	KUNIT_ASSERT_NOT_NULL_MSG(test, c, "no entry (error %d)", err);
	KUNIT_EXPECT_EQ(test, rstmon_conn_dir(c), RSTMON_DIR_FWD);
	KUNIT_EXPECT_EQ(test, side, RSTMON_ORIG);
	KUNIT_EXPECT_FALSE(test, evicted);
	return c;
}

/* Established entries from 192.0.2.3 that both sides spoke on, wherever they hash. */
static void rstmon_test_fill_established(struct kunit *test, unsigned int n)
{
	struct rstmon_seg seg;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct rstmon_conn *c;
		struct rstmon_seg ack;

		rstmon_test_tuple(&seg, 3, 41000 + i, RSTMON_TEST_PSH);
		seg.payload = 10;
		c = rstmon_test_add(test, &seg);
		/* The other side answers: no longer one-sided, so not evictable. */
		ack = seg;
		swap(ack.saddr, ack.daddr);
		swap(ack.sport, ack.dport);
		ack.flags = RSTMON_TEST_ACK;
		ack.payload = 0;
		rstmon_conn_update(c, RSTMON_RESP, &ack, jiffies);
		KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_ESTABLISHED);
		KUNIT_EXPECT_FALSE(test, rstmon_conn_evictable(c));
	}
}

/* At the limit with only established entries, a new connection goes untracked. */
static void rstmon_conn_test_limit_full(struct kunit *test)
{
	enum rstmon_conn_err err = 0;
	struct rstmon_seg seg;
	bool evicted = true;
	int side = -1;

	rstmon_max = 4;
	rstmon_test_fill_established(test, 4);
	KUNIT_ASSERT_EQ(test, rstmon_conn_count(), 4U);

	rstmon_test_tuple(&seg, 1, 50000, RSTMON_TEST_SYN);
	KUNIT_EXPECT_NULL(test, rstmon_test_create(&seg, &side, &err, &evicted));
	KUNIT_EXPECT_EQ(test, err, RSTMON_CONN_FULL);
	KUNIT_EXPECT_FALSE(test, evicted);
	KUNIT_EXPECT_EQ(test, rstmon_conn_count(), 4U);
	KUNIT_EXPECT_EQ(test, atomic_read(&rstmon_pernet(&init_net)->conns), 4);
	KUNIT_EXPECT_NULL(test, rstmon_test_lookup(&seg));
}

enum rstmon_test_victim {
	RSTMON_VICTIM_SYN,		/* half-open: SYN seen */
	RSTMON_VICTIM_SYNACK,		/* half-open: SYN-ACK seen */
	RSTMON_VICTIM_ONE_SIDED,	/* only one side spoke: a spoofed ACK */
	RSTMON_VICTIM_CLOSED,		/* both spoke, then an RST */
	RSTMON_VICTIM_ESTABLISHED,	/* both spoke: never evicted for a new connection */
};

/**
 * struct rstmon_test_evict - a full table (limit 4) and a new connection.
 * @name: the case's name in the KTAP output
 * @at_end: the new connection hashes to the table's last bucket
 * @offset: buckets from the new connection's to the entry that may go
 * @kind: that entry's state; three established entries fill the table
 * @evict: that entry goes for the new connection (else it stays and the
 *	new connection goes untracked)
 */
struct rstmon_test_evict {
	const char *name;
	bool at_end;
	unsigned int offset;
	enum rstmon_test_victim kind;
	bool evict;
};

static const struct rstmon_test_evict rstmon_test_evicts[] = {
	/* A half-open entry in the new connection's bucket or the next 7 goes. */
	{ "syn-same-bucket", false, 0, RSTMON_VICTIM_SYN, true },
	{ "syn-7-buckets-on", false, 7, RSTMON_VICTIM_SYN, true },
	{ "synack-3-buckets-on", false, 3, RSTMON_VICTIM_SYNACK, true },
	/* The search wraps from the last bucket to the first. */
	{ "syn-2-buckets-on-wrapped", true, 2, RSTMON_VICTIM_SYN, true },
	/*
	 * Not a half-open entry 8 buckets away (outside the sweep's buckets
	 * too), nor an established one nearby.
	 */
	{ "kept-syn-8-buckets-on", false, 8, RSTMON_VICTIM_SYN, false },
	{ "kept-established-same-bucket", false, 0, RSTMON_VICTIM_ESTABLISHED, false },
	/* One-sided and RST-closed entries go too. */
	{ "one-sided-same-bucket", false, 0, RSTMON_VICTIM_ONE_SIDED, true },
	{ "one-sided-5-buckets-on", false, 5, RSTMON_VICTIM_ONE_SIDED, true },
	{ "rst-closed-same-bucket", false, 0, RSTMON_VICTIM_CLOSED, true },
};

KUNIT_ARRAY_PARAM_DESC(rstmon_test_evicts, rstmon_test_evicts, name);

/* At the limit, a new connection evicts an evictable entry near its bucket, or fails. */
static void rstmon_conn_test_limit_evict(struct kunit *test)
{
	const struct rstmon_test_evict *e = test->param_value;
	enum rstmon_conn_err err = 0;
	struct rstmon_seg nseg, vseg;
	struct rstmon_conn *c, *victim;
	unsigned int nb;
	bool evicted = !e->evict;
	int side = -1;

	rstmon_max = 4;
	rstmon_test_tuple(&nseg, 1, 50000, RSTMON_TEST_SYN);
	if (e->at_end)
		KUNIT_ASSERT_TRUE(test, rstmon_test_to_bucket(&nseg, rstmon_hash_mask));
	nb = rstmon_conn_hash(&init_net, &nseg) & rstmon_hash_mask;
	/* The namespace's sweep is elsewhere (rstmon_conn_test_evict_sweep). */
	WRITE_ONCE(rstmon_pernet(&init_net)->evict_sweep, (nb + 512) & rstmon_hash_mask);

	rstmon_test_tuple(&vseg, 2, 1024, e->kind >= RSTMON_VICTIM_ONE_SIDED ?
			  RSTMON_TEST_PSH : RSTMON_TEST_SYN);
	KUNIT_ASSERT_TRUE(test, rstmon_test_to_bucket(&vseg, (nb + e->offset) & rstmon_hash_mask));
	victim = rstmon_test_add(test, &vseg);
	if (e->kind == RSTMON_VICTIM_SYNACK) {
		struct rstmon_seg synack = vseg;

		swap(synack.saddr, synack.daddr);
		swap(synack.sport, synack.dport);
		synack.flags = RSTMON_TEST_SYNACK;
		rstmon_conn_update(victim, RSTMON_RESP, &synack, jiffies);
		KUNIT_EXPECT_EQ(test, rstmon_conn_state(victim), RSTMON_ST_SYN_RECV);
	}
	if (e->kind >= RSTMON_VICTIM_CLOSED) {
		struct rstmon_seg ack = vseg;

		swap(ack.saddr, ack.daddr);
		swap(ack.sport, ack.dport);
		ack.flags = RSTMON_TEST_ACK;
		rstmon_conn_update(victim, RSTMON_RESP, &ack, jiffies);
		if (e->kind == RSTMON_VICTIM_CLOSED)
			rstmon_conn_rst(victim, RSTMON_RESP, jiffies);
	}
	KUNIT_EXPECT_EQ(test, rstmon_conn_evictable(victim), e->evict || e->offset >= 8);
	rstmon_test_fill_established(test, 3);
	KUNIT_ASSERT_EQ(test, rstmon_conn_count(), 4U);

	c = rstmon_test_create(&nseg, &side, &err, &evicted);
	KUNIT_EXPECT_EQ(test, evicted, e->evict);
	KUNIT_EXPECT_EQ(test, rstmon_conn_count(), 4U);
	KUNIT_EXPECT_EQ(test, atomic_read(&rstmon_pernet(&init_net)->conns), 4);
	if (e->evict) {
		KUNIT_EXPECT_NOT_NULL(test, c);
		KUNIT_EXPECT_EQ(test, side, RSTMON_ORIG);
		KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup(&nseg), c);
		KUNIT_EXPECT_NULL(test, rstmon_test_lookup(&vseg));
	} else {
		KUNIT_EXPECT_NULL(test, c);
		KUNIT_EXPECT_EQ(test, err, RSTMON_CONN_FULL);
		KUNIT_EXPECT_NULL(test, rstmon_test_lookup(&nseg));
		KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup(&vseg), victim);
	}
	KUNIT_EXPECT_EQ(test, rstmon_test_reap_all(), 4U);
}

/* The entry, if any, of the test connection whose originator has port @port. */
static struct rstmon_conn *rstmon_test_lookup_port(struct kunit *test, u16 port)
{
	struct rstmon_seg seg;
	struct rstmon_tc tc;

	rstmon_tc_init(&tc, test, AF_INET);
	tc.port[RSTMON_ORIG] = htons(port);
	rstmon_tc_seg(&tc, RSTMON_ORIG, RSTMON_TEST_ACK, 1, 1, 0, &seg);
	return rstmon_test_lookup(&seg);
}

/* An entry seen on both sides, in @st, whose sides were last heard at @l0, @l1. */
static struct rstmon_conn *rstmon_test_aged(struct kunit *test, u16 port, u8 st, u32 l0, u32 l1)
{
	struct rstmon_tc tc;
	struct rstmon_conn *c;

	rstmon_tc_init(&tc, test, AF_INET);
	tc.port[RSTMON_ORIG] = htons(port);
	rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 10, l0);
	c = rstmon_tc_send(&tc, RSTMON_RESP, RSTMON_TEST_PSH, 10, l1);
	rstmon_test_set_state(c, st);
	RSTMON_SIDE(c, RSTMON_ORIG).last = l0;
	RSTMON_SIDE(c, RSTMON_RESP).last = l1;
	return c;
}

static unsigned int rstmon_test_reap_expired(unsigned long now)
{
	unsigned int b, n = 0;

	for (b = 0; b <= rstmon_hash_mask; b++)
		n += rstmon_bucket_reap(b, rstmon_match_expired, &now);
	return n;
}

/*
 * Expiry by state after the last segment of either side: an entry one
 * jiffy past its timeout goes, one at its timeout stays.  (A fixed "now"
 * far from any wrap of 32-bit jiffies.)
 */
static void rstmon_conn_test_expiry(struct kunit *test)
{
	const unsigned long now = 0x40000000UL;
	struct rstmon_conn *c[__RSTMON_ST_MAX][2], *young, *old;
	struct rstmon_tc tc;
	unsigned int st;

	for (st = 0; st < __RSTMON_ST_MAX; st++) {
		u32 tmo = rstmon_test_timeouts[st] * HZ;
		u32 edge = now - tmo;

		/* Expired: both sides one jiffy past. */
		c[st][0] = rstmon_test_aged(test, 30000 + 2 * st, st, edge - 1, edge - 5 * HZ);
		/* Kept: the newer side exactly at the timeout (either side). */
		c[st][1] = st % 2 ?
			rstmon_test_aged(test, 30001 + 2 * st, st, edge - 5 * HZ, edge) :
			rstmon_test_aged(test, 30001 + 2 * st, st, edge, edge - 5 * HZ);
	}
	/* No segment accounted yet: its creation time counts. */
	rstmon_tc_init(&tc, test, AF_INET);
	tc.port[RSTMON_ORIG] = htons(31000);
	old = rstmon_tc_create(&tc, RSTMON_ORIG, RSTMON_TEST_SYN, 1, 0, 0);
	old->first[RSTMON_ORIG] = now - 120 * HZ - 1;
	rstmon_tc_init(&tc, test, AF_INET);
	tc.port[RSTMON_ORIG] = htons(31001);
	young = rstmon_tc_create(&tc, RSTMON_ORIG, RSTMON_TEST_SYN, 1, 0, 0);
	young->first[RSTMON_ORIG] = now - 120 * HZ;
	KUNIT_ASSERT_EQ(test, rstmon_conn_count(), 2U * __RSTMON_ST_MAX + 2);

	KUNIT_EXPECT_EQ(test, rstmon_test_reap_expired(now), __RSTMON_ST_MAX + 1U);
	KUNIT_EXPECT_EQ(test, rstmon_conn_count(), __RSTMON_ST_MAX + 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&rstmon_pernet(&init_net)->conns), __RSTMON_ST_MAX + 1);
	for (st = 0; st < __RSTMON_ST_MAX; st++) {
		KUNIT_EXPECT_NULL_MSG(test, rstmon_test_lookup_port(test, 30000 + 2 * st),
				      "state %s kept", rstmon_state_name(st));
		KUNIT_EXPECT_PTR_EQ_MSG(test, rstmon_test_lookup_port(test, 30001 + 2 * st),
					c[st][1], "state %s reaped", rstmon_state_name(st));
	}
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup_port(test, 31001), young);
	/* Nothing more to reap. */
	KUNIT_EXPECT_EQ(test, rstmon_test_reap_expired(now), 0U);
}

/*
 * syn_timeout, a runtime setting, ages out half-open entries only: at 5 s a
 * SYN-sent and a SYN-received entry 6 s old go, one 4 s old stays, and an
 * established entry 6 s old is kept by its own timeout.
 */
static void rstmon_conn_test_syn_timeout(struct kunit *test)
{
	const unsigned int saved = rstmon_params.syn_timeout;
	const unsigned long now = 0x40000000UL;
	struct rstmon_conn *young, *est;

	rstmon_test_aged(test, 32000, RSTMON_ST_SYN_SENT, now - 6 * HZ, now - 6 * HZ);
	rstmon_test_aged(test, 32001, RSTMON_ST_SYN_RECV, now - 7 * HZ, now - 6 * HZ);
	young = rstmon_test_aged(test, 32002, RSTMON_ST_SYN_SENT, now - 4 * HZ, now - 4 * HZ);
	est = rstmon_test_aged(test, 32003, RSTMON_ST_ESTABLISHED, now - 6 * HZ, now - 6 * HZ);

	/* The default (120 s) keeps all four. */
	KUNIT_EXPECT_EQ(test, rstmon_test_reap_expired(now), 0U);
	rstmon_params.syn_timeout = 5;
	KUNIT_EXPECT_EQ(test, rstmon_test_reap_expired(now), 2U);
	rstmon_params.syn_timeout = saved;
	KUNIT_EXPECT_NULL(test, rstmon_test_lookup_port(test, 32000));
	KUNIT_EXPECT_NULL(test, rstmon_test_lookup_port(test, 32001));
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup_port(test, 32002), young);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup_port(test, 32003), est);
}

/*
 * 32-bit jiffies wrap (the first time five minutes after boot): a side heard
 * a second ago keeps the entry, though the other side's last segment, long
 * before the wrap, is the larger number.
 */
static void rstmon_conn_test_expiry_wrap(struct kunit *test)
{
	const u32 tmo = rstmon_test_timeouts[RSTMON_ST_ESTABLISHED] * HZ;
	const unsigned long now = 10 * HZ;
	struct rstmon_conn *a, *b, *gone;

	a = rstmon_test_aged(test, 30000, RSTMON_ST_ESTABLISHED, now - tmo - 10 * HZ, now - HZ);
	b = rstmon_test_aged(test, 30001, RSTMON_ST_ESTABLISHED, now - HZ, now - tmo - 10 * HZ);
	gone = rstmon_test_aged(test, 30002, RSTMON_ST_ESTABLISHED, now - tmo - 10 * HZ,
				now - tmo - 20 * HZ);
	KUNIT_EXPECT_FALSE_MSG(test, rstmon_match_expired(a, &now),
			       "responder heard 1 s ago, yet expired");
	KUNIT_EXPECT_FALSE_MSG(test, rstmon_match_expired(b, &now),
			       "originator heard 1 s ago, yet expired");
	KUNIT_EXPECT_TRUE(test, rstmon_match_expired(gone, &now));
}

/* The GC worker's run reaps what expired, and only that. */
static void rstmon_conn_test_gc_worker(struct kunit *test)
{
	u32 now = jiffies;
	struct rstmon_conn *fresh;

	rstmon_test_aged(test, 30000, RSTMON_ST_CLOSED, now - 61 * HZ, now - 61 * HZ);
	fresh = rstmon_test_aged(test, 30001, RSTMON_ST_CLOSED, now, now);
	KUNIT_ASSERT_EQ(test, rstmon_conn_count(), 2U);

	rstmon_gc(&rstmon_gc_work.work);
	cancel_delayed_work_sync(&rstmon_gc_work);	/* it queued itself again */

	KUNIT_EXPECT_EQ(test, rstmon_conn_count(), 1U);
	KUNIT_EXPECT_NULL(test, rstmon_test_lookup_port(test, 30000));
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup_port(test, 30001), fresh);
}

/*
 * A closed connection's 4-tuple used again (a TIME_WAIT socket recycled by
 * a new SYN, a client bound to a fixed port): the originator's new SYN
 * starts a new connection, whose entry must not carry the old one's FINs,
 * RST and data.
 */
static void rstmon_conn_test_tuple_reuse(struct kunit *test)
{
	static const u8 ends[] = { RSTMON_ST_CLOSING, RSTMON_ST_CLOSED };
	struct rstmon_conn *c, *old;
	struct rstmon_tc tc;
	unsigned int i;
	u32 t = jiffies;

	for (i = 0; i < ARRAY_SIZE(ends); i++) {
		rstmon_tc_init(&tc, test, AF_INET);
		rstmon_tc_established(&tc, 100, 200, t - 10 * HZ);
		c = tc.c;
		if (ends[i] == RSTMON_ST_CLOSING) {
			rstmon_tc_send(&tc, RSTMON_RESP, RSTMON_TEST_FIN, 0, t - 10 * HZ);
			rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_FIN, 0, t - 10 * HZ);
		} else {
			/* What the hooks record of the responder's RST. */
			rstmon_test_set_sflags(c, RSTMON_RESP, RSTMON_SF_RST);
			rstmon_test_set_state(c, RSTMON_ST_CLOSED);
		}
		KUNIT_ASSERT_EQ(test, rstmon_conn_state(c), ends[i]);

		old = c;
		rstmon_tc_feed(&tc, RSTMON_ORIG, RSTMON_TEST_SYN, RSTMON_TEST_ISN_O2, 0, 0, t);
		/* A new entry in the old one's place, the old one dead and unlinked. */
		c = tc.c;
		KUNIT_EXPECT_PTR_NE(test, c, old);
		KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup_port(test, RSTMON_TEST_PORT_O), c);
		KUNIT_EXPECT_EQ(test, rstmon_conn_count(), 1U);
		KUNIT_EXPECT_EQ(test, atomic_read(&rstmon_pernet(&init_net)->conns), 1);
		KUNIT_EXPECT_EQ_MSG(test, rstmon_conn_state(c), RSTMON_ST_SYN_SENT,
				    "after %s: state %s", rstmon_state_name(ends[i]),
				    rstmon_state_name(rstmon_conn_state(c)));
		KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_ORIG), RSTMON_SF_SYN);
		KUNIT_EXPECT_EQ(test, c->isn[RSTMON_ORIG], RSTMON_TEST_ISN_O2);
		KUNIT_EXPECT_EQ(test, RSTMON_SIDE(c, RSTMON_ORIG).nxt, RSTMON_TEST_ISN_O2 + 1);
		KUNIT_EXPECT_EQ(test, RSTMON_SIDE(c, RSTMON_ORIG).segs, 1);
		KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_RESP), 0);
		KUNIT_EXPECT_EQ(test, RSTMON_SIDE(c, RSTMON_RESP).segs, 0);
		KUNIT_EXPECT_EQ(test, c->fin[RSTMON_RESP], 0U);
		KUNIT_EXPECT_EQ(test, rstmon_conn_created(c), t);
		KUNIT_EXPECT_EQ(test, c->first[RSTMON_ORIG], t);
		KUNIT_EXPECT_EQ(test, rstmon_test_reap_all(), 1U);
	}
}

/*
 * The entry's age runs from the first segment seen, whichever side sent
 * it: a connection picked up from the responder's segment that the
 * originator answers later is as old as the responder's segment.
 */
static void rstmon_conn_test_created(struct kunit *test)
{
	struct rstmon_tc tc;
	struct rstmon_conn *c;
	u32 t = jiffies;

	rstmon_tc_init(&tc, test, AF_INET6);
	c = rstmon_tc_feed(&tc, RSTMON_RESP, RSTMON_TEST_PSH, 5000, 1000, 10, t - 7 * HZ);
	KUNIT_ASSERT_TRUE(test, rstmon_conn_cflags(c) & RSTMON_CF_RESP_FIRST);
	KUNIT_EXPECT_EQ(test, rstmon_conn_created(c), t - 7 * HZ);
	rstmon_tc_feed(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 1000, 5010, 10, t);
	KUNIT_EXPECT_EQ(test, c->first[RSTMON_ORIG], t);
	KUNIT_EXPECT_EQ(test, c->first[RSTMON_RESP], t - 7 * HZ);
	KUNIT_EXPECT_EQ(test, rstmon_conn_created(c), t - 7 * HZ);
	/* Across a jiffies wrap, earlier is not smaller. */
	c->first[RSTMON_RESP] = (u32)-5;
	c->first[RSTMON_ORIG] = 3;
	KUNIT_EXPECT_EQ(test, rstmon_conn_created(c), (u32)-5);
}

/*
 * The concurrency contract: another CPU changes &rstmon_conn.bits between
 * a writer's read of it and its exchange.  Each racer runs once, at the
 * race point of the next rstmon_conn_update() or rstmon_conn_rst().
 */
static void (*rstmon_test_racer)(struct rstmon_conn *c);

static void rstmon_test_race(struct rstmon_conn *c)
{
	void (*racer)(struct rstmon_conn *c) = rstmon_test_racer;

	rstmon_test_racer = NULL;
	if (racer)
		racer(c);
}

/* The responder's RST, as rstmon_rst() records it. */
static void rstmon_test_racer_rst_resp(struct rstmon_conn *c)
{
	rstmon_conn_rst(c, RSTMON_RESP, jiffies);
}

/* A segment of the responder's, as the hooks account it. */
static void rstmon_test_resp_seg(struct rstmon_conn *c, u8 flags, u32 len)
{
	struct rstmon_seg seg;
	struct rstmon_tc tc;

	rstmon_tc_init(&tc, NULL, AF_INET);
	rstmon_tc_seg(&tc, RSTMON_RESP, flags, RSTMON_TEST_ISN_R + 1, RSTMON_TEST_ISN_O + 1, len,
		      &seg);
	rstmon_conn_update(c, RSTMON_RESP, &seg, jiffies);
}

static void rstmon_test_racer_data_resp(struct rstmon_conn *c)
{
	rstmon_test_resp_seg(c, RSTMON_TEST_PSH, 5);
}

static void rstmon_test_racer_fin_resp(struct rstmon_conn *c)
{
	rstmon_test_resp_seg(c, RSTMON_TEST_FIN, 0);
}

/*
 * No update is lost between CPUs.  Before the contract, flags were read,
 * changed and written back with plain stores: the responder's RST landing
 * between the originator's read and write was lost (and the state went
 * back to established), so later data from the responder could not amend
 * the event into an injection.
 */
static struct rstmon_conn *rstmon_test_race_start(struct kunit *test, struct rstmon_tc *tc,
						  u32 olen, void (*racer)(struct rstmon_conn *c))
{
	rstmon_tc_init(tc, test, AF_INET);
	rstmon_tc_established(tc, olen, 0, jiffies);
	rstmon_test_racer = racer;
	return tc->c;
}

static void rstmon_conn_test_race(struct kunit *test)
{
	struct rstmon_tc tc;
	struct rstmon_conn *c;

	/* The responder's RST inside the originator's data segment. */
	c = rstmon_test_race_start(test, &tc, 0, rstmon_test_racer_rst_resp);
	rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 10, jiffies);
	KUNIT_EXPECT_NULL(test, rstmon_test_racer);
	KUNIT_EXPECT_TRUE(test, rstmon_sflags(c, RSTMON_RESP) & RSTMON_SF_RST);
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_CLOSED);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_ORIG),
			RSTMON_SF_SYN | RSTMON_SF_DATA | RSTMON_SF_LAST_DATA);
	KUNIT_EXPECT_EQ(test, rstmon_test_reap_all(), 1U);

	/* The responder's data inside the originator's RST: both kept. */
	c = rstmon_test_race_start(test, &tc, 10, rstmon_test_racer_data_resp);
	rstmon_conn_rst(c, RSTMON_ORIG, jiffies);
	KUNIT_EXPECT_NULL(test, rstmon_test_racer);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_ORIG),
			RSTMON_SF_SYN | RSTMON_SF_DATA | RSTMON_SF_RST);
	KUNIT_EXPECT_EQ(test, rstmon_sflags(c, RSTMON_RESP),
			RSTMON_SF_SYN | RSTMON_SF_DATA | RSTMON_SF_LAST_DATA);
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_CLOSED);
	KUNIT_EXPECT_EQ(test, rstmon_test_reap_all(), 1U);

	/*
	 * The responder's FIN inside the originator's data: the exchange is
	 * computed again from the word that beat it, so the data is after
	 * the FIN and the state is FIN_WAIT, not ESTABLISHED.
	 */
	c = rstmon_test_race_start(test, &tc, 0, rstmon_test_racer_fin_resp);
	rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 10, jiffies);
	KUNIT_EXPECT_NULL(test, rstmon_test_racer);
	KUNIT_EXPECT_TRUE(test, rstmon_sflags(c, RSTMON_RESP) & RSTMON_SF_FIN);
	KUNIT_EXPECT_TRUE(test, rstmon_sflags(c, RSTMON_ORIG) & RSTMON_SF_DATA_AFTER_FIN);
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_FIN_WAIT);
	KUNIT_EXPECT_EQ(test, rstmon_test_reap_all(), 1U);
}

/* Data after a side's own RST sets AFTER_RST once: one CPU amends the event. */
static void rstmon_conn_test_after_rst_once(struct kunit *test)
{
	struct rstmon_seg seg;
	struct rstmon_tc tc;
	struct rstmon_conn *c;
	u32 t = jiffies;

	rstmon_tc_init(&tc, test, AF_INET);
	rstmon_tc_established(&tc, 10, 0, t);
	c = tc.c;
	rstmon_conn_rst(c, RSTMON_ORIG, t);
	rstmon_tc_seg(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, tc.nxt[RSTMON_ORIG],
		      tc.nxt[RSTMON_RESP], 5, &seg);
	KUNIT_EXPECT_EQ(test, rstmon_conn_update(c, RSTMON_ORIG, &seg, t) &
			(RSTMON_SF_AFTER_RST << RSTMON_B_SF_SHIFT(RSTMON_ORIG)),
			(u32)RSTMON_SF_AFTER_RST << RSTMON_B_SF_SHIFT(RSTMON_ORIG));
	KUNIT_EXPECT_EQ(test, rstmon_conn_update(c, RSTMON_ORIG, &seg, t) &
			(RSTMON_SF_AFTER_RST << RSTMON_B_SF_SHIFT(RSTMON_ORIG)), 0U);
	/* A segment that changes nothing in the word writes nothing. */
	KUNIT_EXPECT_EQ(test, rstmon_conn_update(c, RSTMON_ORIG, &seg, t), 0U);
}

/*
 * A one-sided entry (only one side ever spoke) lives 300 s after its
 * last segment, not the 4 hours of an established connection.
 */
static void rstmon_conn_test_one_sided_expiry(struct kunit *test)
{
	const unsigned long now = 0x40000000UL;
	struct rstmon_conn *kept, *gone, *est;
	struct rstmon_tc tc;

	rstmon_tc_init(&tc, test, AF_INET);
	tc.port[RSTMON_ORIG] = htons(33000);
	gone = rstmon_tc_feed(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 1000, 1, 10,
			      now - RSTMON_ONE_SIDED_TIMEOUT * HZ - 1);
	rstmon_tc_init(&tc, test, AF_INET);
	tc.port[RSTMON_ORIG] = htons(33001);
	kept = rstmon_tc_feed(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 1000, 1, 10,
			      now - RSTMON_ONE_SIDED_TIMEOUT * HZ);
	est = rstmon_test_aged(test, 33002, RSTMON_ST_ESTABLISHED, now - 3600 * HZ,
			       now - 3600 * HZ);
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(gone), RSTMON_ST_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, rstmon_conn_evictable(gone));
	KUNIT_EXPECT_FALSE(test, rstmon_conn_evictable(est));
	KUNIT_EXPECT_EQ(test, rstmon_test_reap_expired(now), 1U);
	KUNIT_EXPECT_NULL(test, rstmon_test_lookup_port(test, 33000));
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup_port(test, 33001), kept);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup_port(test, 33002), est);
}

/*
 * A namespace's share (netns_max_conns): at it, a new connection evicts
 * one of the namespace's own evictable entries near its bucket or goes
 * untracked as netns_full; a namespace whose search failed does not search
 * again in the same jiffy.
 */
static void rstmon_conn_test_netns_limit(struct kunit *test)
{
	enum rstmon_conn_err err = 0;
	struct rstmon_seg nseg, vseg;
	struct rstmon_conn *c;
	bool evicted = false;
	unsigned int nb;
	int side = -1;

	rstmon_params.netns_max_conns = 2;
	rstmon_test_fill_established(test, 2);
	rstmon_test_tuple(&nseg, 1, 50000, RSTMON_TEST_SYN);
	nb = rstmon_conn_hash(&init_net, &nseg) & rstmon_hash_mask;
	KUNIT_EXPECT_NULL(test, rstmon_test_create(&nseg, &side, &err, &evicted));
	KUNIT_EXPECT_EQ(test, err, RSTMON_CONN_NETNS_FULL);
	KUNIT_EXPECT_FALSE(test, evicted);
	KUNIT_EXPECT_EQ(test, rstmon_conn_count(), 2U);
	KUNIT_EXPECT_EQ(test, rstmon_test_reap_all(), 2U);

	/* One two-sided entry and one spoofed (one-sided) near the new one. */
	rstmon_test_fill_established(test, 1);
	rstmon_test_tuple(&vseg, 2, 1024, RSTMON_TEST_ACK);
	KUNIT_ASSERT_TRUE(test, rstmon_test_to_bucket(&vseg, (nb + 3) & rstmon_hash_mask));
	rstmon_test_add(test, &vseg);
	/* A search failed in this jiffy (above): the namespace does not search. */
	rstmon_pernet(&init_net)->evict_failed = jiffies;
	err = 0;
	KUNIT_EXPECT_NULL(test, rstmon_test_create(&nseg, &side, &err, &evicted));
	KUNIT_EXPECT_EQ(test, err, RSTMON_CONN_NETNS_FULL);
	KUNIT_EXPECT_NOT_NULL(test, rstmon_test_lookup(&vseg));
	/* The next jiffy it does, and the spoofed entry goes. */
	rstmon_test_evict_reset();
	c = rstmon_test_create(&nseg, &side, &err, &evicted);
	KUNIT_EXPECT_NOT_NULL(test, c);
	KUNIT_EXPECT_TRUE(test, evicted);
	KUNIT_EXPECT_NULL(test, rstmon_test_lookup(&vseg));
	KUNIT_EXPECT_EQ(test, rstmon_conn_count(), 2U);
	KUNIT_EXPECT_EQ(test, atomic_read(&rstmon_pernet(&init_net)->conns), 2);
}

/*
 * A namespace at its share whose evictable entries are all far from the
 * new connection's bucket: the search sweeps on from where its last one
 * stopped, so the entry is found by a later search, not never (the 8
 * buckets near one connection hold none of 512 entries in 1024 buckets
 * one time in 50).
 */
static void rstmon_conn_test_evict_sweep(struct kunit *test)
{
	struct rstmon_net *rn = rstmon_pernet(&init_net);
	enum rstmon_conn_err err = 0;
	struct rstmon_seg nseg, vseg;
	unsigned int nb, far;
	bool evicted = false;
	int side = -1;

	rstmon_params.netns_max_conns = 2;
	rstmon_test_fill_established(test, 1);
	rstmon_test_tuple(&nseg, 1, 50000, RSTMON_TEST_SYN);
	nb = rstmon_conn_hash(&init_net, &nseg) & rstmon_hash_mask;
	far = (nb + 200) & rstmon_hash_mask;
	rstmon_test_tuple(&vseg, 2, 1024, RSTMON_TEST_ACK);
	KUNIT_ASSERT_TRUE(test, rstmon_test_to_bucket(&vseg, far));
	rstmon_test_add(test, &vseg);

	/* The sweep stops 8 buckets short of it: nothing evicted. */
	WRITE_ONCE(rn->evict_sweep, (far - 40) & rstmon_hash_mask);
	KUNIT_EXPECT_NULL(test, rstmon_test_create(&nseg, &side, &err, &evicted));
	KUNIT_EXPECT_EQ(test, err, RSTMON_CONN_NETNS_FULL);
	KUNIT_EXPECT_FALSE(test, evicted);
	KUNIT_EXPECT_EQ(test, READ_ONCE(rn->evict_sweep), (far - 8) & rstmon_hash_mask);
	KUNIT_EXPECT_NOT_NULL(test, rstmon_test_lookup(&vseg));

	/* The next jiffy's search sweeps on, and finds it. */
	rstmon_test_evict_reset();
	KUNIT_EXPECT_NOT_NULL(test, rstmon_test_create(&nseg, &side, &err, &evicted));
	KUNIT_EXPECT_TRUE(test, evicted);
	KUNIT_EXPECT_NULL(test, rstmon_test_lookup(&vseg));
	KUNIT_EXPECT_EQ(test, atomic_read(&rn->conns), 2);
}

/* max_conns=0 scales to memory like nf_conntrack, within 1024..262144. */
static void rstmon_conn_test_scaled_max(struct kunit *test)
{
	static const struct {
		unsigned long mib;
		unsigned int want;
	} rows[] = {
		{ 16, 1024 },		/* 128 by the ratio: the floor */
		{ 128, 1024 },
		{ 256, 2048 },		/* one per 128 KiB */
		{ 512, 4096 },
		{ 1024, 8192 },		/* 1 GiB exactly: still the ratio */
		{ 1025, 65536 },	/* above 1 GiB */
		{ 4096, 65536 },
		{ 4097, BITS_PER_LONG >= 64 ? 262144 : 65536 },	/* above 4 GiB */
		{ 1UL << 20, BITS_PER_LONG >= 64 ? 262144 : 65536 },	/* 1 TiB */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		KUNIT_EXPECT_EQ_MSG(test, rstmon_scaled_max(rows[i].mib << (20 - PAGE_SHIFT)),
				    rows[i].want, "%lu MiB", rows[i].mib);
}

/*
 * A miss still sets the side (RSTMON_SIDE_NONE): the hook hands it to the
 * classifier with the NULL entry.
 */
static void rstmon_conn_test_find_miss_side(struct kunit *test)
{
	struct rstmon_seg seg;
	int side = 0x5a5a;

	rstmon_test_tuple(&seg, 1, 40000, RSTMON_TEST_ACK);
	KUNIT_EXPECT_NULL(test, rstmon_test_find(&init_net, &seg, &side));
	KUNIT_EXPECT_EQ(test, side, RSTMON_SIDE_NONE);
}

/*
 * A namespace whose init fails after its hooks ran (nf_register_net_hooks()
 * failing on a later hook) is forgotten with entries in the table: they
 * must go with it, or their unlink finds no state (a NULL dereference) and
 * module exit finds them left in the cache.
 */
static void rstmon_conn_test_net_del_flushes(struct kunit *test)
{
	struct rstmon_net *rn = rstmon_pernet(&init_net);
	struct rstmon_seg seg;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		rstmon_test_tuple(&seg, 1, 40000 + i, RSTMON_TEST_SYN);
		rstmon_test_add(test, &seg);
	}
	KUNIT_ASSERT_EQ(test, atomic_read(&rn->conns), 3);

	rstmon_conn_net_del(&init_net);
	KUNIT_EXPECT_EQ(test, rstmon_conn_count(), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&rn->conns), 0);
	KUNIT_EXPECT_NULL(test, rstmon_pernet_by_id(init_net.ns.inum));

	/* Back as the suite set it up; the case's exit reaps what is left. */
	KUNIT_ASSERT_EQ(test, rstmon_conn_net_add(&init_net, rn), 0);
}

#ifdef RSTMON_HAVE_TCP_SEND_RESET_REASON
/* A full socket's RST to 198.51.100.2:80 as its event is logged. */
static void rstmon_test_socket_rst(struct rstmon_net *rn, struct rstmon_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->dir = RSTMON_DIR_OUT;
	ev->evidence = RSTMON_EV_SOCKET;
	ev->cause = RSTMON_CAUSE_UNREAD_DATA;
	ipv6_addr_set_v4mapped(htonl(0xc0000201), &ev->src);
	ipv6_addr_set_v4mapped(htonl(0xc6336402), &ev->dst);
	ev->sport = htons(RSTMON_TEST_PORT_O);
	ev->dport = htons(RSTMON_TEST_PORT_R);
	rstmon_ring_add(&rn->ring, ev);
}

/*
 * The tcp_send_reset probe fires for every namespace.  It must leave alone
 * the state of one whose init has not run (zeroed: no ring, no counters)
 * or whose pre_exit has run (about to be freed), and use it in between.
 */
static void rstmon_kreason_test_live_only(struct kunit *test)
{
	const u8 kreason = SK_RST_REASON_TCP_ABORT_ON_CLOSE + 1;
	struct rstmon_net *rn = rstmon_pernet(&init_net);
	struct rstmon_event ev;
	struct socket *sock;
	struct sock *sk;
	int err;

	err = sock_create_kern(&init_net, PF_INET, SOCK_STREAM, IPPROTO_TCP, &sock);
	KUNIT_ASSERT_EQ(test, err, 0);
	sk = sock->sk;
	sk->sk_rcv_saddr = htonl(0xc0000201);
	sk->sk_daddr = htonl(0xc6336402);
	sk->sk_dport = htons(RSTMON_TEST_PORT_R);
	KUNIT_ASSERT_FALSE(test, READ_ONCE(rn->alive));
	KUNIT_ASSERT_NULL(test, rn->stats);
	KUNIT_ASSERT_NULL(test, rn->ring.ev);

	/* Not set up yet: nothing to touch, nothing touched. */
	preempt_disable();
	rstmon_trace_send_reset(NULL, sk, NULL, SK_RST_REASON_TCP_ABORT_ON_CLOSE);
	preempt_enable();
	KUNIT_EXPECT_NULL(test, rstmon_pernet_live(&init_net));

	/* Set up as rstmon_net_init() leaves it: the event is amended. */
	rn->stats = alloc_percpu(struct rstmon_stats);
	err = rstmon_ring_init(&rn->ring, 16);
	if (!rn->stats || err)
		goto out;
	/* As rstmon_net_init() publishes it, for rstmon_pernet_live(). */
	smp_store_release(&rn->alive, true);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_pernet_live(&init_net), rn);
	rstmon_test_socket_rst(rn, &ev);
	preempt_disable();
	rstmon_trace_send_reset(NULL, sk, NULL, SK_RST_REASON_TCP_ABORT_ON_CLOSE);
	preempt_enable();
	KUNIT_EXPECT_TRUE(test, rstmon_ring_get(&rn->ring, 1, &ev));
	KUNIT_EXPECT_EQ(test, ev.kreason, kreason);

	/* After pre_exit: the state is not used any more. */
	WRITE_ONCE(rn->alive, false);
	rstmon_test_socket_rst(rn, &ev);
	preempt_disable();
	rstmon_trace_send_reset(NULL, sk, NULL, SK_RST_REASON_TCP_ABORT_ON_CLOSE);
	preempt_enable();
	KUNIT_EXPECT_TRUE(test, rstmon_ring_get(&rn->ring, 2, &ev));
	KUNIT_EXPECT_EQ(test, ev.kreason, 0);
	KUNIT_EXPECT_NULL(test, rstmon_pernet_live(&init_net));
out:
	KUNIT_EXPECT_NOT_NULL(test, rn->stats);
	KUNIT_EXPECT_EQ(test, err, 0);
	WRITE_ONCE(rn->alive, false);
	rstmon_ring_free(&rn->ring);
	memset(&rn->ring, 0, sizeof(rn->ring));
	free_percpu(rn->stats);
	rn->stats = NULL;
	sock_release(sock);
}
#endif

static void rstmon_conn_test_size(struct kunit *test)
{
	KUNIT_EXPECT_LE(test, sizeof(struct rstmon_conn), 128);
	/* What a segment of a tracked IPv4 connection touches: one line. */
	KUNIT_EXPECT_EQ(test, offsetof(struct rstmon_conn, rcu), 64);
	KUNIT_EXPECT_EQ(test, kmem_cache_size(rstmon_conn_cache), sizeof(struct rstmon_conn));
}

/* ------------------------------------------------------------------------ */
/* Tagged chain links                                                       */
/* ------------------------------------------------------------------------ */

/* The hash of @c's key in &init_net, as rstmon_conn_hash() gives it. */
static u32 rstmon_test_hash_of(const struct rstmon_conn *c)
{
	struct rstmon_seg seg;

	memset(&seg, 0, sizeof(seg));
	seg.family = rstmon_conn_family(c);
	rstmon_conn_addr(c, RSTMON_ORIG, &seg.saddr);
	rstmon_conn_addr(c, RSTMON_RESP, &seg.daddr);
	seg.sport = c->port[RSTMON_ORIG];
	seg.dport = c->port[RSTMON_RESP];
	return rstmon_conn_hash(&init_net, &seg);
}

/*
 * Walk every chain and check each link against the entry it points to: the
 * entry is in the link's bucket, the link carries the entry's tag, and
 * MORE is set exactly when the entry has a successor.  Returns the entries.
 */
static unsigned int rstmon_test_check_links(struct kunit *test)
{
	unsigned int b, n = 0, bad_bucket = 0, bad_tag = 0, bad_more = 0;
	unsigned int count = rstmon_conn_count();

	rcu_read_lock();
	for (b = 0; b <= rstmon_hash_mask; b++) {
		struct rstmon_conn *link = rcu_dereference(rstmon_hash[b]);

		while (link && n <= count) {
			struct rstmon_conn *c = rstmon_link_ptr(link);
			struct rstmon_conn *next = rcu_dereference(c->next);
			u32 h = rstmon_test_hash_of(c);

			bad_bucket += (h & rstmon_hash_mask) != b;
			bad_tag += rstmon_link_tag(link) != rstmon_hash_tag(h);
			bad_more += rstmon_link_more(link) != !!next;
			n++;
			link = next;
		}
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ_MSG(test, bad_bucket, 0U, "entries in another bucket");
	KUNIT_EXPECT_EQ_MSG(test, bad_tag, 0U, "links with another tag than their entry's");
	KUNIT_EXPECT_EQ_MSG(test, bad_more, 0U, "links whose MORE is not (next != NULL)");
	KUNIT_EXPECT_EQ(test, n, count);
	return n;
}

/*
 * A SYN (rstmon_test_tuple()) from host @host or up whose hash lands in
 * @bucket, with tag @tag (any when U32_MAX) and not tag @not_tag (none
 * when U32_MAX).
 */
static bool rstmon_test_key(struct rstmon_seg *seg, u8 host, unsigned int bucket, u32 tag,
			    u32 not_tag)
{
	unsigned int h, port;

	for (h = host; h < host + 32U; h++) {
		for (port = 1024; port <= 65535; port++) {
			u32 hash;

			rstmon_test_tuple(seg, h, port, RSTMON_TEST_SYN);
			hash = rstmon_conn_hash(&init_net, seg);
			if ((hash & rstmon_hash_mask) == bucket &&
			    (tag == U32_MAX || rstmon_hash_tag(hash) == tag) &&
			    rstmon_hash_tag(hash) != not_tag)
				return true;
		}
	}
	return false;
}

static bool rstmon_test_match_ptr(const struct rstmon_conn *c, const void *arg)
{
	return c == arg;
}

/* Unlink @c from bucket @b, as GC or eviction does. */
static void rstmon_test_unlink(struct kunit *test, unsigned int b, struct rstmon_conn *c)
{
	KUNIT_EXPECT_EQ(test, rstmon_bucket_reap(b, rstmon_test_match_ptr, c), 1U);
}

/* The link in bucket @b's chain at position @i (0: the head), or NULL. */
static struct rstmon_conn *rstmon_test_link_at(unsigned int b, unsigned int i)
{
	struct rstmon_conn *link = rcu_dereference_protected(rstmon_hash[b], true);

	while (link && i--)
		link = rcu_dereference_protected(rstmon_link_ptr(link)->next, true);
	return link;
}

/* Expect bucket @b's link @i to point to @c with its tag, and MORE as @more. */
static void rstmon_expect_link(struct kunit *test, unsigned int b, unsigned int i,
			       struct rstmon_conn *c, bool more)
{
	struct rstmon_conn *link = rstmon_test_link_at(b, i);

	KUNIT_ASSERT_NOT_NULL(test, link);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_link_ptr(link), c);
	KUNIT_EXPECT_EQ(test, rstmon_link_tag(link), rstmon_hash_tag(rstmon_test_hash_of(c)));
	KUNIT_EXPECT_EQ(test, rstmon_link_more(link), more);
}

/*
 * Links after inserts at the head, then after unlinking the head, a middle
 * entry and the last one (whose predecessor's link loses MORE).
 */
static void rstmon_conn_test_links(struct kunit *test)
{
	struct rstmon_conn *c[4];
	struct rstmon_seg seg[4];
	unsigned int b, i;

	rstmon_test_tuple(&seg[0], 10, 1024, RSTMON_TEST_SYN);
	b = rstmon_conn_hash(&init_net, &seg[0]) & rstmon_hash_mask;
	for (i = 0; i < 4; i++) {
		KUNIT_ASSERT_TRUE(test, rstmon_test_key(&seg[i], 10 + 32 * i, b, U32_MAX, U32_MAX));
		c[i] = rstmon_test_add(test, &seg[i]);
		/* Entries are aligned so that a link's low bits are free. */
		KUNIT_EXPECT_EQ(test, (unsigned long)c[i] & RSTMON_LINK_MASK, 0UL);
		/* The newest at the head, MORE when an older one follows. */
		rstmon_expect_link(test, b, 0, c[i], i > 0);
		rstmon_test_check_links(test);
	}
	/* c3 -> c2 -> c1 -> c0 */
	for (i = 0; i < 4; i++)
		rstmon_expect_link(test, b, i, c[3 - i], i < 3);
	KUNIT_EXPECT_NULL(test, rstmon_test_link_at(b, 4));

	/* The head: c2 -> c1 -> c0 */
	rstmon_test_unlink(test, b, c[3]);
	rstmon_expect_link(test, b, 0, c[2], true);
	KUNIT_EXPECT_NULL(test, rstmon_test_lookup(&seg[3]));
	rstmon_test_check_links(test);
	/* A middle one: c2 -> c0 */
	rstmon_test_unlink(test, b, c[1]);
	rstmon_expect_link(test, b, 0, c[2], true);
	rstmon_expect_link(test, b, 1, c[0], false);
	KUNIT_EXPECT_NULL(test, rstmon_test_lookup(&seg[1]));
	rstmon_test_check_links(test);
	/* The last: c2 alone, its link without MORE. */
	rstmon_test_unlink(test, b, c[0]);
	rstmon_expect_link(test, b, 0, c[2], false);
	KUNIT_EXPECT_NULL(test, rstmon_test_link_at(b, 1));
	KUNIT_EXPECT_NULL(test, rstmon_test_lookup(&seg[0]));
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup(&seg[2]), c[2]);
	KUNIT_EXPECT_EQ(test, rstmon_test_check_links(test), 1U);
}

/* Two connections of one bucket and one tag: both are found. */
static void rstmon_conn_test_links_same_tag(struct kunit *test)
{
	struct rstmon_seg a, b2;
	struct rstmon_conn *ca, *cb;
	unsigned int b;
	u32 tag;
	int side = -1;

	rstmon_test_tuple(&a, 10, 1024, RSTMON_TEST_SYN);
	b = rstmon_conn_hash(&init_net, &a) & rstmon_hash_mask;
	tag = rstmon_hash_tag(rstmon_conn_hash(&init_net, &a));
	KUNIT_ASSERT_TRUE(test, rstmon_test_key(&b2, 40, b, tag, U32_MAX));
	KUNIT_ASSERT_EQ(test, rstmon_hash_tag(rstmon_conn_hash(&init_net, &b2)), tag);
	ca = rstmon_test_add(test, &a);
	cb = rstmon_test_add(test, &b2);
	rstmon_expect_link(test, b, 0, cb, true);
	rstmon_expect_link(test, b, 1, ca, false);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_find(&init_net, &a, &side), ca);
	KUNIT_EXPECT_EQ(test, side, RSTMON_ORIG);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_find(&init_net, &b2, &side), cb);
	swap(a.saddr, a.daddr);
	swap(a.sport, a.dport);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_find(&init_net, &a, &side), ca);
	KUNIT_EXPECT_EQ(test, side, RSTMON_RESP);
	rstmon_test_check_links(test);
}

/* @c's key, saved and put back around a case that forges it. */
struct rstmon_test_key_copy {
	__be32 addr_lo[2];
	__be32 addr_hi[2][3];
	__be16 port[2];
};

static void rstmon_test_key_save(struct rstmon_test_key_copy *k, const struct rstmon_conn *c)
{
	memcpy(k->addr_lo, c->addr_lo, sizeof(k->addr_lo));
	memcpy(k->addr_hi, c->addr_hi, sizeof(k->addr_hi));
	memcpy(k->port, c->port, sizeof(k->port));
}

static void rstmon_test_key_restore(struct rstmon_conn *c, const struct rstmon_test_key_copy *k)
{
	memcpy(c->addr_lo, k->addr_lo, sizeof(k->addr_lo));
	memcpy(c->addr_hi, k->addr_hi, sizeof(k->addr_hi));
	memcpy(c->port, k->port, sizeof(k->port));
}

/* Give @c the key of @seg (its sender the originator). */
static void rstmon_test_key_forge(struct rstmon_conn *c, const struct rstmon_seg *seg)
{
	rstmon_conn_set_addr(c, RSTMON_ORIG, &seg->saddr);
	rstmon_conn_set_addr(c, RSTMON_RESP, &seg->daddr);
	c->port[RSTMON_ORIG] = seg->sport;
	c->port[RSTMON_RESP] = seg->dport;
}

/*
 * A lookup reads an entry only when the link's tag matches.  Proved by a
 * forged entry: its key is made the looked-up one's while its link keeps
 * its own tag, so reading it would find it.  A miss on a chain of one
 * entry of another tag returns NULL (the entry unread), and a hit skips an
 * entry of another tag before its own.
 */
static void rstmon_conn_test_links_tag_skip(struct kunit *test)
{
	struct rstmon_test_key_copy saved;
	struct rstmon_seg a, k, m;
	struct rstmon_conn *ca, *cm;
	unsigned int b;
	u32 tag;

	rstmon_test_tuple(&a, 10, 1024, RSTMON_TEST_SYN);
	b = rstmon_conn_hash(&init_net, &a) & rstmon_hash_mask;
	tag = rstmon_hash_tag(rstmon_conn_hash(&init_net, &a));
	KUNIT_ASSERT_TRUE(test, rstmon_test_key(&k, 40, b, U32_MAX, tag));
	ca = rstmon_test_add(test, &a);
	rstmon_expect_link(test, b, 0, ca, false);

	/* A miss, another tag: NULL, even with @ca forged to its key. */
	KUNIT_EXPECT_NULL(test, rstmon_test_lookup(&k));
	rstmon_test_key_save(&saved, ca);
	rstmon_test_key_forge(ca, &k);
	KUNIT_EXPECT_NULL(test, rstmon_test_lookup(&k));
	rstmon_test_key_restore(ca, &saved);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup(&a), ca);

	/* A hit behind an entry of another tag: that one is skipped. */
	KUNIT_ASSERT_TRUE(test, rstmon_test_key(&m, 80, b, U32_MAX, tag));
	cm = rstmon_test_add(test, &m);
	rstmon_expect_link(test, b, 0, cm, true);
	rstmon_test_key_save(&saved, cm);
	rstmon_test_key_forge(cm, &a);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup(&a), ca);
	rstmon_test_key_restore(cm, &saved);
	KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup(&m), cm);
	rstmon_test_check_links(test);
}

static bool rstmon_test_match_odd_port(const struct rstmon_conn *c, const void *arg)
{
	return ntohs(c->port[RSTMON_ORIG]) & 1;
}

/*
 * Churn: creations up to the namespace's share and past it (evictions),
 * renewals of closed connections in place, a reap of every other entry
 * (GC's path) and expiry; after each, every link of the table is exact.
 */
static void rstmon_conn_test_links_churn(struct kunit *test)
{
	unsigned int i, created = 0, renewed = 0, evictions = 0, n;
	struct rstmon_seg seg;

	for (i = 0; i < 1500; i++) {
		enum rstmon_conn_err err = 0;
		bool evicted = false;
		struct rstmon_conn *c;
		int side = -1;

		rstmon_test_evict_reset();
		rstmon_test_tuple(&seg, 1 + i % 61, 1024 + i, RSTMON_TEST_SYN);
		c = rstmon_test_create(&seg, &side, &err, &evicted);
		created += !!c;
		evictions += evicted;
		if (c && i % 7 == 0) {
			struct rstmon_seg syn = seg;
			struct rstmon_conn *r = NULL;

			rstmon_test_set_state(c, RSTMON_ST_CLOSED);
			syn.seq += 0x10000;
			rcu_read_lock();
			if (rstmon_conn_reused(c, RSTMON_ORIG, &syn))
				r = rstmon_conn_renew(&init_net, &syn,
						      rstmon_conn_hash(&init_net, &syn), c,
						      RSTMON_DIR_IN, &side);
			rcu_read_unlock();
			KUNIT_EXPECT_NOT_NULL(test, r);
			KUNIT_EXPECT_PTR_NE(test, r, c);
			renewed += r && r != c;
			/* Until the grace period, @c is DEAD: not found. */
			KUNIT_EXPECT_PTR_EQ(test, rstmon_test_lookup(&syn), r);
		}
		if (i % 250 == 249)
			rstmon_test_check_links(test);
	}
	KUNIT_EXPECT_GT(test, evictions, 0U);
	KUNIT_EXPECT_GT(test, renewed, 0U);
	n = rstmon_test_check_links(test);
	KUNIT_EXPECT_EQ(test, n, (unsigned int)atomic_read(&rstmon_pernet(&init_net)->conns));

	/* Every other entry goes, anywhere in its chain. */
	for (i = 0; i <= rstmon_hash_mask; i++)
		rstmon_bucket_reap(i, rstmon_test_match_odd_port, NULL);
	KUNIT_EXPECT_LT(test, rstmon_test_check_links(test), n);
	/* Expiry (GC): half-open entries past syn_timeout, all of them. */
	KUNIT_EXPECT_GT(test, rstmon_test_reap_expired(jiffies + 1000 * HZ), 0U);
	KUNIT_EXPECT_EQ(test, rstmon_test_check_links(test), 0U);
	kunit_info(test, "%u created, %u renewed, %u evictions", created, renewed, evictions);
}

static struct kunit_case rstmon_conn_cases[] = {
	KUNIT_CASE(rstmon_conn_test_created),
	KUNIT_CASE(rstmon_conn_test_scaled_max),
	KUNIT_CASE_PARAM(rstmon_conn_test_create, rstmon_test_firsts_gen_params),
	KUNIT_CASE(rstmon_conn_test_lookup),
	KUNIT_CASE(rstmon_conn_test_key),
	KUNIT_CASE(rstmon_conn_test_create_existing),
	KUNIT_CASE(rstmon_conn_test_update_handshake),
	KUNIT_CASE(rstmon_conn_test_update_fin),
	KUNIT_CASE(rstmon_conn_test_update_data),
	KUNIT_CASE(rstmon_conn_test_update_segs),
	KUNIT_CASE(rstmon_conn_test_update_nxt),
	KUNIT_CASE(rstmon_conn_test_update_ttl),
	KUNIT_CASE(rstmon_conn_test_update_ipid),
	KUNIT_CASE(rstmon_conn_test_limit_full),
	KUNIT_CASE_PARAM(rstmon_conn_test_limit_evict, rstmon_test_evicts_gen_params),
	KUNIT_CASE(rstmon_conn_test_expiry),
	KUNIT_CASE(rstmon_conn_test_expiry_wrap),
	KUNIT_CASE(rstmon_conn_test_syn_timeout),
	KUNIT_CASE(rstmon_conn_test_gc_worker),
	KUNIT_CASE(rstmon_conn_test_tuple_reuse),
	KUNIT_CASE(rstmon_conn_test_race),
	KUNIT_CASE(rstmon_conn_test_after_rst_once),
	KUNIT_CASE(rstmon_conn_test_one_sided_expiry),
	KUNIT_CASE(rstmon_conn_test_netns_limit),
	KUNIT_CASE(rstmon_conn_test_evict_sweep),
	KUNIT_CASE(rstmon_conn_test_size),
	KUNIT_CASE(rstmon_conn_test_find_miss_side),
	KUNIT_CASE(rstmon_conn_test_net_del_flushes),
	KUNIT_CASE(rstmon_conn_test_links),
	KUNIT_CASE(rstmon_conn_test_links_same_tag),
	KUNIT_CASE(rstmon_conn_test_links_tag_skip),
	KUNIT_CASE(rstmon_conn_test_links_churn),
#ifdef RSTMON_HAVE_TCP_SEND_RESET_REASON
	KUNIT_CASE(rstmon_kreason_test_live_only),
#endif
	{}
};

static struct kunit_suite rstmon_conn_suite = {
	.name = "rstmon_conn",
	.suite_init = rstmon_test_table_init,
	.init = rstmon_test_case_init,
	.suite_exit = rstmon_test_table_exit,
	.exit = rstmon_test_case_exit,
	.test_cases = rstmon_conn_cases,
};

/* ------------------------------------------------------------------------ */
/* rstmon_classify                                                          */
/* ------------------------------------------------------------------------ */

/*
 * Scenarios: what a connection showed before its RST.  Each feeds @tc's
 * segments at times counted back from @now, when the RST comes.
 */

/* The originator's SYN, unanswered. */
static void rstmon_sc_syn(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_SYN, 0, now - HZ / 10);
}

/* A connection closed by both FINs 10 s ago, then a new SYN on its 4-tuple. */
static void rstmon_sc_reused_syn(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_established(tc, 100, 200, now - 10 * HZ);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_FIN, 0, now - 10 * HZ);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_FIN, 0, now - 10 * HZ);
	tc->nxt[RSTMON_ORIG] = RSTMON_TEST_ISN_O2;
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_SYN, 0, now);
}

/* Handshake, 100 bytes from the originator and 200 back. */
static void rstmon_sc_data(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_established(tc, 100, 200, now - HZ / 10);
}

/* ... then 50 more bytes from the originator. */
static void rstmon_sc_data_more(struct rstmon_tc *tc, u32 now)
{
	rstmon_sc_data(tc, now);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_PSH, 50, now);
}

/* ... then 30 more bytes from the originator. */
static void rstmon_sc_data_unanswered(struct rstmon_tc *tc, u32 now)
{
	rstmon_sc_data(tc, now);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_PSH, 30, now);
}

/* ... then the responder's FIN, and 50 more bytes from the originator. */
static void rstmon_sc_data_after_fin(struct rstmon_tc *tc, u32 now)
{
	rstmon_sc_data(tc, now);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_FIN, 0, now - HZ / 10);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_PSH, 50, now);
}

/*
 * ... then the originator's FIN (the client closed, say after a request it
 * no longer wanted the rest of), and 50 more bytes from the responder.
 */
static void rstmon_sc_data_after_client_fin(struct rstmon_tc *tc, u32 now)
{
	rstmon_sc_data(tc, now);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_FIN, 0, now - HZ / 10);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_PSH, 50, now);
}

/* ... then the responder's FIN, acknowledged, and a SYN inside the window. */
static void rstmon_sc_syn_after_fin(struct rstmon_tc *tc, u32 now)
{
	rstmon_sc_data(tc, now);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_FIN, 0, now - HZ / 10);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_ACK, 0, now - HZ / 10);
	tc->nxt[RSTMON_ORIG] += 10;	/* not new data */
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_SYN, 0, now);
}

/* ... then both FINs, the originator's last. */
static void rstmon_sc_both_fins(struct rstmon_tc *tc, u32 now)
{
	rstmon_sc_data(tc, now);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_FIN, 0, now - HZ / 10);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_FIN, 0, now);
}

/* ... then the originator's FIN (its socket in FIN_WAIT1). */
static void rstmon_sc_fin_wait1(struct rstmon_tc *tc, u32 now)
{
	rstmon_sc_data(tc, now);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_FIN, 0, now);
}

/* ... then the originator's FIN, acknowledged (its socket in FIN_WAIT2). */
static void rstmon_sc_fin_wait2(struct rstmon_tc *tc, u32 now)
{
	rstmon_sc_data(tc, now);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_FIN, 0, now - HZ / 10);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_ACK, 0, now - HZ / 10);
}

/* The same exchange, 3 s before. */
static void rstmon_sc_idle(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_established(tc, 100, 200, now - 3 * HZ);
}

/* ... then 10 more bytes from the originator. */
static void rstmon_sc_idle_then_data(struct rstmon_tc *tc, u32 now)
{
	rstmon_sc_idle(tc, now);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_PSH, 10, now);
}

/* Handshake, 100 bytes from the originator, then 300 back half a second before. */
static void rstmon_sc_resp_data(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_established(tc, 100, 0, now - HZ);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_PSH, 300, now - HZ / 2);
}

/* Handshake, 100 bytes, 300 back 1.5 s before, and the originator's ACK. */
static void rstmon_sc_resp_data_acked(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_established(tc, 100, 0, now - 3 * HZ / 2);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_PSH, 300, now - 3 * HZ / 2);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_ACK, 0, now);
}

/* The originator's SYN, ACK and data: the responder's side never seen. */
static void rstmon_sc_one_way(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_SYN, 0, now - HZ / 10);
	tc->nxt[RSTMON_RESP]++;		/* its SYN-ACK, not seen here */
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_ACK, 0, now - HZ / 10);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_PSH, 100, now - HZ / 10);
}

/* The handshake alone. */
static void rstmon_sc_handshake(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_established(tc, 0, 0, now - HZ / 10);
}

/* The originator's SYN, and the SYN-ACK just now. */
static void rstmon_sc_synack(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_SYN, 0, now - HZ / 10);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_SYNACK, 0, now);
}

/* SYN and SYN-ACK, and the handshake's ACK just now. */
static void rstmon_sc_handshake_ack(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_SYN, 0, now - HZ / 10);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_SYNACK, 0, now - HZ / 10);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_ACK, 0, now);
}

/* SYN and SYN-ACK, and a handshake ACK of what the responder never sent. */
static void rstmon_sc_handshake_bad_ack(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_SYN, 0, now - HZ / 10);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_SYNACK, 0, now - HZ / 10);
	rstmon_tc_feed(tc, RSTMON_ORIG, RSTMON_TEST_ACK, RSTMON_TEST_ISN_O + 1,
		       RSTMON_TEST_ISN_R + 1000, 0, now);
}

/* Picked up mid-stream: 100 bytes, 100 back, 100 more. */
static void rstmon_sc_midstream_data(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_PSH, 100, now);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_PSH, 100, now);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_PSH, 100, now);
}

/* Picked up mid-stream: an ACK each way, no data. */
static void rstmon_sc_midstream_acks(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_ACK, 0, now - HZ / 10);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_ACK, 0, now - HZ / 10);
	KUNIT_ASSERT_EQ(tc->test, rstmon_conn_cflags(tc->c), RSTMON_CF_MIDSTREAM);
}

/*
 * A NAT host's view of a DNAT connection (natinv.c): handshake and data,
 * translated; then, unless @stray is false, a segment of the responder far
 * beyond conntrack's window crossed untranslated (conntrack INVALID).
 */
static void rstmon_sc_nat_common(struct rstmon_tc *tc, u32 now, bool stray)
{
	u8 cf = RSTMON_CF_NAT;

	rstmon_sc_data(tc, now);
	if (stray) {
		rstmon_tc_feed(tc, RSTMON_RESP, RSTMON_TEST_PSH, tc->nxt[RSTMON_RESP] + 0x40000000,
			       tc->nxt[RSTMON_ORIG], 1, now);
		cf |= RSTMON_CF_UNTRANSLATED;
	}
	/* What rstmon_natinv_created() and rstmon_natinv_seg() set. */
	atomic_or(cf << RSTMON_B_CF_SHIFT, &tc->c->bits);
}

static void rstmon_sc_nat_stray(struct rstmon_tc *tc, u32 now)
{
	rstmon_sc_nat_common(tc, now, true);
}

static void rstmon_sc_nat(struct rstmon_tc *tc, u32 now)
{
	rstmon_sc_nat_common(tc, now, false);
}

/*
 * A client's view of that stray: the first segment ever seen from the
 * backend's real address, which made a mid-stream entry.
 */
static void rstmon_sc_stray(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_PSH, 1, now);
	KUNIT_ASSERT_EQ(tc->test, rstmon_conn_cflags(tc->c) & RSTMON_CF_MIDSTREAM,
			RSTMON_CF_MIDSTREAM);
}

/**
 * struct rstmon_test_rst - an RST of a test connection.
 * @side: its sender's side
 * @flags: RSTMON_TCP_ACK or 0 (RSTMON_TCP_RST is added)
 * @seq_nxt: @seq counts from the next sequence number of its sender
 * @ack_nxt: @ack counts from the next sequence number of its receiver
 * @seq: its sequence number
 * @ack: its acknowledgment number
 */
struct rstmon_test_rst {
	u8 side;
	u8 flags;
	bool seq_nxt;
	bool ack_nxt;
	u32 seq;
	u32 ack;
};

/* In sequence from @sd, without ACK: the stateless reply to a segment with ACK. */
#define RSTMON_RST_STATELESS(sd)	{ .side = (sd), .seq_nxt = true }

/* In sequence from @sd, acknowledging all the other side sent: an abort. */
#define RSTMON_RST_ABORT(sd)							\
	{ .side = (sd), .flags = RSTMON_TCP_ACK, .seq_nxt = true, .ack_nxt = true }

/* The stateless reply to the originator's SYN: sequence 0, acknowledging the SYN. */
#define RSTMON_RST_SYN_REPLY	{ .side = RSTMON_RESP, .flags = RSTMON_TCP_ACK, .ack_nxt = true }

static void rstmon_test_rst(const struct rstmon_tc *tc, const struct rstmon_test_rst *r,
			    struct rstmon_seg *rst)
{
	u32 seq = r->seq + (r->seq_nxt ? tc->nxt[r->side] : 0);
	u32 ack = r->ack + (r->ack_nxt ? tc->nxt[!r->side] : 0);

	rstmon_tc_rst(tc, r->side, r->flags, seq, ack, rst);
}

/**
 * struct rstmon_test_verdict - an RST and what rstmon_classify() says of it.
 * @name: the case's name in the KTAP output
 * @v6: the connection is IPv6 (else IPv4)
 * @build: its scenario, NULL if it was never tracked
 * @forget: its entry is gone when the RST comes (the RST is untracked)
 * @rst: the RST
 * @ctx: what the hook knew of the RST; its now and idle_threshold are set
 *	by the case
 * @at: when the RST comes, in jiffies after the scenario's now
 * @want: the verdict: sender, cause, confidence, evidence
 * @view: the event's state, sender's side, seqchk and FINs, if @view.check
 * @counts: its payload bytes and segments of sender and receiver, if
 *	@counts.check
 * @idle: its idle_ms, as jiffies, if @idle.check
 * @ttl_base: its ttl_base, if @ttl_base.check
 * @closed_first: its closed_first, if @closed_first.check
 *
 * Every case also checks the event's family and direction.
 */
struct rstmon_test_verdict {
	const char *name;
	bool v6;
	void (*build)(struct rstmon_tc *tc, u32 now);
	bool forget;
	struct rstmon_test_rst rst;
	struct rstmon_rst_ctx ctx;
	s32 at;
	struct {
		u8 sender;
		u8 cause;
		u8 confidence;
		u32 evidence;
	} want;
	struct {
		bool check;
		u8 state;
		u8 side;
		u8 seqchk;
		u8 fin;
	} view;
	struct {
		bool check;
		u32 sbytes;
		u32 rbytes;
		u16 ssegs;
		u16 rsegs;
	} counts;
	struct {
		bool check;
		u32 jiffies;
	} idle;
	struct {
		bool check;
		u8 ttl;
	} ttl_base;
	struct {
		bool check;
		u8 side;
	} closed_first;
};

#define RSTMON_WANT_VIEW(st, sd, sq, f)	.view = { true, (st), (sd), (sq), (f) }
#define RSTMON_WANT_COUNTS(sb, rb, ss, rs)	.counts = { true, (sb), (rb), (ss), (rs) }
#define RSTMON_WANT_IDLE(j)		.idle = { true, (j) }
#define RSTMON_WANT_TTL_BASE(t)		.ttl_base = { true, (t) }
#define RSTMON_WANT_CLOSED_FIRST(s)	.closed_first = { true, (s) }

static const struct rstmon_test_verdict rstmon_test_verdicts[] = {
	/* A gateway's refusal: zero hops from an address behind it. */
	{
		.name = "refused-in-zero-hop", .build = rstmon_sc_syn,
		.rst = RSTMON_RST_SYN_REPLY,
		.ctx = { .dir = RSTMON_DIR_IN, .zero_hop_gw = true },
		.want = { RSTMON_SENDER_MIDDLEBOX, RSTMON_CAUSE_REFUSED, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK | RSTMON_EV_ZERO_HOP },
	},
	{
		.name = "refused-in-zero-hop-untracked", .build = rstmon_sc_syn,
		.forget = true, .rst = RSTMON_RST_SYN_REPLY,
		.ctx = { .dir = RSTMON_DIR_IN, .zero_hop_gw = true },
		.want = { RSTMON_SENDER_MIDDLEBOX, RSTMON_CAUSE_REFUSED, RSTMON_CONF_SUSPECT,
			  RSTMON_EV_ACK | RSTMON_EV_ZERO_HOP },
	},
	/* The second of a burst whose numbers changed: forged. */
	{
		.name = "injected-in-burst", .build = rstmon_sc_data,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP),
		.ctx = { .dir = RSTMON_DIR_IN, .rst_burst = true },
		.want = { RSTMON_SENDER_MIDDLEBOX, RSTMON_CAUSE_INJECTED, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK | RSTMON_EV_RST_BURST },
	},
	/* Forwarded, one direction seen: said, and only suspected. */
	{
		.name = "one-way-fwd", .build = rstmon_sc_one_way,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_FWD, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_UNREAD_DATA, RSTMON_CONF_SUSPECT,
			  EV_TRACKED_ACK | RSTMON_EV_ONE_WAY },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, RSTMON_RESP, RSTMON_SEQ_NA, 0),
	},
	{	/* Received, the same RST: an endpoint sees both ways. */
		.name = "one-way-not-in", .build = rstmon_sc_one_way,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_UNREAD_DATA, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK },
	},
	/* Forwarded after the handshake with 6 bytes this host never saw
	 * (a flowtable carried them): not an accept-queue overflow.
	 */
	{
		.name = "bypassed-fwd", .build = rstmon_sc_handshake,
		.rst = { .side = RSTMON_RESP, .flags = RSTMON_TCP_ACK, .seq = 6,
			 .seq_nxt = true, .ack_nxt = true },
		.ctx = RSTMON_CTX(RSTMON_DIR_FWD, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_APP_ABORT, RSTMON_CONF_SUSPECT,
			  EV_TRACKED_ACK | RSTMON_EV_BYPASSED },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, RSTMON_RESP, RSTMON_SEQ_IN_WINDOW, 0),
	},
	{	/* ... or acknowledging 6 bytes of the originator never seen. */
		.name = "bypassed-fwd-ack", .build = rstmon_sc_handshake,
		.rst = { .side = RSTMON_RESP, .flags = RSTMON_TCP_ACK, .ack = 6,
			 .seq_nxt = true, .ack_nxt = true },
		.ctx = RSTMON_CTX(RSTMON_DIR_FWD, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_APP_ABORT, RSTMON_CONF_SUSPECT,
			  EV_TRACKED_ACK | RSTMON_EV_BYPASSED },
	},
	{	/* Conntrack says offloaded: silence proves no idle timeout. */
		.name = "offloaded-fwd-no-idle", .build = rstmon_sc_idle,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP),
		.ctx = { .dir = RSTMON_DIR_FWD, .offloaded = true },
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_APP_ABORT, RSTMON_CONF_SUSPECT,
			  EV_TRACKED_ACK | RSTMON_EV_BYPASSED },
	},
	{	/* The same RST received: the sender's silence counts. */
		.name = "bypassed-not-in", .build = rstmon_sc_handshake,
		.rst = { .side = RSTMON_RESP, .flags = RSTMON_TCP_ACK, .seq = 6,
			 .seq_nxt = true, .ack_nxt = true },
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_ACCEPT_OVERFLOW, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK },
	},
	/* refused, sent here: the stack's reply to a SYN, or a reject rule's. */
	{
		.name = "refused-out", .build = rstmon_sc_syn,
		.rst = RSTMON_RST_SYN_REPLY,
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_REFUSED, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_CTL_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_SYN_SENT, RSTMON_RESP, RSTMON_SEQ_NA, 0),
		RSTMON_WANT_COUNTS(0, 0, 0, 1),
		RSTMON_WANT_TTL_BASE(0),
	},
	{
		.name = "refused-out-reject-rule", .build = rstmon_sc_syn,
		.rst = RSTMON_RST_SYN_REPLY,
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_NOSOCK),
		.want = { RSTMON_SENDER_FIREWALL, RSTMON_CAUSE_REFUSED, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_NO_SOCKET },
	},
	{	/* A SYN never tracked (the rule dropped it before rstmon saw it). */
		.name = "refused-out-reject-rule-untracked", .build = rstmon_sc_syn,
		.forget = true, .rst = RSTMON_RST_SYN_REPLY,
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_NOSOCK),
		.want = { RSTMON_SENDER_FIREWALL, RSTMON_CAUSE_REFUSED, RSTMON_CONF_LIKELY,
			  RSTMON_EV_ACK | RSTMON_EV_NO_SOCKET },
		RSTMON_WANT_VIEW(0xff, 2, RSTMON_SEQ_NA, 0),
	},
	/* refused, received (and forwarded): the peer answered our SYN. */
	{
		.name = "refused-in", .build = rstmon_sc_syn,
		.rst = RSTMON_RST_SYN_REPLY,
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_REFUSED, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK },
		RSTMON_WANT_VIEW(RSTMON_ST_SYN_SENT, RSTMON_RESP, RSTMON_SEQ_NA, 0),
	},
	{
		.name = "refused-fwd", .build = rstmon_sc_syn,
		.rst = RSTMON_RST_SYN_REPLY,
		.ctx = RSTMON_CTX(RSTMON_DIR_FWD, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_REFUSED, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK },
	},
	{
		.name = "refused-in-ipv6", .v6 = true, .build = rstmon_sc_syn,
		.rst = RSTMON_RST_SYN_REPLY,
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_REFUSED, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK },
		RSTMON_WANT_VIEW(RSTMON_ST_SYN_SENT, RSTMON_RESP, RSTMON_SEQ_NA, 0),
	},
	{
		.name = "refused-fwd-ipv6", .v6 = true, .build = rstmon_sc_syn,
		.rst = RSTMON_RST_SYN_REPLY,
		.ctx = RSTMON_CTX(RSTMON_DIR_FWD, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_REFUSED, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK },
	},
	{	/* To a port nobody listens on any more: the RST answers the new SYN. */
		.name = "refused-in-reused-tuple", .build = rstmon_sc_reused_syn,
		.rst = RSTMON_RST_SYN_REPLY,
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_REFUSED, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK },
		RSTMON_WANT_VIEW(RSTMON_ST_SYN_SENT, RSTMON_RESP, RSTMON_SEQ_NA, 0),
	},
	/* no-connection, sent here: our socket is gone; the peer's data hit the stack. */
	{
		.name = "no-connection-out", .build = rstmon_sc_data_more,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_NO_CONNECTION, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_TRACKED | RSTMON_EV_CTL_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, RSTMON_RESP, RSTMON_SEQ_EXACT, 0),
		RSTMON_WANT_COUNTS(200, 150, 2, 4),
	},
	{	/* Picked up mid-stream: the same, and the side is unknown. */
		.name = "no-connection-out-midstream", .build = rstmon_sc_midstream_data,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_NO_CONNECTION, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_TRACKED | RSTMON_EV_MIDSTREAM | RSTMON_EV_CTL_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, 2, RSTMON_SEQ_EXACT, 0),
		RSTMON_WANT_COUNTS(100, 200, 1, 2),
	},
	{	/* Received: a stateless reply (no ACK) to our data. */
		.name = "no-connection-in", .build = rstmon_sc_data_more,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_NO_CONNECTION, RSTMON_CONF_LIKELY,
			  RSTMON_EV_TRACKED },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, RSTMON_RESP, RSTMON_SEQ_EXACT, 0),
		RSTMON_WANT_IDLE(HZ / 10),
	},
	/*
	 * nat-invalid on the NAT host: the client's stack answered the
	 * backend's untranslated segment; the RST crosses untranslated too.
	 * The stateless form, exactly at what the client sent: certain.
	 */
	{
		.name = "nat-invalid-fwd", .build = rstmon_sc_nat_stray,
		.rst = RSTMON_RST_STATELESS(RSTMON_ORIG),
		.ctx = { .dir = RSTMON_DIR_FWD, .untranslated = true },
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_NAT_INVALID, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_TRACKED | RSTMON_EV_UNTRANSLATED },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, RSTMON_ORIG, RSTMON_SEQ_EXACT, 0),
	},
	{
		.name = "nat-invalid-fwd-ipv6", .v6 = true, .build = rstmon_sc_nat_stray,
		.rst = RSTMON_RST_STATELESS(RSTMON_ORIG),
		.ctx = { .dir = RSTMON_DIR_FWD, .untranslated = true },
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_NAT_INVALID, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_TRACKED | RSTMON_EV_UNTRANSLATED },
	},
	{	/* With ACK, not the stateless form: likely. */
		.name = "nat-invalid-fwd-ack", .build = rstmon_sc_nat_stray,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = { .dir = RSTMON_DIR_FWD, .untranslated = true },
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_NAT_INVALID, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK | RSTMON_EV_UNTRANSLATED },
	},
	{	/* The RST itself translated (conntrack knew it): not this cause. */
		.name = "nat-stray-rst-translated-fwd", .build = rstmon_sc_nat_stray,
		.rst = RSTMON_RST_STATELESS(RSTMON_ORIG),
		.ctx = RSTMON_CTX(RSTMON_DIR_FWD, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_NO_CONNECTION, RSTMON_CONF_LIKELY,
			  RSTMON_EV_TRACKED },
	},
	{	/* No segment crossed untranslated: nothing to answer. */
		.name = "nat-no-stray-fwd", .build = rstmon_sc_nat,
		.rst = RSTMON_RST_STATELESS(RSTMON_ORIG),
		.ctx = { .dir = RSTMON_DIR_FWD, .untranslated = true },
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_NO_CONNECTION, RSTMON_CONF_LIKELY,
			  RSTMON_EV_TRACKED },
	},
	/* The client's own view: its stack answered a stray segment. */
	{
		.name = "no-connection-out-stray", .build = rstmon_sc_stray,
		.rst = RSTMON_RST_STATELESS(RSTMON_ORIG),
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_NO_CONNECTION, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_TRACKED | RSTMON_EV_MIDSTREAM | RSTMON_EV_CTL_SOCKET |
			  RSTMON_EV_STRAY },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, 2, RSTMON_SEQ_NA, 0),
	},
	{
		.name = "no-connection-out-stray-ipv6", .v6 = true, .build = rstmon_sc_stray,
		.rst = RSTMON_RST_STATELESS(RSTMON_ORIG),
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_NO_CONNECTION, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_TRACKED | RSTMON_EV_MIDSTREAM | RSTMON_EV_CTL_SOCKET |
			  RSTMON_EV_STRAY },
	},
	/* data-after-close: the peer's data reached a socket we had closed (our FIN). */
	{
		.name = "data-after-close-out", .build = rstmon_sc_data_after_fin,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_DATA_AFTER_CLOSE, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_TRACKED | RSTMON_EV_CTL_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_FIN_WAIT, RSTMON_RESP, RSTMON_SEQ_EXACT, 1),
		RSTMON_WANT_COUNTS(200, 150, 3, 4),
		/* The server closed first: the keep-alive race. */
		RSTMON_WANT_CLOSED_FIRST(RSTMON_SIDE_SERVER),
	},
	{	/* Received: we sent data after the peer's FIN. */
		.name = "data-after-close-in-ipv6", .v6 = true, .build = rstmon_sc_data_after_fin,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_DATA_AFTER_CLOSE, RSTMON_CONF_LIKELY,
			  RSTMON_EV_TRACKED },
		RSTMON_WANT_VIEW(RSTMON_ST_FIN_WAIT, RSTMON_RESP, RSTMON_SEQ_EXACT, 1),
		RSTMON_WANT_CLOSED_FIRST(RSTMON_SIDE_SERVER),
	},
	/* The other way round: the client closed while the server still sent. */
	{
		.name = "data-after-close-client-first-out",
		.build = rstmon_sc_data_after_client_fin,
		.rst = RSTMON_RST_STATELESS(RSTMON_ORIG),
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_DATA_AFTER_CLOSE, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_TRACKED | RSTMON_EV_CTL_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_FIN_WAIT, RSTMON_ORIG, RSTMON_SEQ_EXACT, 1),
		RSTMON_WANT_CLOSED_FIRST(RSTMON_SIDE_CLIENT),
	},
	{
		.name = "data-after-close-client-first-in-ipv6", .v6 = true,
		.build = rstmon_sc_data_after_client_fin,
		.rst = RSTMON_RST_STATELESS(RSTMON_ORIG),
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_DATA_AFTER_CLOSE, RSTMON_CONF_LIKELY,
			  RSTMON_EV_TRACKED },
		RSTMON_WANT_CLOSED_FIRST(RSTMON_SIDE_CLIENT),
	},
	{	/* Forwarded: the same. */
		.name = "data-after-close-client-first-fwd",
		.build = rstmon_sc_data_after_client_fin,
		.rst = RSTMON_RST_STATELESS(RSTMON_ORIG),
		.ctx = RSTMON_CTX(RSTMON_DIR_FWD, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_DATA_AFTER_CLOSE, RSTMON_CONF_LIKELY,
			  RSTMON_EV_TRACKED },
		RSTMON_WANT_CLOSED_FIRST(RSTMON_SIDE_CLIENT),
	},
	/* unread-data: close() with received data unread resets from the full socket. */
	{
		.name = "unread-data-out", .build = rstmon_sc_data,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = RSTMON_CTX_SOCK(TCP_CLOSE, SHUTDOWN_MASK, false, false),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_UNREAD_DATA, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, RSTMON_ORIG, RSTMON_SEQ_EXACT, 0),
		RSTMON_WANT_COUNTS(100, 200, 3, 2),
		/* Only data after close says who closed first. */
		RSTMON_WANT_CLOSED_FIRST(RSTMON_SIDE_UNKNOWN),
	},
	{	/* Received: an abort (RST with ACK) after our data. */
		.name = "unread-data-in", .build = rstmon_sc_data_unanswered,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_UNREAD_DATA, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK },
		RSTMON_WANT_COUNTS(200, 130, 2, 4),
	},
	/* linger-abort: SO_LINGER 0 close(), from the full socket. */
	{
		.name = "linger-abort-out", .build = rstmon_sc_data,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP),
		.ctx = RSTMON_CTX_SOCK(TCP_CLOSE, SHUTDOWN_MASK, false, true),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_LINGER_ABORT, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_SOCKET },
	},
	{	/* Received: an abort less than a second after its own data. */
		.name = "linger-abort-in", .build = rstmon_sc_resp_data,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_LINGER_ABORT, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK },
		RSTMON_WANT_IDLE(HZ / 2),
	},
	/* app-abort: SOCK_DESTROY (ECONNABORTED), and connect(AF_UNSPEC). */
	{
		.name = "app-abort-out-sock-destroy", .build = rstmon_sc_data,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = { .dir = RSTMON_DIR_OUT, .origin = RSTMON_ORIGIN_FULLSOCK,
			 .sock_state = TCP_ESTABLISHED, .sock_err = ECONNABORTED },
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_APP_ABORT, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_SOCKET },
	},
	{	/* tcp_disconnect() without close(): TCP_CLOSE, shutdown untouched. */
		.name = "app-abort-out-disconnect", .build = rstmon_sc_data,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = RSTMON_CTX_SOCK(TCP_CLOSE, 0, false, false),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_APP_ABORT, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_SOCKET },
	},
	{
		.name = "app-abort-out-disconnect-linger0", .build = rstmon_sc_data,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = RSTMON_CTX_SOCK(TCP_CLOSE, SEND_SHUTDOWN, false, true),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_APP_ABORT, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_SOCKET },
	},
	{	/* Received: an abort a second or more after its own data. */
		.name = "app-abort-in", .build = rstmon_sc_resp_data_acked,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_APP_ABORT, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK },
		RSTMON_WANT_IDLE(3 * HZ / 2),
	},
	/* abandoned, sent by a full socket: an abort before any data either way. */
	{
		.name = "abandoned-out-linger0", .build = rstmon_sc_handshake,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = RSTMON_CTX_SOCK(TCP_CLOSE, SHUTDOWN_MASK, false, true),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_ABANDONED, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, RSTMON_ORIG, RSTMON_SEQ_EXACT, 0),
		RSTMON_WANT_COUNTS(0, 0, 2, 1),
	},
	{	/* ... and ss -K before any data. */
		.name = "abandoned-out-sock-destroy", .build = rstmon_sc_handshake,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = { .dir = RSTMON_DIR_OUT, .origin = RSTMON_ORIGIN_FULLSOCK,
			 .sock_state = TCP_ESTABLISHED, .sock_err = ECONNABORTED },
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_ABANDONED, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_SOCKET },
	},
	{	/* Sent by the stack: our connect() was given up before the SYN-ACK. */
		.name = "abandoned-out-ctl-socket", .build = rstmon_sc_synack,
		.rst = RSTMON_RST_STATELESS(RSTMON_ORIG),
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_ABANDONED, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_TRACKED | RSTMON_EV_CTL_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_SYN_RECV, RSTMON_ORIG, RSTMON_SEQ_EXACT, 0),
		RSTMON_WANT_COUNTS(0, 0, 1, 1),
	},
	{	/* Sent by the stack: a SYN-ACK acknowledging 100000 bytes past our
		 * SYN, answered by our SYN_SENT socket (kcauses.sh forges one).
		 */
		.name = "bad-segment-out-synsent", .build = rstmon_sc_synack,
		.rst = { .side = RSTMON_ORIG, .seq = RSTMON_TEST_ISN_O + 1 + 100000 },
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_BAD_SEGMENT, RSTMON_CONF_LIKELY,
			  RSTMON_EV_TRACKED | RSTMON_EV_CTL_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_SYN_RECV, RSTMON_ORIG, RSTMON_SEQ_OUT_OF_WINDOW, 0),
	},
	{	/* Received: the originator reset right after the handshake. */
		.name = "abandoned-in", .build = rstmon_sc_handshake,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_ABANDONED, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, RSTMON_ORIG, RSTMON_SEQ_EXACT, 0),
	},
	/*
	 * accept-overflow, sent here: we had only sent our SYN-ACK, and the
	 * request socket reset the peer's acceptable handshake ACK; an
	 * unacceptable one is bad-segment.
	 */
	{
		.name = "accept-overflow-out", .build = rstmon_sc_handshake_ack,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_ACCEPT_OVERFLOW, RSTMON_CONF_LIKELY,
			  RSTMON_EV_TRACKED | RSTMON_EV_CTL_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, RSTMON_RESP, RSTMON_SEQ_EXACT, 0),
		RSTMON_WANT_COUNTS(0, 0, 1, 2),
	},
	{	/* 999 bytes on, inside the window of 1000 << 7. */
		.name = "bad-segment-out", .build = rstmon_sc_handshake_bad_ack,
		.rst = { .side = RSTMON_RESP, .seq = RSTMON_TEST_ISN_R + 1000 },
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_BAD_SEGMENT, RSTMON_CONF_LIKELY,
			  RSTMON_EV_TRACKED | RSTMON_EV_CTL_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, RSTMON_RESP, RSTMON_SEQ_IN_WINDOW, 0),
	},
	{	/* Received: the responder reset right after the handshake. */
		.name = "accept-overflow-in", .build = rstmon_sc_handshake,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_ACCEPT_OVERFLOW, RSTMON_CONF_LIKELY,
			  RSTMON_EV_TRACKED },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, RSTMON_RESP, RSTMON_SEQ_EXACT, 0),
	},
	/*
	 * time-wait, sent here: after our FIN (our FIN_WAIT2 socket), a SYN
	 * inside the window, not new data.
	 */
	{
		.name = "time-wait-out", .build = rstmon_sc_syn_after_fin,
		.rst = RSTMON_RST_SYN_REPLY,
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_TIME_WAIT, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK | RSTMON_EV_CTL_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_FIN_WAIT, RSTMON_RESP, RSTMON_SEQ_OUT_OF_WINDOW, 1),
	},
	{	/* Received: after the sender's FIN, and not for our new data. */
		.name = "time-wait-in", .build = rstmon_sc_both_fins,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_TIME_WAIT, RSTMON_CONF_LIKELY,
			  RSTMON_EV_TRACKED },
		RSTMON_WANT_VIEW(RSTMON_ST_CLOSING, RSTMON_RESP, RSTMON_SEQ_EXACT, 3),
		/* Payload only: SYN and FIN are not counted. */
		RSTMON_WANT_COUNTS(200, 100, 3, 4),
	},
	/* memory: an orphan reset by tcp_check_oom() or tcp_out_of_resources(). */
	{
		.name = "memory-out", .build = rstmon_sc_data,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = RSTMON_CTX_SOCK(TCP_CLOSE, SHUTDOWN_MASK, true, false),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_MEMORY, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_SOCKET },
	},
	{	/* An orphan in FIN_WAIT1. */
		.name = "memory-out-fin-wait1", .build = rstmon_sc_fin_wait1,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = RSTMON_CTX_SOCK(TCP_FIN_WAIT1, SHUTDOWN_MASK, true, false),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_MEMORY, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_FIN_WAIT, RSTMON_ORIG, RSTMON_SEQ_EXACT, 1),
	},
	/* timeout: an orphan in FIN_WAIT2, keepalive probes exhausted. */
	{
		.name = "timeout-out-fin-wait2", .build = rstmon_sc_fin_wait2,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = RSTMON_CTX_SOCK(TCP_FIN_WAIT2, SHUTDOWN_MASK, true, false),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_TIMEOUT, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_SOCKET },
	},
	{
		.name = "timeout-out-keepalive", .build = rstmon_sc_data,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = { .dir = RSTMON_DIR_OUT, .origin = RSTMON_ORIGIN_FULLSOCK,
			 .sock_state = TCP_ESTABLISHED, .sock_keepalive_done = true },
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_TIMEOUT, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_SOCKET },
	},
	/* idle-timeout, sent by a reject rule after silence; otherwise no-connection. */
	{
		.name = "idle-timeout-out", .build = rstmon_sc_idle,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_NOSOCK),
		.want = { RSTMON_SENDER_FIREWALL, RSTMON_CAUSE_IDLE_TIMEOUT, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_TRACKED | RSTMON_EV_NO_SOCKET | RSTMON_EV_IDLE },
		RSTMON_WANT_IDLE(3 * HZ),
	},
	{	/* Below the threshold and its floor (a tenth of it): module/idle.h. */
		.name = "no-connection-out-below-idle", .build = rstmon_sc_idle,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_NOSOCK),
		.at = -3 * HZ + RSTMON_TEST_IDLE / 10 - 1,
		.want = { RSTMON_SENDER_FIREWALL, RSTMON_CAUSE_NO_CONNECTION, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_TRACKED | RSTMON_EV_NO_SOCKET },
	},
	{	/* Below the threshold, past this namespace's conntrack timeout. */
		.name = "idle-timeout-out-conntrack", .build = rstmon_sc_idle,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP),
		.ctx = { .dir = RSTMON_DIR_OUT, .origin = RSTMON_ORIGIN_NOSOCK,
			 .ct_established = HZ },
		.at = -3 * HZ + HZ + HZ / 2,
		.want = { RSTMON_SENDER_FIREWALL, RSTMON_CAUSE_IDLE_TIMEOUT, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_TRACKED | RSTMON_EV_NO_SOCKET },
	},
	{	/* ... not before it. */
		.name = "no-connection-out-below-conntrack", .build = rstmon_sc_idle,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP),
		.ctx = { .dir = RSTMON_DIR_OUT, .origin = RSTMON_ORIGIN_NOSOCK,
			 .ct_established = 2 * HZ },
		.at = -3 * HZ + HZ / 10,
		.want = { RSTMON_SENDER_FIREWALL, RSTMON_CAUSE_NO_CONNECTION, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_TRACKED | RSTMON_EV_NO_SOCKET },
	},
	{	/* Below the threshold, well above the connection's rhythm. */
		.name = "idle-timeout-out-rhythm", .build = rstmon_sc_idle,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_NOSOCK),
		.at = -3 * HZ + HZ,
		.want = { RSTMON_SENDER_FIREWALL, RSTMON_CAUSE_IDLE_TIMEOUT, RSTMON_CONF_LIKELY,
			  RSTMON_EV_TRACKED | RSTMON_EV_NO_SOCKET },
	},
	{	/* Received: the sender had been silent for idle_threshold. */
		.name = "idle-timeout-in", .build = rstmon_sc_idle_then_data,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_IDLE_TIMEOUT, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK | RSTMON_EV_IDLE },
		RSTMON_WANT_IDLE(3 * HZ),
	},
	{	/* Exactly at the threshold is enough. */
		.name = "idle-timeout-in-at-threshold", .build = rstmon_sc_idle_then_data,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.at = -3 * HZ + RSTMON_TEST_IDLE,
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_IDLE_TIMEOUT, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK | RSTMON_EV_IDLE },
	},
	/* injected: a local raw socket forged it. */
	{
		.name = "injected-out", .build = rstmon_sc_data,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_RAWSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_INJECTED, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_RAW_SOCKET },
	},
	{
		.name = "injected-out-untracked", .build = rstmon_sc_data, .forget = true,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_RAWSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_INJECTED, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_ACK | RSTMON_EV_RAW_SOCKET },
	},
	/*
	 * Picked up mid-stream, "no data either way" is unknown: an abort is
	 * not read as abandoned (nor, received, as accept-overflow).
	 */
	{
		.name = "linger-abort-out-midstream", .build = rstmon_sc_midstream_acks,
		.rst = RSTMON_RST_ABORT(RSTMON_ORIG),
		.ctx = RSTMON_CTX_SOCK(TCP_CLOSE, SHUTDOWN_MASK, false, true),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_LINGER_ABORT, RSTMON_CONF_CERTAIN,
			  EV_TRACKED_ACK | RSTMON_EV_MIDSTREAM | RSTMON_EV_SOCKET },
		RSTMON_WANT_VIEW(RSTMON_ST_ESTABLISHED, 2, RSTMON_SEQ_EXACT, 0),
	},
	{
		.name = "app-abort-in-midstream", .build = rstmon_sc_midstream_acks,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP),
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_APP_ABORT, RSTMON_CONF_LIKELY,
			  EV_TRACKED_ACK | RSTMON_EV_MIDSTREAM },
	},
	/* Untracked, received: only "answers a SYN" can be told, as a suspicion. */
	{
		.name = "refused-in-untracked",
		.rst = { .side = RSTMON_RESP, .flags = RSTMON_TCP_ACK, .ack = 12345 },
		.ctx = RSTMON_CTX(RSTMON_DIR_IN, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_REFUSED, RSTMON_CONF_SUSPECT,
			  RSTMON_EV_ACK },
		RSTMON_WANT_VIEW(0xff, 2, RSTMON_SEQ_NA, 0),
		RSTMON_WANT_COUNTS(0, 0, 0, 0),
		RSTMON_WANT_IDLE(0),
		RSTMON_WANT_TTL_BASE(0),
	},
	{
		.name = "unknown-fwd-untracked",
		.rst = { .side = RSTMON_RESP, .seq = 5555 },
		.ctx = RSTMON_CTX(RSTMON_DIR_FWD, RSTMON_ORIGIN_NONE),
		.want = { RSTMON_SENDER_PEER, RSTMON_CAUSE_UNKNOWN, RSTMON_CONF_SUSPECT, 0 },
	},
	/* Untracked, sent here: what the origin proves still holds. */
	{
		.name = "refused-out-untracked-ipv6", .v6 = true,
		.rst = { .side = RSTMON_RESP, .flags = RSTMON_TCP_ACK, .ack = 12345 },
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_REFUSED, RSTMON_CONF_LIKELY,
			  RSTMON_EV_ACK | RSTMON_EV_CTL_SOCKET },
		RSTMON_WANT_VIEW(0xff, 2, RSTMON_SEQ_NA, 0),
	},
	{
		.name = "no-connection-out-untracked-ipv6", .v6 = true,
		.rst = { .side = RSTMON_RESP, .seq = 5555 },
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_CTLSOCK),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_NO_CONNECTION, RSTMON_CONF_LIKELY,
			  RSTMON_EV_CTL_SOCKET },
	},
	{
		.name = "no-connection-out-reject-rule-untracked-ipv6", .v6 = true,
		.rst = { .side = RSTMON_RESP, .seq = 5555 },
		.ctx = RSTMON_CTX(RSTMON_DIR_OUT, RSTMON_ORIGIN_NOSOCK),
		.want = { RSTMON_SENDER_FIREWALL, RSTMON_CAUSE_NO_CONNECTION, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_NO_SOCKET },
	},
	{
		.name = "linger-abort-out-untracked-ipv6", .v6 = true,
		.rst = { .side = RSTMON_RESP, .flags = RSTMON_TCP_ACK, .seq = 5555, .ack = 777 },
		.ctx = RSTMON_CTX_SOCK(TCP_CLOSE, SHUTDOWN_MASK, false, true),
		.want = { RSTMON_SENDER_LOCAL, RSTMON_CAUSE_LINGER_ABORT, RSTMON_CONF_CERTAIN,
			  RSTMON_EV_ACK | RSTMON_EV_SOCKET },
	},
};

KUNIT_ARRAY_PARAM_DESC(rstmon_test_verdicts, rstmon_test_verdicts, name);

/*
 * rstmon_classify() for every cause of the rules in Documentation/rstmon.rst:
 * the scenario's segments fed through the table, then the RST classified
 * with the entry and side the table gives for it.
 */
static void rstmon_classify_test_verdict(struct kunit *test)
{
	const struct rstmon_test_verdict *v = test->param_value;
	struct rstmon_rst_ctx x;
	struct rstmon_event ev;
	struct rstmon_seg rst;
	struct rstmon_tc tc;
	u32 now = jiffies;

	rstmon_tc_init(&tc, test, v->v6 ? AF_INET6 : AF_INET);
	if (v->build)
		v->build(&tc, now);
	if (v->forget) {
		rstmon_test_reap_all();
		tc.c = NULL;
	}
	rstmon_test_rst(&tc, &v->rst, &rst);
	rstmon_ctx(&x, &v->ctx, now + v->at);
	rstmon_tc_classify(&tc, &rst, &x, &ev);

	rstmon_expect_class(test, &ev, v->want.sender, v->want.cause, v->want.confidence,
			    v->want.evidence);
	KUNIT_EXPECT_EQ(test, ev.family, tc.family);
	KUNIT_EXPECT_EQ(test, ev.dir, x.dir);
	if (v->view.check)
		rstmon_expect_view(test, &ev, v->view.state, v->view.side, v->view.seqchk,
				   v->view.fin);
	if (v->counts.check)
		rstmon_expect_counts(test, &ev, v->counts.sbytes, v->counts.rbytes,
				     v->counts.ssegs, v->counts.rsegs);
	if (v->idle.check)
		KUNIT_EXPECT_EQ(test, ev.idle_ms, jiffies_to_msecs(v->idle.jiffies));
	if (v->ttl_base.check)
		KUNIT_EXPECT_EQ(test, ev.ttl_base, v->ttl_base.ttl);
	if (v->closed_first.check)
		KUNIT_EXPECT_EQ(test, ev.closed_first, v->closed_first.side);
}

/*
 * The cases below look at one part of the event (a piece of evidence, a
 * field) rather than at the whole verdict, often for RSTs that differ in one
 * field: the responder's abort, in sequence, is where most of them start.
 */
static const struct rstmon_test_rst rstmon_test_resp_abort = RSTMON_RST_ABORT(RSTMON_RESP);

/* An ACK of anything but our SYN does not answer it. */
static void rstmon_classify_test_refused_other_ack(struct kunit *test)
{
	static const u8 families[] = { AF_INET, AF_INET6 };
	struct rstmon_rst_ctx x;
	struct rstmon_event ev;
	struct rstmon_seg rst;
	struct rstmon_tc tc;
	unsigned int i;
	u32 now = jiffies;

	for (i = 0; i < ARRAY_SIZE(families); i++) {
		rstmon_tc_init(&tc, test, families[i]);
		rstmon_sc_syn(&tc, now);
		rstmon_tc_rst(&tc, RSTMON_RESP, RSTMON_TCP_ACK, 0, RSTMON_TEST_ISN_O + 2, &rst);
		rstmon_ctx(&x, &rstmon_test_fwd, now);
		rstmon_tc_classify(&tc, &rst, &x, &ev);
		KUNIT_EXPECT_NE(test, ev.cause, RSTMON_CAUSE_REFUSED);
		rstmon_test_reap_all();
	}
}

/* middlebox: the RST's TTL is not what its claimed sender showed. */
static void rstmon_classify_test_middlebox_in(struct kunit *test)
{
	struct rstmon_rst_ctx x;
	struct rstmon_event ev;
	struct rstmon_seg rst;
	struct rstmon_tc tc;
	u32 now = jiffies;

	rstmon_tc_init(&tc, test, AF_INET);
	rstmon_tc_established(&tc, 200, 100, now - HZ / 10);
	rstmon_test_rst(&tc, &rstmon_test_resp_abort, &rst);
	rstmon_ctx(&x, &rstmon_test_in, now);

	rstmon_tc_classify(&tc, &rst, &x, &ev);
	rstmon_expect_class(test, &ev, RSTMON_SENDER_PEER, RSTMON_CAUSE_LINGER_ABORT,
			    RSTMON_CONF_LIKELY, EV_TRACKED_ACK);
	KUNIT_EXPECT_EQ(test, ev.ttl, RSTMON_TEST_TTL_R);
	KUNIT_EXPECT_EQ(test, ev.ttl_base, RSTMON_TEST_TTL_R);

	rst.ttl = RSTMON_TEST_TTL_R + 9;
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	rstmon_expect_class(test, &ev, RSTMON_SENDER_MIDDLEBOX, RSTMON_CAUSE_LINGER_ABORT,
			    RSTMON_CONF_LIKELY, EV_TRACKED_ACK | RSTMON_EV_TTL_MISMATCH);
	KUNIT_EXPECT_EQ(test, ev.ttl, RSTMON_TEST_TTL_R + 9);
	KUNIT_EXPECT_EQ(test, ev.ttl_base, RSTMON_TEST_TTL_R);

	/* A sender whose TTL already varied proves nothing. */
	tc.ttl[RSTMON_RESP] = RSTMON_TEST_TTL_R - 1;
	rstmon_tc_send(&tc, RSTMON_RESP, RSTMON_TEST_ACK, 0, now - HZ / 10);
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	KUNIT_EXPECT_EQ(test, ev.sender, RSTMON_SENDER_PEER);
	KUNIT_EXPECT_FALSE(test, ev.evidence & RSTMON_EV_TTL_MISMATCH);
}

/*
 * Payload and an out-of-window sequence are signs of forgery, not proof:
 * one alone changes nothing; with a second sign (the other, or a TTL that
 * is not the sender's) the RST is taken as injected.  A TTL and an IPv4 ID
 * that both differ are a middlebox that keeps its cause.
 */
static void rstmon_classify_test_forgery_signs(struct kunit *test)
{
	const u32 win = RSTMON_TEST_WIN << RSTMON_TEST_WSCALE;
	struct rstmon_rst_ctx x;
	struct rstmon_event ev;
	struct rstmon_seg rst;
	struct rstmon_tc tc;
	u32 now = jiffies;

	rstmon_tc_init(&tc, test, AF_INET);
	rstmon_tc_established(&tc, 200, 100, now - HZ / 10);
	rstmon_ctx(&x, &rstmon_test_in, now);

	rstmon_test_rst(&tc, &rstmon_test_resp_abort, &rst);
	rst.payload = 20;
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	rstmon_expect_class(test, &ev, RSTMON_SENDER_PEER, RSTMON_CAUSE_LINGER_ABORT,
			    RSTMON_CONF_LIKELY, EV_TRACKED_ACK | RSTMON_EV_PAYLOAD);

	rst.ttl = RSTMON_TEST_TTL_R + 1;
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	rstmon_expect_class(test, &ev, RSTMON_SENDER_MIDDLEBOX, RSTMON_CAUSE_INJECTED,
			    RSTMON_CONF_SUSPECT,
			    EV_TRACKED_ACK | RSTMON_EV_PAYLOAD | RSTMON_EV_TTL_MISMATCH);

	rstmon_test_rst(&tc, &rstmon_test_resp_abort, &rst);
	rst.seq += win + 10;
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	KUNIT_EXPECT_EQ(test, ev.seqchk, RSTMON_SEQ_OUT_OF_WINDOW);
	KUNIT_EXPECT_EQ(test, ev.sender, RSTMON_SENDER_PEER);
	KUNIT_EXPECT_NE(test, ev.cause, RSTMON_CAUSE_INJECTED);

	rst.payload = 1;
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	rstmon_expect_class(test, &ev, RSTMON_SENDER_MIDDLEBOX, RSTMON_CAUSE_INJECTED,
			    RSTMON_CONF_SUSPECT, EV_TRACKED_ACK | RSTMON_EV_PAYLOAD);

	rst.payload = 0;
	rst.ttl = RSTMON_TEST_TTL_R + 1;
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	rstmon_expect_class(test, &ev, RSTMON_SENDER_MIDDLEBOX, RSTMON_CAUSE_INJECTED,
			    RSTMON_CONF_SUSPECT, EV_TRACKED_ACK | RSTMON_EV_TTL_MISMATCH);

	/* In window, TTL and zero hops: a middlebox resetting, not a forger. */
	rstmon_test_rst(&tc, &rstmon_test_resp_abort, &rst);
	rst.ttl = RSTMON_TEST_TTL_R + 1;
	x.zero_hop_gw = true;
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	rstmon_expect_class(test, &ev, RSTMON_SENDER_MIDDLEBOX, RSTMON_CAUSE_LINGER_ABORT,
			    RSTMON_CONF_LIKELY,
			    EV_TRACKED_ACK | RSTMON_EV_TTL_MISMATCH | RSTMON_EV_ZERO_HOP);
}

/* Hops from the nearest usual initial TTL at or above the one seen. */
static void rstmon_classify_test_ttl_hops(struct kunit *test)
{
	static const struct {
		u8 ttl;
		unsigned int hops;
	} rows[] = {
		{ 255, 0 }, { 254, 1 }, { 129, 126 }, { 128, 0 }, { 127, 1 }, { 65, 63 },
		{ 64, 0 }, { 63, 1 }, { 33, 31 }, { 32, 0 }, { 1, 31 }, { 0, 32 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		KUNIT_EXPECT_EQ_MSG(test, rstmon_ttl_hops(rows[i].ttl), rows[i].hops,
				    "ttl %u", rows[i].ttl);
}

/* An IPv4 ID off an incrementing sender's pattern is recorded. */
static void rstmon_classify_test_ipid_mismatch_in(struct kunit *test)
{
	struct rstmon_rst_ctx x;
	struct rstmon_event ev;
	struct rstmon_seg rst;
	struct rstmon_tc tc;
	u32 now = jiffies;

	rstmon_tc_init(&tc, test, AF_INET);
	rstmon_tc_established(&tc, 200, 100, now - HZ / 10);
	rstmon_tc_send(&tc, RSTMON_RESP, RSTMON_TEST_ACK, 0, now - HZ / 10);
	KUNIT_ASSERT_EQ(test, rstmon_ipid_mode_of(tc.c, RSTMON_RESP), RSTMON_IPID_INCR);
	rstmon_test_rst(&tc, &rstmon_test_resp_abort, &rst);
	rstmon_ctx(&x, &rstmon_test_in, now);

	rstmon_tc_classify(&tc, &rst, &x, &ev);	/* the next ID */
	KUNIT_EXPECT_FALSE(test, ev.evidence & RSTMON_EV_IPID_MISMATCH);
	rst.ipid = 0;	/* a stateless reply with DF */
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	KUNIT_EXPECT_FALSE(test, ev.evidence & RSTMON_EV_IPID_MISMATCH);
	KUNIT_EXPECT_EQ(test, ev.sender, RSTMON_SENDER_PEER);
	rst.ipid = tc.ipid[RSTMON_RESP] + 5000;
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	KUNIT_EXPECT_TRUE(test, ev.evidence & RSTMON_EV_IPID_MISMATCH);
	KUNIT_EXPECT_EQ(test, ev.sender, RSTMON_SENDER_MIDDLEBOX);
	KUNIT_EXPECT_NE(test, ev.cause, RSTMON_CAUSE_INJECTED);

	/* A side whose IDs were all zero, and an RST with one. */
	rstmon_test_reap_all();
	rstmon_tc_init(&tc, test, AF_INET);
	tc.ipid[RSTMON_RESP] = 0;
	tc.ipid_zero[RSTMON_RESP] = true;
	rstmon_tc_established(&tc, 200, 100, now - HZ / 10);
	rstmon_tc_send(&tc, RSTMON_RESP, RSTMON_TEST_ACK, 0, now - HZ / 10);
	KUNIT_ASSERT_EQ(test, rstmon_ipid_mode_of(tc.c, RSTMON_RESP), RSTMON_IPID_ZERO);
	rstmon_test_rst(&tc, &rstmon_test_resp_abort, &rst);
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	KUNIT_EXPECT_FALSE(test, ev.evidence & RSTMON_EV_IPID_MISMATCH);
	rst.ipid = 4321;
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	KUNIT_EXPECT_TRUE(test, ev.evidence & RSTMON_EV_IPID_MISMATCH);
	KUNIT_EXPECT_EQ(test, ev.sender, RSTMON_SENDER_MIDDLEBOX);
}

/* What an event carries besides the verdict. */
static void rstmon_classify_test_event_fields(struct kunit *test)
{
	struct rstmon_rst_ctx x;
	struct rstmon_event ev;
	struct rstmon_seg rst;
	struct rstmon_tc tc;
	u32 now = jiffies;

	rstmon_tc_init(&tc, test, AF_INET6);
	rstmon_sc_data(&tc, now);
	tc.c->first[RSTMON_ORIG] = now - 5 * HZ;
	rstmon_test_set_sflags(tc.c, RSTMON_RESP, RSTMON_SF_RST);
	rstmon_test_rst(&tc, &rstmon_test_resp_abort, &rst);
	rst.payload = 8;
	rstmon_ctx(&x, &rstmon_test_in, now);
	x.kreason = 3;

	rstmon_tc_classify(&tc, &rst, &x, &ev);
	KUNIT_EXPECT_EQ(test, ev.id, 0ULL);
	KUNIT_EXPECT_EQ(test, ev.tstamp, 0ULL);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ev.src, &tc.addr[RSTMON_RESP]));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ev.dst, &tc.addr[RSTMON_ORIG]));
	KUNIT_EXPECT_EQ(test, ev.sport, tc.port[RSTMON_RESP]);
	KUNIT_EXPECT_EQ(test, ev.dport, tc.port[RSTMON_ORIG]);
	KUNIT_EXPECT_EQ(test, ev.seq, tc.nxt[RSTMON_RESP]);
	KUNIT_EXPECT_EQ(test, ev.ack, tc.nxt[RSTMON_ORIG]);
	KUNIT_EXPECT_EQ(test, ev.family, AF_INET6);
	KUNIT_EXPECT_EQ(test, ev.dir, RSTMON_DIR_IN);
	KUNIT_EXPECT_EQ(test, ev.kreason, 3);
	KUNIT_EXPECT_EQ(test, ev.idle_ms, jiffies_to_msecs(HZ / 10));
	KUNIT_EXPECT_EQ(test, ev.age_ms, 5000U);
	KUNIT_EXPECT_TRUE(test, ev.evidence & RSTMON_EV_PAYLOAD);
	KUNIT_EXPECT_TRUE(test, ev.evidence & RSTMON_EV_REPEATED);
	KUNIT_EXPECT_TRUE(test, ev.evidence & RSTMON_EV_TRACKED);
	rstmon_expect_view(test, &ev, RSTMON_ST_ESTABLISHED, RSTMON_RESP, RSTMON_SEQ_EXACT, 0);
	rstmon_expect_counts(test, &ev, 200, 100, 2, 3);

	/* FIN times: the sender's 3 s before the RST, then the receiver's. */
	rstmon_test_set_sflags(tc.c, RSTMON_RESP, RSTMON_SF_FIN);
	tc.c->fin[RSTMON_RESP] = now - 3 * HZ;
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	KUNIT_EXPECT_EQ(test, ev.fin, 1);
	KUNIT_EXPECT_EQ(test, ev.fin_ago_ms[0], 3000U);
	KUNIT_EXPECT_EQ(test, ev.fin_ago_ms[1], 0U);
	rstmon_test_set_sflags(tc.c, RSTMON_ORIG, RSTMON_SF_FIN);
	tc.c->fin[RSTMON_ORIG] = now - HZ / 2;
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	KUNIT_EXPECT_EQ(test, ev.fin, 3);
	KUNIT_EXPECT_EQ(test, ev.fin_ago_ms[0], 3000U);
	KUNIT_EXPECT_EQ(test, ev.fin_ago_ms[1], jiffies_to_msecs(HZ / 2));
}

static u8 rstmon_tc_seqchk(struct rstmon_tc *tc, u32 seq)
{
	struct rstmon_rst_ctx x;
	struct rstmon_event ev;
	struct rstmon_seg rst;

	rstmon_tc_rst(tc, RSTMON_RESP, 0, seq, 0, &rst);
	rstmon_ctx(&x, &rstmon_test_in, jiffies);
	rstmon_tc_classify(tc, &rst, &x, &ev);
	return ev.seqchk;
}

/* The RST's sequence against the receiver's window, scaled when both sent SYNs. */
static void rstmon_classify_test_seqchk(struct kunit *test)
{
	const u32 win = RSTMON_TEST_WIN << RSTMON_TEST_WSCALE;
	struct rstmon_tc tc;
	u32 nxt;

	rstmon_tc_init(&tc, test, AF_INET);
	rstmon_tc_established(&tc, 100, 200, jiffies);
	nxt = tc.nxt[RSTMON_RESP];
	KUNIT_EXPECT_EQ(test, rstmon_tc_seqchk(&tc, nxt), RSTMON_SEQ_EXACT);
	KUNIT_EXPECT_EQ(test, rstmon_tc_seqchk(&tc, nxt + 1), RSTMON_SEQ_IN_WINDOW);
	KUNIT_EXPECT_EQ(test, rstmon_tc_seqchk(&tc, nxt + win - 1), RSTMON_SEQ_IN_WINDOW);
	KUNIT_EXPECT_EQ(test, rstmon_tc_seqchk(&tc, nxt + win), RSTMON_SEQ_OUT_OF_WINDOW);
	KUNIT_EXPECT_EQ(test, rstmon_tc_seqchk(&tc, nxt - 1), RSTMON_SEQ_OUT_OF_WINDOW);

	/* Mid-stream, no window scale is known. */
	rstmon_test_reap_all();
	rstmon_tc_init(&tc, test, AF_INET);
	rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_PSH, 10, jiffies);
	rstmon_tc_send(&tc, RSTMON_RESP, RSTMON_TEST_PSH, 10, jiffies);
	nxt = tc.nxt[RSTMON_RESP];
	KUNIT_EXPECT_EQ(test, rstmon_tc_seqchk(&tc, nxt), RSTMON_SEQ_EXACT);
	KUNIT_EXPECT_EQ(test, rstmon_tc_seqchk(&tc, nxt + RSTMON_TEST_WIN - 1),
			RSTMON_SEQ_IN_WINDOW);
	KUNIT_EXPECT_EQ(test, rstmon_tc_seqchk(&tc, nxt + RSTMON_TEST_WIN),
			RSTMON_SEQ_OUT_OF_WINDOW);

	/* The receiver sent only its SYN: its window is not scaled. */
	rstmon_test_reap_all();
	rstmon_tc_init(&tc, test, AF_INET);
	rstmon_tc_send(&tc, RSTMON_ORIG, RSTMON_TEST_SYN, 0, jiffies);
	rstmon_tc_send(&tc, RSTMON_RESP, RSTMON_TEST_SYNACK, 0, jiffies);
	nxt = tc.nxt[RSTMON_RESP];
	KUNIT_EXPECT_EQ(test, rstmon_tc_seqchk(&tc, nxt + RSTMON_TEST_WIN - 1),
			RSTMON_SEQ_IN_WINDOW);
	KUNIT_EXPECT_EQ(test, rstmon_tc_seqchk(&tc, nxt + RSTMON_TEST_WIN),
			RSTMON_SEQ_OUT_OF_WINDOW);
}

/*
 * Idle timeouts from the evidence and failover after silence
 * (module/idle.h).  The threshold of the cases is 2 s: the floor 0.2 s,
 * rhythm levels below 0.1 s, 0.4 s, 1.6 s and beyond.
 */

/* Chatty exchange (answers within 50 ms), the last of it at now - 1 s. */
static void rstmon_sc_chatty(struct rstmon_tc *tc, u32 now)
{
	unsigned int i;

	rstmon_tc_established(tc, 0, 0, now - HZ - HZ / 5);
	for (i = 0; i < 4; i++) {
		u32 t = now - HZ - HZ / 5 + i * HZ / 20;

		rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_PSH, 10, t);
		rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_PSH, 10, t);
	}
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_ACK, 0, now - HZ);
}

/* ... then the originator sends again: the segment the RST answers. */
static void rstmon_sc_chatty_then_data(struct rstmon_tc *tc, u32 now)
{
	rstmon_sc_chatty(tc, now);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_PSH, 10, now);
}

/*
 * A connection that survived 1.5 s of silence (the responder answered the
 * originator after it), then 1 s of silence and the originator's data.
 */
static void rstmon_sc_survived_then_data(struct rstmon_tc *tc, u32 now)
{
	rstmon_tc_established(tc, 10, 10, now - 3 * HZ);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_PSH, 10, now - 3 * HZ / 2 - HZ / 10);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_PSH, 10, now - 3 * HZ / 2 - HZ / 10);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_ACK, 0, now - HZ);
	rstmon_tc_send(tc, RSTMON_RESP, RSTMON_TEST_ACK, 0, now - HZ);
	rstmon_tc_send(tc, RSTMON_ORIG, RSTMON_TEST_PSH, 10, now);
}

/**
 * struct rstmon_test_idle - an RST after silence and the verdict on it.
 * @name: the case's name
 * @v6: IPv6
 * @build: the scenario
 * @rst: the RST (from the responder)
 * @ttl: added to the responder's TTL for the RST
 * @at: when it comes, after the scenario's now
 * @threshold: idle_threshold in jiffies (0: the cases' 2 s)
 * @sender: expected sender
 * @cause: expected cause
 * @alt: expected alt_cause
 * @confidence: expected confidence
 * @match: expected idle_match
 * @match_s: expected idle_match_s
 * @new_owner: RSTMON_EV_NEW_OWNER expected
 */
struct rstmon_test_idle {
	const char *name;
	bool v6;
	void (*build)(struct rstmon_tc *tc, u32 now);
	struct rstmon_test_rst rst;
	s8 ttl;
	s32 at;
	u32 threshold;
	u8 sender, cause, alt, confidence, match;
	u32 match_s;
	bool new_owner;
};

static const struct rstmon_test_idle rstmon_test_idles[] = {
	{	/* A middlebox nearer than the peer after 1 s: the rhythm. */
		.name = "rhythm-middlebox-closer", .build = rstmon_sc_chatty_then_data,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP), .ttl = 2,
		.sender = RSTMON_SENDER_MIDDLEBOX, .cause = RSTMON_CAUSE_IDLE_TIMEOUT,
		.confidence = RSTMON_CONF_LIKELY, .match = RSTMON_IDLE_MATCH_RHYTHM, .match_s = 1,
	},
	{	/* The same, IPv6, an RST with ACK. */
		.name = "rhythm-middlebox-ack-ipv6", .v6 = true,
		.build = rstmon_sc_chatty_then_data,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP), .ttl = 2,
		.sender = RSTMON_SENDER_MIDDLEBOX, .cause = RSTMON_CAUSE_IDLE_TIMEOUT,
		.confidence = RSTMON_CONF_LIKELY, .match = RSTMON_IDLE_MATCH_RHYTHM, .match_s = 1,
	},
	{	/* The peer itself (its TTL) after 1 s: today's verdict. */
		.name = "rhythm-peer-keeps-cause", .build = rstmon_sc_chatty_then_data,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP),
		.sender = RSTMON_SENDER_PEER, .cause = RSTMON_CAUSE_UNREAD_DATA,
		.confidence = RSTMON_CONF_LIKELY,
	},
	{	/* A middlebox after a chatty pause below the floor: no. */
		.name = "rhythm-below-floor", .build = rstmon_sc_chatty_then_data,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP), .ttl = 2, .at = -HZ + HZ / 10,
		.sender = RSTMON_SENDER_MIDDLEBOX, .cause = RSTMON_CAUSE_NO_CONNECTION,
		.confidence = RSTMON_CONF_LIKELY,
	},
	{	/* It had survived 1.5 s before: 1 s is no idle timeout. */
		.name = "rhythm-survived-longer", .build = rstmon_sc_survived_then_data,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP), .ttl = 2,
		.sender = RSTMON_SENDER_MIDDLEBOX, .cause = RSTMON_CAUSE_NO_CONNECTION,
		.confidence = RSTMON_CONF_LIKELY,
	},
	{	/* Azure's 240 s, threshold 300 s, a middlebox: below the threshold. */
		.name = "azure-lb-240", .build = rstmon_sc_chatty_then_data,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP), .ttl = 2,
		.at = 244 * HZ, .threshold = 300 * HZ,
		.sender = RSTMON_SENDER_MIDDLEBOX, .cause = RSTMON_CAUSE_IDLE_TIMEOUT,
		.confidence = RSTMON_CONF_LIKELY, .match = RSTMON_IDLE_MATCH_AZURE_LB_240,
		.match_s = 240,
	},
	{	/* AWS's 350 s: above the threshold, named. */
		.name = "aws-350", .v6 = true, .build = rstmon_sc_chatty_then_data,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP), .ttl = 2,
		.at = 359 * HZ, .threshold = 300 * HZ,
		.sender = RSTMON_SENDER_MIDDLEBOX, .cause = RSTMON_CAUSE_IDLE_TIMEOUT,
		.confidence = RSTMON_CONF_LIKELY,
		.match = RSTMON_IDLE_MATCH_AWS_350, .match_s = 350,
	},
	{	/* 280 s: no well-known timeout, the rhythm (floor 30 s) says it. */
		.name = "rhythm-280-threshold-300", .build = rstmon_sc_chatty_then_data,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP), .ttl = 2,
		.at = 279 * HZ, .threshold = 300 * HZ,
		.sender = RSTMON_SENDER_MIDDLEBOX, .cause = RSTMON_CAUSE_IDLE_TIMEOUT,
		.confidence = RSTMON_CONF_LIKELY, .match = RSTMON_IDLE_MATCH_RHYTHM,
		.match_s = 15,
	},
	{	/* After the threshold, a stateless reply from farther away: failover. */
		.name = "failover-farther", .build = rstmon_sc_chatty_then_data,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP), .ttl = -3, .at = 2 * HZ,
		.sender = RSTMON_SENDER_PEER, .cause = RSTMON_CAUSE_NO_CONNECTION,
		.alt = RSTMON_CAUSE_IDLE_TIMEOUT, .confidence = RSTMON_CONF_LIKELY,
		.match = RSTMON_IDLE_MATCH_THRESHOLD, .match_s = 2, .new_owner = true,
	},
	{	/* ... IPv6. */
		.name = "failover-farther-ipv6", .v6 = true, .build = rstmon_sc_chatty_then_data,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP), .ttl = -3, .at = 2 * HZ,
		.sender = RSTMON_SENDER_PEER, .cause = RSTMON_CAUSE_NO_CONNECTION,
		.alt = RSTMON_CAUSE_IDLE_TIMEOUT, .confidence = RSTMON_CONF_LIKELY,
		.match = RSTMON_IDLE_MATCH_THRESHOLD, .match_s = 2, .new_owner = true,
	},
	{	/* ... with the peer's own TTL: both candidates, suspected. */
		.name = "failover-same-ttl-suspect", .build = rstmon_sc_chatty_then_data,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP), .at = 2 * HZ,
		.sender = RSTMON_SENDER_PEER, .cause = RSTMON_CAUSE_IDLE_TIMEOUT,
		.alt = RSTMON_CAUSE_NO_CONNECTION, .confidence = RSTMON_CONF_SUSPECT,
		.match = RSTMON_IDLE_MATCH_THRESHOLD, .match_s = 2,
	},
	{	/* ... another kind of host (TTL start 128): idle-timeout first. */
		.name = "failover-other-start-suspect", .build = rstmon_sc_chatty_then_data,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP), .ttl = 70, .at = 2 * HZ,
		.sender = RSTMON_SENDER_MIDDLEBOX, .cause = RSTMON_CAUSE_IDLE_TIMEOUT,
		.alt = RSTMON_CAUSE_NO_CONNECTION, .confidence = RSTMON_CONF_SUSPECT,
		.match = RSTMON_IDLE_MATCH_THRESHOLD, .match_s = 2,
	},
	{	/* The peer's full socket (RST with ACK) after the threshold: as before. */
		.name = "threshold-peer-abort", .build = rstmon_sc_chatty_then_data,
		.rst = RSTMON_RST_ABORT(RSTMON_RESP), .at = 2 * HZ,
		.sender = RSTMON_SENDER_PEER, .cause = RSTMON_CAUSE_IDLE_TIMEOUT,
		.confidence = RSTMON_CONF_LIKELY, .match = RSTMON_IDLE_MATCH_THRESHOLD,
		.match_s = 2,
	},
	{	/* Farther away without silence: a new owner, no idle candidate. */
		.name = "new-owner-no-silence", .build = rstmon_sc_chatty_then_data,
		.rst = RSTMON_RST_STATELESS(RSTMON_RESP), .ttl = -3, .at = -HZ + HZ / 10,
		.sender = RSTMON_SENDER_PEER, .cause = RSTMON_CAUSE_NO_CONNECTION,
		.confidence = RSTMON_CONF_LIKELY, .new_owner = true,
	},
};

KUNIT_ARRAY_PARAM_DESC(rstmon_test_idles, rstmon_test_idles, name);

static void rstmon_classify_test_idle(struct kunit *test)
{
	const struct rstmon_test_idle *v = test->param_value;
	struct rstmon_rst_ctx x;
	struct rstmon_event ev;
	struct rstmon_seg rst;
	struct rstmon_tc tc;
	u32 now = jiffies;

	rstmon_tc_init(&tc, test, v->v6 ? AF_INET6 : AF_INET);
	v->build(&tc, now);
	rstmon_test_rst(&tc, &v->rst, &rst);
	rst.ttl = tc.ttl[v->rst.side] + v->ttl;
	rst.ipid = 0;
	rstmon_ctx(&x, &rstmon_test_in, now + v->at);
	if (v->threshold)
		x.idle_threshold = v->threshold;
	rstmon_tc_classify(&tc, &rst, &x, &ev);
	KUNIT_EXPECT_EQ_MSG(test, ev.sender, v->sender, "sender %s",
			    rstmon_sender_name(ev.sender));
	KUNIT_EXPECT_EQ_MSG(test, ev.cause, v->cause, "cause %s", rstmon_cause_name(ev.cause));
	KUNIT_EXPECT_EQ_MSG(test, ev.alt_cause, v->alt, "alt %s",
			    rstmon_cause_name(ev.alt_cause));
	KUNIT_EXPECT_EQ(test, ev.confidence, v->confidence);
	KUNIT_EXPECT_EQ_MSG(test, ev.idle_match, v->match, "match %s",
			    rstmon_idle_match_name(ev.idle_match));
	KUNIT_EXPECT_EQ(test, ev.idle_match_s, v->match_s);
	KUNIT_EXPECT_EQ(test, !!(ev.evidence & RSTMON_EV_NEW_OWNER), v->new_owner);
}

/* The well-known timeouts' windows, [T, T + 10 % + 5 s], and the rhythm's scale. */
static void rstmon_classify_test_idle_windows(struct kunit *test)
{
	u32 secs = 0;

	KUNIT_EXPECT_FALSE(test, rstmon_idle_near(240 * HZ - 1, 240));
	KUNIT_EXPECT_TRUE(test, rstmon_idle_near(240 * HZ, 240));
	KUNIT_EXPECT_TRUE(test, rstmon_idle_near(269 * HZ, 240));
	KUNIT_EXPECT_FALSE(test, rstmon_idle_near(269 * HZ + 1, 240));
	KUNIT_EXPECT_FALSE(test, rstmon_idle_near(350 * HZ - 1, 350));
	KUNIT_EXPECT_TRUE(test, rstmon_idle_near(390 * HZ, 350));
	KUNIT_EXPECT_FALSE(test, rstmon_idle_near(390 * HZ + 1, 350));
	KUNIT_EXPECT_EQ(test, rstmon_idle_known(250 * HZ, 0, 30 * HZ, &secs),
			RSTMON_IDLE_MATCH_AZURE_LB_240);
	KUNIT_EXPECT_EQ(test, secs, 240);
	KUNIT_EXPECT_EQ(test, rstmon_idle_known(360 * HZ, 2, 30 * HZ, &secs),
			RSTMON_IDLE_MATCH_AWS_350);
	KUNIT_EXPECT_EQ(test, secs, 350);
	/* Outlived before (level 3: at least 240 s): not Azure's. */
	KUNIT_EXPECT_EQ(test, rstmon_idle_known(250 * HZ, 3, 30 * HZ, &secs),
			RSTMON_IDLE_MATCH_NONE);
	KUNIT_EXPECT_EQ(test, rstmon_idle_known(300 * HZ, 0, 30 * HZ, &secs),
			RSTMON_IDLE_MATCH_NONE);
	KUNIT_EXPECT_EQ(test, rstmon_rhythm_level(14 * HZ, 30 * HZ), 0);
	KUNIT_EXPECT_EQ(test, rstmon_rhythm_level(15 * HZ, 30 * HZ), 1);
	KUNIT_EXPECT_EQ(test, rstmon_rhythm_level(60 * HZ, 30 * HZ), 2);
	KUNIT_EXPECT_EQ(test, rstmon_rhythm_level(240 * HZ, 30 * HZ), 3);
	KUNIT_EXPECT_TRUE(test, rstmon_rhythm_contrast(30 * HZ, 0, 30 * HZ));
	KUNIT_EXPECT_FALSE(test, rstmon_rhythm_contrast(29 * HZ, 0, 30 * HZ));
	KUNIT_EXPECT_FALSE(test, rstmon_rhythm_contrast(119 * HZ, 1, 30 * HZ));
	KUNIT_EXPECT_TRUE(test, rstmon_rhythm_contrast(120 * HZ, 1, 30 * HZ));
	KUNIT_EXPECT_FALSE(test, rstmon_rhythm_contrast(7 * 24 * 3600 * HZ, 3, 30 * HZ));
	KUNIT_EXPECT_EQ(test, rstmon_ttl_rel(60, 63), RSTMON_TTL_FARTHER);
	KUNIT_EXPECT_EQ(test, rstmon_ttl_rel(64, 63), RSTMON_TTL_CLOSER);
	KUNIT_EXPECT_EQ(test, rstmon_ttl_rel(127, 63), RSTMON_TTL_OTHER);
}

/* The rhythm's two bits leave the window scale and IPv4 ID mode alone. */
static void rstmon_classify_test_rhythm_bits(struct kunit *test)
{
	struct rstmon_tc tc;
	u32 now = jiffies;
	struct rstmon_conn *c;

	rstmon_tc_init(&tc, test, AF_INET);
	rstmon_sc_survived_then_data(&tc, now);
	c = tc.c;
	KUNIT_EXPECT_EQ(test, rstmon_rhythm_of(c), 2);
	KUNIT_EXPECT_EQ(test, rstmon_wscale(c, RSTMON_RESP), RSTMON_TEST_WSCALE);
	KUNIT_EXPECT_EQ(test, rstmon_ipid_mode_of(c, RSTMON_ORIG), RSTMON_IPID_INCR);
	rstmon_test_reap_all();
}

/*
 * rstmon_conn_rhythm() and _quiet() read the other side's line only for a
 * silence of floor / 2 or more since the sender's (or the connection's)
 * latest segment; each level at its edge, also across a jiffies wrap.
 */
static u8 rstmon_test_rhythm(struct kunit *test, bool quiet, int side, u32 now, u32 mine,
			     u32 theirs)
{
	const u32 floor = rstmon_idle_floor(300 * HZ);
	struct rstmon_conn c = {};

	RSTMON_SIDE(&c, side).segs = 5;
	RSTMON_SIDE(&c, !side).segs = 5;
	RSTMON_SIDE(&c, side).last = mine;
	RSTMON_SIDE(&c, !side).last = theirs;
	if (quiet)
		rstmon_conn_rhythm_quiet(&c, side, now, floor);
	else
		rstmon_conn_rhythm(&c, side, now, floor);
	KUNIT_EXPECT_EQ(test, c.opts[!side], 0);
	return c.opts[side] >> RSTMON_CO_RHYTHM_SHIFT;
}

/* Each in floors / 4 before now (negative: after it), and the level. */
static const struct {
	bool quiet;
	u32 now;
	s32 mine, theirs;
	u8 level;
} rstmon_test_rhythms[] = {
	/* The sender's previous segment, then the other's. */
	{ false, 100000 * HZ, 2, 0, 1 },
	{ false, 100000 * HZ, 12, 8, 1 },
	{ false, 100000 * HZ, 12, 4, 2 },
	{ false, 100000 * HZ, 36, 0, 3 },
	/* The other's segment came before: the sender answers nothing. */
	{ false, 100000 * HZ, 4, 8, 0 },
	/* Another CPU's jiffy after now: read stale, as if before it. */
	{ false, 100000 * HZ, 1, -4, 0 },
	/* Across the wrap of jiffies. */
	{ false, 10, 4, 0, 1 },
	/* The whole connection's silence, up to now. */
	{ true, 100000 * HZ, 2, 40, 1 },
	{ true, 100000 * HZ, 12, 1, 0 },
	{ true, 100000 * HZ, 12, 4, 1 },
	{ true, 100000 * HZ, 36, 36, 3 },
	{ true, 10, 8, 12, 2 },
};

static void rstmon_classify_test_rhythm_edges(struct kunit *test)
{
	const u32 q = rstmon_idle_floor(300 * HZ) / 4;
	unsigned int i;
	int s;

	for (s = 0; s < 2; s++) {
		for (i = 0; i < ARRAY_SIZE(rstmon_test_rhythms); i++) {
			typeof(rstmon_test_rhythms[0]) *t = &rstmon_test_rhythms[i];
			u32 mine = t->now - t->mine * q, theirs = t->now - t->theirs * q;

			KUNIT_EXPECT_EQ_MSG(test, rstmon_test_rhythm(test, t->quiet, s, t->now,
								     mine, theirs),
					    t->level, "row %u, side %d", i, s);
			/* A jiffy less of silence is a level less at its edge. */
			if (t->mine == 2 && !t->theirs)
				KUNIT_EXPECT_EQ(test, rstmon_test_rhythm(test, t->quiet, s, t->now,
									 mine + 1, theirs), 0);
		}
	}
}

static struct kunit_case rstmon_classify_cases[] = {
	KUNIT_CASE_PARAM(rstmon_classify_test_idle, rstmon_test_idles_gen_params),
	KUNIT_CASE(rstmon_classify_test_idle_windows),
	KUNIT_CASE(rstmon_classify_test_rhythm_bits),
	KUNIT_CASE(rstmon_classify_test_rhythm_edges),
	KUNIT_CASE_PARAM(rstmon_classify_test_verdict, rstmon_test_verdicts_gen_params),
	KUNIT_CASE(rstmon_classify_test_refused_other_ack),
	KUNIT_CASE(rstmon_classify_test_middlebox_in),
	KUNIT_CASE(rstmon_classify_test_ipid_mismatch_in),
	KUNIT_CASE(rstmon_classify_test_forgery_signs),
	KUNIT_CASE(rstmon_classify_test_ttl_hops),
	KUNIT_CASE(rstmon_classify_test_event_fields),
	KUNIT_CASE(rstmon_classify_test_seqchk),
	{}
};

static struct kunit_suite rstmon_classify_suite = {
	.name = "rstmon_classify",
	.suite_init = rstmon_test_table_init,
	.init = rstmon_test_case_init,
	.suite_exit = rstmon_test_table_exit,
	.exit = rstmon_test_case_exit,
	.test_cases = rstmon_classify_cases,
};

/* ------------------------------------------------------------------------ */
/* rstmon_ring                                                              */
/* ------------------------------------------------------------------------ */

static void rstmon_test_ring_free(void *r)
{
	rstmon_ring_free(r);
}

/* A ring of @size slots, freed with the case even when it fails. */
static struct rstmon_ring *rstmon_test_ring(struct kunit *test, u32 size)
{
	struct rstmon_ring *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, rstmon_ring_init(r, size), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rstmon_test_ring_free, r), 0);
	return r;
}

/* Event @n: an RST of 192.0.2.@host:@sport -> 198.51.100.2:80. */
static void rstmon_test_event(struct rstmon_event *ev, unsigned int n, u8 host, u16 sport,
			      u8 dir)
{
	memset(ev, 0, sizeof(*ev));
	ipv6_addr_set_v4mapped(htonl(0xc0000200 | host), &ev->src);
	ipv6_addr_set_v4mapped(htonl(0xc6336402), &ev->dst);
	ev->sport = htons(sport);
	ev->dport = htons(RSTMON_TEST_PORT_R);
	ev->seq = n * 1000;
	ev->tstamp = n;
	ev->family = AF_INET;
	ev->dir = dir;
	ev->sender = RSTMON_SENDER_PEER;
	ev->cause = RSTMON_CAUSE_UNREAD_DATA;
	ev->confidence = RSTMON_CONF_LIKELY;
	ev->evidence = RSTMON_EV_ACK | RSTMON_EV_TRACKED;
	ev->state = RSTMON_ST_ESTABLISHED;
}

/* Ids count from 1; an event reads back as stored. */
static void rstmon_ring_test_ids(struct kunit *test)
{
	struct rstmon_ring *r = rstmon_test_ring(test, 16);
	struct rstmon_event ev, out, third;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, rstmon_ring_oldest(r), 1ULL);
	KUNIT_EXPECT_FALSE(test, rstmon_ring_get(r, 0, &out));
	KUNIT_EXPECT_FALSE(test, rstmon_ring_get(r, 1, &out));
	for (i = 1; i <= 5; i++) {
		rstmon_test_event(&ev, i, 1, 40000 + i, RSTMON_DIR_IN);
		KUNIT_EXPECT_EQ(test, rstmon_ring_add(r, &ev), (u64)i);
		KUNIT_EXPECT_EQ(test, ev.id, (u64)i);
		if (i == 3)
			third = ev;
	}
	KUNIT_EXPECT_EQ(test, rstmon_ring_oldest(r), 1ULL);
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 3, &out));
	KUNIT_EXPECT_EQ(test, out.id, 3ULL);
	KUNIT_EXPECT_EQ(test, out.seq, 3000U);
	KUNIT_EXPECT_EQ(test, out.sport, htons(40003));
	KUNIT_EXPECT_EQ(test, out.tstamp, third.tstamp);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&out.src, &third.src));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&out.dst, &third.dst));
	KUNIT_EXPECT_EQ(test, out.dport, third.dport);
	KUNIT_EXPECT_EQ(test, out.cause, third.cause);
	KUNIT_EXPECT_EQ(test, out.evidence, third.evidence);
	KUNIT_EXPECT_TRUE(test, rstmon_ring_get(r, 1, &out));
	KUNIT_EXPECT_TRUE(test, rstmon_ring_get(r, 5, &out));
	KUNIT_EXPECT_FALSE(test, rstmon_ring_get(r, 6, &out));
	KUNIT_EXPECT_FALSE(test, rstmon_ring_get(r, 0, &out));
}

/* A full ring overwrites its oldest events. */
static void rstmon_ring_test_overwrite(struct kunit *test)
{
	struct rstmon_ring *r = rstmon_test_ring(test, 16);
	struct rstmon_event ev, out;
	unsigned int i;

	for (i = 1; i <= 16; i++) {
		rstmon_test_event(&ev, i, 1, 40000, RSTMON_DIR_IN);
		rstmon_ring_add(r, &ev);
	}
	KUNIT_EXPECT_EQ(test, rstmon_ring_oldest(r), 1ULL);
	KUNIT_EXPECT_TRUE(test, rstmon_ring_get(r, 1, &out));

	for (i = 17; i <= 40; i++) {
		rstmon_test_event(&ev, i, 1, 40000, RSTMON_DIR_IN);
		KUNIT_EXPECT_EQ(test, rstmon_ring_add(r, &ev), (u64)i);
	}
	KUNIT_EXPECT_EQ(test, rstmon_ring_oldest(r), 25ULL);
	for (i = 1; i <= 24; i++)
		KUNIT_EXPECT_FALSE_MSG(test, rstmon_ring_get(r, i, &out), "event %u kept", i);
	for (i = 25; i <= 40; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, rstmon_ring_get(r, i, &out), "event %u lost", i);
		KUNIT_EXPECT_EQ(test, out.id, (u64)i);
		KUNIT_EXPECT_EQ(test, out.seq, i * 1000);
	}
	KUNIT_EXPECT_FALSE(test, rstmon_ring_get(r, 41, &out));
}

/* Check that the ring holds exactly events @first..@last, each with its id. */
static void rstmon_ring_expect_range(struct kunit *test, struct rstmon_ring *r, u32 first,
				     u32 last)
{
	struct rstmon_event out;
	u32 i;

	KUNIT_EXPECT_EQ(test, rstmon_ring_oldest(r), (u64)first);
	for (i = 1; i < first; i++)
		KUNIT_EXPECT_FALSE_MSG(test, rstmon_ring_get(r, i, &out), "event %u kept", i);
	for (i = first; i <= last; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, rstmon_ring_get(r, i, &out), "event %u lost", i);
		KUNIT_EXPECT_EQ(test, out.id, (u64)i);
		KUNIT_EXPECT_EQ(test, out.seq, i * 1000);
	}
	KUNIT_EXPECT_FALSE(test, rstmon_ring_get(r, last + 1, &out));
}

/*
 * Resizing keeps the newest events with their ids: growing keeps all (and
 * never brings back overwritten ones), shrinking the newest that fit, and
 * new events go on from the same id.
 */
static void rstmon_ring_test_resize(struct kunit *test)
{
	struct rstmon_ring *r = rstmon_test_ring(test, 16);
	struct rstmon_event ev;
	u32 i;

	for (i = 1; i <= 20; i++) {
		rstmon_test_event(&ev, i, 1, 40000, RSTMON_DIR_IN);
		rstmon_ring_add(r, &ev);
	}
	rstmon_ring_expect_range(test, r, 5, 20);
	KUNIT_ASSERT_EQ(test, rstmon_ring_resize(r, 64), 0);
	KUNIT_EXPECT_EQ(test, r->size, 64U);
	rstmon_ring_expect_range(test, r, 5, 20);
	for (i = 21; i <= 70; i++) {
		rstmon_test_event(&ev, i, 1, 40000, RSTMON_DIR_IN);
		KUNIT_EXPECT_EQ(test, rstmon_ring_add(r, &ev), (u64)i);
	}
	rstmon_ring_expect_range(test, r, 7, 70);
	KUNIT_ASSERT_EQ(test, rstmon_ring_resize(r, 16), 0);
	rstmon_ring_expect_range(test, r, 55, 70);
	KUNIT_ASSERT_EQ(test, rstmon_ring_resize(r, 16), 0);
	rstmon_ring_expect_range(test, r, 55, 70);
	rstmon_test_event(&ev, 71, 1, 40000, RSTMON_DIR_IN);
	KUNIT_EXPECT_EQ(test, rstmon_ring_add(r, &ev), 71ULL);
	rstmon_ring_expect_range(test, r, 56, 71);
}

/*
 * The peer's stateless answer (no ACK, exactly in sequence, its own TTL),
 * and its connection lives on: it answered a segment a NAT left
 * untranslated, not a forger.  The NAT host's own nat-invalid event keeps
 * its cause.  A TTL not the peer's is still an injection.
 */
static void rstmon_ring_test_amend_stray(struct kunit *test)
{
	struct rstmon_ring *r = rstmon_test_ring(test, 16);
	struct rstmon_event ev, key, out;

	rstmon_test_event(&ev, 1, 1, 40000, RSTMON_DIR_IN);
	ev.cause = RSTMON_CAUSE_NO_CONNECTION;
	ev.seqchk = RSTMON_SEQ_EXACT;
	ev.evidence = RSTMON_EV_TRACKED;
	rstmon_ring_add(r, &ev);
	rstmon_test_event(&ev, 2, 1, 40000, RSTMON_DIR_FWD);
	ev.cause = RSTMON_CAUSE_NAT_INVALID;
	ev.confidence = RSTMON_CONF_CERTAIN;
	ev.seqchk = RSTMON_SEQ_EXACT;
	ev.evidence = RSTMON_EV_TRACKED | RSTMON_EV_UNTRANSLATED;
	rstmon_ring_add(r, &ev);
	rstmon_test_event(&ev, 3, 2, 40000, RSTMON_DIR_IN);
	ev.cause = RSTMON_CAUSE_NO_CONNECTION;
	ev.seqchk = RSTMON_SEQ_EXACT;
	ev.evidence = RSTMON_EV_TRACKED | RSTMON_EV_TTL_MISMATCH;
	rstmon_ring_add(r, &ev);

	rstmon_test_event(&key, 0, 1, 40000, RSTMON_DIR_IN);
	KUNIT_EXPECT_TRUE(test, rstmon_ring_amend_injected(r, &key));
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 1, &out));
	KUNIT_EXPECT_EQ(test, out.sender, RSTMON_SENDER_PEER);
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_NAT_INVALID);
	KUNIT_EXPECT_EQ(test, out.confidence, RSTMON_CONF_LIKELY);
	KUNIT_EXPECT_EQ(test, out.evidence, RSTMON_EV_TRACKED | RSTMON_EV_DATA_AFTER);

	rstmon_test_event(&key, 0, 1, 40000, RSTMON_DIR_FWD);
	KUNIT_EXPECT_TRUE(test, rstmon_ring_amend_injected(r, &key));
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 2, &out));
	KUNIT_EXPECT_EQ(test, out.sender, RSTMON_SENDER_PEER);
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_NAT_INVALID);
	KUNIT_EXPECT_EQ(test, out.confidence, RSTMON_CONF_CERTAIN);
	KUNIT_EXPECT_TRUE(test, out.evidence & RSTMON_EV_DATA_AFTER);

	rstmon_test_event(&key, 0, 2, 40000, RSTMON_DIR_IN);
	KUNIT_EXPECT_TRUE(test, rstmon_ring_amend_injected(r, &key));
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 3, &out));
	KUNIT_EXPECT_EQ(test, out.sender, RSTMON_SENDER_MIDDLEBOX);
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_INJECTED);
}

/* The sender kept talking: its newest event of that tuple and direction is amended. */
static void rstmon_ring_test_amend(struct kunit *test)
{
	struct rstmon_ring *r = rstmon_test_ring(test, 16);
	struct rstmon_event ev, key, out;

	rstmon_test_event(&ev, 1, 1, 40000, RSTMON_DIR_IN);
	rstmon_ring_add(r, &ev);
	rstmon_test_event(&ev, 2, 1, 40000, RSTMON_DIR_OUT);
	rstmon_ring_add(r, &ev);
	rstmon_test_event(&ev, 3, 2, 40000, RSTMON_DIR_IN);
	rstmon_ring_add(r, &ev);
	rstmon_test_event(&ev, 4, 1, 40000, RSTMON_DIR_IN);
	ev.evidence |= RSTMON_EV_TTL_MISMATCH;
	rstmon_ring_add(r, &ev);
	rstmon_test_event(&ev, 5, 1, 40001, RSTMON_DIR_IN);
	rstmon_ring_add(r, &ev);

	rstmon_test_event(&key, 0, 1, 40000, RSTMON_DIR_IN);
	KUNIT_EXPECT_TRUE(test, rstmon_ring_amend_injected(r, &key));
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 4, &out));
	KUNIT_EXPECT_EQ(test, out.sender, RSTMON_SENDER_MIDDLEBOX);
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_INJECTED);
	KUNIT_EXPECT_EQ(test, out.confidence, RSTMON_CONF_LIKELY);
	KUNIT_EXPECT_EQ(test, out.evidence, RSTMON_EV_ACK | RSTMON_EV_TRACKED |
			RSTMON_EV_TTL_MISMATCH | RSTMON_EV_DATA_AFTER);
	KUNIT_EXPECT_EQ(test, out.seq, 4000U);
	KUNIT_EXPECT_EQ(test, out.id, 4ULL);

	/* The others are untouched. */
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 1, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_UNREAD_DATA);
	KUNIT_EXPECT_EQ(test, out.sender, RSTMON_SENDER_PEER);
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 2, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_UNREAD_DATA);
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 3, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_UNREAD_DATA);
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 5, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_UNREAD_DATA);
	KUNIT_EXPECT_FALSE(test, out.evidence & RSTMON_EV_DATA_AFTER);

	/* Nothing of that tuple in that direction, or the reverse tuple. */
	rstmon_test_event(&key, 0, 2, 40000, RSTMON_DIR_OUT);
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_injected(r, &key));
	rstmon_test_event(&key, 0, 9, 40000, RSTMON_DIR_IN);
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_injected(r, &key));
	rstmon_test_event(&key, 0, 1, 40000, RSTMON_DIR_IN);
	swap(key.src, key.dst);
	swap(key.sport, key.dport);
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_injected(r, &key));
}

/*
 * A second RST of the same sender with another sequence number and no data
 * from the receiver in between turns the first into an injection (pure ACKs
 * may come between); new data from the receiver, the same sequence number,
 * another connection, or an RST this host sent, do not.
 */
static void rstmon_ring_test_burst(struct kunit *test)
{
	struct rstmon_ring *r = rstmon_test_ring(test, 64);
	struct rstmon_event ev, key, out;
	unsigned int i;

	rstmon_test_event(&ev, 1, 1, 40000, RSTMON_DIR_IN);
	ev.segs[1] = 4;
	ev.bytes[1] = 8;
	rstmon_ring_add(r, &ev);
	rstmon_test_event(&ev, 2, 1, 40001, RSTMON_DIR_IN);
	rstmon_ring_add(r, &ev);

	rstmon_test_event(&key, 1, 1, 40000, RSTMON_DIR_IN);	/* same numbers */
	key.segs[1] = 4;
	key.bytes[1] = 8;
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_burst(r, &key));
	key.seq += 1000;
	key.segs[1] = 5;
	key.bytes[1] = 20;					/* new data came between */
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_burst(r, &key));
	key.segs[1] = 6;					/* two pure ACKs did */
	key.bytes[1] = 8;
	key.dir = RSTMON_DIR_FWD;				/* another direction */
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_burst(r, &key));
	key.dir = RSTMON_DIR_IN;
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 1, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_UNREAD_DATA);

	KUNIT_EXPECT_TRUE(test, rstmon_ring_amend_burst(r, &key));
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 1, &out));
	KUNIT_EXPECT_EQ(test, out.sender, RSTMON_SENDER_MIDDLEBOX);
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_INJECTED);
	KUNIT_EXPECT_EQ(test, out.confidence, RSTMON_CONF_LIKELY);
	KUNIT_EXPECT_TRUE(test, out.evidence & RSTMON_EV_RST_BURST);
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 2, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_UNREAD_DATA);

	/* Only the acknowledgment number changed: an abort, then the
	 * stateless answer to a segment in flight (no ACK): no burst.
	 */
	rstmon_test_event(&ev, 3, 2, 40000, RSTMON_DIR_IN);
	ev.ack = 1234;
	rstmon_ring_add(r, &ev);
	rstmon_test_event(&key, 3, 2, 40000, RSTMON_DIR_IN);
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_burst(r, &key));
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 3, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_UNREAD_DATA);

	/* This host's own RSTs are never called forged. */
	rstmon_test_event(&ev, 4, 3, 40000, RSTMON_DIR_OUT);
	ev.sender = RSTMON_SENDER_LOCAL;
	rstmon_ring_add(r, &ev);
	rstmon_test_event(&key, 5, 3, 40000, RSTMON_DIR_OUT);
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_burst(r, &key));

	/* A burst is recent: 32 events later the first is out of reach. */
	rstmon_test_event(&ev, 6, 4, 40000, RSTMON_DIR_IN);
	rstmon_ring_add(r, &ev);
	for (i = 0; i < 32; i++) {
		rstmon_test_event(&ev, 7 + i, 5, 40000, RSTMON_DIR_IN);
		rstmon_ring_add(r, &ev);
	}
	rstmon_test_event(&key, 99, 4, 40000, RSTMON_DIR_IN);
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_burst(r, &key));
}

/* Amending finds nothing in an empty ring, nor an event already overwritten. */
static void rstmon_ring_test_amend_gone(struct kunit *test)
{
	struct rstmon_ring *r = rstmon_test_ring(test, 16);
	struct rstmon_event ev, key, out;
	unsigned int i;

	rstmon_test_event(&key, 0, 1, 40000, RSTMON_DIR_IN);
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_injected(r, &key));

	rstmon_test_event(&ev, 1, 1, 40000, RSTMON_DIR_IN);
	rstmon_ring_add(r, &ev);
	for (i = 2; i <= 17; i++) {
		rstmon_test_event(&ev, i, 1, 40001, RSTMON_DIR_IN);
		rstmon_ring_add(r, &ev);
	}
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_injected(r, &key));
	for (i = 2; i <= 17; i++) {
		KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, i, &out));
		KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_UNREAD_DATA);
	}
}

/* Add events @from..@to, each from 192.0.2.@host port 40000 + its number. */
static void rstmon_test_add_range(struct rstmon_ring *r, u32 from, u32 to, u8 host)
{
	struct rstmon_event ev;
	u32 i;

	for (i = from; i <= to; i++) {
		rstmon_test_event(&ev, i, host, 40000 + (i & 0x3fff), RSTMON_DIR_IN);
		rstmon_ring_add(r, &ev);
	}
}

/*
 * Finish a resize begun with rstmon_ring_resize_begin(), @n events added
 * by "writers" between two steps; at most 64 steps, then one catching up.
 * Return: the steps taken.
 */
static unsigned int rstmon_test_resize_finish(struct kunit *test, struct rstmon_ring *r,
					      u32 *next, u32 n)
{
	struct rstmon_event *old;
	unsigned int steps;

	for (steps = 1; !(old = rstmon_ring_resize_step(r, steps > 64)); steps++) {
		KUNIT_ASSERT_LE(test, steps, 65U);
		rstmon_test_add_range(r, *next, *next + n - 1, 1);
		*next += n;
	}
	kvfree(old);
	KUNIT_EXPECT_NULL(test, r->rs_ev);
	return steps;
}

/*
 * A resize copies RSTMON_RING_CHUNK events at a time with the lock
 * dropped between chunks; what writers log meanwhile is copied too and
 * ids go on.  Growing: all kept.  Writers overwriting events before they
 * were copied: those are gone (oldest moves past them), never a hole.
 */
static void rstmon_ring_test_resize_chunks(struct kunit *test)
{
	struct rstmon_ring *r = rstmon_test_ring(test, 1024);
	struct rstmon_event ev;
	unsigned int steps;
	u32 next;

	rstmon_test_add_range(r, 1, 1000, 1);
	KUNIT_ASSERT_EQ(test, rstmon_ring_resize_begin(r, 2048), 0);
	KUNIT_EXPECT_NULL(test, rstmon_ring_resize_step(r, false));
	KUNIT_EXPECT_EQ(test, r->rs_to, 1ULL + RSTMON_RING_CHUNK);
	KUNIT_EXPECT_EQ(test, r->size, 1024U);
	next = 1001;
	steps = rstmon_test_resize_finish(test, r, &next, 10);
	/* 1000 + 10 per step, 256 per chunk: it catches up in 3 more. */
	KUNIT_EXPECT_EQ(test, steps, 3U);
	KUNIT_EXPECT_EQ(test, r->size, 2048U);
	rstmon_ring_expect_range(test, r, 1, next - 1);
	rstmon_test_event(&ev, next, 1, 40000, RSTMON_DIR_IN);
	KUNIT_EXPECT_EQ(test, rstmon_ring_add(r, &ev), (u64)next);

	/* 2048 slots, 1021 events: shrink to 512 with 500 logged after one chunk. */
	next++;
	KUNIT_ASSERT_EQ(test, rstmon_ring_resize_begin(r, 512), 0);
	KUNIT_EXPECT_EQ(test, r->rs_from, 1ULL);
	KUNIT_EXPECT_NULL(test, rstmon_ring_resize_step(r, false));
	/* The newest 512 that fit: 1022 - 512 = 510 on. */
	KUNIT_EXPECT_EQ(test, r->rs_from, 510ULL);
	KUNIT_EXPECT_EQ(test, r->rs_to, 510ULL + RSTMON_RING_CHUNK);
	rstmon_test_add_range(r, next, next + 499, 1);
	next += 500;
	rstmon_test_resize_finish(test, r, &next, 0);
	KUNIT_EXPECT_EQ(test, r->size, 512U);
	rstmon_ring_expect_range(test, r, next - 512, next - 1);

	/* Writers overwrite the old ring's events before they are copied. */
	KUNIT_ASSERT_EQ(test, rstmon_ring_resize_begin(r, 4096), 0);
	KUNIT_EXPECT_NULL(test, rstmon_ring_resize_step(r, false));
	rstmon_test_add_range(r, next, next + 599, 1);
	next += 600;
	rstmon_test_resize_finish(test, r, &next, 0);
	KUNIT_EXPECT_EQ(test, r->size, 4096U);
	rstmon_ring_expect_range(test, r, next - 512, next - 1);
}

/*
 * Writers faster than the copy: after enough chunks the resize keeps the
 * newest chunk and ends.
 */
static void rstmon_ring_test_resize_catch_up(struct kunit *test)
{
	struct rstmon_ring *r = rstmon_test_ring(test, 1024);
	unsigned int steps;
	u32 next = 1025;

	rstmon_test_add_range(r, 1, 1024, 1);
	KUNIT_ASSERT_EQ(test, rstmon_ring_resize_begin(r, 2048), 0);
	steps = rstmon_test_resize_finish(test, r, &next, 300);
	KUNIT_EXPECT_EQ(test, steps, 65U);
	KUNIT_EXPECT_EQ(test, r->size, 2048U);
	rstmon_ring_expect_range(test, r, next - RSTMON_RING_CHUNK, next - 1);
}

/*
 * An event amended between two chunks of a resize keeps its amendment
 * when it was copied already, and gets it when it is copied later.
 */
static void rstmon_ring_test_resize_amend(struct kunit *test)
{
	struct rstmon_ring *r = rstmon_test_ring(test, 1024);
	struct rstmon_event ev, key, out;
	u32 next = 1001;

	rstmon_test_add_range(r, 1, 1000, 2);
	/* Overwrite two slots with events of other tuples. */
	rstmon_test_event(&ev, 0, 7, 50000, RSTMON_DIR_IN);
	rstmon_ring_add(r, &ev);
	rstmon_test_event(&ev, 0, 8, 50000, RSTMON_DIR_IN);
	rstmon_ring_add(r, &ev);
	next += 2;
	KUNIT_ASSERT_EQ(test, rstmon_ring_resize_begin(r, 300), 0);
	/* Keeps 703..1002: the first chunk copies 703..958, with 1001. */
	KUNIT_EXPECT_NULL(test, rstmon_ring_resize_step(r, false));
	KUNIT_EXPECT_EQ(test, r->rs_from, 703ULL);
	KUNIT_EXPECT_EQ(test, r->rs_to, 959ULL);
	/* 1001 is not copied yet; amend the copied 900 and, later, 1001. */
	rstmon_test_event(&key, 0, 2, 40000 + 900, RSTMON_DIR_IN);
	KUNIT_EXPECT_TRUE(test, rstmon_ring_amend_injected(r, &key));
	rstmon_test_event(&key, 0, 7, 50000, RSTMON_DIR_IN);
	KUNIT_EXPECT_TRUE(test, rstmon_ring_amend_injected(r, &key));
	rstmon_test_resize_finish(test, r, &next, 0);
	KUNIT_EXPECT_EQ(test, r->size, 300U);
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 900, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_INJECTED);
	KUNIT_EXPECT_TRUE(test, out.evidence & RSTMON_EV_DATA_AFTER);
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 1001, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_INJECTED);
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 1002, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_UNREAD_DATA);
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 899, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_UNREAD_DATA);
	KUNIT_EXPECT_EQ(test, rstmon_ring_oldest(r), 703ULL);
}

/*
 * An injection is amended within the RSTMON_RING_AMEND_SCAN most recent
 * events of the namespace, not beyond (a ring of 4096 keeps more).
 */
static void rstmon_ring_test_amend_bound(struct kunit *test)
{
	struct rstmon_ring *r = rstmon_test_ring(test, 4096);
	struct rstmon_event ev, key, out;

	rstmon_test_event(&key, 0, 1, 40000, RSTMON_DIR_IN);
	rstmon_test_event(&ev, 1, 1, 40000, RSTMON_DIR_IN);
	rstmon_ring_add(r, &ev);
	rstmon_test_add_range(r, 2, RSTMON_RING_AMEND_SCAN, 2);
	/* The 512th most recent: found. */
	KUNIT_EXPECT_TRUE(test, rstmon_ring_amend_injected(r, &key));
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 1, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_INJECTED);

	rstmon_test_event(&ev, 0, 1, 40000, RSTMON_DIR_IN);
	rstmon_ring_add(r, &ev);	/* id 513 */
	rstmon_test_add_range(r, 514, 513 + RSTMON_RING_AMEND_SCAN, 2);
	/* Now 513 is one past the bound: not amended, though still kept. */
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_injected(r, &key));
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 513, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_UNREAD_DATA);
}

/* The scan walks the slots down across the ring's end to its oldest event. */
static void rstmon_ring_test_amend_wrap(struct kunit *test)
{
	struct rstmon_ring *r = rstmon_test_ring(test, 16);
	struct rstmon_event ev, key, out;

	rstmon_test_add_range(r, 1, 4, 2);
	rstmon_test_event(&ev, 5, 1, 40000, RSTMON_DIR_IN);
	rstmon_ring_add(r, &ev);
	rstmon_test_add_range(r, 6, 20, 2);
	KUNIT_EXPECT_EQ(test, rstmon_ring_oldest(r), 5ULL);
	rstmon_test_event(&key, 0, 1, 40000, RSTMON_DIR_IN);
	KUNIT_EXPECT_TRUE(test, rstmon_ring_amend_injected(r, &key));
	KUNIT_ASSERT_TRUE(test, rstmon_ring_get(r, 5, &out));
	KUNIT_EXPECT_EQ(test, out.cause, RSTMON_CAUSE_INJECTED);
	rstmon_test_event(&ev, 21, 2, 40000 + 5, RSTMON_DIR_IN);
	rstmon_ring_add(r, &ev);	/* overwrites 5 */
	rstmon_test_event(&key, 0, 2, 40000 + 4, RSTMON_DIR_IN);
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_injected(r, &key));
}

static bool rstmon_test_irqs_off, rstmon_test_bh_on;

static bool rstmon_test_agrees_ctx(u8 kreason, u8 cause)
{
	rstmon_test_irqs_off = irqs_disabled();
	rstmon_test_bh_on = !softirq_count();
	return true;
}

/*
 * The ring lock is held with BH disabled and interrupts on: the
 * amendment's callback runs under it.
 */
static void rstmon_ring_test_lock_bh(struct kunit *test)
{
	struct rstmon_ring *r = rstmon_test_ring(test, 16);
	struct rstmon_event ev, key;

	rstmon_test_event(&ev, 1, 1, 40000, RSTMON_DIR_OUT);
	ev.evidence |= RSTMON_EV_SOCKET;
	rstmon_ring_add(r, &ev);
	key = ev;
	rstmon_test_irqs_off = true;
	rstmon_test_bh_on = true;
	KUNIT_EXPECT_FALSE(test, rstmon_ring_amend_kreason(r, &key, 3, rstmon_test_agrees_ctx));
	KUNIT_EXPECT_FALSE(test, rstmon_test_irqs_off);
	KUNIT_EXPECT_FALSE(test, rstmon_test_bh_on);
	KUNIT_EXPECT_FALSE(test, irqs_disabled());
	KUNIT_EXPECT_EQ(test, softirq_count(), 0UL);
}

/* A second window: exactly @rate takes, then none until HZ later. */
static void rstmon_ring_test_rate_window(struct kunit *test)
{
	unsigned long start = 0, t0 = jiffies;
	unsigned int n = 0, i, ok;

	for (ok = 0, i = 0; i < 10; i++)
		ok += rstmon_rate_take(&start, &n, 3, t0 + i);
	KUNIT_EXPECT_EQ(test, ok, 3U);
	KUNIT_EXPECT_FALSE(test, rstmon_rate_take(&start, &n, 3, t0 + HZ - 1));
	for (ok = 0, i = 0; i < 10; i++)
		ok += rstmon_rate_take(&start, &n, 3, t0 + HZ);
	KUNIT_EXPECT_EQ(test, ok, 3U);
	/* A window long past (or jiffies wrapped) starts a new one. */
	for (ok = 0, i = 0; i < 10; i++)
		ok += rstmon_rate_take(&start, &n, 3, t0 - 5 * HZ);
	KUNIT_EXPECT_EQ(test, ok, 3U);
	/* Rate 1000: 1000 in a second, the 1001st refused. */
	start = 0;
	for (ok = 0, i = 0; i < 1500; i++)
		ok += rstmon_rate_take(&start, &n, 1000, t0 + i % HZ);
	KUNIT_EXPECT_EQ(test, ok, 1000U);
}

static void rstmon_test_free_stats(void *stats)
{
	free_percpu((struct rstmon_stats __percpu *)stats);
}

/* A namespace's state with only its per-CPU counters, freed with the case. */
static struct rstmon_net *rstmon_test_rn_stats(struct kunit *test)
{
	struct rstmon_net *rn = kunit_kzalloc(test, sizeof(*rn), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rn);
	rn->stats = alloc_percpu(struct rstmon_stats);
	KUNIT_ASSERT_NOT_NULL(test, rn->stats);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rstmon_test_free_stats,
							(void __force *)rn->stats), 0);
	return rn;
}

static void rstmon_test_rate_restore(void *old)
{
	WRITE_ONCE(rstmon_untracked_rst_rate, (unsigned int)(unsigned long)old);
}

/*
 * untracked_rst_rate per CPU and namespace: 5 on this CPU in each of two
 * namespaces (the calls take far less than the second); 0 allows all.
 */
static void rstmon_ring_test_untracked_rate(struct kunit *test)
{
	struct rstmon_net *a = rstmon_test_rn_stats(test), *b = rstmon_test_rn_stats(test);
	unsigned int i, ok_a = 0, ok_b = 0, ok0 = 0;
	unsigned long t0, t1;
	void *old = (void *)(unsigned long)rstmon_untracked_rst_rate;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rstmon_test_rate_restore, old), 0);
	WRITE_ONCE(rstmon_untracked_rst_rate, 5);
	preempt_disable();
	t0 = jiffies;
	for (i = 0; i < 20; i++) {
		ok_a += rstmon_untracked_rst_allowed(a);
		ok_b += rstmon_untracked_rst_allowed(b);
	}
	t1 = jiffies;
	preempt_enable();
	WRITE_ONCE(rstmon_untracked_rst_rate, 0);
	for (i = 0; i < 20; i++)
		ok0 += rstmon_untracked_rst_allowed(a);
	if (t1 - t0 >= HZ)
		kunit_skip(test, "20 calls took a second or more");
	KUNIT_EXPECT_EQ(test, ok_a, 5U);
	KUNIT_EXPECT_EQ(test, ok_b, 5U);
	KUNIT_EXPECT_EQ(test, ok0, 20U);
}

/* Every value has its documented name; anything else is "none". */
static void rstmon_ring_test_names(struct kunit *test)
{
	static const char *const causes[__RSTMON_CAUSE_MAX] = {
		"unknown", "refused", "no-connection", "data-after-close", "unread-data",
		"linger-abort", "app-abort", "accept-overflow", "time-wait", "bad-segment",
		"memory", "timeout", "idle-timeout", "abandoned", "injected", "nat-invalid",
	};
	static const char *const senders[__RSTMON_SENDER_MAX] = {
		"unknown", "local", "firewall", "peer", "middlebox",
	};
	static const char *const confidences[__RSTMON_CONF_MAX] = {
		"suspect", "likely", "certain",
	};
	static const char *const seqchks[__RSTMON_SEQ_MAX] = {
		"na", "exact", "in-window", "out-of-window",
	};
	static const char *const dirs[__RSTMON_DIR_MAX] = { "in", "out", "fwd" };
	static const char *const states[__RSTMON_ST_MAX] = {
		"syn-sent", "syn-recv", "established", "fin-wait", "closing", "closed",
	};
	unsigned int i;

	for (i = 0; i < __RSTMON_CAUSE_MAX; i++)
		KUNIT_EXPECT_STREQ(test, rstmon_cause_name(i), causes[i]);
	for (i = 0; i < __RSTMON_SENDER_MAX; i++)
		KUNIT_EXPECT_STREQ(test, rstmon_sender_name(i), senders[i]);
	for (i = 0; i < __RSTMON_CONF_MAX; i++)
		KUNIT_EXPECT_STREQ(test, rstmon_confidence_name(i), confidences[i]);
	for (i = 0; i < __RSTMON_SEQ_MAX; i++)
		KUNIT_EXPECT_STREQ(test, rstmon_seqchk_name(i), seqchks[i]);
	for (i = 0; i < __RSTMON_DIR_MAX; i++)
		KUNIT_EXPECT_STREQ(test, rstmon_dir_name(i), dirs[i]);
	for (i = 0; i < __RSTMON_ST_MAX; i++)
		KUNIT_EXPECT_STREQ(test, rstmon_state_name(i), states[i]);

	KUNIT_EXPECT_STREQ(test, rstmon_cause_name(__RSTMON_CAUSE_MAX), "none");
	KUNIT_EXPECT_STREQ(test, rstmon_sender_name(__RSTMON_SENDER_MAX), "none");
	KUNIT_EXPECT_STREQ(test, rstmon_confidence_name(__RSTMON_CONF_MAX), "none");
	KUNIT_EXPECT_STREQ(test, rstmon_seqchk_name(__RSTMON_SEQ_MAX), "none");
	KUNIT_EXPECT_STREQ(test, rstmon_dir_name(__RSTMON_DIR_MAX), "none");
	KUNIT_EXPECT_STREQ(test, rstmon_state_name(__RSTMON_ST_MAX), "none");
	KUNIT_EXPECT_STREQ(test, rstmon_state_name(0xff), "none");
	KUNIT_EXPECT_STREQ(test, rstmon_cause_name(UINT_MAX), "none");
	KUNIT_EXPECT_STREQ(test, rstmon_sender_name(UINT_MAX), "none");
}

static struct kunit_case rstmon_ring_cases[] = {
	KUNIT_CASE(rstmon_ring_test_ids),
	KUNIT_CASE(rstmon_ring_test_overwrite),
	KUNIT_CASE(rstmon_ring_test_resize),
	KUNIT_CASE(rstmon_ring_test_amend),
	KUNIT_CASE(rstmon_ring_test_amend_stray),
	KUNIT_CASE(rstmon_ring_test_amend_gone),
	KUNIT_CASE(rstmon_ring_test_burst),
	KUNIT_CASE(rstmon_ring_test_names),
	KUNIT_CASE(rstmon_ring_test_resize_chunks),
	KUNIT_CASE(rstmon_ring_test_resize_catch_up),
	KUNIT_CASE(rstmon_ring_test_resize_amend),
	KUNIT_CASE(rstmon_ring_test_amend_bound),
	KUNIT_CASE(rstmon_ring_test_amend_wrap),
	KUNIT_CASE(rstmon_ring_test_lock_bh),
	KUNIT_CASE(rstmon_ring_test_rate_window),
	KUNIT_CASE(rstmon_ring_test_untracked_rate),
	{}
};

static struct kunit_suite rstmon_ring_suite = {
	.name = "rstmon_ring",
	.test_cases = rstmon_ring_cases,
};

kunit_test_suites(&rstmon_conn_suite, &rstmon_classify_suite, &rstmon_ring_suite);
