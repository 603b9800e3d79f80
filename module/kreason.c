// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: the kernel's own reason for the RSTs it sends.
 *
 * Since Linux 6.10 the tcp_send_reset tracepoint carries an enum
 * sk_rst_reason.  It fires at two moments (checked in 6.12 and 7.2):
 *
 *  - in tcp_v4_send_reset()/tcp_v6_send_reset() (skb: the segment being
 *    answered), before the reply is built and sent on the same CPU.  The
 *    probe parks the reason in a per-CPU slot with the endpoints of the RST
 *    to come; our LOCAL_OUT hook takes it when the RST it sees matches.  A
 *    task migrated in between, or a slot older than a tick, yields no
 *    reason rather than a wrong one.
 *  - in tcp_send_active_reset() (skb NULL: a full socket resets), after
 *    tcp_transmit_skb() has sent the RST through our hook.  The probe then
 *    finds that event in the socket's namespace and sets the reason on it.
 *
 * rstmon keeps its own cause (the kernel's names are coarser in places:
 * INVALID_SYN also covers an accept-queue overflow, TCP_STATE covers
 * tcp_abort() and disconnects), shows the kernel's beside it, and counts
 * the events where they disagree.  Where the running kernel lacks the
 * tracepoint (the probe RSTMON_HAVE_TCP_SEND_RESET_REASON), the reason is
 * simply unknown.
 */
#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/ipv6.h>
#include <linux/rstmon.h>

#include "compat.h"
#include "rstmon.h"
#include "parse.h"
#include "kreason.h"

#ifdef RSTMON_HAVE_TCP_SEND_RESET_REASON
#include <net/rstreason.h>
#include <trace/events/tcp.h>

/**
 * struct rstmon_kreason_slot - the last stateless reply's reason on a CPU.
 * @src: source of the RST to come (the answered segment's destination)
 * @dst: its destination
 * @sport: its source port
 * @dport: its destination port
 * @stamp: jiffies when the tracepoint fired
 * @reason: enum sk_rst_reason + 1; 0: empty
 */
struct rstmon_kreason_slot {
	struct in6_addr src;
	struct in6_addr dst;
	__be16 sport;
	__be16 dport;
	unsigned long stamp;
	u8 reason;
};

static DEFINE_PER_CPU(struct rstmon_kreason_slot, rstmon_kreason_slot);

/*
 * How long a slot waits for its RST.  The reply is built and sent in the
 * same call, on the same CPU, but that call routes and allocates: on an
 * overloaded or emulated machine it takes more than a jiffy (sid's IPv6
 * replies under QEMU missed a one-jiffy window).  The slot matches only
 * the RST with its exact 4-tuple, and the CPU's next stateless reply
 * replaces it, so a wider window cannot give a reason to another reset.
 */
#define RSTMON_KREASON_WAIT	(HZ / 10 + 1)

/*
 * The kernel's reasons and their names, as its own tracepoint prints them.
 * The last entry, the X-macro's FNe(MAX), is no reason: it has no name and
 * RSTMON_KREASONS leaves it out.
 */
#define RSTMON_FN(reason) { SK_RST_REASON_##reason, #reason },
#define RSTMON_FNE(reason) { SK_RST_REASON_##reason, NULL },
static const struct {
	enum sk_rst_reason reason;
	const char *name;
} rstmon_kreason_names[] = {
	DEFINE_RST_REASON(RSTMON_FN, RSTMON_FNE)
};

#undef RSTMON_FN
#undef RSTMON_FNE

#define RSTMON_KREASONS	(ARRAY_SIZE(rstmon_kreason_names) - 1)

/* The answered segment's endpoints, read only with skb_header_pointer(). */
static bool rstmon_kreason_tuple(const struct sk_buff *skb,
				 struct rstmon_kreason_slot *slot)
{
	struct tcphdr _th;
	const struct tcphdr *th;

	if (skb->protocol == htons(ETH_P_IP)) {
		struct iphdr _iph;
		const struct iphdr *iph;

		iph = skb_header_pointer(skb, skb_network_offset(skb), sizeof(_iph), &_iph);
		if (!iph)
			return false;
		ipv6_addr_set_v4mapped(iph->daddr, &slot->src);
		ipv6_addr_set_v4mapped(iph->saddr, &slot->dst);
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		struct ipv6hdr _ip6h;
		const struct ipv6hdr *ip6h;

		ip6h = skb_header_pointer(skb, skb_network_offset(skb), sizeof(_ip6h), &_ip6h);
		if (!ip6h)
			return false;
		slot->src = ip6h->daddr;
		slot->dst = ip6h->saddr;
	} else {
		return false;
	}
	th = skb_header_pointer(skb, skb_transport_offset(skb), sizeof(_th), &_th);
	if (!th)
		return false;
	slot->sport = th->dest;
	slot->dport = th->source;
	return true;
}

static bool rstmon_kreason_agrees_cb(u8 kreason, u8 cause)
{
	return rstmon_kreason_agrees(kreason, cause);
}

/* A full socket's RST has passed the hook already: amend its event. */
static void rstmon_kreason_amend(const struct sock *sk, u8 kreason)
{
	struct rstmon_event key = { .dir = RSTMON_DIR_OUT };
	struct rstmon_net *rn;

	if (!sk_fullsock(sk))
		return;
	if (sk->sk_family == AF_INET) {
		ipv6_addr_set_v4mapped(sk->sk_rcv_saddr, &key.src);
		ipv6_addr_set_v4mapped(sk->sk_daddr, &key.dst);
#if IS_ENABLED(CONFIG_IPV6)
	} else if (sk->sk_family == AF_INET6) {
		key.src = sk->sk_v6_rcv_saddr;
		key.dst = sk->sk_v6_daddr;
#endif
	} else {
		return;
	}
	/* No source port: tcp_set_state(TCP_CLOSE) may have released it
	 * (inet_put_port() zeroes inet_num) before the reset was sent.
	 */
	key.dport = sk->sk_dport;
	/* Any namespace, also one rstmon has not set up or has torn down. */
	rn = rstmon_pernet_live(sock_net(sk));
	if (!rn)
		return;
	if (rstmon_ring_amend_kreason(&rn->ring, &key, kreason, rstmon_kreason_agrees_cb))
		rstmon_count(rn, RSTMON_STAT_KDISAGREE);
}

/*
 * Tracepoint probe: runs with preemption disabled (an RCU read side), for
 * every namespace.
 */
static void rstmon_trace_send_reset(void *data, const struct sock *sk,
				    const struct sk_buff *skb,
				    const enum sk_rst_reason reason)
{
	struct rstmon_kreason_slot *slot;
	u8 kreason = (u8)min_t(unsigned int, reason, U8_MAX - 1) + 1;

	if (!skb) {
		if (sk)
			rstmon_kreason_amend(sk, kreason);
		return;
	}
	slot = this_cpu_ptr(&rstmon_kreason_slot);
	slot->reason = 0;
	if (!rstmon_kreason_tuple(skb, slot))
		return;
	slot->stamp = jiffies;
	slot->reason = kreason;
}

int rstmon_kreason_init(void)
{
	rstmon_kreason_resolve();
	return register_trace_tcp_send_reset(rstmon_trace_send_reset, NULL);
}

void rstmon_kreason_exit(void)
{
	unregister_trace_tcp_send_reset(rstmon_trace_send_reset, NULL);
	tracepoint_synchronize_unregister();
}

/**
 * rstmon_kreason_take() - the kernel's reason for an RST leaving this host.
 * @skb: the RST at LOCAL_OUT
 * @seg: its parsed headers
 *
 * Return: enum sk_rst_reason + 1, or 0 when unknown.
 */
u8 rstmon_kreason_take(const struct sk_buff *skb, const struct rstmon_seg *seg)
{
	struct rstmon_kreason_slot *slot = get_cpu_ptr(&rstmon_kreason_slot);
	u8 reason = 0;

	if (slot->reason && time_before_eq(jiffies, slot->stamp + RSTMON_KREASON_WAIT) &&
	    slot->sport == seg->sport && slot->dport == seg->dport &&
	    ipv6_addr_equal(&slot->src, &seg->saddr) &&
	    ipv6_addr_equal(&slot->dst, &seg->daddr)) {
		reason = slot->reason;
		slot->reason = 0;
	}
	put_cpu_ptr(&rstmon_kreason_slot);
	return reason;
}

/* The index of @kreason in rstmon_kreason_names[], or -1. */
static int rstmon_kreason_index(u8 kreason)
{
	unsigned int i;

	for (i = 0; kreason && i < RSTMON_KREASONS; i++)
		if (rstmon_kreason_names[i].reason == kreason - 1)
			return i;
	return -1;
}

const char *rstmon_kreason_name(u8 kreason)
{
	int i = rstmon_kreason_index(kreason);

	return i < 0 ? "none" : rstmon_kreason_names[i].name;
}

#define RSTMON_KC(cause)	BIT(RSTMON_CAUSE_##cause)
/* Any cause: the kernel does not know either. */
#define RSTMON_KC_ANY		GENMASK(__RSTMON_CAUSE_MAX - 1, 0)
/*
 * The MPTCP layer reset a subflow it holds: a live socket, reset with no
 * timer or close() of its own behind it, which rstmon's socket rules call a
 * deliberate abort (abandoned before any data).
 */
#define RSTMON_KC_SUBFLOW	(RSTMON_KC(APP_ABORT) | RSTMON_KC(ABANDONED))

/*
 * Which of rstmon's causes each kernel reason allows, by the reason's name
 * (the names, not the enum values, are what stays stable: kernels add
 * reasons, and an older kernel lacks the newer ones).  Every reason of the
 * newest kernel the test suite has must be here: tests/host/kreason-check.py
 * reads this table (one "{ "NAME"," per entry) and fails on a reason of
 * any kernel tree it parses that is missing, and the KUnit suite
 * rstmon_kreason does the same for the running kernel.  Checked against
 * where each reason is passed in 6.12 and 7.2 (net/ipv4/tcp*.c,
 * net/mptcp/); Documentation/rstmon.rst has the reasoning.
 */
static const struct {
	const char *name;
	u32 causes;
} rstmon_kreason_map[] = {
	/* A drop reason with no reset reason of its own; an MPTCP reply
	 * with no MPTCP extension on the segment.
	 */
	{ "NOT_SPECIFIED", RSTMON_KC_ANY },
	{ "NO_SOCKET", RSTMON_KC(REFUSED) | RSTMON_KC(NO_CONNECTION) | RSTMON_KC(ABANDONED) |
		       RSTMON_KC(NAT_INVALID) },
	{ "TCP_INVALID_ACK_SEQUENCE", RSTMON_KC(BAD_SEGMENT) },
	{ "TCP_RFC7323_PAWS", RSTMON_KC(BAD_SEGMENT) },
	{ "TCP_TOO_OLD_ACK", RSTMON_KC(BAD_SEGMENT) },
	{ "TCP_ACK_UNSENT_DATA", RSTMON_KC(BAD_SEGMENT) },
	{ "TCP_FLAGS", RSTMON_KC(BAD_SEGMENT) },
	{ "TCP_OLD_ACK", RSTMON_KC(BAD_SEGMENT) },
	{ "TCP_ABORT_ON_DATA", RSTMON_KC(DATA_AFTER_CLOSE) },
	{ "TCP_TIMEWAIT_SOCKET", RSTMON_KC(TIME_WAIT) | RSTMON_KC(DATA_AFTER_CLOSE) },
	/* tcp_check_req()'s embryonic reset: the accept queue full with
	 * tcp_abort_on_overflow, or a handshake segment with SYN set.
	 */
	{ "INVALID_SYN", RSTMON_KC(ACCEPT_OVERFLOW) | RSTMON_KC(BAD_SEGMENT) },
	/* __tcp_close() with unread data (and SO_LINGER 0 together: the
	 * kernel names the first, rstmon can only see the second);
	 * mptcp_do_fastclose() resets each live subflow with it too.
	 */
	{ "TCP_ABORT_ON_CLOSE", RSTMON_KC(UNREAD_DATA) | RSTMON_KC(LINGER_ABORT) |
				RSTMON_KC(ABANDONED) | RSTMON_KC(APP_ABORT) },
	/* TCP_LINGER2 < 0: FIN_WAIT2 aborted at once, not SO_LINGER 0. */
	{ "TCP_ABORT_ON_LINGER", RSTMON_KC(TIMEOUT) },
	/* __tcp_close() and tcp_out_of_resources(): tcp_check_oom(). */
	{ "TCP_ABORT_ON_MEMORY", RSTMON_KC(MEMORY) },
	/* SO_LINGER 0, tcp_abort(), disconnects, FIN_WAIT2 timer. */
	{ "TCP_STATE", RSTMON_KC(LINGER_ABORT) | RSTMON_KC(APP_ABORT) | RSTMON_KC(ABANDONED) |
		       RSTMON_KC(TIMEOUT) },
	{ "TCP_KEEPALIVE_TIMEOUT", RSTMON_KC(TIMEOUT) },
	/* tcp_disconnect() in CLOSING or LAST_ACK with unsent data: unsent,
	 * not unread; called by close() with SO_LINGER 0 and by
	 * connect(AF_UNSPEC).
	 */
	{ "TCP_DISCONNECT_WITH_DATA", RSTMON_KC(APP_ABORT) | RSTMON_KC(LINGER_ABORT) |
				      RSTMON_KC(ABANDONED) },
	/* RFC 8684's reset codes, of an MPTCP subflow.  Sent on a subflow
	 * the MPTCP layer resets (mptcp_subflow_reset()), or in answer to a
	 * join's SYN (refused) or to its handshake ACK or SYN-ACK.
	 */
	/* Default code: MP_FASTCLOSE received, a join or fallback that failed,
	 * MP_FAIL with no answer (a timer).
	 */
	{ "MPTCP_RST_EUNSPEC", RSTMON_KC_SUBFLOW | RSTMON_KC(TIMEOUT) },
	/* Bad MPTCP options or HMAC (a bad segment), an unknown token in
	 * a join's SYN (refused).
	 */
	{ "MPTCP_RST_EMPTCP", RSTMON_KC_SUBFLOW | RSTMON_KC(REFUSED) | RSTMON_KC(BAD_SEGMENT) },
	{ "MPTCP_RST_ERESOURCE", RSTMON_KC_SUBFLOW | RSTMON_KC(MEMORY) },
	/* Path manager limits or policy refuse a join. */
	{ "MPTCP_RST_EPROHIBIT", RSTMON_KC_SUBFLOW | RSTMON_KC(REFUSED) },
	{ "MPTCP_RST_EWQ2BIG", RSTMON_KC_SUBFLOW },
	{ "MPTCP_RST_EBADPERF", RSTMON_KC_SUBFLOW },
	/* A bad DSS checksum or mapping: the segment was found invalid. */
	{ "MPTCP_RST_EMIDDLEBOX", RSTMON_KC_SUBFLOW | RSTMON_KC(BAD_SEGMENT) },
	/* An MPTCP reset code the kernel could not convert. */
	{ "ERROR", RSTMON_KC_ANY },
};

/* The causes a reason's name allows, or 0 when rstmon does not know it. */
static u32 rstmon_kreason_map_causes(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rstmon_kreason_map); i++)
		if (!strcmp(name, rstmon_kreason_map[i].name))
			return rstmon_kreason_map[i].causes;
	return 0;
}

/*
 * rstmon_kreason_map_causes() of each reason of the running kernel, in the
 * order of rstmon_kreason_names[]: matched once, by
 * rstmon_kreason_resolve(), before the probe is registered.
 */
static u32 rstmon_kreason_allowed[RSTMON_KREASONS];

/**
 * rstmon_kreason_resolve() - match the running kernel's reasons to the map.
 *
 * Return: how many of its reasons rstmon does not know (those agree with
 * every cause); each is named in the kernel log.
 */
unsigned int rstmon_kreason_resolve(void)
{
	unsigned int i, unknown = 0;

	for (i = 0; i < RSTMON_KREASONS; i++) {
		rstmon_kreason_allowed[i] = rstmon_kreason_map_causes(rstmon_kreason_names[i].name);
		if (!rstmon_kreason_allowed[i]) {
			pr_notice("the kernel's reset reason %s is not known to rstmon: it agrees with every cause\n",
				  rstmon_kreason_names[i].name);
			unknown++;
		}
	}
	return unknown;
}

/* How many reasons the running kernel has. */
unsigned int rstmon_kreason_count(void)
{
	return RSTMON_KREASONS;
}

/**
 * rstmon_kreason_nth() - one reason of the running kernel and its causes.
 * @i: its index, below rstmon_kreason_count()
 * @name: set to its name
 * @causes: set to the causes rstmon's map allows for it (0: not mapped)
 *
 * Return: its value as events carry it (enum sk_rst_reason + 1), or 0 when
 * @i is out of range.
 */
u8 rstmon_kreason_nth(unsigned int i, const char **name, u32 *causes)
{
	if (i >= RSTMON_KREASONS ||
	    rstmon_kreason_names[i].reason >= U8_MAX)
		return 0;
	*name = rstmon_kreason_names[i].name;
	*causes = rstmon_kreason_map_causes(*name);
	return rstmon_kreason_names[i].reason + 1;
}

/*
 * Does rstmon's @cause fit the kernel's reason?  Unknown reasons, and all
 * before rstmon_kreason_resolve() ran, fit all.
 */
bool rstmon_kreason_agrees(u8 kreason, u8 cause)
{
	int i = rstmon_kreason_index(kreason);

	if (i < 0 || !rstmon_kreason_allowed[i] || cause >= __RSTMON_CAUSE_MAX)
		return true;
	return rstmon_kreason_allowed[i] & BIT(cause);
}

#else /* !RSTMON_HAVE_TCP_SEND_RESET_REASON */

int rstmon_kreason_init(void)
{
	return 0;
}

void rstmon_kreason_exit(void)
{
}

u8 rstmon_kreason_take(const struct sk_buff *skb, const struct rstmon_seg *seg)
{
	return 0;
}

const char *rstmon_kreason_name(u8 kreason)
{
	return "none";
}

bool rstmon_kreason_agrees(u8 kreason, u8 cause)
{
	return true;
}

unsigned int rstmon_kreason_resolve(void)
{
	return 0;
}

unsigned int rstmon_kreason_count(void)
{
	return 0;
}

u8 rstmon_kreason_nth(unsigned int i, const char **name, u32 *causes)
{
	return 0;
}

#endif
