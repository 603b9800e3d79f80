// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: KUnit tests of module/accept.c: what the receiving stack does
 * with an RST (rstmon_accept_predict(), against sockets built by hand with
 * the fields TCP decides by), the copy of an RST's payload into its event,
 * and the escaping /proc/net/rstmon and rstmonctl show it with.
 */
#include "../../module/accept.c"
#include "../../module/conn.h"

#include <kunit/test.h>
#include <linux/skbuff.h>
#include <net/tcp.h>

/**
 * struct rstmon_test_accept - one socket, one RST, one answer.
 * @name: the case
 * @state: the socket's TCP state (TCP_TIME_WAIT: a timewait socket, with
 *	@substate; TCP_NEW_SYN_RECV: a request socket; 0: no socket)
 * @substate: a timewait socket's substate
 * @sack: the right-most SACK block's end the socket sends (0: none)
 * @flags: the RST's flags besides RST (RSTMON_TCP_ACK)
 * @seq: its sequence number
 * @ack: its acknowledgment number
 * @payload: its payload bytes
 * @want: &enum rstmon_accepted
 *
 * Every socket expects 1000 next (rcv_nxt, rcv_wup), with a 65535-byte
 * window (a timewait or request socket's: 1000 bytes); a SYN_SENT one has
 * snd_una 100 and snd_nxt 101.
 */
struct rstmon_test_accept {
	const char *name;
	int state;
	int substate;
	u32 sack;
	u8 flags;
	u32 seq;
	u32 ack;
	u32 payload;
	u8 want;
};

static const struct rstmon_test_accept rstmon_test_accepts[] = {
	{ "exact", TCP_ESTABLISHED, 0, 0, 0, 1000, 0, 0, RSTMON_ACCEPTED_YES },
	{ "exact-ack", TCP_ESTABLISHED, 0, 0, RSTMON_TCP_ACK, 1000, 5, 0, RSTMON_ACCEPTED_YES },
	{ "in-window", TCP_ESTABLISHED, 0, 0, 0, 1001, 0, 0, RSTMON_ACCEPTED_CHALLENGED },
	{ "window-edge", TCP_ESTABLISHED, 0, 0, 0, 1000 + 65535, 0, 0,
	  RSTMON_ACCEPTED_CHALLENGED },
	{ "beyond-window", TCP_ESTABLISHED, 0, 0, 0, 1000 + 65536, 0, 0, RSTMON_ACCEPTED_NO },
	{ "old", TCP_ESTABLISHED, 0, 0, 0, 999, 0, 0, RSTMON_ACCEPTED_NO },
	{ "old-payload-reaches", TCP_ESTABLISHED, 0, 0, 0, 990, 0, 20, RSTMON_ACCEPTED_CHALLENGED },
	{ "far", TCP_ESTABLISHED, 0, 0, 0, 0x80000000, 0, 0, RSTMON_ACCEPTED_NO },
	{ "right-most-sack", TCP_ESTABLISHED, 0, 5000, 0, 5000, 0, 0, RSTMON_ACCEPTED_YES },
	{ "other-sack", TCP_ESTABLISHED, 0, 5000, 0, 4000, 0, 0, RSTMON_ACCEPTED_CHALLENGED },
	{ "fin-counted-close-wait", TCP_CLOSE_WAIT, 0, 0, 0, 999, 0, 0, RSTMON_ACCEPTED_YES },
	{ "fin-counted-last-ack", TCP_LAST_ACK, 0, 0, 0, 999, 0, 0, RSTMON_ACCEPTED_YES },
	{ "minus-one-established", TCP_ESTABLISHED, 0, 0, 0, 999, 0, 0, RSTMON_ACCEPTED_NO },
	{ "fin-wait1-exact", TCP_FIN_WAIT1, 0, 0, 0, 1000, 0, 0, RSTMON_ACCEPTED_YES },
	{ "syn-sent-good-ack", TCP_SYN_SENT, 0, 0, RSTMON_TCP_ACK, 0, 101, 0,
	  RSTMON_ACCEPTED_YES },
	{ "syn-sent-old-ack", TCP_SYN_SENT, 0, 0, RSTMON_TCP_ACK, 0, 100, 0, RSTMON_ACCEPTED_NO },
	{ "syn-sent-no-ack", TCP_SYN_SENT, 0, 0, 0, 0, 0, 0, RSTMON_ACCEPTED_NO },
	{ "listener", TCP_LISTEN, 0, 0, 0, 1000, 0, 0, RSTMON_ACCEPTED_NO },
	{ "closed", TCP_CLOSE, 0, 0, 0, 1000, 0, 0, RSTMON_ACCEPTED_NO },
	{ "no-socket", 0, 0, 0, 0, 1000, 0, 0, RSTMON_ACCEPTED_NO },
	{ "time-wait-exact", TCP_TIME_WAIT, TCP_TIME_WAIT, 0, 0, 1000, 0, 0, RSTMON_ACCEPTED_YES },
	{ "time-wait-in-window", TCP_TIME_WAIT, TCP_TIME_WAIT, 0, 0, 1001, 0, 0,
	  RSTMON_ACCEPTED_NO },
	{ "fin-wait2-tw-in-window", TCP_TIME_WAIT, TCP_FIN_WAIT2, 0, 0, 1500, 0, 0,
	  RSTMON_ACCEPTED_YES },
	{ "fin-wait2-tw-beyond", TCP_TIME_WAIT, TCP_FIN_WAIT2, 0, 0, 2001, 0, 0,
	  RSTMON_ACCEPTED_NO },
	{ "request-exact", TCP_NEW_SYN_RECV, 0, 0, 0, 1000, 0, 0, RSTMON_ACCEPTED_YES },
	{ "request-good-ack", TCP_NEW_SYN_RECV, 0, 0, RSTMON_TCP_ACK, 1200, 501, 0,
	  RSTMON_ACCEPTED_YES },
	{ "request-bad-ack", TCP_NEW_SYN_RECV, 0, 0, RSTMON_TCP_ACK, 1000, 7, 0,
	  RSTMON_ACCEPTED_NO },
	{ "request-beyond", TCP_NEW_SYN_RECV, 0, 0, 0, 2001, 0, 0, RSTMON_ACCEPTED_NO },
};

static void rstmon_test_accept_desc(const struct rstmon_test_accept *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rstmon_test_accepts, rstmon_test_accepts, rstmon_test_accept_desc);

static struct sock *rstmon_test_accept_sock(struct kunit *test,
					    const struct rstmon_test_accept *t)
{
	struct sock *sk;

	if (!t->state)
		return NULL;
	if (t->state == TCP_TIME_WAIT) {
		struct tcp_timewait_sock *tw = kunit_kzalloc(test, sizeof(*tw), GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, tw);
		sk = (struct sock *)tw;
		tw->tw_rcv_nxt = 1000;
		tw->tw_rcv_wnd = 1000;
		tw->tw_sk.tw_substate = t->substate;
	} else if (t->state == TCP_NEW_SYN_RECV) {
		struct tcp_request_sock *treq = kunit_kzalloc(test, sizeof(*treq), GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, treq);
		sk = (struct sock *)treq;
		treq->rcv_nxt = 1000;
		treq->snt_isn = 500;
		treq->req.req.rsk_rcv_wnd = 1000;
	} else {
		struct tcp_sock *tp = kunit_kzalloc(test, sizeof(*tp), GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, tp);
		sk = (struct sock *)tp;
		tp->rcv_nxt = 1000;
		tp->rcv_wup = 1000;
		tp->rcv_wnd = 65535;
#ifdef RSTMON_HAVE_TCP_RCV_MWND_SEQ
		tp->rcv_mwnd_seq = 1000 + 65535;
#endif
		tp->snd_una = 100;
		tp->snd_nxt = 101;
		if (t->sack) {
			tp->rx_opt.sack_ok = TCP_SACK_SEEN;
			tp->rx_opt.num_sacks = 2;
			tp->selective_acks[0].end_seq = t->sack - 1000;
			tp->selective_acks[1].end_seq = t->sack;
		}
	}
	sock_net_set(sk, &init_net);
	sk->sk_state = t->state;
	return sk;
}

static void rstmon_accept_test_predict(struct kunit *test)
{
	const struct rstmon_test_accept *t = test->param_value;
	struct rstmon_seg seg = {
		.flags = RSTMON_TCP_RST | t->flags,
		.seq = t->seq,
		.ack_seq = t->ack,
		.payload = t->payload,
	};

	KUNIT_EXPECT_EQ(test, rstmon_accept_predict(rstmon_test_accept_sock(test, t), &seg),
			t->want);
}

/* The first RSTMON_RST_PAYLOAD_MAX (40) bytes of an RST's payload, and its length, are kept. */
static void rstmon_accept_test_payload(struct kunit *test)
{
	static const u32 lens[] = { 0, 1, 18, 40, 41, 64, 200 };
	struct rstmon_event *ev = kunit_kzalloc(test, sizeof(*ev), GFP_KERNEL);
	unsigned int i, j;

	KUNIT_ASSERT_NOT_NULL(test, ev);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		struct sk_buff *skb = alloc_skb(40 + lens[i], GFP_KERNEL);
		struct rstmon_seg seg = { .thoff = 20, .doff = 20, .payload = lens[i] };
		u8 *p;

		KUNIT_ASSERT_NOT_NULL(test, skb);
		p = skb_put(skb, 40 + lens[i]);
		for (j = 0; j < 40 + lens[i]; j++)
			p[j] = j < 40 ? 0xee : j - 40;
		memset(ev, 0, sizeof(*ev));
		rstmon_accept_rst(NULL, skb, &seg, ev);
		kfree_skb(skb);
		KUNIT_EXPECT_EQ(test, ev->rst_payload_len, lens[i]);
		KUNIT_EXPECT_EQ(test, ev->rst_payload_kept,
				min_t(u32, lens[i], RSTMON_RST_PAYLOAD_MAX));
		for (j = 0; j < ev->rst_payload_kept; j++)
			KUNIT_EXPECT_EQ(test, ev->rst_payload[j], j);
	}
	/* A first fragment: the header claims 100 bytes, 10 are there. */
	{
		struct sk_buff *skb = alloc_skb(50, GFP_KERNEL);
		struct rstmon_seg seg = { .thoff = 20, .doff = 20, .payload = 100 };

		KUNIT_ASSERT_NOT_NULL(test, skb);
		memset(skb_put(skb, 50), 'a', 50);
		memset(ev, 0, sizeof(*ev));
		rstmon_accept_rst(NULL, skb, &seg, ev);
		kfree_skb(skb);
		KUNIT_EXPECT_EQ(test, ev->rst_payload_len, 100U);
		KUNIT_EXPECT_EQ(test, ev->rst_payload_kept, 10);
	}
}

static void rstmon_accept_test_escape(struct kunit *test)
{
	static const struct {
		const char *in;
		unsigned int n;
		const char *out;
	} cases[] = {
		{ "reset by policy", 15, "reset\\x20by\\x20policy" },
		{ "a\"b\\c", 5, "a\\\"b\\\\c" },
		{ "\x00\x01\n\x7f\xff", 5, "\\x00\\x01\\x0a\\x7f\\xff" },
		{ "", 0, "" },
	};
	char out[RSTMON_PAYLOAD_ESC_LEN(RSTMON_RST_PAYLOAD_MAX)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		rstmon_payload_escape(out, (const unsigned char *)cases[i].in, cases[i].n);
		KUNIT_EXPECT_STREQ(test, out, cases[i].out);
	}
	KUNIT_EXPECT_STREQ(test, rstmon_accepted_name(RSTMON_ACCEPTED_CHALLENGED), "challenged");
	KUNIT_EXPECT_STREQ(test, rstmon_accepted_name(200), "-");
}

/*
 * The entry after a received RST: a challenged one leaves it in its state
 * with RSTMON_CF_CHALLENGE, which the receiver's next segment (not the
 * sender's) clears and reports; an accepted one, or one without a socket,
 * closes it.
 */
static void rstmon_accept_test_entry(struct kunit *test)
{
	const u32 chal = (u32)RSTMON_CF_CHALLENGE << RSTMON_B_CF_SHIFT;
	struct rstmon_seg seg = { .family = AF_INET, .flags = RSTMON_TCP_ACK, .seq = 5000,
				  .ack_seq = 2000, .ttl = 64 };
	struct rstmon_event ev = { .accepted = RSTMON_ACCEPTED_CHALLENGED,
				   .sock = RSTMON_SOCK_FULL };
	struct rstmon_conn *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	u32 set;

	KUNIT_ASSERT_NOT_NULL(test, c);
	atomic_set(&c->bits, (u32)RSTMON_ST_ESTABLISHED << RSTMON_B_STATE_SHIFT);
	KUNIT_EXPECT_TRUE(test, rstmon_accept_lives(&ev));
	rstmon_conn_rst_in(c, RSTMON_ORIG, jiffies, ev.accepted, rstmon_accept_lives(&ev));
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, rstmon_sflags(c, RSTMON_ORIG) & RSTMON_SF_RST);
	KUNIT_EXPECT_TRUE(test, rstmon_conn_cflags(c) & RSTMON_CF_CHALLENGE);

	/* The sender's own segment is no answer. */
	set = rstmon_conn_update(c, RSTMON_ORIG, &seg, jiffies);
	KUNIT_EXPECT_FALSE(test, set & chal);
	KUNIT_EXPECT_TRUE(test, rstmon_conn_cflags(c) & RSTMON_CF_CHALLENGE);
	/* The receiver's is, once. */
	set = rstmon_conn_update(c, RSTMON_RESP, &seg, jiffies);
	KUNIT_EXPECT_TRUE(test, set & chal);
	KUNIT_EXPECT_FALSE(test, rstmon_conn_cflags(c) & RSTMON_CF_CHALLENGE);
	seg.payload = 10;
	set = rstmon_conn_update(c, RSTMON_RESP, &seg, jiffies);
	KUNIT_EXPECT_FALSE(test, set & chal);
	/* Its data after the RST is that of a live connection. */
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_ESTABLISHED);

	/* Ignored: lives while its socket is there. */
	ev.accepted = RSTMON_ACCEPTED_NO;
	KUNIT_EXPECT_TRUE(test, rstmon_accept_lives(&ev));
	rstmon_conn_rst_in(c, RSTMON_ORIG, jiffies, ev.accepted, rstmon_accept_lives(&ev));
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_ESTABLISHED);
	KUNIT_EXPECT_FALSE(test, rstmon_conn_cflags(c) & RSTMON_CF_CHALLENGE);
	ev.sock = RSTMON_SOCK_NONE;
	KUNIT_EXPECT_FALSE(test, rstmon_accept_lives(&ev));
	ev.sock = RSTMON_SOCK_GONE;
	KUNIT_EXPECT_FALSE(test, rstmon_accept_lives(&ev));

	/* A challenged one sets the bit again; an accepted one closes. */
	rstmon_conn_rst_in(c, RSTMON_ORIG, jiffies, RSTMON_ACCEPTED_CHALLENGED, true);
	KUNIT_EXPECT_TRUE(test, rstmon_conn_cflags(c) & RSTMON_CF_CHALLENGE);
	ev.accepted = RSTMON_ACCEPTED_YES;
	ev.sock = RSTMON_SOCK_FULL;
	KUNIT_EXPECT_FALSE(test, rstmon_accept_lives(&ev));
	rstmon_conn_rst_in(c, RSTMON_ORIG, jiffies, ev.accepted, rstmon_accept_lives(&ev));
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_CLOSED);
	KUNIT_EXPECT_FALSE(test, rstmon_conn_cflags(c) & RSTMON_CF_CHALLENGE);
	/* Sent or forwarded RSTs close as before. */
	atomic_set(&c->bits, (u32)RSTMON_ST_ESTABLISHED << RSTMON_B_STATE_SHIFT);
	rstmon_conn_rst(c, RSTMON_RESP, jiffies);
	KUNIT_EXPECT_EQ(test, rstmon_conn_state(c), RSTMON_ST_CLOSED);
}

static struct kunit_case rstmon_accept_cases[] = {
	KUNIT_CASE_PARAM(rstmon_accept_test_predict, rstmon_test_accepts_gen_params),
	KUNIT_CASE(rstmon_accept_test_payload),
	KUNIT_CASE(rstmon_accept_test_escape),
	KUNIT_CASE(rstmon_accept_test_entry),
	{}
};

static struct kunit_suite rstmon_accept_suite = {
	.name = "rstmon_accept",
	.test_cases = rstmon_accept_cases,
};

kunit_test_suite(rstmon_accept_suite);
