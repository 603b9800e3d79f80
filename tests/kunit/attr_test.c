// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: KUnit tests of attribution (module/attr.c): the bounded counts by
 * cgroup, owners as a reader's user namespace sees them, cgroup paths, and
 * what an RST with no local socket records.
 */
#include "../../module/attr.c"

#include <kunit/test.h>
#include <linux/cgroup.h>
#include <linux/skbuff.h>
#include <linux/user_namespace.h>

static void rstmon_cgstats_counts_in_order(struct kunit *test)
{
	struct rstmon_cgstats *cs = kunit_kzalloc(test, sizeof(*cs), GFP_KERNEL);
	struct rstmon_cgstat st;

	KUNIT_ASSERT_NOT_NULL(test, cs);
	rstmon_cgstats_init(cs);
	rstmon_cgstats_add(cs, 7);
	rstmon_cgstats_add(cs, 9);
	rstmon_cgstats_add(cs, 7);
	rstmon_cgstats_add(cs, 0);	/* no cgroup: not counted */
	KUNIT_ASSERT_TRUE(test, rstmon_cgstats_get(cs, 0, &st));
	KUNIT_EXPECT_EQ(test, st.id, 7ULL);
	KUNIT_EXPECT_EQ(test, st.rsts, 2ULL);
	KUNIT_ASSERT_TRUE(test, rstmon_cgstats_get(cs, 1, &st));
	KUNIT_EXPECT_EQ(test, st.id, 9ULL);
	KUNIT_EXPECT_EQ(test, st.rsts, 1ULL);
	/* Then the entry of the other cgroups, then the end. */
	KUNIT_ASSERT_TRUE(test, rstmon_cgstats_get(cs, 2, &st));
	KUNIT_EXPECT_EQ(test, st.id, 0ULL);
	KUNIT_EXPECT_EQ(test, st.rsts, 0ULL);
	KUNIT_EXPECT_FALSE(test, rstmon_cgstats_get(cs, 3, &st));
}

static void rstmon_cgstats_bounded(struct kunit *test)
{
	struct rstmon_cgstats *cs = kunit_kzalloc(test, sizeof(*cs), GFP_KERNEL);
	struct rstmon_cgstat st;
	u64 id;

	KUNIT_ASSERT_NOT_NULL(test, cs);
	rstmon_cgstats_init(cs);
	/* Twice as many cgroups as slots, three RSTs each. */
	for (id = 1; id <= 2 * RSTMON_CGROUP_SLOTS; id++) {
		rstmon_cgstats_add(cs, id);
		rstmon_cgstats_add(cs, id);
		rstmon_cgstats_add(cs, id);
	}
	KUNIT_EXPECT_EQ(test, cs->used, RSTMON_CGROUP_SLOTS);
	KUNIT_ASSERT_TRUE(test, rstmon_cgstats_get(cs, RSTMON_CGROUP_SLOTS - 1, &st));
	KUNIT_EXPECT_EQ(test, st.id, (u64)RSTMON_CGROUP_SLOTS);
	KUNIT_EXPECT_EQ(test, st.rsts, 3ULL);
	KUNIT_ASSERT_TRUE(test, rstmon_cgstats_get(cs, RSTMON_CGROUP_SLOTS, &st));
	KUNIT_EXPECT_EQ(test, st.id, 0ULL);
	KUNIT_EXPECT_EQ(test, st.rsts, 3ULL * RSTMON_CGROUP_SLOTS);
	KUNIT_EXPECT_FALSE(test, rstmon_cgstats_get(cs, RSTMON_CGROUP_SLOTS + 1, &st));
	/* A cgroup with a slot still counts there when the table is full. */
	rstmon_cgstats_add(cs, 1);
	KUNIT_ASSERT_TRUE(test, rstmon_cgstats_get(cs, 0, &st));
	KUNIT_EXPECT_EQ(test, st.rsts, 4ULL);

	rstmon_cgstats_reset(cs);
	KUNIT_ASSERT_TRUE(test, rstmon_cgstats_get(cs, 0, &st));
	KUNIT_EXPECT_EQ(test, st.id, 0ULL);
	KUNIT_EXPECT_EQ(test, st.rsts, 0ULL);
	KUNIT_EXPECT_FALSE(test, rstmon_cgstats_get(cs, 1, &st));
}

static void rstmon_attr_owner_uid(struct kunit *test)
{
	struct rstmon_event ev = { .uid = 1000 };
	u32 uid = 0;

	KUNIT_EXPECT_FALSE(test, rstmon_event_uid(&ev, &init_user_ns, &uid));
	ev.has_uid = 1;
	KUNIT_EXPECT_TRUE(test, rstmon_event_uid(&ev, &init_user_ns, &uid));
	KUNIT_EXPECT_EQ(test, uid, 1000U);
}

static void rstmon_attr_cgroup_paths(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, RSTMON_CGROUP_PATH_MAX, GFP_KERNEL);
	u64 id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, rstmon_cgroup_path(0, buf, RSTMON_CGROUP_PATH_MAX), -ENOENT);
	/* No cgroup has the largest id. */
	KUNIT_EXPECT_EQ(test, rstmon_cgroup_path(U64_MAX, buf, RSTMON_CGROUP_PATH_MAX),
			-ENOENT);
	rcu_read_lock();
	id = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
	KUNIT_ASSERT_EQ(test, rstmon_cgroup_path(id, buf, RSTMON_CGROUP_PATH_MAX), 0);
	KUNIT_EXPECT_EQ(test, buf[0], '/');
	/* Even "/" needs two bytes. */
	KUNIT_EXPECT_EQ(test, rstmon_cgroup_path(id, buf, 1), -ENAMETOOLONG);
}

/* The RST path's calls: the local end found first, then the attribution. */
static void rstmon_attr_test_rst(struct sk_buff *skb, const struct nf_hook_state *state,
				 const struct rstmon_seg *seg, struct rstmon_event *ev)
{
	struct sock *sk = NULL;
	bool ref = false;

	if (ev->dir != RSTMON_DIR_FWD)
		sk = rstmon_attr_sock(skb, state, seg, ev->dir, &ref);
	rstmon_attr_rst(skb, state, seg, ev, sk);
	rstmon_attr_sock_put(sk, ref);
}

/* An RST of no socket: its namespace and port; none or gone by what came before. */
static void rstmon_attr_no_socket(struct kunit *test)
{
	struct nf_hook_state state = { .net = &init_net, .pf = NFPROTO_IPV4 };
	struct rstmon_seg seg = {
		.family = AF_INET,
		.sport = htons(7),	/* nothing in the test kernel uses these */
		.dport = htons(9),
	};
	struct rstmon_event ev = { .dir = RSTMON_DIR_OUT, .side = RSTMON_SIDE_SERVER };
	struct sk_buff *skb = alloc_skb(0, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	ipv6_addr_set_v4mapped(htonl(0xc0000201), &seg.saddr);
	ipv6_addr_set_v4mapped(htonl(0xc6336402), &seg.daddr);
	rstmon_attr_test_rst(skb, &state, &seg, &ev);
	KUNIT_EXPECT_EQ(test, ev.sock, RSTMON_SOCK_NONE);
	KUNIT_EXPECT_EQ(test, ev.lport, htons(7));
	KUNIT_EXPECT_EQ(test, ev.netns_inum, init_net.ns.inum);
	KUNIT_EXPECT_EQ(test, ev.listen_port, 0);
	KUNIT_EXPECT_FALSE(test, ev.has_uid);
	KUNIT_EXPECT_EQ(test, ev.cgroup_id, 0ULL);

	/* The local end had sent: its socket existed and is gone. */
	memset(&ev, 0, sizeof(ev));
	ev.dir = RSTMON_DIR_OUT;
	ev.segs[0] = 3;
	rstmon_attr_test_rst(skb, &state, &seg, &ev);
	KUNIT_EXPECT_EQ(test, ev.sock, RSTMON_SOCK_GONE);

	/* Received: the local end is the receiver, its port the destination. */
	memset(&ev, 0, sizeof(ev));
	ev.dir = RSTMON_DIR_IN;
	ev.segs[1] = 1;
	rstmon_attr_test_rst(skb, &state, &seg, &ev);
	KUNIT_EXPECT_EQ(test, ev.sock, RSTMON_SOCK_GONE);
	KUNIT_EXPECT_EQ(test, ev.lport, htons(9));

	/* Forwarded: no local socket is involved at all. */
	memset(&ev, 0, sizeof(ev));
	ev.dir = RSTMON_DIR_FWD;
	rstmon_attr_test_rst(skb, &state, &seg, &ev);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, ev.sock, RSTMON_SOCK_NOT_LOCAL);
	KUNIT_EXPECT_EQ(test, ev.lport, 0);
}

static struct kunit_case rstmon_attr_cases[] = {
	KUNIT_CASE(rstmon_cgstats_counts_in_order),
	KUNIT_CASE(rstmon_cgstats_bounded),
	KUNIT_CASE(rstmon_attr_owner_uid),
	KUNIT_CASE(rstmon_attr_cgroup_paths),
	KUNIT_CASE(rstmon_attr_no_socket),
	{}
};

static struct kunit_suite rstmon_attr_suite = {
	.name = "rstmon_attr",
	.test_cases = rstmon_attr_cases,
};

kunit_test_suite(rstmon_attr_suite);
