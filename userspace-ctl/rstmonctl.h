/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmonctl: the control utility of rstmon.
 *
 * The program is split so that everything but the socket I/O is a pure
 * function the unit tests (test.c) call without a kernel:
 *
 *   args.c    the command line -> struct rm_opts; usage texts
 *   format.c  names of the uapi enums; text, JSON and Prometheus output of
 *             struct rm_event, struct rm_status, struct rm_config,
 *             struct rm_conn
 *   metrics.c the Prometheus exposition (one-shot, and the --listen HTTP
 *             endpoint with its per-event counters and silence histogram)
 *   nl.c      netlink messages <-> those structs (pure), the libmnl
 *             socket (family lookup, requests, errors and extack)
 *   rstmonctl.c  main() and the commands
 */
#ifndef RSTMONCTL_H
#define RSTMONCTL_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/rstmon.h>

/* The module's name tables (module/names.h) need the kernel's attribute. */
#ifndef __maybe_unused
#define __maybe_unused __attribute__((__unused__))
#endif
#include "../module/names.h"

/* The longest cgroup path the module gives (module/attr.h), with its NUL. */
#define RM_CGROUP_PATH_MAX	512

/* Exit codes. */
#define RM_EXIT_OK	0
#define RM_EXIT_ERR	1	/* the kernel or the system refused */
#define RM_EXIT_USAGE	2	/* bad command line */

/* ------------------------------------------------------------ args.c */

/* The settings of config set: bit (1U << RM_SET_x) of rm_opts.set. */
enum rm_setting {
	RM_SET_IDLE_THRESHOLD,
	RM_SET_EVENT_RING,
	RM_SET_IPV4,
	RM_SET_IPV6,
	RM_SET_NOTIFY_RATE,
	__RM_SET_MAX
};

/*
 * A network namespace's settings (GET_CONFIG), or the values of config
 * set.  @max_conns is module-wide and not settable.
 */
struct rm_config {
	uint32_t idle_threshold, event_ring, max_conns, notify_rate;
	bool ipv4, ipv6;
};

enum rm_cmd {
	RM_CMD_NONE,
	RM_CMD_STATUS,
	RM_CMD_STATS,
	RM_CMD_EVENTS,
	RM_CMD_WATCH,
	RM_CMD_CONFIG_GET,
	RM_CMD_CONFIG_SET,
	RM_CMD_METRICS,
	RM_CMD_CONFIG,		/* "config" alone: only with --help */
	RM_CMD_CONNS,
	RM_CMD_RESET_STATS,
	RM_CMD_WHY,
	RM_CMD_CGROUPS,
	RM_CMD_ADVICE,
	RM_CMD_TOP,
};

/* An address filter: ADDR[/PREFIX] (@family 0: none). */
struct rm_prefix {
	uint8_t family;		/* AF_INET or AF_INET6; 0: no filter */
	uint8_t len;		/* prefix length: 0..32 or 0..128 */
	uint8_t addr[16];
};

/**
 * struct rm_opts - a parsed command line.
 * @cmd: the command
 * @help: -h/--help was given (print the command's usage, exit 0)
 * @version: -V/--version was given (print the version, exit 0)
 * @notice: a one-line notice for stderr (a deprecated name), or NULL
 * @json: -j/--json
 * @all: stats -a/--all: show all-zero rows too
 * @netns: -n/--netns NAME, PID or PATH, or NULL
 * @all_ns: -A/--all-namespaces
 * @from: events --from ID (0: from the oldest)
 * @set: config set: the settings given, a bit (1U << &enum rm_setting) each
 * @cfg: config set: their values (the others are 0)
 * @filter_family: conns --addr: AF_INET or AF_INET6 (0: no address filter)
 * @filter_addr: conns --addr, 4 or 16 bytes as the family says
 * @filter_port: --port, either end (host order; 0: no port filter)
 * @filter_src: --src ADDR[/PREFIX]: an event's source; a connection's client
 * @filter_dst: --dst ADDR[/PREFIX]: an event's destination; a connection's
 *	server
 * @filter_sport: --sport: an event's source port; a connection's client port
 * @filter_dport: --dport: an event's destination port; a connection's
 *	server port
 * @has_state: conns --state was given
 * @filter_state: conns --state, an &enum rstmon_state
 * @has_dir: --dir names exactly one direction (the kernel's conns filter)
 * @filter_dir: that direction, an &enum rstmon_dir
 * @filter_dirs: --dir: a bit (1U << &enum rstmon_dir) per direction (0: any)
 * @filter_senders: --sender: a bit per &enum rstmon_sender (0: any)
 * @filter_causes: --cause: a bit per &enum rstmon_cause (0: any)
 * @filter_cgroup: events, watch, why --cgroup PATH (no trailing slash but
 *	for "/"), or ""
 * @has_since: --since was given; @since_ns: its time, ns since the epoch
 * @has_until: --until was given; @until_ns: its time (inclusive)
 * @last: why --last N (default 10)
 * @top: metrics --top N (default 10)
 * @output: events, watch: -o table|line|json, --table, --lines (-j is json)
 * @wide: -w/--wide: the table's full times and addresses
 * @interval: top -i SECONDS (default 2)
 * @journal: watch --journal: to the systemd journal (journal.c)
 * @rate: watch --rate N: at most N events a second to the journal (0: no
 *	limit; default RM_RATE_DEFAULT)
 * @listen: metrics --listen ADDR:PORT, or NULL
 */
struct rm_opts {
	enum rm_cmd cmd;
	bool help;
	bool version;
	const char *notice;
	bool json;
	bool all;
	const char *netns;
	bool all_ns;
	uint64_t from;
	unsigned int set;
	struct rm_config cfg;
	uint8_t filter_family;
	uint8_t filter_addr[16];
	uint16_t filter_port;
	struct rm_prefix filter_src, filter_dst;
	uint16_t filter_sport, filter_dport;
	bool has_state;
	uint8_t filter_state;
	bool has_dir;
	uint8_t filter_dir;
	uint32_t filter_dirs;
	uint32_t filter_senders;
	uint32_t filter_causes;
	char filter_cgroup[RM_CGROUP_PATH_MAX];
	bool has_since, has_until;
	uint64_t since_ns, until_ns;
	uint32_t last;
	uint32_t top;
	enum rm_output { RM_OUT_AUTO, RM_OUT_LINE, RM_OUT_TABLE } output;
	bool wide;
	uint32_t interval;
	bool journal;
	uint32_t rate;
	const char *listen;
};

#define RM_TOP_INTERVAL_DEFAULT	2

#define RM_WHY_LAST_DEFAULT	10
#define RM_WHY_LAST_MAX		65536	/* the largest event ring */
#define RM_TOP_DEFAULT		10
#define RM_TOP_MAX		1000
#define RM_RATE_DEFAULT		100
#define RM_RATE_MAX		1000000

/*
 * Parse argv into @o.  Returns 0, or RM_EXIT_USAGE with a one-line reason
 * in @err (the caller prints it and the usage to stderr).
 */
int rm_parse_args(int argc, char *const argv[], struct rm_opts *o, char *err, size_t errlen);
/* Usage of @cmd (RM_CMD_NONE: the whole program). */
void rm_usage(FILE *f, enum rm_cmd cmd);
/* The first line of that usage only (after a usage error). */
void rm_usage_line(FILE *f, enum rm_cmd cmd);
/* Strict unsigned decimal; false on anything else or above @max. */
bool rm_parse_uint(const char *s, uint64_t max, uint64_t *v);
/* ADDR[/PREFIX], IPv4 or IPv6 (no PREFIX: the whole address); false when bad. */
bool rm_parse_prefix(const char *s, struct rm_prefix *p);
/* Whether @addr (of @family) is inside @p. */
bool rm_prefix_match(const struct rm_prefix *p, uint8_t family, const uint8_t *addr);
/*
 * A time of --since/--until into ns since the epoch: relative, that long
 * before @now_ns ("30s", "10m", "2h", "1d", "1w", combined as "1h30m"; a
 * leading "-" allowed), "now", "@SECONDS[.FRACTION]" since the epoch, or
 * ISO 8601: "2026-12-07", "2026-12-07T01:02[:03[.456]]" ("T" or a space),
 * with "Z", "+01:00", "+0100" or "+01" (none: local time; a date alone is
 * its local midnight).  false when bad.
 */
bool rm_parse_time(const char *s, uint64_t now_ns, uint64_t *out);
/*
 * Comma-separated names of @table (@n entries, holes NULL) into a bit
 * mask; false when one is unknown or empty (that one into @bad, if not
 * NULL).
 */
bool rm_parse_names(const char *s, const char *const *table, unsigned int n, uint32_t *mask,
		    char *bad, size_t badlen);
/* The names of @table, ", "-separated, into @buf. */
void rm_name_list(char *buf, size_t len, const char *const *table, unsigned int n);

/* ---------------------------------------------------------- format.c */

/* Connection states of RSTMON_E_STATE (module/conn.h; not in the uapi). */
enum rm_state {
	RM_ST_SYN_SENT,
	RM_ST_SYN_RECV,
	RM_ST_ESTABLISHED,
	RM_ST_FIN_WAIT,
	RM_ST_CLOSING,
	RM_ST_CLOSED,
	__RM_ST_MAX
};
#define RM_ST_UNTRACKED 255

#define RM_EVIDENCE_BITS 24	/* RSTMON_EV_ACK .. RSTMON_EV_STRAY */

const char *rm_state_name(unsigned int v);
const char *rm_side_name(unsigned int v);
const char *rm_fin_name(unsigned int fin);
const char *rm_kreason_words(const char *name);
const char *rm_evidence_name(unsigned int bit);
/* The &enum rstmon_state of a name ("syn-sent" ... "closed"); -1: none. */
int rm_state_from_name(const char *s);
/* The &enum rstmon_dir of a name ("in", "out", "fwd"); -1: none. */
int rm_dir_from_name(const char *s);

#define RM_SIDE_FLAG_BITS 8	/* RSTMON_S_FLAGS bits 0..7 */
/* Name of a RSTMON_S_FLAGS bit ("syn", "fin", ...), NULL when unknown. */
const char *rm_side_flag_name(unsigned int bit);

/* One classified RST, as RSTMON_A_EVENT carries it (ports in host order). */
struct rm_event {
	uint64_t id;
	uint64_t time_ns;
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t dir, sender, cause, confidence, state, side, seqchk, ttl, ttl_base;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq, ack, idle_ms, age_ms;
	uint32_t bytes_sender, bytes_receiver, segs_sender, segs_receiver;
	bool fin_sender, fin_receiver;	/* the *_ago_ms attributes were present */
	uint32_t fin_sender_ago_ms, fin_receiver_ago_ms;
	char kreason[64];		/* "" when the kernel gave none */
	uint32_t evidence;
	uint8_t nat_pre_src[16], nat_pre_dst[16], nat_post_src[16], nat_post_dst[16];
	uint16_t nat_pre_sport, nat_pre_dport, nat_post_sport, nat_post_dport;
	/* Attribution: @has_attr when the module sent RSTMON_E_SOCK. */
	bool has_attr;
	uint8_t sock;			/* enum rstmon_sock */
	uint32_t netns_inum;
	uint16_t lport, listen_port;	/* 0: none (forwarded; not server side) */
	bool has_uid;
	uint32_t uid;
	uint64_t cgroup_id;		/* 0: none */
	char cgroup[RM_CGROUP_PATH_MAX];	/* "" when not known */
	/* accepted.c: RSTMON_E_ACCEPTED .. RSTMON_E_RST_PAYLOAD_LEN */
	uint8_t accepted;		/* enum rstmon_accepted; 0: not known */
	bool has_closed_first;
	uint8_t closed_first;		/* enum rstmon_side_of */
	uint8_t rst_payload_kept;	/* bytes of @rst_payload held */
	uint32_t rst_payload_len;	/* the RST's whole payload; 0: none */
	uint8_t rst_payload[RSTMON_RST_PAYLOAD_MAX];
	uint8_t idle_match;		/* enum rstmon_idle_match */
	uint8_t alt_cause;		/* enum rstmon_cause, 0: none */
	uint32_t idle_match_s;
};

/*
 * Whether @ev passes all the filters of @o: --cgroup (its cgroup path or
 * one below), --src/--dst (the RST's source and destination address, in
 * the prefix), --sport/--dport (its ports), --port (either port, or the
 * local or listening port of the socket it hit), --sender, --dir,
 * --cause, --since/--until (its time).
 */
bool rm_event_match(const struct rm_opts *o, const struct rm_event *ev);
/* Whether cgroup @path is @prefix or below it (component boundaries). */
bool rm_cgroup_under(const char *path, const char *prefix);

/* RSTs by cgroup (RSTMON_A_CGROUP). */
struct rm_cgroup {
	uint64_t id;
	bool other;		/* the kernel's entry for cgroups without a slot */
	char path[RM_CGROUP_PATH_MAX];	/* "" when not known */
	uint64_t rsts;
};

/* One line (text) or one JSON object per entry. */
void rm_print_cgroup_text(FILE *f, const struct rm_cgroup *c);
void rm_print_cgroup_json(FILE *f, const struct rm_cgroup *c);

/* GET_STATUS: counters indexed by enum rstmon_counter. */
struct rm_status {
	char version[32];
	uint32_t netns_inum;
	uint32_t conns, conns_total, conns_limit;
	/* conns_total is only sent to the host's administrator. */
	bool has_conns_total;
	uint64_t events_logged;
	uint64_t ctr[__RSTMON_CTR_MAX];
	uint64_t cause[__RSTMON_CAUSE_MAX][__RSTMON_DIR_MAX];
};

/* One side of a tracked connection (RSTMON_C_CLIENT/SERVER; port in host order). */
struct rm_side {
	uint8_t addr[16];
	uint16_t port;
	uint32_t segs, bytes;
	uint8_t ttl;
	bool has_idle, has_fin, has_mss;	/* the optional attributes were present */
	uint32_t idle_ms, fin_ago_ms;
	uint16_t mss;
	uint8_t wscale;
	uint16_t window;
	uint32_t flags;				/* RSTMON_S_FLAGS */
};

/* One tracked connection, as RSTMON_A_CONN carries it. */
struct rm_conn {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t state;		/* enum rstmon_state */
	uint8_t dir;		/* enum rstmon_dir of its first segment, or RM_DIR_UNKNOWN */
	uint8_t midstream;
	uint32_t age_ms;
	struct rm_side client, server;
};

/*
 * Whether @c passes the filters of @o that the kernel's GET_CONNS does
 * not apply, and those it does (an older kernel may not): --addr and
 * --port (either end), --src/--sport (the client's end), --dst/--dport
 * (the server's end), --state, --dir.
 */
bool rm_conn_match(const struct rm_opts *o, const struct rm_conn *c);

/* An event's time, local, ISO 8601 with its zone: "2026-12-07T02:02:03.123456+01:00". */
void rm_format_time(char *buf, size_t len, uint64_t ns);

/* "ADDR:PORT", IPv6 in brackets, as /proc/net/rstmon writes it. */
void rm_format_addr(char *buf, size_t len, uint8_t family, const uint8_t *addr, uint16_t port);
/* JSON string literal of @s, quotes included. */
void rm_json_str(FILE *f, const char *s);

/* One event line as /proc/net/rstmon writes it, with its newline. */
void rm_print_event_text(FILE *f, const struct rm_event *ev);
/* One event as one JSON object on one line. */
void rm_print_event_json(FILE *f, const struct rm_event *ev);

void rm_print_status_text(FILE *f, const struct rm_status *st);
void rm_print_status_json(FILE *f, const struct rm_status *st);
void rm_print_stats_text(FILE *f, const struct rm_status *st, bool all);
void rm_print_stats_json(FILE *f, const struct rm_status *st);
void rm_print_config_text(FILE *f, const struct rm_config *c);
void rm_print_config_json(FILE *f, const struct rm_config *c);
#define RM_DIR_UNKNOWN 255	/* a connection without RSTMON_C_DIR (older module) */

/* One connection line ("conn family=... state=..."), with its newline. */
void rm_print_conn_text(FILE *f, const struct rm_conn *c);
/* One connection as one JSON object on one line, the same keys. */
void rm_print_conn_json(FILE *f, const struct rm_conn *c);
/*
 * Counter @c's key (stats -j; rstmon_KEY_total), its help and whether it
 * is exported as a labelled family instead; NULL for a hole.
 */
const char *rm_counter_key(unsigned int c, const char **help, bool *labelled);

/* -------------------------------------------------------------- nl.c */

struct nlattr;
struct nlmsghdr;

/* Parse a RSTMON_A_EVENT nest; 0, or -1 when it is malformed. */
int rm_parse_event(const struct nlattr *nest, struct rm_event *ev);
/* Parse a RSTMON_A_CGROUP nest; 0, or -1 when it is malformed. */
int rm_parse_cgroup(const struct nlattr *nest, struct rm_cgroup *c);
/* Parse a RSTMON_A_CONN nest; 0, or -1 when it is malformed. */
int rm_parse_conn(const struct nlattr *nest, struct rm_conn *c);
/* Parse a GET_STATUS reply; 0, or -1. */
int rm_parse_status(const struct nlmsghdr *nlh, struct rm_status *st);
/*
 * Parse a GET_CONFIG reply; 0, or -1.  Attributes a module before them did
 * not send read as that module behaved: both families tracked, 1000
 * notifications per second.
 */
int rm_parse_config(const struct nlmsghdr *nlh, struct rm_config *c);
/* Put the settings of @set (config set), with the values of @v, on a SET_CONFIG request. */
void rm_put_set_config(struct nlmsghdr *nlh, unsigned int set, const struct rm_config *v);
/*
 * Put the filters of @o on a GET_CONNS request: --addr, --port, --state,
 * --dir as given; an exact --src or --dst (no --addr) as the address,
 * --dport or --sport (no --port) as the port, for the kernel to narrow the
 * dump (rm_conn_match() checks the end).
 */
void rm_put_conn_filters(struct nlmsghdr *nlh, const struct rm_opts *o);
/*
 * Whether @nlh, a notice of nlctrl's notify group, is the
 * CTRL_CMD_DELFAMILY of the "rstmon" family of id @id (the module was
 * unloaded; a notice of an earlier instance's id is not).
 */
bool rm_family_gone(const struct nlmsghdr *nlh, uint16_t id);
/*
 * The extack message (NLMSGERR_ATTR_MSG) of an NLMSG_ERROR or NLMSG_DONE
 * message, or NULL.
 */
const char *rm_extack_msg(const struct nlmsghdr *nlh);

/* What was being done when an error came, for its wording. */
enum rm_phase {
	RM_PHASE_NETNS,		/* entering -n NAME */
	RM_PHASE_SOCKET,	/* opening the netlink socket */
	RM_PHASE_FAMILY,	/* resolving the "rstmon" family */
	RM_PHASE_GROUP,		/* joining the events group */
	RM_PHASE_REQUEST,	/* a request to the family */
	RM_PHASE_WATCH,		/* watch: waiting for events (ENOENT: the family went away) */
};

/*
 * Print the plain-words message of @err (a positive errno) on @f, with
 * the kernel's extack message when there is one; returns the exit code.
 */
int rm_report_error(FILE *f, enum rm_phase phase, int err, const char *extack, const char *what);

struct rm_nl;

/* Open the socket and resolve the family; NULL with an error printed. */
struct rm_nl *rm_nl_open(int *exit_code);
void rm_nl_close(struct rm_nl *nl);
int rm_nl_get_status(struct rm_nl *nl, struct rm_status *st);
int rm_nl_get_config(struct rm_nl *nl, struct rm_config *c);
/* One SET_CONFIG request with every setting of @set: all applied, or none. */
int rm_nl_set_config(struct rm_nl *nl, unsigned int set, const struct rm_config *v);
/*
 * Dump the events from @from (0: the oldest); @cb is called per event and
 * returns 0 to go on, non-zero to stop (its value is returned).
 */
int rm_nl_dump_events(struct rm_nl *nl, uint64_t from,
		      int (*cb)(const struct rm_event *ev, void *data), void *data);
/*
 * Dump the connections matching the filters of @o (conns --addr, --port,
 * --state, --dir); @cb as for rm_nl_dump_events().
 */
int rm_nl_dump_conns(struct rm_nl *nl, const struct rm_opts *o,
		     int (*cb)(const struct rm_conn *c, void *data), void *data);
/*
 * Dump the RSTs by cgroup (RSTMON_CMD_GET_CGROUPS); @cb as for
 * rm_nl_dump_events().  With @quiet, errors are not printed: the exit
 * code comes back and *@err (if not NULL) gets the errno.
 */
int rm_nl_dump_cgroups(struct rm_nl *nl, int (*cb)(const struct rm_cgroup *c, void *data),
		       void *data, bool quiet, int *err);
/* Zero the namespace's counters (RSTMON_CMD_RESET_STATS). */
int rm_nl_reset_stats(struct rm_nl *nl);
/*
 * Join the events group (and nlctrl's notify group); then rm_nl_watch()
 * until @cb stops, a signal, or the family goes away (exit code 0, the
 * end of the stream, with "rstmon was unloaded" printed).
 */
int rm_nl_join_events(struct rm_nl *nl);
int rm_nl_watch(struct rm_nl *nl, int (*cb)(const struct rm_event *ev, void *data), void *data,
		volatile int *stop);
/* rm_nl_watch() over @n sockets at once, @data[i] for those of @nl[i]. */
int rm_nl_watch_many(struct rm_nl **nl, size_t n,
		     int (*cb)(const struct rm_event *ev, void *data), void **data,
		     volatile int *stop);

/*
 * After rm_nl_join_events(), for a caller's own poll() (top): the sockets,
 * the events queued (read without waiting; @cb as for rm_nl_watch()), and
 * whether nlctrl's notices say the family went away.
 */
void rm_nl_watch_fds(struct rm_nl *nl, int *events_fd, int *ctl_fd);
int rm_nl_read_queued(struct rm_nl *nl, int (*cb)(const struct rm_event *ev, void *data),
		      void *data);
bool rm_nl_family_gone(struct rm_nl *nl);

/* Enter /run/netns/NAME; 0, or the exit code with an error printed. */
int rm_enter_netns(const char *name);

/* ---------------------------------------------------------- cgroup.c */

/*
 * The mount point of the cgroup2 file system in a mountinfo file (@path:
 * "/proc/self/mountinfo"); 0, or -1 when there is none.
 */
int rm_cgroup2_mount(const char *path, char *out, size_t len);
/*
 * The path of the cgroup whose directory under @root has inode @id (a
 * cgroup v2 id), "/" for @root itself; a bounded walk (depth
 * RM_CGROUP_WALK_DEPTH, RM_CGROUP_WALK_DIRS directories).  0, or -1.
 */
#define RM_CGROUP_WALK_DEPTH	16
#define RM_CGROUP_WALK_DIRS	20000
int rm_cgroup_find(const char *root, uint64_t id, char *out, size_t len);
/*
 * rm_cgroup_find() under the cgroup2 mount, with a cache of the answers
 * (found or not); "" when not found.
 */
void rm_cgroup_resolve(uint64_t id, char *out, size_t len);

/* ---------------------------------------------------------- advice.c */

/* One row of the advice table: a cause, from any sender or from one. */
struct rm_advice {
	uint8_t cause;		/* enum rstmon_cause */
	int sender;		/* enum rstmon_sender, or -1: any */
	const char *why;	/* what happened, in plain words */
	const char *advice;	/* what an operator does about it */
};

/* The row for @cause from @sender: the sender's own, else the cause's. */
const struct rm_advice *rm_advice_for(unsigned int cause, unsigned int sender);
/* The table as Documentation/rstmon.rst has it ("What to do about each cause"). */
void rm_print_advice_table(FILE *f);
/* The &enum rstmon_cause of a name; -1: none. */
int rm_cause_from_name(const char *s);

/* What why knows besides the event: resolved on the host, or NULL. */
struct rm_why_extra {
	const char *netns_name;		/* the ip netns name of the event's netns */
	const char *service;		/* the listening port's service name */
};

/* The plain-words explanation of @ev (no advice), into @buf. */
void rm_why_explain(char *buf, size_t len, const struct rm_event *ev,
		    const struct rm_why_extra *x);
/*
 * What a why paragraph names beyond the event: its cgroup path resolved
 * (when the module gave only the id), and the listening port's service
 * name, into @svc, set as @x->service.  advice.c.
 */
void rm_why_prepare(struct rm_event *ev, struct rm_why_extra *x, char *svc, size_t svclen);
/* One paragraph: the explanation and the advice, then a blank line. */
void rm_print_why_text(FILE *f, const struct rm_event *ev, const struct rm_why_extra *x);
/* One JSON object: the event's fields plus "explanation" and "advice". */
void rm_print_why_json(FILE *f, const struct rm_event *ev, const struct rm_why_extra *x);
/* The event's JSON keys, without the braces (rm_print_event_json's). */
void rm_print_event_json_fields(FILE *f, const struct rm_event *ev, bool *first);
void rm_json_key(FILE *f, bool *first, const char *key);
/* @name as a JSON key, each "-" as "_". */
void rm_json_key_snake(FILE *f, bool *first, const char *name);

/* --------------------------------------------------------- journal.c */

/* The journal fields of one event: KEY=VALUE strings. */
#define RM_JOURNAL_FIELDS	24
struct rm_journal_fields {
	int n;
	char s[RM_JOURNAL_FIELDS][RM_CGROUP_PATH_MAX + 32];
};

/*
 * The fields of @ev (MESSAGE, PRIORITY, MESSAGE_ID, SYSLOG_IDENTIFIER,
 * RSTMON_*), RSTMON_NETNS @netns when the event has no attribution.
 * Returns their number.
 */
int rm_journal_fields(const struct rm_event *ev, uint32_t netns, struct rm_journal_fields *f);
/* The syslog priority of @ev: 4 middlebox or injected, 6 local, else 5. */
int rm_journal_priority(const struct rm_event *ev);
/* The MESSAGE_ID of an event from @sender (32 hex digits). */
const char *rm_journal_msgid(unsigned int sender);

/* At most @rate events a second (a window from the first event of each). */
struct rm_ratelimit {
	bool started;
	uint64_t window_ns;
	uint32_t n;
	uint64_t suppressed;
};
/*
 * Whether one more event at @now_ns (monotonic) passes; @rate 0: all do.
 * When a new window begins, *@suppressed gets how many the last one
 * refused (else 0).
 */
bool rm_ratelimit_allow(struct rm_ratelimit *rl, uint64_t now_ns, uint32_t rate,
			uint64_t *suppressed);
/*
 * watch --journal: rm_nl_watch() with each matching event sent to the
 * journal, at most o->rate a second (then one "suppressed K events" entry).
 */
int rm_journal_watch(struct rm_nl *nl, const struct rm_opts *o, volatile int *stop);

/* ------------------------------------------- cgroup.c: containers */

#define RM_POD_LEN	64
/* A container and its pod, as a process's cgroup path tells them. */
struct rm_container {
	char runtime[16];	/* "docker", "containerd", "cri-o", "podman", "cri"; "" */
	char id[65];		/* the container id, full (hex); "" */
	char pod[RM_POD_LEN];	/* the Kubernetes pod uid (dashes); "" */
};

/*
 * The container and pod of cgroup path @path: docker (/docker/ID,
 * docker-ID.scope), containerd and cri-o under kubelet
 * (kubepods-...-podUID.slice/cri-containerd-ID.scope, crio-ID.scope, or
 * cgroupfs /kubepods/.../podUID/ID), podman (libpod-ID.scope).  0 when
 * either was found, else -1 (@c all "").
 */
int rm_cgroup_container(const char *path, struct rm_container *c);
/* The same from a /proc/PID/cgroup file: the first line that names one. */
int rm_proc_container(const char *file, struct rm_container *c);

/* ----------------------------------------------------------- allns.c */

/* One network namespace of -A. */
struct rm_netns {
	uint64_t dev, ino;
	char name[256];		/* its /run/netns name, "host" for PID 1's; "" */
	int pid;		/* the lowest PID in it; 0: none seen */
	char path[300];		/* the file that enters it */
	struct rm_container ct;
};

#define RM_NETNS_MAX	4096	/* namespaces -A looks at */

/*
 * The network namespaces under @root ("" for the system's; a fake tree in
 * the tests): @root/run/netns/NAME and @root/proc/PID/ns/net, one entry
 * per st_dev and st_ino, with the container of a process in it
 * (@root/proc/PID/cgroup).  Ordered: PID 1's first, the named ones by
 * name, the rest by inode.  *@denied gets the number of processes whose
 * namespace could not be read (permission).  0, or -1 (out of memory).
 */
int rm_netns_scan(const char *root, struct rm_netns **v, size_t *n, unsigned int *denied);
/*
 * The file of -n ARG: all digits: /proc/ARG/ns/net; with a '/': ARG;
 * else /run/netns/ARG.
 */
void rm_netns_arg_path(const char *arg, char *path, size_t len);
/* Enter the namespace of -n ARG; 0, or the exit code with an error printed. */
int rm_enter_netns_arg(const char *arg);
/* The labels' text: "netns=INO [netns_name=N] [container=ID12] [pod=UID12] ". */
void rm_netns_label_text(FILE *f, const struct rm_netns *ns);
/* The labels' JSON keys, after @first's comma rule. */
void rm_netns_label_json(FILE *f, const struct rm_netns *ns, bool *first, bool with_netns);
/*
 * One sample line of Prometheus text (no newline) with the labels of @ns
 * added (netns unless it has one): into @f, with its newline.
 */
void rm_metrics_relabel(FILE *f, const char *line, const struct rm_netns *ns);
/* events, watch, why, stats, metrics -A: every namespace; the exit code. */
int rm_allns_run(const struct rm_opts *o);

/* --------------------------------------------------------- metrics.c */

/*
 * Sort @v (@n entries) for the metrics: by count, most first (ties: by
 * path, then id), the kernel's other entry last.  Returns how many to
 * label (at most @top, never the other entry); *@other gets the sum of
 * the rest and of the kernel's other entry.
 */
size_t rm_cgroup_top(struct rm_cgroup *v, size_t n, unsigned int top, uint64_t *other);
/* A Prometheus label value: backslash, double quote and newline escaped. */
void rm_prom_label(FILE *f, const char *s);

/* The upper bounds (seconds) of rstmon_reset_silence_seconds, +Inf aside. */
#define RM_SILENCE_BUCKETS 12
extern const unsigned int rm_silence_bounds[RM_SILENCE_BUCKETS];

/*
 * What the --listen process counts from the event stream: each event by
 * direction, sender and cause, and its silence (idle_ms) by direction and
 * cause into the histogram (@bucket: not cumulative; @sum_ms in ms).
 */
struct rm_prom_events {
	uint64_t resets[__RSTMON_DIR_MAX][__RSTMON_SENDER_MAX][__RSTMON_CAUSE_MAX];
	uint64_t bucket[__RSTMON_DIR_MAX][__RSTMON_CAUSE_MAX][RM_SILENCE_BUCKETS];
	uint64_t count[__RSTMON_DIR_MAX][__RSTMON_CAUSE_MAX];
	uint64_t sum_ms[__RSTMON_DIR_MAX][__RSTMON_CAUSE_MAX];
	uint64_t ignored;	/* a direction outside the uapi's */
};
/* Count @ev in @e. */
void rm_prom_events_add(struct rm_prom_events *e, const struct rm_event *ev);

/*
 * One network namespace of an exposition: its labels (@netns, the inode
 * number, always; @container and @pod when known, else NULL) and what was
 * read of it (each NULL/false when not: its families are left out).
 */
struct rm_prom_ns {
	uint32_t netns;
	const char *container, *pod;
	const char *name;			/* netns_name (-A: /run/netns, "host"); NULL */
	const struct rm_status *st;		/* GET_STATUS */
	const struct rm_prom_events *ev;	/* --listen's counts */
	struct rm_cgroup *cg;			/* GET_CGROUPS (sorted in place) */
	size_t ncg;
	bool has_cg;
};

/*
 * The exposition of @n namespaces: each family once (HELP, TYPE), with
 * one sample per namespace, labelled netns="INODE" (and container, pod);
 * the module-wide gauges once, unlabelled.  @top: cgroups per namespace.
 */
void rm_print_metrics_ns(FILE *f, struct rm_prom_ns *ns, size_t n, unsigned int top);
/* One namespace, its counters only (the labels from @st). */
void rm_print_metrics(FILE *f, const struct rm_status *st);
/* rstmon_cgroup_resets_total alone, of @v in one namespace @netns. */
void rm_print_cgroup_metrics(FILE *f, uint32_t netns, struct rm_cgroup *v, size_t n,
			     unsigned int top);
/*
 * --listen's ADDR:PORT: "127.0.0.1:9466", "[::1]:9466", ":9466" or
 * "0.0.0.0:9466" (all addresses); false when bad.
 */
struct sockaddr_storage;
bool rm_parse_listen(const char *s, struct sockaddr_storage *ss, unsigned int *len);
/* The metrics command: one exposition on stdout, or serve it (--listen). */
struct rm_nl;
int rm_cmd_metrics(struct rm_nl *nl, const struct rm_opts *o);
/* metrics --listen -A (listenall.c): every namespace, rescanned per scrape. */
int rm_listen_all(const struct rm_opts *o);
/* Its own families: namespaces found, and left out, by the scrape. */
void rm_print_scrape_gauges(FILE *f, size_t found, size_t skipped);

/* ------------------------------------------------------- shared helpers */

/*
 * Room in *@v (*@cap entries of @size) for entry @n, at most @max
 * entries: 0, or -1 (said on stderr).  nl.c.
 */
int rm_grow(void **v, size_t *cap, size_t n, size_t size, size_t max);
/*
 * SIGINT and SIGTERM call @handler (no SA_RESTART) and stay blocked but in
 * the waits that unblock them (ppoll with the old mask).  nl.c.
 */
void rm_catch_stop(void (*handler)(int));

/* A dump of the cgroups, their paths resolved (rm_cgroup_collect()). */
struct rm_cgroups {
	struct rm_cgroup *v;
	size_t n, cap;
};

/* rm_nl_dump_cgroups()'s callback: appends to a &struct rm_cgroups. */
int rm_cgroup_collect(const struct rm_cgroup *c, void *data);

/* "netns INO (NAME)", "netns INO (of PID N)" or "netns INO": for messages.  allns.c. */
void rm_netns_desc(char *buf, size_t len, const struct rm_netns *ns);

/*
 * accepted.c: an event's acceptance, closed_first and RST payload.
 * rm_accept_parse() reads them from an RSTMON_A_EVENT nest (0, or -1 when
 * malformed); _text() and _json() print them as /proc/net/rstmon and the
 * JSON output have them; rm_accept_why() is why's sentence about them;
 * rm_event_advice() is rm_advice_for() told by the side that closed first.
 */
int rm_accept_parse(const struct nlattr *nest, struct rm_event *ev);
void rm_accept_text(FILE *f, const struct rm_event *ev);
void rm_accept_json(FILE *f, const struct rm_event *ev, bool *first);
void rm_accept_payload_text(char *out, size_t len, const struct rm_event *ev);
void rm_accept_why(char *buf, size_t len, const struct rm_event *ev);
const struct rm_advice *rm_event_advice(const struct rm_event *ev);

#endif /* RSTMONCTL_H */
