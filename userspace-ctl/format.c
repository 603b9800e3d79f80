// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl: names of the uapi values and the output formats.  Pure
 * functions of the structs in rstmonctl.h; the unit tests check them.
 *
 * The name tables are the module's own (module/names.h, which
 * module/event.c and module/proc.c use too), indexed by the uapi enums, so
 * the text lines are those of /proc/net/rstmon.
 */
#include <arpa/inet.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rstmonctl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* One per RSTMON_S_FLAGS bit, in bit order (uapi/linux/rstmon.h). */
static const char *const side_flag_names[RM_SIDE_FLAG_BITS] = {
	"syn", "fin", "data", "data-after-fin", "ttl-varied", "rst", "after-rst", "last-data",
};

/* names.h checks that its tables cover their enums; these are rstmonctl's. */
_Static_assert((int)RM_ST_CLOSED == (int)RSTMON_ST_CLOSED && (int)__RM_ST_MAX == (int)__RSTMON_ST_MAX,
	       "state names out of date");
_Static_assert(RSTMON_EV_STRAY == 1U << (RM_EVIDENCE_BITS - 1), "evidence names out of date");

const char *rm_state_name(unsigned int v)
{
	if (v == RM_ST_UNTRACKED)
		return "untracked";
	return rstmon_state_name(v);
}

const char *rm_side_name(unsigned int v)
{
	return rstmon_side_names[v < RSTMON_SIDE_UNKNOWN ? v : RSTMON_SIDE_UNKNOWN];
}

const char *rm_fin_name(unsigned int fin)
{
	static const char *const fins[] = { "none", "sender", "receiver", "both" };

	return fins[fin & 3];
}

const char *rm_evidence_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(rstmon_evidence_names) ? rstmon_evidence_names[bit] : NULL;
}

/* The index of name @s in @table (@n entries); -1: none. */
static int name_index(const char *const *table, unsigned int n, const char *s)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (table[i] && !strcmp(s, table[i]))
			return i;
	return -1;
}

int rm_state_from_name(const char *s)
{
	return name_index(rstmon_state_names, ARRAY_SIZE(rstmon_state_names), s);
}

int rm_dir_from_name(const char *s)
{
	return name_index(rstmon_dir_names, ARRAY_SIZE(rstmon_dir_names), s);
}

int rm_cause_from_name(const char *s)
{
	return name_index(rstmon_cause_names, ARRAY_SIZE(rstmon_cause_names), s);
}

const char *rm_side_flag_name(unsigned int bit)
{
	return bit < RM_SIDE_FLAG_BITS ? side_flag_names[bit] : NULL;
}

void rm_format_addr(char *buf, size_t len, uint8_t family, const uint8_t *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	if (family == AF_INET) {
		inet_ntop(AF_INET, addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, port);
	} else {
		inet_ntop(AF_INET6, addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, port);
	}
}

void rm_json_str(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* The endpoints of an event: [0] src, [1] dst, [2..5] the NAT tuples. */
struct endpoints {
	char s[6][INET6_ADDRSTRLEN + 10];
};

static const char *const endpoint_keys[6] = {
	"src", "dst", "nat_pre_src", "nat_pre_dst", "nat_post_src", "nat_post_dst",
};

static int event_endpoints(const struct rm_event *ev, struct endpoints *e)
{
	rm_format_addr(e->s[0], sizeof(e->s[0]), ev->family, ev->src, ev->sport);
	rm_format_addr(e->s[1], sizeof(e->s[1]), ev->family, ev->dst, ev->dport);
	if (!(ev->evidence & RSTMON_EV_NAT))
		return 2;
	rm_format_addr(e->s[2], sizeof(e->s[2]), ev->family, ev->nat_pre_src, ev->nat_pre_sport);
	rm_format_addr(e->s[3], sizeof(e->s[3]), ev->family, ev->nat_pre_dst, ev->nat_pre_dport);
	rm_format_addr(e->s[4], sizeof(e->s[4]), ev->family, ev->nat_post_src,
		       ev->nat_post_sport);
	rm_format_addr(e->s[5], sizeof(e->s[5]), ev->family, ev->nat_post_dst,
		       ev->nat_post_dport);
	return 6;
}

static unsigned int event_fin(const struct rm_event *ev)
{
	return (ev->fin_sender ? 1 : 0) | (ev->fin_receiver ? 2 : 0);
}

static const char *family_name(uint8_t family)
{
	return family == AF_INET ? "ipv4" : "ipv6";
}

/* A flag of a newer kernel than this program reads "bitN". */
static const char *evidence_label(unsigned int i, char *buf)
{
	if (i < ARRAY_SIZE(rstmon_evidence_names) && rstmon_evidence_names[i])
		return rstmon_evidence_names[i];
	sprintf(buf, "bit%u", i);
	return buf;
}

/* A port, or "-" for none (module/proc.c's rstmon_show_port()). */
static void port_text(FILE *f, const char *key, uint16_t port)
{
	if (port)
		fprintf(f, " %s=%u", key, port);
	else
		fprintf(f, " %s=-", key);
}

/* A cgroup path, "-" when unknown; white space and backslashes octal-escaped. */
static void path_text(FILE *f, const char *path)
{
	const char *c;

	if (!path[0])
		fputc('-', f);
	for (c = path; *c; c++) {
		if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\\')
			fprintf(f, "\\%03o", *c);
		else
			fputc(*c, f);
	}
}

/*
 * Who the RST hit, as module/proc.c's rstmon_show_attribution() writes it:
 * white space and backslashes of the cgroup path octal-escaped.
 */
static void attribution_text(FILE *f, const struct rm_event *ev)
{
	fprintf(f, " sock=%s netns=%u", rstmon_sock_name(ev->sock), ev->netns_inum);
	port_text(f, "lport", ev->lport);
	port_text(f, "listen", ev->listen_port);
	if (ev->has_uid)
		fprintf(f, " uid=%u", ev->uid);
	else
		fputs(" uid=-", f);
	if (!ev->cgroup_id) {
		fputs(" cgroup_id=- cgroup=-", f);
		return;
	}
	fprintf(f, " cgroup_id=%llu cgroup=", (unsigned long long)ev->cgroup_id);
	path_text(f, ev->cgroup);
}

void rm_print_event_text(FILE *f, const struct rm_event *ev)
{
	char bit[8];
	struct endpoints e;
	unsigned int i;
	char sep = '=';
	int n = event_endpoints(ev, &e);

	fprintf(f, "event id=%llu time=%llu.%06llu dir=%s sender=%s cause=%s confidence=%s",
		(unsigned long long)ev->id, (unsigned long long)(ev->time_ns / 1000000000ULL),
		(unsigned long long)(ev->time_ns % 1000000000ULL / 1000),
		rstmon_dir_name(ev->dir), rstmon_sender_name(ev->sender), rstmon_cause_name(ev->cause),
		rstmon_confidence_name(ev->confidence));
	fprintf(f, " family=%s src=%s dst=%s", family_name(ev->family), e.s[0], e.s[1]);
	fprintf(f, " state=%s side=%s idle_ms=%u age_ms=%u seq=%u ack=%u seqchk=%s",
		rm_state_name(ev->state), rm_side_name(ev->side), ev->idle_ms, ev->age_ms,
		ev->seq, ev->ack, rstmon_seqchk_name(ev->seqchk));
	fprintf(f, " ttl=%u ttl_base=%u bytes_sender=%u bytes_receiver=%u segs_sender=%u segs_receiver=%u fin=%s",
		ev->ttl, ev->ttl_base, ev->bytes_sender, ev->bytes_receiver, ev->segs_sender,
		ev->segs_receiver, rm_fin_name(event_fin(ev)));
	fputs(" fin_sender_ago_ms=", f);
	if (ev->fin_sender)
		fprintf(f, "%u", ev->fin_sender_ago_ms);
	else
		fputc('-', f);
	fputs(" fin_receiver_ago_ms=", f);
	if (ev->fin_receiver)
		fprintf(f, "%u", ev->fin_receiver_ago_ms);
	else
		fputc('-', f);
	fprintf(f, " kreason=%s", ev->kreason[0] ? ev->kreason : "none");
	for (i = 2; i < (unsigned int)n; i++)
		fprintf(f, " %s=%s", endpoint_keys[i], e.s[i]);
	if (ev->has_attr)
		attribution_text(f, ev);
	rm_accept_text(f, ev);
	/* Only when there is something to say, as /proc/net/rstmon. */
	if (ev->idle_match || ev->alt_cause)
		fprintf(f, " idle_match=%s idle_match_s=%u alt_cause=%s",
			rstmon_idle_match_name(ev->idle_match), ev->idle_match_s,
			ev->alt_cause ? rstmon_cause_name(ev->alt_cause) : "-");
	fputs(" evidence", f);
	for (i = 0; i < 32; i++) {
		if (ev->evidence & (1U << i)) {
			fprintf(f, "%c%s", sep, evidence_label(i, bit));
			sep = ',';
		}
	}
	if (sep == '=')
		fputs("=none", f);
	fputc('\n', f);
}

void rm_json_key(FILE *f, bool *first, const char *key)
{
	if (!*first)
		fputc(',', f);
	*first = false;
	rm_json_str(f, key);
	fputc(':', f);
}

/* A name as a JSON key: "-" as "_" (jq's .linger_abort, not .["linger-abort"]). */
void rm_json_key_snake(FILE *f, bool *first, const char *name)
{
	char k[64];
	size_t i;

	for (i = 0; name[i] && i < sizeof(k) - 1; i++)
		k[i] = name[i] == '-' ? '_' : name[i];
	k[i] = '\0';
	rm_json_key(f, first, k);
}

static void json_kv_str(FILE *f, bool *first, const char *key, const char *val)
{
	rm_json_key(f, first, key);
	if (val)
		rm_json_str(f, val);
	else
		fputs("null", f);
}

static void json_kv_u64(FILE *f, bool *first, const char *key, uint64_t val)
{
	rm_json_key(f, first, key);
	fprintf(f, "%llu", (unsigned long long)val);
}

/* A number, or null when @has is false. */
static void json_kv_opt(FILE *f, bool *first, const char *key, bool has, uint64_t v)
{
	rm_json_key(f, first, key);
	if (has)
		fprintf(f, "%llu", (unsigned long long)v);
	else
		fputs("null", f);
}

/* The attribution's keys (absent, as in the text, from a module without it). */
static void attribution_json(FILE *f, const struct rm_event *ev, bool *first)
{
	bool a = ev->has_attr;

	if (!a)
		return;
	json_kv_str(f, first, "sock", a ? rstmon_sock_name(ev->sock) : NULL);
	json_kv_opt(f, first, "netns", a, ev->netns_inum);
	json_kv_opt(f, first, "lport", a && ev->lport, ev->lport);
	json_kv_opt(f, first, "listen", a && ev->listen_port, ev->listen_port);
	json_kv_opt(f, first, "uid", a && ev->has_uid, ev->uid);
	json_kv_opt(f, first, "cgroup_id", a && ev->cgroup_id, ev->cgroup_id);
	json_kv_str(f, first, "cgroup", a && ev->cgroup_id && ev->cgroup[0] ? ev->cgroup : NULL);
}

void rm_print_event_json(FILE *f, const struct rm_event *ev)
{
	bool first = true;

	fputc('{', f);
	rm_print_event_json_fields(f, ev, &first);
	fputs("}\n", f);
}

void rm_print_event_json_fields(FILE *f, const struct rm_event *ev, bool *firstp)
{
	char bit[8];
	struct endpoints e;
	bool first = *firstp, efirst = true;
	unsigned int i;
	int n = event_endpoints(ev, &e);

	char t[64];

	/*
	 * The time as a string (ISO 8601, local, with its zone) and as an
	 * integer that a JSON number (a double: 53 bits) holds exactly:
	 * microseconds since the epoch are below 2^53 until the year 2255;
	 * nanoseconds passed it in 1970.
	 */
	json_kv_u64(f, &first, "id", ev->id);
	rm_format_time(t, sizeof(t), ev->time_ns);
	json_kv_str(f, &first, "time", t);
	json_kv_u64(f, &first, "time_us", ev->time_ns / 1000);
	json_kv_str(f, &first, "dir", rstmon_dir_name(ev->dir));
	json_kv_str(f, &first, "sender", rstmon_sender_name(ev->sender));
	json_kv_str(f, &first, "cause", rstmon_cause_name(ev->cause));
	json_kv_str(f, &first, "confidence", rstmon_confidence_name(ev->confidence));
	json_kv_str(f, &first, "family", family_name(ev->family));
	json_kv_str(f, &first, "src", e.s[0]);
	json_kv_str(f, &first, "dst", e.s[1]);
	json_kv_str(f, &first, "state", rm_state_name(ev->state));
	json_kv_str(f, &first, "side", rm_side_name(ev->side));
	json_kv_u64(f, &first, "idle_ms", ev->idle_ms);
	json_kv_u64(f, &first, "age_ms", ev->age_ms);
	json_kv_u64(f, &first, "seq", ev->seq);
	json_kv_u64(f, &first, "ack", ev->ack);
	json_kv_str(f, &first, "seqchk", rstmon_seqchk_name(ev->seqchk));
	json_kv_u64(f, &first, "ttl", ev->ttl);
	json_kv_u64(f, &first, "ttl_base", ev->ttl_base);
	json_kv_u64(f, &first, "bytes_sender", ev->bytes_sender);
	json_kv_u64(f, &first, "bytes_receiver", ev->bytes_receiver);
	json_kv_u64(f, &first, "segs_sender", ev->segs_sender);
	json_kv_u64(f, &first, "segs_receiver", ev->segs_receiver);
	json_kv_str(f, &first, "fin", rm_fin_name(event_fin(ev)));
	json_kv_opt(f, &first, "fin_sender_ago_ms", ev->fin_sender, ev->fin_sender_ago_ms);
	json_kv_opt(f, &first, "fin_receiver_ago_ms", ev->fin_receiver, ev->fin_receiver_ago_ms);
	json_kv_str(f, &first, "kreason", ev->kreason[0] ? ev->kreason : NULL);
	for (i = 2; i < (unsigned int)n; i++)
		json_kv_str(f, &first, endpoint_keys[i], e.s[i]);
	attribution_json(f, ev, &first);
	rm_accept_json(f, ev, &first);
	if (ev->idle_match || ev->alt_cause) {
		json_kv_str(f, &first, "idle_match", rstmon_idle_match_name(ev->idle_match));
		json_kv_u64(f, &first, "idle_match_s", ev->idle_match_s);
		json_kv_str(f, &first, "alt_cause",
			    ev->alt_cause ? rstmon_cause_name(ev->alt_cause) : NULL);
	}
	rm_json_key(f, &first, "evidence");
	fputc('[', f);
	for (i = 0; i < 32; i++) {
		if (ev->evidence & (1U << i)) {
			if (!efirst)
				fputc(',', f);
			efirst = false;
			rm_json_str(f, evidence_label(i, bit));
		}
	}
	fputc(']', f);
	*firstp = first;
}

/* A side flag of a newer kernel than this program reads "bitN". */
static const char *side_flag_label(unsigned int i, char *buf)
{
	if (i < RM_SIDE_FLAG_BITS)
		return side_flag_names[i];
	sprintf(buf, "bit%u", i);
	return buf;
}

static void opt_u32_text(FILE *f, const char *prefix, const char *key, bool has, uint32_t v)
{
	fprintf(f, " %s_%s=", prefix, key);
	if (has)
		fprintf(f, "%u", v);
	else
		fputc('-', f);
}

static void side_text(FILE *f, const char *name, uint8_t family, const struct rm_side *s)
{
	char addr[INET6_ADDRSTRLEN + 10], bit[8];
	char sep = '=';
	unsigned int i;

	rm_format_addr(addr, sizeof(addr), family, s->addr, s->port);
	fprintf(f, " %s=%s %s_segs=%u %s_bytes=%u %s_ttl=%u", name, addr, name, s->segs, name,
		s->bytes, name, s->ttl);
	opt_u32_text(f, name, "idle_ms", s->has_idle, s->idle_ms);
	opt_u32_text(f, name, "fin_ago_ms", s->has_fin, s->fin_ago_ms);
	opt_u32_text(f, name, "mss", s->has_mss, s->mss);
	fprintf(f, " %s_wscale=%u %s_window=%u %s_flags", name, s->wscale, name, s->window, name);
	for (i = 0; i < 32; i++) {
		if (s->flags & (1U << i)) {
			fprintf(f, "%c%s", sep, side_flag_label(i, bit));
			sep = ',';
		}
	}
	if (sep == '=')
		fputs("=none", f);
}

/* A connection's direction: "?" when the module did not say. */
static const char *conn_dir_name(const struct rm_conn *c)
{
	return c->dir == RM_DIR_UNKNOWN ? "?" : rstmon_dir_name(c->dir);
}

void rm_print_conn_text(FILE *f, const struct rm_conn *c)
{
	fprintf(f, "conn family=%s state=%s midstream=%u age_ms=%u dir=%s", family_name(c->family),
		rm_state_name(c->state), c->midstream, c->age_ms, conn_dir_name(c));
	side_text(f, "client", c->family, &c->client);
	side_text(f, "server", c->family, &c->server);
	fputc('\n', f);
}

/* "PREFIX_KEY" as a JSON key. */
static void json_side_u64(FILE *f, bool *first, const char *prefix, const char *key,
			  bool has, uint64_t v)
{
	char k[64];

	snprintf(k, sizeof(k), "%s_%s", prefix, key);
	json_kv_opt(f, first, k, has, v);
}

static void side_json(FILE *f, bool *first, const char *name, uint8_t family,
		      const struct rm_side *s)
{
	char addr[INET6_ADDRSTRLEN + 10], bit[8];
	bool ffirst = true;
	unsigned int i;

	rm_format_addr(addr, sizeof(addr), family, s->addr, s->port);
	json_kv_str(f, first, name, addr);
	json_side_u64(f, first, name, "segs", true, s->segs);
	json_side_u64(f, first, name, "bytes", true, s->bytes);
	json_side_u64(f, first, name, "ttl", true, s->ttl);
	json_side_u64(f, first, name, "idle_ms", s->has_idle, s->idle_ms);
	json_side_u64(f, first, name, "fin_ago_ms", s->has_fin, s->fin_ago_ms);
	json_side_u64(f, first, name, "mss", s->has_mss, s->mss);
	json_side_u64(f, first, name, "wscale", true, s->wscale);
	json_side_u64(f, first, name, "window", true, s->window);
	{
		char k[64];

		snprintf(k, sizeof(k), "%s_flags", name);
		rm_json_key(f, first, k);
	}
	fputc('[', f);
	for (i = 0; i < 32; i++) {
		if (s->flags & (1U << i)) {
			if (!ffirst)
				fputc(',', f);
			ffirst = false;
			rm_json_str(f, side_flag_label(i, bit));
		}
	}
	fputc(']', f);
}

void rm_print_conn_json(FILE *f, const struct rm_conn *c)
{
	bool first = true;

	fputc('{', f);
	json_kv_str(f, &first, "family", family_name(c->family));
	json_kv_str(f, &first, "state", rm_state_name(c->state));
	json_kv_u64(f, &first, "midstream", c->midstream);
	json_kv_u64(f, &first, "age_ms", c->age_ms);
	json_kv_str(f, &first, "dir", c->dir == RM_DIR_UNKNOWN ? NULL : conn_dir_name(c));
	side_json(f, &first, "client", c->family, &c->client);
	side_json(f, &first, "server", c->family, &c->server);
	fputs("}\n", f);
}

void rm_print_status_text(FILE *f, const struct rm_status *st)
{
	fprintf(f, "rstmon version=%s netns=%u\n", st->version, st->netns_inum);
	fprintf(f, "table conns=%u total=", st->conns);
	if (st->has_conns_total)
		fprintf(f, "%u", st->conns_total);
	else
		fputc('-', f);
	fprintf(f, " limit=%u\n", st->conns_limit);
	fprintf(f, "events logged=%llu\n", (unsigned long long)st->events_logged);
}

void rm_print_status_json(FILE *f, const struct rm_status *st)
{
	bool first = true;

	fputc('{', f);
	json_kv_str(f, &first, "version", st->version);
	json_kv_u64(f, &first, "netns", st->netns_inum);
	json_kv_u64(f, &first, "conns", st->conns);
	json_kv_opt(f, &first, "conns_total", st->has_conns_total, st->conns_total);
	json_kv_u64(f, &first, "conns_limit", st->conns_limit);
	json_kv_u64(f, &first, "events_logged", st->events_logged);
	fputs("}\n", f);
}

/*
 * The counters: the key in stats -j, and for the metric rstmon_KEY_total
 * its help (metrics.c).  Segment and RST counters are exported as labelled
 * metrics instead (rstmon_segments_total, rstmon_rst_segments_total).
 */
static const struct {
	const char *key;
	const char *help;
	bool labelled;
} counters[__RSTMON_CTR_MAX] = {
	[RSTMON_CTR_SEG_IN] = { "segments_in", NULL, true },
	[RSTMON_CTR_SEG_OUT] = { "segments_out", NULL, true },
	[RSTMON_CTR_SEG_FWD] = { "segments_fwd", NULL, true },
	[RSTMON_CTR_RST4_IN] = { "rst_ipv4_in", NULL, true },
	[RSTMON_CTR_RST4_OUT] = { "rst_ipv4_out", NULL, true },
	[RSTMON_CTR_RST4_FWD] = { "rst_ipv4_fwd", NULL, true },
	[RSTMON_CTR_RST6_IN] = { "rst_ipv6_in", NULL, true },
	[RSTMON_CTR_RST6_OUT] = { "rst_ipv6_out", NULL, true },
	[RSTMON_CTR_RST6_FWD] = { "rst_ipv6_fwd", NULL, true },
	[RSTMON_CTR_MALFORMED] = { "malformed",
		"TCP segments whose headers could not be parsed.", false },
	[RSTMON_CTR_FRAGMENTS] = { "fragments",
		"TCP fragments without a whole TCP header.", false },
	[RSTMON_CTR_UNTRACKED] = { "untracked",
		"New connections not tracked because the table was full.", false },
	[RSTMON_CTR_EVICTED] = { "evicted",
		"Connection entries evicted to make room (half-open, one-sided or closed by an RST).", false },
	[RSTMON_CTR_NOMEM] = { "nomem",
		"Connection entries that could not be allocated.", false },
	[RSTMON_CTR_RST_UNTRACKED] = { "rst_untracked",
		"RSTs of connections not in the table.", false },
	[RSTMON_CTR_AMENDED] = { "amended",
		"Events amended by later evidence.", false },
	[RSTMON_CTR_KERNEL_DISAGREES] = { "kernel_disagrees",
		"RSTs whose cause the kernel's own reason contradicts.", false },
	[RSTMON_CTR_ONE_WAY] = { "one_way",
		"Forwarded RSTs of connections seen one way only.", false },
	[RSTMON_CTR_BYPASSED] = { "bypassed",
		"RSTs of connections that partly bypassed the hooks.", false },
	[RSTMON_CTR_NAT] = { "nat",
		"RSTs of translated connections.", false },
	[RSTMON_CTR_OVERWRITTEN] = { "overwritten",
		"Events overwritten in the ring before being read.", false },
	[RSTMON_CTR_NOTIFY_DROPPED] = { "notify_dropped",
		"Event notifications not sent (rate limit or memory).", false },
	[RSTMON_CTR_NETNS_FULL] = { "netns_full",
		"New connections not tracked: the namespace held its share of the table (netns_max_conns).",
		false },
	[RSTMON_CTR_RST_UNLOGGED] = { "rst_unlogged",
		"RSTs of connections not in the table, counted but not logged (untracked_rst_rate).",
		false },
	[RSTMON_CTR_SOCK_PATH] = { "sock_path",
		"Segments of local connections accounted from their socket, without a table access.",
		false },
};

static unsigned long long ctr(const struct rm_status *st, int c)
{
	return (unsigned long long)st->ctr[c];
}

const char *rm_counter_key(unsigned int c, const char **help, bool *labelled)
{
	if (c >= __RSTMON_CTR_MAX || !counters[c].key)
		return NULL;
	*help = counters[c].help;
	*labelled = counters[c].labelled;
	return counters[c].key;
}

static void by_dir_text(FILE *f, const struct rm_status *st, const char *label, int base)
{
	int d;

	fputs(label, f);
	for (d = 0; d < __RSTMON_DIR_MAX; d++)
		fprintf(f, " %s=%llu", rstmon_dir_name(d), ctr(st, base + d));
	fputc('\n', f);
}

void rm_print_stats_text(FILE *f, const struct rm_status *st, bool all)
{
	int c, d;

	fprintf(f, "table untracked=%llu evicted=%llu nomem=%llu netns_full=%llu\n",
		ctr(st, RSTMON_CTR_UNTRACKED), ctr(st, RSTMON_CTR_EVICTED),
		ctr(st, RSTMON_CTR_NOMEM), ctr(st, RSTMON_CTR_NETNS_FULL));
	fprintf(f, "events logged=%llu overwritten=%llu amended=%llu notify_dropped=%llu rst_unlogged=%llu\n",
		(unsigned long long)st->events_logged, ctr(st, RSTMON_CTR_OVERWRITTEN),
		ctr(st, RSTMON_CTR_AMENDED), ctr(st, RSTMON_CTR_NOTIFY_DROPPED),
		ctr(st, RSTMON_CTR_RST_UNLOGGED));
	by_dir_text(f, st, "segments", RSTMON_CTR_SEG_IN);
	by_dir_text(f, st, "rst ipv4", RSTMON_CTR_RST4_IN);
	by_dir_text(f, st, "rst ipv6", RSTMON_CTR_RST6_IN);
	fprintf(f, "errors malformed=%llu fragments=%llu rst_untracked=%llu kernel_disagrees=%llu\n",
		ctr(st, RSTMON_CTR_MALFORMED), ctr(st, RSTMON_CTR_FRAGMENTS),
		ctr(st, RSTMON_CTR_RST_UNTRACKED), ctr(st, RSTMON_CTR_KERNEL_DISAGREES));
	fprintf(f, "path one_way=%llu bypassed=%llu nat=%llu\n", ctr(st, RSTMON_CTR_ONE_WAY),
		ctr(st, RSTMON_CTR_BYPASSED), ctr(st, RSTMON_CTR_NAT));
	fprintf(f, "socket_path segments=%llu\n", ctr(st, RSTMON_CTR_SOCK_PATH));
	for (c = 0; c < __RSTMON_CAUSE_MAX; c++) {
		uint64_t sum = 0;

		for (d = 0; d < __RSTMON_DIR_MAX; d++)
			sum |= st->cause[c][d];
		if (!sum && !all)
			continue;
		fprintf(f, "cause %s", rstmon_cause_name(c));
		for (d = 0; d < __RSTMON_DIR_MAX; d++)
			fprintf(f, " %s=%llu", rstmon_dir_name(d), (unsigned long long)st->cause[c][d]);
		fputc('\n', f);
	}
}

void rm_print_stats_json(FILE *f, const struct rm_status *st)
{
	bool first = true, cfirst = true;
	int c, d;

	fputc('{', f);
	json_kv_u64(f, &first, "events_logged", st->events_logged);
	rm_json_key(f, &first, "counters");
	fputc('{', f);
	for (c = 0; c < __RSTMON_CTR_MAX; c++)
		if (counters[c].key)
			json_kv_u64(f, &cfirst, counters[c].key, st->ctr[c]);
	fputc('}', f);
	rm_json_key(f, &first, "causes");
	fputc('{', f);
	cfirst = true;
	for (c = 0; c < __RSTMON_CAUSE_MAX; c++) {
		bool dfirst = true;

		rm_json_key_snake(f, &cfirst, rstmon_cause_name(c));
		fputc('{', f);
		for (d = 0; d < __RSTMON_DIR_MAX; d++)
			json_kv_u64(f, &dfirst, rstmon_dir_name(d), st->cause[c][d]);
		fputc('}', f);
	}
	fputs("}}\n", f);
}

void rm_print_config_text(FILE *f, const struct rm_config *c)
{
	fprintf(f, "idle-threshold=%u\nevent-ring=%u\nipv4=%s\nipv6=%s\nnotify-rate=%u\nmax-conns=%u\n",
		c->idle_threshold, c->event_ring, c->ipv4 ? "on" : "off", c->ipv6 ? "on" : "off",
		c->notify_rate, c->max_conns);
}

void rm_print_config_json(FILE *f, const struct rm_config *c)
{
	/* The keys of config set, "_" for "-": JSON keys are snake_case. */
	fprintf(f, "{\"idle_threshold\":%u,\"event_ring\":%u,\"ipv4\":%s,\"ipv6\":%s,"
		"\"notify_rate\":%u,\"max_conns\":%u}\n",
		c->idle_threshold, c->event_ring, c->ipv4 ? "true" : "false",
		c->ipv6 ? "true" : "false", c->notify_rate, c->max_conns);
}

bool rm_cgroup_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!path[0])
		return false;
	if (!strcmp(prefix, "/"))
		return path[0] == '/';
	return !strncmp(path, prefix, n) && (path[n] == '\0' || path[n] == '/');
}

bool rm_event_match(const struct rm_opts *o, const struct rm_event *ev)
{
	uint16_t p = o->filter_port;

	if (o->filter_cgroup[0] && !rm_cgroup_under(ev->cgroup, o->filter_cgroup))
		return false;
	if (o->filter_causes && !(ev->cause < 32 && o->filter_causes & (1U << ev->cause)))
		return false;
	if (o->filter_senders && !(ev->sender < 32 && o->filter_senders & (1U << ev->sender)))
		return false;
	if (o->filter_dirs && !(ev->dir < 32 && o->filter_dirs & (1U << ev->dir)))
		return false;
	if (o->filter_src.family && !rm_prefix_match(&o->filter_src, ev->family, ev->src))
		return false;
	if (o->filter_dst.family && !rm_prefix_match(&o->filter_dst, ev->family, ev->dst))
		return false;
	if (o->filter_sport && ev->sport != o->filter_sport)
		return false;
	if (o->filter_dport && ev->dport != o->filter_dport)
		return false;
	/* Either end, or the socket's own port (behind a NAT, neither of the RST's). */
	if (p && ev->sport != p && ev->dport != p && ev->lport != p && ev->listen_port != p)
		return false;
	if (o->has_since && ev->time_ns < o->since_ns)
		return false;
	if (o->has_until && ev->time_ns > o->until_ns)
		return false;
	return true;
}

static size_t addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

bool rm_conn_match(const struct rm_opts *o, const struct rm_conn *c)
{
	uint16_t p = o->filter_port;

	if (o->filter_family &&
	    (o->filter_family != c->family ||
	     (memcmp(o->filter_addr, c->client.addr, addr_len(c->family)) &&
	      memcmp(o->filter_addr, c->server.addr, addr_len(c->family)))))
		return false;
	if (p && c->client.port != p && c->server.port != p)
		return false;
	if (o->filter_src.family && !rm_prefix_match(&o->filter_src, c->family, c->client.addr))
		return false;
	if (o->filter_dst.family && !rm_prefix_match(&o->filter_dst, c->family, c->server.addr))
		return false;
	if (o->filter_sport && c->client.port != o->filter_sport)
		return false;
	if (o->filter_dport && c->server.port != o->filter_dport)
		return false;
	if (o->has_state && c->state != o->filter_state)
		return false;
	if (o->filter_dirs && !(c->dir < 32 && o->filter_dirs & (1U << c->dir)))
		return false;
	return true;
}

void rm_format_time(char *buf, size_t len, uint64_t ns)
{
	time_t t = ns / 1000000000ULL;
	struct tm tm;
	long off;
	size_t n;

	if (!localtime_r(&t, &tm)) {
		snprintf(buf, len, "@%llu", (unsigned long long)t);
		return;
	}
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff / 60;
	snprintf(buf + n, len - n, ".%06llu%c%02ld:%02ld",
		 (unsigned long long)(ns % 1000000000ULL / 1000), off < 0 ? '-' : '+',
		 (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
}

void rm_print_cgroup_text(FILE *f, const struct rm_cgroup *c)
{
	if (c->other) {
		fprintf(f, "cgroup other rsts=%llu\n", (unsigned long long)c->rsts);
		return;
	}
	fprintf(f, "cgroup id=%llu path=", (unsigned long long)c->id);
	path_text(f, c->path);
	fprintf(f, " rsts=%llu\n", (unsigned long long)c->rsts);
}

void rm_print_cgroup_json(FILE *f, const struct rm_cgroup *c)
{
	bool first = true;

	fputc('{', f);
	json_kv_opt(f, &first, "id", !c->other, c->id);
	json_kv_str(f, &first, "path", c->path[0] ? c->path : NULL);
	json_kv_u64(f, &first, "rsts", c->rsts);
	rm_json_key(f, &first, "other");
	fputs(c->other ? "true" : "false", f);
	fputs("}\n", f);
}
