// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl: the generic netlink family "rstmon" through libmnl.
 *
 * The parsers (messages -> structs) and the error wording are pure; the
 * rest opens the socket, resolves the family with CTRL_CMD_GETFAMILY,
 * sends requests and reads their replies, acks and errors (with the
 * kernel's extack message: NETLINK_EXT_ACK is set on the socket).
 *
 * watch listens on a second socket too, in nlctrl's "notify" group: the
 * CTRL_CMD_DELFAMILY of "rstmon" tells it that the module went away (its
 * events group is gone with it and nothing would come any more).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "rstmonctl.h"

#define RM_BUF_SIZE 32768	/* the kernel's largest dump skb */

/* ------------------------------------------------------------ parsers */

enum kind { K_NONE, K_U8, K_U16, K_U32, K_U64, K_STR, K_ADDR, K_NEST, K_FLAG };

struct parse_ctx {
	const uint8_t *kinds;
	unsigned int max;		/* highest known type */
	const struct nlattr **tb;
	bool bad;
};

static bool attr_valid(const struct nlattr *a, enum kind k)
{
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (k) {
	case K_U8:
		return mnl_attr_validate(a, MNL_TYPE_U8) >= 0;
	case K_U16:
		return mnl_attr_validate(a, MNL_TYPE_U16) >= 0;
	case K_U32:
		return mnl_attr_validate(a, MNL_TYPE_U32) >= 0;
	case K_U64:
		return mnl_attr_validate(a, MNL_TYPE_U64) >= 0;
	case K_STR:
		return mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0;
	case K_ADDR:
		return len == 4 || len == 16;
	case K_NEST:
		return mnl_attr_validate(a, MNL_TYPE_NESTED) >= 0;
	case K_FLAG:
		return mnl_attr_validate(a, MNL_TYPE_FLAG) >= 0;
	default:
		return true;
	}
}

/* Attributes the parser does not know (newer kernels) are skipped. */
static int parse_cb(const struct nlattr *a, void *data)
{
	struct parse_ctx *p = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type > p->max || p->kinds[type] == K_NONE)
		return MNL_CB_OK;
	if (!attr_valid(a, p->kinds[type])) {
		p->bad = true;
		return MNL_CB_ERROR;
	}
	p->tb[type] = a;
	return MNL_CB_OK;
}

static const uint8_t event_kinds[__RSTMON_E_MAX] = {
	[RSTMON_E_ID] = K_U64,
	[RSTMON_E_TIME_NS] = K_U64,
	[RSTMON_E_FAMILY] = K_U8,
	[RSTMON_E_DIR] = K_U8,
	[RSTMON_E_SENDER] = K_U8,
	[RSTMON_E_CAUSE] = K_U8,
	[RSTMON_E_CONFIDENCE] = K_U8,
	[RSTMON_E_SRC] = K_ADDR,
	[RSTMON_E_DST] = K_ADDR,
	[RSTMON_E_SPORT] = K_U16,
	[RSTMON_E_DPORT] = K_U16,
	[RSTMON_E_SEQ] = K_U32,
	[RSTMON_E_ACK] = K_U32,
	[RSTMON_E_STATE] = K_U8,
	[RSTMON_E_SIDE] = K_U8,
	[RSTMON_E_IDLE_MS] = K_U32,
	[RSTMON_E_AGE_MS] = K_U32,
	[RSTMON_E_SEQCHK] = K_U8,
	[RSTMON_E_TTL] = K_U8,
	[RSTMON_E_TTL_BASE] = K_U8,
	[RSTMON_E_BYTES_SENDER] = K_U32,
	[RSTMON_E_BYTES_RECEIVER] = K_U32,
	[RSTMON_E_SEGS_SENDER] = K_U32,
	[RSTMON_E_SEGS_RECEIVER] = K_U32,
	[RSTMON_E_FIN_SENDER_AGO_MS] = K_U32,
	[RSTMON_E_FIN_RECEIVER_AGO_MS] = K_U32,
	[RSTMON_E_KREASON] = K_STR,
	[RSTMON_E_EVIDENCE] = K_U32,
	[RSTMON_E_NAT_PRE_SRC] = K_ADDR,
	[RSTMON_E_NAT_PRE_DST] = K_ADDR,
	[RSTMON_E_NAT_POST_SRC] = K_ADDR,
	[RSTMON_E_NAT_POST_DST] = K_ADDR,
	[RSTMON_E_NAT_PRE_SPORT] = K_U16,
	[RSTMON_E_NAT_PRE_DPORT] = K_U16,
	[RSTMON_E_NAT_POST_SPORT] = K_U16,
	[RSTMON_E_NAT_POST_DPORT] = K_U16,
	[RSTMON_E_SOCK] = K_U8,
	[RSTMON_E_NETNS_INUM] = K_U32,
	[RSTMON_E_LOCAL_PORT] = K_U16,
	[RSTMON_E_LISTEN_PORT] = K_U16,
	[RSTMON_E_UID] = K_U32,
	[RSTMON_E_CGROUP_ID] = K_U64,
	[RSTMON_E_CGROUP] = K_STR,
	[RSTMON_E_IDLE_MATCH] = K_U8,
	[RSTMON_E_IDLE_MATCH_S] = K_U32,
	[RSTMON_E_ALT_CAUSE] = K_U8,
};

static uint8_t get_u8(const struct nlattr *a)
{
	return a ? mnl_attr_get_u8(a) : 0;
}

static uint16_t get_be16(const struct nlattr *a)
{
	return a ? ntohs(mnl_attr_get_u16(a)) : 0;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return a ? mnl_attr_get_u32(a) : 0;
}

static uint64_t get_u64(const struct nlattr *a)
{
	return a ? mnl_attr_get_u64(a) : 0;
}

/* An address attribute into 16 bytes (IPv4 in the first 4). */
static void get_addr(const struct nlattr *a, uint8_t *out)
{
	memset(out, 0, 16);
	if (a)
		memcpy(out, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
}

int rm_parse_event(const struct nlattr *nest, struct rm_event *ev)
{
	const struct nlattr *tb[__RSTMON_E_MAX] = { NULL };
	struct parse_ctx p = { event_kinds, __RSTMON_E_MAX - 1, tb, false };

	memset(ev, 0, sizeof(*ev));
	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(nest, parse_cb, &p) < 0 || p.bad)
		return -1;
	if (!tb[RSTMON_E_ID] || !tb[RSTMON_E_FAMILY] || !tb[RSTMON_E_SRC] || !tb[RSTMON_E_DST])
		return -1;
	ev->id = get_u64(tb[RSTMON_E_ID]);
	ev->time_ns = get_u64(tb[RSTMON_E_TIME_NS]);
	ev->family = get_u8(tb[RSTMON_E_FAMILY]);
	if ((ev->family == AF_INET ? 4 : 16) != mnl_attr_get_payload_len(tb[RSTMON_E_SRC]) ||
	    mnl_attr_get_payload_len(tb[RSTMON_E_SRC]) != mnl_attr_get_payload_len(tb[RSTMON_E_DST]))
		return -1;
	ev->dir = get_u8(tb[RSTMON_E_DIR]);
	ev->sender = get_u8(tb[RSTMON_E_SENDER]);
	ev->cause = get_u8(tb[RSTMON_E_CAUSE]);
	ev->confidence = get_u8(tb[RSTMON_E_CONFIDENCE]);
	get_addr(tb[RSTMON_E_SRC], ev->src);
	get_addr(tb[RSTMON_E_DST], ev->dst);
	ev->sport = get_be16(tb[RSTMON_E_SPORT]);
	ev->dport = get_be16(tb[RSTMON_E_DPORT]);
	ev->seq = get_u32(tb[RSTMON_E_SEQ]);
	ev->ack = get_u32(tb[RSTMON_E_ACK]);
	ev->state = tb[RSTMON_E_STATE] ? get_u8(tb[RSTMON_E_STATE]) : RM_ST_UNTRACKED;
	ev->side = tb[RSTMON_E_SIDE] ? get_u8(tb[RSTMON_E_SIDE]) : 2;
	ev->idle_ms = get_u32(tb[RSTMON_E_IDLE_MS]);
	ev->age_ms = get_u32(tb[RSTMON_E_AGE_MS]);
	ev->seqchk = get_u8(tb[RSTMON_E_SEQCHK]);
	ev->ttl = get_u8(tb[RSTMON_E_TTL]);
	ev->ttl_base = get_u8(tb[RSTMON_E_TTL_BASE]);
	ev->bytes_sender = get_u32(tb[RSTMON_E_BYTES_SENDER]);
	ev->bytes_receiver = get_u32(tb[RSTMON_E_BYTES_RECEIVER]);
	ev->segs_sender = get_u32(tb[RSTMON_E_SEGS_SENDER]);
	ev->segs_receiver = get_u32(tb[RSTMON_E_SEGS_RECEIVER]);
	ev->fin_sender = tb[RSTMON_E_FIN_SENDER_AGO_MS];
	ev->fin_sender_ago_ms = get_u32(tb[RSTMON_E_FIN_SENDER_AGO_MS]);
	ev->fin_receiver = tb[RSTMON_E_FIN_RECEIVER_AGO_MS];
	ev->fin_receiver_ago_ms = get_u32(tb[RSTMON_E_FIN_RECEIVER_AGO_MS]);
	if (tb[RSTMON_E_KREASON])
		snprintf(ev->kreason, sizeof(ev->kreason), "%s",
			 mnl_attr_get_str(tb[RSTMON_E_KREASON]));
	ev->evidence = get_u32(tb[RSTMON_E_EVIDENCE]);
	get_addr(tb[RSTMON_E_NAT_PRE_SRC], ev->nat_pre_src);
	get_addr(tb[RSTMON_E_NAT_PRE_DST], ev->nat_pre_dst);
	get_addr(tb[RSTMON_E_NAT_POST_SRC], ev->nat_post_src);
	get_addr(tb[RSTMON_E_NAT_POST_DST], ev->nat_post_dst);
	ev->nat_pre_sport = get_be16(tb[RSTMON_E_NAT_PRE_SPORT]);
	ev->nat_pre_dport = get_be16(tb[RSTMON_E_NAT_PRE_DPORT]);
	ev->nat_post_sport = get_be16(tb[RSTMON_E_NAT_POST_SPORT]);
	ev->nat_post_dport = get_be16(tb[RSTMON_E_NAT_POST_DPORT]);
	ev->has_attr = tb[RSTMON_E_SOCK];
	ev->sock = get_u8(tb[RSTMON_E_SOCK]);
	ev->netns_inum = get_u32(tb[RSTMON_E_NETNS_INUM]);
	ev->lport = get_be16(tb[RSTMON_E_LOCAL_PORT]);
	ev->listen_port = get_be16(tb[RSTMON_E_LISTEN_PORT]);
	ev->has_uid = tb[RSTMON_E_UID];
	ev->uid = get_u32(tb[RSTMON_E_UID]);
	ev->cgroup_id = get_u64(tb[RSTMON_E_CGROUP_ID]);
	if (tb[RSTMON_E_CGROUP])
		snprintf(ev->cgroup, sizeof(ev->cgroup), "%s", mnl_attr_get_str(tb[RSTMON_E_CGROUP]));
	ev->idle_match = get_u8(tb[RSTMON_E_IDLE_MATCH]);
	ev->idle_match_s = get_u32(tb[RSTMON_E_IDLE_MATCH_S]);
	ev->alt_cause = get_u8(tb[RSTMON_E_ALT_CAUSE]);
	return rm_accept_parse(nest, ev);
}

static const uint8_t cgroup_kinds[__RSTMON_G_MAX] = {
	[RSTMON_G_ID] = K_U64,
	[RSTMON_G_PATH] = K_STR,
	[RSTMON_G_RSTS] = K_U64,
	[RSTMON_G_OTHER] = K_FLAG,
};

int rm_parse_cgroup(const struct nlattr *nest, struct rm_cgroup *c)
{
	const struct nlattr *tb[__RSTMON_G_MAX] = { NULL };
	struct parse_ctx p = { cgroup_kinds, __RSTMON_G_MAX - 1, tb, false };

	memset(c, 0, sizeof(*c));
	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(nest, parse_cb, &p) < 0 || p.bad)
		return -1;
	c->other = tb[RSTMON_G_OTHER];
	if (!tb[RSTMON_G_RSTS] || (!c->other && !tb[RSTMON_G_ID]))
		return -1;
	c->id = get_u64(tb[RSTMON_G_ID]);
	c->rsts = get_u64(tb[RSTMON_G_RSTS]);
	if (tb[RSTMON_G_PATH])
		snprintf(c->path, sizeof(c->path), "%s", mnl_attr_get_str(tb[RSTMON_G_PATH]));
	return 0;
}

static const uint8_t conn_kinds[__RSTMON_C_MAX] = {
	[RSTMON_C_FAMILY] = K_U8,
	[RSTMON_C_STATE] = K_U8,
	[RSTMON_C_MIDSTREAM] = K_U8,
	[RSTMON_C_AGE_MS] = K_U32,
	[RSTMON_C_CLIENT] = K_NEST,
	[RSTMON_C_SERVER] = K_NEST,
	[RSTMON_C_DIR] = K_U8,
};

static const uint8_t side_kinds[__RSTMON_S_MAX] = {
	[RSTMON_S_ADDR] = K_ADDR,
	[RSTMON_S_PORT] = K_U16,
	[RSTMON_S_SEGS] = K_U32,
	[RSTMON_S_BYTES] = K_U32,
	[RSTMON_S_TTL] = K_U8,
	[RSTMON_S_IDLE_MS] = K_U32,
	[RSTMON_S_FIN_AGO_MS] = K_U32,
	[RSTMON_S_MSS] = K_U16,
	[RSTMON_S_WSCALE] = K_U8,
	[RSTMON_S_WINDOW] = K_U16,
	[RSTMON_S_FLAGS] = K_U32,
};

/* One side nest; its address must be of @family. */
static int parse_side(const struct nlattr *nest, uint8_t family, struct rm_side *s)
{
	const struct nlattr *tb[__RSTMON_S_MAX] = { NULL };
	struct parse_ctx p = { side_kinds, __RSTMON_S_MAX - 1, tb, false };

	if (mnl_attr_parse_nested(nest, parse_cb, &p) < 0 || p.bad || !tb[RSTMON_S_ADDR] ||
	    mnl_attr_get_payload_len(tb[RSTMON_S_ADDR]) != (family == AF_INET ? 4 : 16))
		return -1;
	get_addr(tb[RSTMON_S_ADDR], s->addr);
	s->port = get_be16(tb[RSTMON_S_PORT]);
	s->segs = get_u32(tb[RSTMON_S_SEGS]);
	s->bytes = get_u32(tb[RSTMON_S_BYTES]);
	s->ttl = get_u8(tb[RSTMON_S_TTL]);
	s->has_idle = tb[RSTMON_S_IDLE_MS];
	s->idle_ms = get_u32(tb[RSTMON_S_IDLE_MS]);
	s->has_fin = tb[RSTMON_S_FIN_AGO_MS];
	s->fin_ago_ms = get_u32(tb[RSTMON_S_FIN_AGO_MS]);
	s->has_mss = tb[RSTMON_S_MSS];
	s->mss = tb[RSTMON_S_MSS] ? mnl_attr_get_u16(tb[RSTMON_S_MSS]) : 0;
	s->wscale = get_u8(tb[RSTMON_S_WSCALE]);
	s->window = tb[RSTMON_S_WINDOW] ? mnl_attr_get_u16(tb[RSTMON_S_WINDOW]) : 0;
	s->flags = get_u32(tb[RSTMON_S_FLAGS]);
	return 0;
}

int rm_parse_conn(const struct nlattr *nest, struct rm_conn *c)
{
	const struct nlattr *tb[__RSTMON_C_MAX] = { NULL };
	struct parse_ctx p = { conn_kinds, __RSTMON_C_MAX - 1, tb, false };

	memset(c, 0, sizeof(*c));
	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(nest, parse_cb, &p) < 0 || p.bad)
		return -1;
	if (!tb[RSTMON_C_FAMILY] || !tb[RSTMON_C_CLIENT] || !tb[RSTMON_C_SERVER])
		return -1;
	c->family = get_u8(tb[RSTMON_C_FAMILY]);
	if (c->family != AF_INET && c->family != AF_INET6)
		return -1;
	c->state = get_u8(tb[RSTMON_C_STATE]);
	c->dir = tb[RSTMON_C_DIR] ? get_u8(tb[RSTMON_C_DIR]) : RM_DIR_UNKNOWN;
	c->midstream = get_u8(tb[RSTMON_C_MIDSTREAM]);
	c->age_ms = get_u32(tb[RSTMON_C_AGE_MS]);
	if (parse_side(tb[RSTMON_C_CLIENT], c->family, &c->client) < 0 ||
	    parse_side(tb[RSTMON_C_SERVER], c->family, &c->server) < 0)
		return -1;
	return 0;
}

/* The counters nest: every known counter is a u64. */
static int counter_cb(const struct nlattr *a, void *data)
{
	struct rm_status *st = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= RSTMON_CTR_PAD || type >= __RSTMON_CTR_MAX)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
		return MNL_CB_ERROR;
	st->ctr[type] = mnl_attr_get_u64(a);
	return MNL_CB_OK;
}

static const uint8_t cc_kinds[__RSTMON_CC_MAX] = {
	[RSTMON_CC_CAUSE] = K_U8,
	[RSTMON_CC_DIR] = K_U8,
	[RSTMON_CC_COUNT] = K_U64,
};

static int cause_count(const struct nlattr *nest, struct rm_status *st)
{
	const struct nlattr *tb[__RSTMON_CC_MAX] = { NULL };
	struct parse_ctx p = { cc_kinds, __RSTMON_CC_MAX - 1, tb, false };
	unsigned int c, d;

	if (mnl_attr_parse_nested(nest, parse_cb, &p) < 0 || p.bad ||
	    !tb[RSTMON_CC_CAUSE] || !tb[RSTMON_CC_DIR] || !tb[RSTMON_CC_COUNT])
		return -1;
	c = mnl_attr_get_u8(tb[RSTMON_CC_CAUSE]);
	d = mnl_attr_get_u8(tb[RSTMON_CC_DIR]);
	if (c < __RSTMON_CAUSE_MAX && d < __RSTMON_DIR_MAX)	/* else: a newer kernel's */
		st->cause[c][d] = mnl_attr_get_u64(tb[RSTMON_CC_COUNT]);
	return 0;
}

static const uint8_t status_kinds[__RSTMON_A_MAX] = {
	[RSTMON_A_VERSION] = K_STR,
	[RSTMON_A_NETNS_INUM] = K_U32,
	[RSTMON_A_CONNS] = K_U32,
	[RSTMON_A_CONNS_TOTAL] = K_U32,
	[RSTMON_A_CONNS_LIMIT] = K_U32,
	[RSTMON_A_EVENTS_LOGGED] = K_U64,
	[RSTMON_A_COUNTERS] = K_NEST,
	[RSTMON_A_CAUSE_COUNT] = K_NEST,
	[RSTMON_A_IDLE_THRESHOLD] = K_U32,
	[RSTMON_A_EVENT_RING] = K_U32,
	[RSTMON_A_MAX_CONNS] = K_U32,
	[RSTMON_A_EVENT] = K_NEST,
	[RSTMON_A_CONN] = K_NEST,
	[RSTMON_A_IPV4] = K_U8,
	[RSTMON_A_IPV6] = K_U8,
	[RSTMON_A_NOTIFY_RATE] = K_U32,
	[RSTMON_A_CGROUP] = K_NEST,
};

struct status_ctx {
	struct parse_ctx p;
	struct rm_status *st;
};

/* Top level of a status reply: cause-count is multi-attr, seen here. */
static int status_cb(const struct nlattr *a, void *data)
{
	struct status_ctx *s = data;
	int ret = parse_cb(a, &s->p);

	if (ret == MNL_CB_OK && mnl_attr_get_type(a) == RSTMON_A_CAUSE_COUNT &&
	    cause_count(a, s->st) < 0)
		return MNL_CB_ERROR;
	return ret;
}

static int parse_top(const struct nlmsghdr *nlh, const struct nlattr **tb, struct rm_status *st)
{
	struct status_ctx s = { { status_kinds, __RSTMON_A_MAX - 1, tb, false }, st };
	struct rm_status dummy;

	if (!st)
		s.st = &dummy;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr) ||
	    mnl_attr_parse(nlh, sizeof(struct genlmsghdr), status_cb, &s) < 0 || s.p.bad)
		return -1;
	return 0;
}

int rm_parse_status(const struct nlmsghdr *nlh, struct rm_status *st)
{
	const struct nlattr *tb[__RSTMON_A_MAX] = { NULL };

	memset(st, 0, sizeof(*st));
	if (parse_top(nlh, tb, st) < 0)
		return -1;
	if (tb[RSTMON_A_VERSION])
		snprintf(st->version, sizeof(st->version), "%s",
			 mnl_attr_get_str(tb[RSTMON_A_VERSION]));
	st->netns_inum = get_u32(tb[RSTMON_A_NETNS_INUM]);
	st->conns = get_u32(tb[RSTMON_A_CONNS]);
	st->has_conns_total = tb[RSTMON_A_CONNS_TOTAL];
	st->conns_total = get_u32(tb[RSTMON_A_CONNS_TOTAL]);
	st->conns_limit = get_u32(tb[RSTMON_A_CONNS_LIMIT]);
	st->events_logged = get_u64(tb[RSTMON_A_EVENTS_LOGGED]);
	if (tb[RSTMON_A_COUNTERS] &&
	    mnl_attr_parse_nested(tb[RSTMON_A_COUNTERS], counter_cb, st) < 0)
		return -1;
	return 0;
}

int rm_parse_config(const struct nlmsghdr *nlh, struct rm_config *c)
{
	const struct nlattr *tb[__RSTMON_A_MAX] = { NULL };

	memset(c, 0, sizeof(*c));
	if (parse_top(nlh, tb, NULL) < 0)
		return -1;
	if (!tb[RSTMON_A_IDLE_THRESHOLD])
		return -1;
	c->idle_threshold = get_u32(tb[RSTMON_A_IDLE_THRESHOLD]);
	c->event_ring = get_u32(tb[RSTMON_A_EVENT_RING]);
	c->max_conns = get_u32(tb[RSTMON_A_MAX_CONNS]);
	c->ipv4 = tb[RSTMON_A_IPV4] ? get_u8(tb[RSTMON_A_IPV4]) : true;
	c->ipv6 = tb[RSTMON_A_IPV6] ? get_u8(tb[RSTMON_A_IPV6]) : true;
	c->notify_rate = tb[RSTMON_A_NOTIFY_RATE] ? get_u32(tb[RSTMON_A_NOTIFY_RATE]) : 1000;
	return 0;
}

void rm_put_set_config(struct nlmsghdr *nlh, unsigned int set, const struct rm_config *v)
{
	if (set & (1U << RM_SET_IDLE_THRESHOLD))
		mnl_attr_put_u32(nlh, RSTMON_A_IDLE_THRESHOLD, v->idle_threshold);
	if (set & (1U << RM_SET_EVENT_RING))
		mnl_attr_put_u32(nlh, RSTMON_A_EVENT_RING, v->event_ring);
	if (set & (1U << RM_SET_IPV4))
		mnl_attr_put_u8(nlh, RSTMON_A_IPV4, v->ipv4);
	if (set & (1U << RM_SET_IPV6))
		mnl_attr_put_u8(nlh, RSTMON_A_IPV6, v->ipv6);
	if (set & (1U << RM_SET_NOTIFY_RATE))
		mnl_attr_put_u32(nlh, RSTMON_A_NOTIFY_RATE, v->notify_rate);
}

/* A prefix that is one whole address. */
static bool exact(const struct rm_prefix *p)
{
	return p->family && p->len == (p->family == AF_INET ? 32 : 128);
}

void rm_put_conn_filters(struct nlmsghdr *nlh, const struct rm_opts *o)
{
	const struct rm_prefix *p = exact(&o->filter_src) ? &o->filter_src :
				    exact(&o->filter_dst) ? &o->filter_dst : NULL;
	uint16_t port = o->filter_port ? o->filter_port :
			o->filter_dport ? o->filter_dport : o->filter_sport;

	if (o->filter_family)
		mnl_attr_put(nlh, RSTMON_A_FILTER_ADDR, o->filter_family == AF_INET ? 4 : 16,
			     o->filter_addr);
	else if (p)
		mnl_attr_put(nlh, RSTMON_A_FILTER_ADDR, p->family == AF_INET ? 4 : 16, p->addr);
	if (port)
		mnl_attr_put_u16(nlh, RSTMON_A_FILTER_PORT, htons(port));
	if (o->has_state)
		mnl_attr_put_u8(nlh, RSTMON_A_FILTER_STATE, o->filter_state);
	if (o->has_dir)
		mnl_attr_put_u8(nlh, RSTMON_A_FILTER_DIR, o->filter_dir);
}

static int extack_cb(const struct nlattr *a, void *data)
{
	const char **msg = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
		*msg = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

const char *rm_extack_msg(const struct nlmsghdr *nlh)
{
	size_t len = mnl_nlmsg_get_payload_len(nlh), off;
	const char *msg = NULL;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

		if (len < sizeof(*err))
			return NULL;
		off = sizeof(*err);
		/* Not capped: the whole request follows the error. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		off = sizeof(int);
	} else {
		return NULL;
	}
	if (off > len)
		return NULL;
	mnl_attr_parse(nlh, off, extack_cb, &msg);
	return msg;
}

/* ----------------------------------------------------------- errors */

int rm_report_error(FILE *f, enum rm_phase phase, int err, const char *extack, const char *what)
{
	if (phase == RM_PHASE_FAMILY && err == ENOENT) {
		fprintf(f, "rstmonctl: rstmon is not loaded: run modprobe rstmon\n");
	} else if (phase == RM_PHASE_NETNS && err == ENOENT) {
		fprintf(f, "rstmonctl: no network namespace named %s (/run/netns/%s)\n", what, what);
	} else if (phase == RM_PHASE_NETNS && (err == EPERM || err == EACCES)) {
		fprintf(f, "rstmonctl: permission denied: entering network namespace %s needs CAP_SYS_ADMIN\n",
			what);
	} else if (err == EPERM || err == EACCES) {
		fprintf(f, "rstmonctl: permission denied: this needs CAP_NET_ADMIN in the network namespace\n");
	} else if (phase == RM_PHASE_GROUP && err == ENOENT) {
		fprintf(f, "rstmonctl: rstmon offers no events group on this kernel\n");
	} else if (phase == RM_PHASE_WATCH && err == ENOENT) {
		/* The end of the stream, not a failure: Restart=on-failure leaves it. */
		fprintf(f, "rstmonctl: rstmon was unloaded\n");
		return RM_EXIT_OK;
	} else if (extack) {
		fprintf(f, "rstmonctl: %s refused: %s (%s)\n", what, extack, strerror(err));
		return RM_EXIT_ERR;
	} else {
		fprintf(f, "rstmonctl: %s failed: %s\n", what, strerror(err));
		return RM_EXIT_ERR;
	}
	if (extack)
		fprintf(f, "rstmonctl: the kernel says: %s\n", extack);
	return RM_EXIT_ERR;
}

/* ------------------------------------------------------------ socket */

struct rm_nl {
	struct mnl_socket *sk;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	uint32_t events_grp;	/* 0: the family has no events group */
	struct mnl_socket *ctl;	/* watch: in nlctrl's notify group, or NULL */
	char *buf;
	bool quiet;		/* transact(): do not print errors */
	int err;		/* ... the last one's errno */
};

/* One request and its replies up to the ack, the error or NLMSG_DONE. */
struct req_ctx {
	mnl_cb_t cb;		/* per reply message */
	void *data;
	int err;		/* positive errno from the kernel */
	char extack[256];
	bool intr;		/* NLM_F_DUMP_INTR seen */
};

static void save_extack(struct req_ctx *r, const struct nlmsghdr *nlh)
{
	const char *m = rm_extack_msg(nlh);

	if (m)
		snprintf(r->extack, sizeof(r->extack), "%s", m);
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct req_ctx *r = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		r->err = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!err->error)
		return MNL_CB_STOP;	/* the ack */
	r->err = err->error < 0 ? -err->error : err->error;
	save_extack(r, nlh);
	return MNL_CB_ERROR;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct req_ctx *r = data;
	int e = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(int));
	if (e < 0) {
		r->err = -e;
		save_extack(r, nlh);
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct req_ctx *r = data;
	int ret = r->cb ? r->cb(nlh, r->data) : MNL_CB_OK;

	if (ret == MNL_CB_ERROR && !r->err)
		r->err = EBADMSG;	/* a reply that did not parse */
	return ret;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

/* libmnl stops at NLM_F_DUMP_INTR: note it and read on. */
static void clear_dump_intr(char *buf, int len, struct req_ctx *r)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
			nlh->nlmsg_flags &= ~NLM_F_DUMP_INTR;
			r->intr = true;
		}
	}
}

static struct nlmsghdr *genl_request(struct rm_nl *nl, uint16_t type, uint16_t flags,
				     uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/*
 * Send @nlh, run @cb on each reply until the ack or the dump's end.  0, or
 * the exit code with the error printed (@what names the request).
 */
static int transact(struct rm_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		    enum rm_phase phase, const char *what)
{
	struct req_ctx r = { .cb = cb, .data = data };
	uint32_t seq = nlh->nlmsg_seq;
	int ret;

	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return rm_report_error(stderr, phase, errno, NULL, what);
	do {
		ret = mnl_socket_recvfrom(nl->sk, nl->buf, RM_BUF_SIZE);
		if (ret < 0)
			return rm_report_error(stderr, phase, errno, NULL, what);
		clear_dump_intr(nl->buf, ret, &r);
		errno = 0;
		ret = mnl_cb_run2(nl->buf, ret, seq, nl->portid, data_cb, &r, ctl_cbs,
				  NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	if (ret < 0) {
		if (!r.err)
			r.err = errno ? errno : EBADMSG;
		nl->err = r.err;
		if (nl->quiet)
			return RM_EXIT_ERR;
		return rm_report_error(stderr, phase, r.err, r.extack[0] ? r.extack : NULL, what);
	}
	if (r.intr)
		fprintf(stderr, "rstmonctl: events were overwritten during the dump: some are missing\n");
	return 0;
}

struct family_ctx {
	const char *grp_name;	/* the multicast group to find */
	uint16_t id;
	uint32_t grp;		/* its id; 0: none */
};

static int mcgrp_cb(const struct nlattr *a, void *data)
{
	struct family_ctx *f = data;
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { NULL };
	static const uint8_t kinds[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
		[CTRL_ATTR_MCAST_GRP_NAME] = K_STR,
		[CTRL_ATTR_MCAST_GRP_ID] = K_U32,
	};
	struct parse_ctx p = { kinds, CTRL_ATTR_MCAST_GRP_MAX, tb, false };

	if (mnl_attr_parse_nested(a, parse_cb, &p) < 0 || p.bad)
		return MNL_CB_ERROR;
	if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
	    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]), f->grp_name))
		f->grp = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_ctx *f = data;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { NULL };
	static const uint8_t kinds[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_ID] = K_U16,
		[CTRL_ATTR_MCAST_GROUPS] = K_NEST,
	};
	struct parse_ctx p = { kinds, CTRL_ATTR_MAX, tb, false };

	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), parse_cb, &p) < 0 || p.bad ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return MNL_CB_ERROR;
	f->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_MCAST_GROUPS] &&
	    mnl_attr_parse_nested(tb[CTRL_ATTR_MCAST_GROUPS], mcgrp_cb, f) < 0)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

/*
 * CTRL_CMD_GETFAMILY of family @name: its id and the id of its multicast
 * group @grp_name into @f.  0, or the exit code with the error printed
 * (not found: "rstmon is not loaded").
 */
static int lookup_family(struct rm_nl *nl, const char *name, const char *grp_name,
			 struct family_ctx *f)
{
	struct nlmsghdr *nlh = genl_request(nl, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	char what[64];
	int ret;

	f->grp_name = grp_name;
	f->id = 0;
	f->grp = 0;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	snprintf(what, sizeof(what), "looking up the %s family", name);
	ret = transact(nl, nlh, family_cb, f, RM_PHASE_FAMILY, what);
	if (!ret && !f->id)
		ret = rm_report_error(stderr, RM_PHASE_FAMILY, ENOENT, NULL, NULL);
	return ret;
}

struct rm_nl *rm_nl_open(int *exit_code)
{
	struct family_ctx fam;
	struct rm_nl *nl;
	int one = 1;

	nl = calloc(1, sizeof(*nl));
	if (nl)
		nl->buf = malloc(RM_BUF_SIZE);
	if (!nl || !nl->buf) {
		*exit_code = rm_report_error(stderr, RM_PHASE_SOCKET, ENOMEM, NULL, "allocation");
		goto fail;
	}
	nl->sk = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl->sk || mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		*exit_code = rm_report_error(stderr, RM_PHASE_SOCKET, errno, NULL,
					     "opening a generic netlink socket");
		goto fail;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	/* Both best effort: older kernels work without them. */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));

	*exit_code = lookup_family(nl, RSTMON_GENL_NAME, RSTMON_MCGRP_EVENTS, &fam);
	if (*exit_code)
		goto fail;
	nl->family = fam.id;
	nl->events_grp = fam.grp;
	return nl;

fail:
	rm_nl_close(nl);
	return NULL;
}

void rm_nl_close(struct rm_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		mnl_socket_close(nl->sk);
	if (nl->ctl)
		mnl_socket_close(nl->ctl);
	free(nl->buf);
	free(nl);
}

struct reply_ctx {
	int (*parse)(const struct nlmsghdr *nlh, void *out);
	void *out;
	bool got;
};

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply_ctx *c = data;

	if (c->parse(nlh, c->out) < 0)
		return MNL_CB_ERROR;
	c->got = true;
	return MNL_CB_OK;
}

static int parse_status_any(const struct nlmsghdr *nlh, void *out)
{
	return rm_parse_status(nlh, out);
}

static int parse_config_any(const struct nlmsghdr *nlh, void *out)
{
	return rm_parse_config(nlh, out);
}

static int do_get(struct rm_nl *nl, uint8_t cmd, int (*parse)(const struct nlmsghdr *, void *),
		  void *out, const char *what)
{
	struct reply_ctx c = { parse, out, false };
	struct nlmsghdr *nlh = genl_request(nl, nl->family, 0, cmd, RSTMON_GENL_VERSION);
	int ret = transact(nl, nlh, reply_cb, &c, RM_PHASE_REQUEST, what);

	if (!ret && !c.got)
		ret = rm_report_error(stderr, RM_PHASE_REQUEST, ENODATA, NULL, what);
	return ret;
}

int rm_nl_get_status(struct rm_nl *nl, struct rm_status *st)
{
	return do_get(nl, RSTMON_CMD_GET_STATUS, parse_status_any, st, "get-status");
}

int rm_nl_get_config(struct rm_nl *nl, struct rm_config *c)
{
	return do_get(nl, RSTMON_CMD_GET_CONFIG, parse_config_any, c, "get-config");
}

int rm_nl_set_config(struct rm_nl *nl, unsigned int set, const struct rm_config *v)
{
	struct nlmsghdr *nlh = genl_request(nl, nl->family, 0, RSTMON_CMD_SET_CONFIG,
					    RSTMON_GENL_VERSION);

	rm_put_set_config(nlh, set, v);
	return transact(nl, nlh, NULL, NULL, RM_PHASE_REQUEST, "set-config");
}

/*
 * Parse the @attr nest of a message of command @cmd into @obj with @parse:
 * 1, or 0 when the message is not of @cmd (ignored) or malformed (skipped
 * with a note naming @what).
 */
static int reply_nest(const struct nlmsghdr *nlh, uint8_t cmd, uint16_t attr,
		      int (*parse)(const struct nlattr *nest, void *obj), void *obj,
		      const char *what)
{
	const struct nlattr *tb[__RSTMON_A_MAX] = { NULL };
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g) || g->cmd != cmd)
		return 0;	/* not ours: ignore */
	if (parse_top(nlh, tb, NULL) < 0 || !tb[attr] || parse(tb[attr], obj) < 0) {
		fprintf(stderr, "rstmonctl: skipped a malformed %s message\n", what);
		return 0;
	}
	return 1;
}

static int parse_event_any(const struct nlattr *nest, void *obj)
{
	return rm_parse_event(nest, obj);
}

static int parse_conn_any(const struct nlattr *nest, void *obj)
{
	return rm_parse_conn(nest, obj);
}

static int parse_cgroup_any(const struct nlattr *nest, void *obj)
{
	return rm_parse_cgroup(nest, obj);
}

/* A dump's or the watch's callback and its answer. */
struct dump_ctx {
	uint8_t cmd;
	union {
		int (*event)(const struct rm_event *ev, void *data);
		int (*conn)(const struct rm_conn *c, void *data);
		int (*cgroup)(const struct rm_cgroup *c, void *data);
	} cb;
	void *data;
	int stopped;		/* the callback's non-zero value */
};

static int stop_if(struct dump_ctx *x, int ret)
{
	x->stopped = ret;
	return ret ? MNL_CB_STOP : MNL_CB_OK;
}

static int event_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *x = data;
	struct rm_event ev;

	if (!reply_nest(nlh, x->cmd, RSTMON_A_EVENT, parse_event_any, &ev, "event"))
		return MNL_CB_OK;
	return stop_if(x, x->cb.event(&ev, x->data));
}

int rm_nl_dump_events(struct rm_nl *nl, uint64_t from,
		      int (*cb)(const struct rm_event *ev, void *data), void *data)
{
	struct dump_ctx e = { RSTMON_CMD_GET_EVENTS, { .event = cb }, data, 0 };
	struct nlmsghdr *nlh = genl_request(nl, nl->family, NLM_F_DUMP, RSTMON_CMD_GET_EVENTS,
					    RSTMON_GENL_VERSION);
	int ret;

	if (from)
		mnl_attr_put_u64(nlh, RSTMON_A_START_ID, from);
	ret = transact(nl, nlh, event_msg_cb, &e, RM_PHASE_REQUEST, "get-events");
	return ret ? ret : e.stopped;
}

static int cgroup_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *x = data;
	struct rm_cgroup c;

	if (!reply_nest(nlh, x->cmd, RSTMON_A_CGROUP, parse_cgroup_any, &c, "cgroup"))
		return MNL_CB_OK;
	return stop_if(x, x->cb.cgroup(&c, x->data));
}

int rm_nl_dump_cgroups(struct rm_nl *nl, int (*cb)(const struct rm_cgroup *c, void *data),
		       void *data, bool quiet, int *err)
{
	struct dump_ctx x = { RSTMON_CMD_GET_CGROUPS, { .cgroup = cb }, data, 0 };
	struct nlmsghdr *nlh = genl_request(nl, nl->family, NLM_F_DUMP, RSTMON_CMD_GET_CGROUPS,
					    RSTMON_GENL_VERSION);
	int ret;

	nl->quiet = quiet;
	nl->err = 0;
	ret = transact(nl, nlh, cgroup_msg_cb, &x, RM_PHASE_REQUEST, "get-cgroups");
	nl->quiet = false;
	if (err)
		*err = nl->err;
	return ret ? ret : x.stopped;
}

static int conn_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *x = data;
	struct rm_conn c;

	if (!reply_nest(nlh, x->cmd, RSTMON_A_CONN, parse_conn_any, &c, "connection"))
		return MNL_CB_OK;
	return stop_if(x, x->cb.conn(&c, x->data));
}

int rm_nl_dump_conns(struct rm_nl *nl, const struct rm_opts *o,
		     int (*cb)(const struct rm_conn *c, void *data), void *data)
{
	struct dump_ctx x = { RSTMON_CMD_GET_CONNS, { .conn = cb }, data, 0 };
	struct nlmsghdr *nlh = genl_request(nl, nl->family, NLM_F_DUMP, RSTMON_CMD_GET_CONNS,
					    RSTMON_GENL_VERSION);
	int ret;

	rm_put_conn_filters(nlh, o);
	ret = transact(nl, nlh, conn_msg_cb, &x, RM_PHASE_REQUEST, "get-conns");
	return ret ? ret : x.stopped;
}

int rm_nl_reset_stats(struct rm_nl *nl)
{
	struct nlmsghdr *nlh = genl_request(nl, nl->family, 0, RSTMON_CMD_RESET_STATS,
					    RSTMON_GENL_VERSION);

	return transact(nl, nlh, NULL, NULL, RM_PHASE_REQUEST, "reset-stats");
}

/*
 * First a second socket in nlctrl's notify group, then the family looked
 * up once more (it may have gone and come back since rm_nl_open()), then
 * its events group: an unload from here on is heard.
 */
int rm_nl_join_events(struct rm_nl *nl)
{
	struct family_ctx ctrl, fam;
	int rcvbuf = 1 << 20;
	int ret;

	ret = lookup_family(nl, "nlctrl", "notify", &ctrl);
	if (ret)
		return ret;
	nl->ctl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl->ctl || mnl_socket_bind(nl->ctl, 0, MNL_SOCKET_AUTOPID) < 0)
		return rm_report_error(stderr, RM_PHASE_SOCKET, errno, NULL,
				       "opening a generic netlink socket");
	if (!ctrl.grp)
		errno = ENOENT;
	if (!ctrl.grp || mnl_socket_setsockopt(nl->ctl, NETLINK_ADD_MEMBERSHIP, &ctrl.grp,
					       sizeof(ctrl.grp)) < 0)
		return rm_report_error(stderr, RM_PHASE_SOCKET, errno, NULL,
				       "joining nlctrl's notify group");

	ret = lookup_family(nl, RSTMON_GENL_NAME, RSTMON_MCGRP_EVENTS, &fam);
	if (ret)
		return ret;
	nl->family = fam.id;
	nl->events_grp = fam.grp;
	if (!nl->events_grp)
		return rm_report_error(stderr, RM_PHASE_GROUP, ENOENT, NULL, "joining events");
	if (mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP, &nl->events_grp,
				  sizeof(nl->events_grp)) < 0)
		return rm_report_error(stderr, RM_PHASE_GROUP, errno, NULL,
				       "joining the events group");
	/* A burst of up to 1000 events per second should not overflow it. */
	setsockopt(mnl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return 0;
}

bool rm_family_gone(const struct nlmsghdr *nlh, uint16_t id)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { NULL };
	static const uint8_t kinds[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_ID] = K_U16,
		[CTRL_ATTR_FAMILY_NAME] = K_STR,
	};
	struct parse_ctx p = { kinds, CTRL_ATTR_MAX, tb, false };
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != GENL_ID_CTRL || mnl_nlmsg_get_payload_len(nlh) < sizeof(*g) ||
	    g->cmd != CTRL_CMD_DELFAMILY)
		return false;
	if (mnl_attr_parse(nlh, sizeof(*g), parse_cb, &p) < 0 || p.bad ||
	    !tb[CTRL_ATTR_FAMILY_ID] || !tb[CTRL_ATTR_FAMILY_NAME])
		return false;
	return mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == id &&
	       !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]), RSTMON_GENL_NAME);
}

/*
 * Whether the events socket is still in the events group: the kernel
 * takes every member out when the family goes.  True when it cannot tell.
 */
static bool in_events_group(struct rm_nl *nl)
{
	uint32_t groups[256];
	socklen_t len = sizeof(groups);
	unsigned int bit = nl->events_grp - 1;

	memset(groups, 0, sizeof(groups));
	if (getsockopt(mnl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, groups,
		       &len) < 0 || bit >= 8 * sizeof(groups))
		return true;
	return groups[bit / 32] & (1U << (bit % 32));
}

/* Read nlctrl's notices: whether the family went away. */
static bool family_gone(struct rm_nl *nl)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->buf;
	ssize_t n = recv(mnl_socket_get_fd(nl->ctl), nl->buf, RM_BUF_SIZE, MSG_DONTWAIT);
	int len = n;

	if (n < 0)	/* notices lost (ENOBUFS): the membership tells */
		return errno == ENOBUFS && !in_events_group(nl);
	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
		if (rm_family_gone(nlh, nl->family))
			return true;
	return false;
}

/*
 * One read of the events socket (@flags: MSG_DONTWAIT to drain it): 0 to
 * go on, -1 when there was nothing, else the callback's value or the exit
 * code with the error printed.
 */
static int read_events(struct rm_nl *nl, struct dump_ctx *e, int flags)
{
	ssize_t n = recv(mnl_socket_get_fd(nl->sk), nl->buf, RM_BUF_SIZE, flags);

	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return -1;
		if (errno == EINTR)
			return 0;
		if (errno == ENOBUFS) {
			fprintf(stderr, "rstmonctl: events lost: the receive buffer overflowed\n");
			return 0;
		}
		return rm_report_error(stderr, RM_PHASE_WATCH, errno, NULL, "reading events");
	}
	if (mnl_cb_run(nl->buf, n, 0, 0, event_msg_cb, e) < 0 && !e->stopped)
		fprintf(stderr, "rstmonctl: skipped a malformed notification\n");
	return e->stopped;
}

/*
 * SIGINT and SIGTERM are blocked by the caller and let through only while
 * waiting in ppoll(), so *stop is never missed between its test and the wait.
 * When the family goes, the events queued before it are printed, then
 * "rstmon was unloaded".
 */
int rm_nl_watch(struct rm_nl *nl, int (*cb)(const struct rm_event *ev, void *data), void *data,
		volatile int *stop)
{
	struct dump_ctx e = { RSTMON_CMD_EVENT, { .event = cb }, data, 0 };
	struct pollfd pfd[2] = {
		{ .fd = mnl_socket_get_fd(nl->sk), .events = POLLIN },
		{ .fd = nl->ctl ? mnl_socket_get_fd(nl->ctl) : -1, .events = POLLIN },
	};
	sigset_t waitmask;
	int ret;

	sigprocmask(SIG_SETMASK, NULL, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	while (!*stop) {
		ret = ppoll(pfd, 2, NULL, &waitmask);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return rm_report_error(stderr, RM_PHASE_WATCH, errno, NULL, "waiting");
		}
		/* Readable: this does not block (the socket has one reader). */
		if (pfd[0].revents) {
			ret = read_events(nl, &e, 0);
			if (ret > 0)
				return ret;
		}
		if (pfd[1].revents && family_gone(nl)) {
			/* Nothing joins the queue any more: drain it. */
			while (!(ret = read_events(nl, &e, MSG_DONTWAIT)))
				;
			if (ret > 0)
				return ret;
			return rm_report_error(stderr, RM_PHASE_WATCH, ENOENT, NULL, NULL);
		}
	}
	return 0;
}

/* For a caller's own poll() (top): the events socket, nlctrl's (-1: none). */
void rm_nl_watch_fds(struct rm_nl *nl, int *events_fd, int *ctl_fd)
{
	*events_fd = mnl_socket_get_fd(nl->sk);
	*ctl_fd = nl->ctl ? mnl_socket_get_fd(nl->ctl) : -1;
}

/* The events queued on the socket, without waiting (at most 4096 reads). */
int rm_nl_read_queued(struct rm_nl *nl, int (*cb)(const struct rm_event *ev, void *data),
		      void *data)
{
	struct dump_ctx e = { RSTMON_CMD_EVENT, { .event = cb }, data, 0 };
	int i, ret;

	for (i = 0; i < 4096; i++) {
		ret = read_events(nl, &e, MSG_DONTWAIT);
		if (ret)
			return ret < 0 ? 0 : ret;
	}
	return 0;
}

/* After nlctrl's socket was readable: whether the family went away. */
bool rm_nl_family_gone(struct rm_nl *nl)
{
	return nl->ctl && family_gone(nl);
}

int rm_enter_netns(const char *name)
{
	char path[512];
	int fd, err;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rm_report_error(stderr, RM_PHASE_NETNS, errno, NULL, name);
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = errno;
		close(fd);
		if (err == EINVAL)
			err = ENOENT;	/* not a network namespace */
		return rm_report_error(stderr, RM_PHASE_NETNS, err, NULL, name);
	}
	close(fd);
	return 0;
}

/*
 * watch -A: rm_nl_watch() over @n sockets at once (each joined by
 * rm_nl_join_events() in its namespace), @data[i] for the events of
 * @nl[i].  The family going away (it goes in every namespace at once)
 * ends it as rm_nl_watch() does.
 */
int rm_nl_watch_many(struct rm_nl **nl, size_t n,
		     int (*cb)(const struct rm_event *ev, void *data), void **data,
		     volatile int *stop)
{
	struct pollfd *pfd = calloc(2 * n, sizeof(*pfd));
	struct dump_ctx *e = calloc(n, sizeof(*e));
	sigset_t waitmask;
	int ret = 0;
	size_t i;

	if (!pfd || !e) {
		free(pfd);
		free(e);
		return rm_report_error(stderr, RM_PHASE_WATCH, ENOMEM, NULL, "waiting");
	}
	for (i = 0; i < n; i++) {
		e[i] = (struct dump_ctx){ RSTMON_CMD_EVENT, { .event = cb }, data[i], 0 };
		pfd[2 * i] = (struct pollfd){ .fd = mnl_socket_get_fd(nl[i]->sk), .events = POLLIN };
		pfd[2 * i + 1] = (struct pollfd){
			.fd = nl[i]->ctl ? mnl_socket_get_fd(nl[i]->ctl) : -1, .events = POLLIN };
	}
	sigprocmask(SIG_SETMASK, NULL, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	while (!*stop && !ret) {
		if (ppoll(pfd, 2 * n, NULL, &waitmask) < 0) {
			if (errno == EINTR)
				continue;
			ret = rm_report_error(stderr, RM_PHASE_WATCH, errno, NULL, "waiting");
			break;
		}
		for (i = 0; i < n && !ret; i++) {
			int r;

			if (pfd[2 * i].revents) {
				r = read_events(nl[i], &e[i], 0);
				if (r > 0)
					ret = r;
			}
			if (ret || !pfd[2 * i + 1].revents || !family_gone(nl[i]))
				continue;
			/* Gone everywhere: drain every queue, then say so. */
			for (i = 0; i < n && !ret; i++) {
				while (!(r = read_events(nl[i], &e[i], MSG_DONTWAIT)))
					;
				if (r > 0)
					ret = r;
			}
			if (!ret)
				ret = rm_report_error(stderr, RM_PHASE_WATCH, ENOENT, NULL, NULL);
		}
	}
	free(pfd);
	free(e);
	return ret;
}

int rm_grow(void **v, size_t *cap, size_t n, size_t size, size_t max)
{
	size_t c = *cap ? *cap * 2 : 16;
	void *r;

	if (n < *cap)
		return 0;
	if (c > max)
		c = max;
	r = realloc(*v, c * size);
	if (!r) {
		fprintf(stderr, "rstmonctl: out of memory\n");
		return -1;
	}
	*v = r;
	*cap = c;
	return 0;
}

void rm_catch_stop(void (*handler)(int))
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;	/* no SA_RESTART: the wait returns */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
