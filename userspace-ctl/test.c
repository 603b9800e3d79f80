// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl unit tests: argument parsing, the output formats, JSON
 * escaping, the netlink parsers and the error wording, without a kernel.
 *
 *   ./rstmonctl-test [PATH-TO-RSTMONCTL]
 *
 * Prints "ok - NAME" or "not ok - NAME" per test; exits 1 when any failed.
 * With the binary's path, also checks its exit codes for bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "rstmonctl.h"

static int failed, total;

static void result(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	total++;
	printf("%sok - %s\n", ok ? "" : "not ", name);
	if (!ok) {
		failed++;
		if (fmt) {
			printf("#   ");
			va_start(ap, fmt);
			vprintf(fmt, ap);
			va_end(ap);
			printf("\n");
		}
	}
}

static void expect_str(const char *name, const char *got, const char *want)
{
	result(got && !strcmp(got, want), name, "got:  %s\n#   want: %s", got ? got : "(null)",
	       want);
}

/* Output of a formatter into a string (free it). */
#define CAPTURE(var, call) do {					\
		size_t _len;					\
		FILE *f = open_memstream(&(var), &_len);	\
		call;						\
		fclose(f);					\
	} while (0)

/* -------------------------------------------------------------- args */

struct parse_case {
	const char *line;	/* arguments after "rstmonctl", space separated */
	int rc;
	enum rm_cmd cmd;
	bool json, all, help;
	const char *netns;
	uint64_t from;
	unsigned int set;	/* config set: the RM_SET_* bits given */
	struct rm_config cfg;	/* ... and their values */
	const char *addr;	/* conns --addr, as inet_ntop writes it back */
	uint16_t port;
	int state;		/* conns --state + 1 (0: none) */
	int dir;		/* conns --dir + 1 (0: none) */
};

#define SET(k) (1U << RM_SET_##k)

static const struct parse_case parse_cases[] = {
	{ .line = "status", .cmd = RM_CMD_STATUS },
	{ .line = "-j status", .cmd = RM_CMD_STATUS, .json = true },
	{ .line = "status -j", .cmd = RM_CMD_STATUS, .json = true },
	{ .line = "--json status", .cmd = RM_CMD_STATUS, .json = true },
	{ .line = "stats", .cmd = RM_CMD_STATS },
	{ .line = "stats -a", .cmd = RM_CMD_STATS, .all = true },
	{ .line = "stats --all -j", .cmd = RM_CMD_STATS, .all = true, .json = true },
	{ .line = "events", .cmd = RM_CMD_EVENTS },
	{ .line = "events --from 5", .cmd = RM_CMD_EVENTS, .from = 5 },
	{ .line = "events --from=18446744073709551615", .cmd = RM_CMD_EVENTS, .from = UINT64_MAX },
	{ .line = "-j events --from 7", .cmd = RM_CMD_EVENTS, .json = true, .from = 7 },
	{ .line = "watch", .cmd = RM_CMD_WATCH },
	{ .line = "watch --json", .cmd = RM_CMD_WATCH, .json = true },
	{ .line = "config get", .cmd = RM_CMD_CONFIG_GET },
	{ .line = "-j config get", .cmd = RM_CMD_CONFIG_GET, .json = true },
	{ .line = "config set idle-threshold 600", .cmd = RM_CMD_CONFIG_SET,
	  .set = SET(IDLE_THRESHOLD), .cfg.idle_threshold = 600 },
	{ .line = "config set idle-threshold 1", .cmd = RM_CMD_CONFIG_SET,
	  .set = SET(IDLE_THRESHOLD), .cfg.idle_threshold = 1 },
	{ .line = "config set idle-threshold 604800", .cmd = RM_CMD_CONFIG_SET,
	  .set = SET(IDLE_THRESHOLD), .cfg.idle_threshold = 604800 },
	{ .line = "config set event-ring 16", .cmd = RM_CMD_CONFIG_SET,
	  .set = SET(EVENT_RING), .cfg.event_ring = 16 },
	{ .line = "config set event-ring 65536", .cmd = RM_CMD_CONFIG_SET,
	  .set = SET(EVENT_RING), .cfg.event_ring = 65536 },
	{ .line = "config set notify-rate 1", .cmd = RM_CMD_CONFIG_SET,
	  .set = SET(NOTIFY_RATE), .cfg.notify_rate = 1 },
	{ .line = "config set notify-rate 1000000", .cmd = RM_CMD_CONFIG_SET,
	  .set = SET(NOTIFY_RATE), .cfg.notify_rate = 1000000 },
	{ .line = "config set ipv4 on", .cmd = RM_CMD_CONFIG_SET, .set = SET(IPV4), .cfg.ipv4 = true },
	{ .line = "config set ipv4 1", .cmd = RM_CMD_CONFIG_SET, .set = SET(IPV4), .cfg.ipv4 = true },
	{ .line = "config set ipv4 off", .cmd = RM_CMD_CONFIG_SET, .set = SET(IPV4) },
	{ .line = "config set ipv4 0", .cmd = RM_CMD_CONFIG_SET, .set = SET(IPV4) },
	{ .line = "config set ipv6 on", .cmd = RM_CMD_CONFIG_SET, .set = SET(IPV6), .cfg.ipv6 = true },
	{ .line = "config set ipv6 off", .cmd = RM_CMD_CONFIG_SET, .set = SET(IPV6) },
	{ .line = "config set idle-threshold 60 event-ring 4096 ipv6 off notify-rate 50",
	  .cmd = RM_CMD_CONFIG_SET,
	  .set = SET(IDLE_THRESHOLD) | SET(EVENT_RING) | SET(IPV6) | SET(NOTIFY_RATE),
	  .cfg = { .idle_threshold = 60, .event_ring = 4096, .notify_rate = 50 } },
	{ .line = "-n foo config set notify-rate 10 ipv4 1 ipv6 0 event-ring 32 idle-threshold 5",
	  .cmd = RM_CMD_CONFIG_SET, .netns = "foo", .set = (1U << __RM_SET_MAX) - 1,
	  .cfg = { .idle_threshold = 5, .event_ring = 32, .notify_rate = 10, .ipv4 = true } },
	{ .line = "config set ipv4 on ipv6 on", .cmd = RM_CMD_CONFIG_SET, .set = SET(IPV4) | SET(IPV6),
	  .cfg = { .ipv4 = true, .ipv6 = true } },
	{ .line = "metrics", .cmd = RM_CMD_METRICS },
	{ .line = "-n foo status", .cmd = RM_CMD_STATUS, .netns = "foo" },
	{ .line = "--netns foo status", .cmd = RM_CMD_STATUS, .netns = "foo" },
	{ .line = "--netns=foo -j events", .cmd = RM_CMD_EVENTS, .netns = "foo", .json = true },
	{ .line = "status -n foo", .cmd = RM_CMD_STATUS, .netns = "foo" },
	{ .line = "-h", .cmd = RM_CMD_NONE, .help = true },
	{ .line = "--help", .cmd = RM_CMD_NONE, .help = true },
	{ .line = "status --help", .cmd = RM_CMD_STATUS, .help = true },
	{ .line = "events -h", .cmd = RM_CMD_EVENTS, .help = true },
	{ .line = "config --help", .cmd = RM_CMD_CONFIG, .help = true },
	{ .line = "config set --help", .cmd = RM_CMD_CONFIG_SET, .help = true },
	{ .line = "metrics --help", .cmd = RM_CMD_METRICS, .help = true },
	{ .line = "conns", .cmd = RM_CMD_CONNS },
	{ .line = "-j conns", .cmd = RM_CMD_CONNS, .json = true },
	{ .line = "conns --port 80", .cmd = RM_CMD_CONNS, .port = 80 },
	{ .line = "conns --port=65535", .cmd = RM_CMD_CONNS, .port = 65535 },
	{ .line = "conns --addr 10.1.0.1", .cmd = RM_CMD_CONNS, .addr = "10.1.0.1" },
	{ .line = "conns --addr=fd00:1::2", .cmd = RM_CMD_CONNS, .addr = "fd00:1::2" },
	{ .line = "conns --addr ::ffff:10.0.0.1", .cmd = RM_CMD_CONNS, .addr = "::ffff:10.0.0.1" },
	{ .line = "conns --state syn-sent", .cmd = RM_CMD_CONNS, .state = RSTMON_ST_SYN_SENT + 1 },
	{ .line = "conns --state=closed", .cmd = RM_CMD_CONNS, .state = RSTMON_ST_CLOSED + 1 },
	{ .line = "--netns=foo conns --addr 10.1.0.1 --port 8303 --state established -j",
	  .cmd = RM_CMD_CONNS, .netns = "foo", .json = true, .addr = "10.1.0.1", .port = 8303,
	  .state = RSTMON_ST_ESTABLISHED + 1 },
	{ .line = "--port 22 conns --state fin-wait", .cmd = RM_CMD_CONNS, .port = 22,
	  .state = RSTMON_ST_FIN_WAIT + 1 },
	{ .line = "conns --help", .cmd = RM_CMD_CONNS, .help = true },
	{ .line = "conns --dir in", .cmd = RM_CMD_CONNS, .dir = RSTMON_DIR_IN + 1 },
	{ .line = "conns --dir out", .cmd = RM_CMD_CONNS, .dir = RSTMON_DIR_OUT + 1 },
	{ .line = "conns --dir=fwd", .cmd = RM_CMD_CONNS, .dir = RSTMON_DIR_FWD + 1 },
	{ .line = "--dir in -j conns --port 443 --state established", .cmd = RM_CMD_CONNS,
	  .json = true, .port = 443, .state = RSTMON_ST_ESTABLISHED + 1, .dir = RSTMON_DIR_IN + 1 },
	{ .line = "conns --dir", .rc = 2 },
	{ .line = "conns --dir=", .rc = 2 },
	{ .line = "conns --dir up", .rc = 2 },
	{ .line = "conns --dir IN", .rc = 2 },
	{ .line = "conns --dir 0", .rc = 2 },
	{ .line = "conns --dir none", .rc = 2 },
	{ .line = "status --dir in", .rc = 2 },
	{ .line = "events --dir=out", .cmd = RM_CMD_EVENTS, .dir = RSTMON_DIR_OUT + 1 },
	{ .line = "reset-stats", .cmd = RM_CMD_RESET_STATS },
	{ .line = "-n foo reset-stats", .cmd = RM_CMD_RESET_STATS, .netns = "foo" },
	{ .line = "reset-stats --help", .cmd = RM_CMD_RESET_STATS, .help = true },
	{ .line = "reset", .cmd = RM_CMD_RESET_STATS },
	{ .line = "-n foo reset", .cmd = RM_CMD_RESET_STATS, .netns = "foo" },
	{ .line = "-V", .cmd = RM_CMD_NONE },
	{ .line = "--version", .cmd = RM_CMD_NONE },
	{ .line = "conns extra", .rc = 2 },
	{ .line = "conns --addr", .rc = 2 },
	{ .line = "conns --addr 1.2.3", .rc = 2 },
	{ .line = "conns --addr 10.1.0.1/24", .rc = 2 },
	{ .line = "conns --addr [fd00::1]", .rc = 2 },
	{ .line = "conns --addr example.com", .rc = 2 },
	{ .line = "conns --addr=", .rc = 2 },
	{ .line = "conns --port", .rc = 2 },
	{ .line = "conns --port 0", .rc = 2 },
	{ .line = "conns --port 65536", .rc = 2 },
	{ .line = "conns --port http", .rc = 2 },
	{ .line = "conns --port -1", .rc = 2 },
	{ .line = "conns --state", .rc = 2 },
	{ .line = "conns --state open", .rc = 2 },
	{ .line = "conns --state ESTABLISHED", .rc = 2 },
	{ .line = "conns --state untracked", .rc = 2 },
	{ .line = "conns --from 3", .rc = 2 },
	{ .line = "conns -a", .rc = 2 },
	{ .line = "status --port 80", .rc = 2 },
	{ .line = "events --addr 10.1.0.1", .rc = 2 },
	{ .line = "stats --state closed", .rc = 2 },
	{ .line = "reset extra", .rc = 2 },
	{ .line = "reset --port 80", .rc = 2 },
	{ .line = "-j reset", .rc = 2 },
	{ .line = "reset-stats extra", .rc = 2 },
	{ .line = "-j reset-stats", .rc = 2 },
	{ .line = "resetstats", .rc = 2 },
	{ .line = "", .rc = 2 },
	{ .line = "bogus", .rc = 2 },
	{ .line = "--bogus status", .rc = 2 },
	{ .line = "status -x", .rc = 2 },
	{ .line = "status extra", .rc = 2 },
	{ .line = "stats extra", .rc = 2 },
	{ .line = "watch now", .rc = 2 },
	{ .line = "metrics extra", .rc = 2 },
	{ .line = "-a status", .rc = 2 },
	{ .line = "status --from 3", .rc = 2 },
	{ .line = "events --from", .rc = 2 },
	{ .line = "events --from abc", .rc = 2 },
	{ .line = "events --from -1", .rc = 2 },
	{ .line = "events --from 5x", .rc = 2 },
	{ .line = "events --from 18446744073709551616", .rc = 2 },
	{ .line = "events --from 1 --bogus", .rc = 2 },
	{ .line = "config", .rc = 2 },
	{ .line = "config frob", .rc = 2 },
	{ .line = "config get extra", .rc = 2 },
	{ .line = "config set", .rc = 2 },
	{ .line = "config set idle-threshold", .rc = 2 },
	{ .line = "config set idle-threshold abc", .rc = 2 },
	{ .line = "config set idle-threshold -5", .rc = 2 },
	{ .line = "config set idle-threshold +5", .rc = 2 },
	{ .line = "config set idle-threshold 4294967296", .rc = 2 },
	{ .line = "config set idle-threshold 5 6", .rc = 2 },
	{ .line = "config set idle-threshold 0", .rc = 2 },
	{ .line = "config set idle-threshold 604801", .rc = 2 },
	{ .line = "config set idle-threshold 4294967295", .rc = 2 },
	{ .line = "config set max-conns 5", .rc = 2 },
	{ .line = "config set event-ring", .rc = 2 },
	{ .line = "config set event-ring 15", .rc = 2 },
	{ .line = "config set event-ring 65537", .rc = 2 },
	{ .line = "config set event-ring 4k", .rc = 2 },
	{ .line = "config set notify-rate", .rc = 2 },
	{ .line = "config set notify-rate 0", .rc = 2 },
	{ .line = "config set notify-rate 1000001", .rc = 2 },
	{ .line = "config set notify-rate -1", .rc = 2 },
	{ .line = "config set ipv4", .rc = 2 },
	{ .line = "config set ipv4 yes", .rc = 2 },
	{ .line = "config set ipv4 ON", .rc = 2 },
	{ .line = "config set ipv4 2", .rc = 2 },
	{ .line = "config set ipv6 true", .rc = 2 },
	{ .line = "config set ipv6", .rc = 2 },
	{ .line = "config set idle-threshold 60 idle-threshold 60", .rc = 2 },
	{ .line = "config set ipv4 on ipv6 off ipv4 off", .rc = 2 },
	{ .line = "config set notify-rate 5 event-ring 64 notify-rate 6", .rc = 2 },
	{ .line = "config set idle-threshold 60 event-ring", .rc = 2 },
	{ .line = "config set idle-threshold 60 ipv6", .rc = 2 },
	{ .line = "config set idle-threshold 60 frob 1", .rc = 2 },
	{ .line = "config set idle-threshold 60 event-ring 8", .rc = 2 },
	{ .line = "config set 60 idle-threshold", .rc = 2 },
	{ .line = "config set IPV4 on", .rc = 2 },
	{ .line = "config set idle_threshold 60", .rc = 2 },
	{ .line = "-j config set ipv4 on", .rc = 2 },
	{ .line = "config get ipv4", .rc = 2 },
	{ .line = "-j config set idle-threshold 5", .rc = 2 },
	{ .line = "-j metrics", .rc = 2 },
	{ .line = "-n", .rc = 2 },
	{ .line = "status -n", .rc = 2 },
	{ .line = "-n a/b status", .cmd = RM_CMD_STATUS, .netns = "a/b" },
	{ .line = "-n 1234 status", .cmd = RM_CMD_STATUS, .netns = "1234" },
	{ .line = "-n /proc/1/ns/net events", .cmd = RM_CMD_EVENTS, .netns = "/proc/1/ns/net" },
	{ .line = "-A -n x events", .rc = 2 },
	{ .line = "-A conns", .rc = 2 },
	{ .line = "-A status", .rc = 2 },
	{ .line = "--all-namespaces config get", .rc = 2 },
	{ .line = "-A watch --journal", .rc = 2 },
	{ .line = "-A top", .rc = 2 },
	{ .line = "-n .. status", .rc = 2 },
	{ .line = "--netns= status", .rc = 2 },
	{ .line = "help", .rc = 2 },
};

static int split(const char *line, char *buf, size_t len, char **argv, int max)
{
	int argc = 0;
	char *tok, *save;

	snprintf(buf, len, "%s", line);
	argv[argc++] = "rstmonctl";
	for (tok = strtok_r(buf, " ", &save); tok && argc < max - 1;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

static void test_parse(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		char buf[256], err[256], name[300], *argv[24];
		struct rm_opts o;
		int argc = split(c->line, buf, sizeof(buf), argv, 24);
		int rc = rm_parse_args(argc, argv, &o, err, sizeof(err));
		bool ok = rc == c->rc;

		char addr[INET6_ADDRSTRLEN] = "";

		if (o.filter_family)
			inet_ntop(o.filter_family, o.filter_addr, addr, sizeof(addr));
		if (ok && !rc)
			ok = o.cmd == c->cmd && o.json == c->json && o.all == c->all &&
			     o.help == c->help && o.from == c->from && o.set == c->set &&
			     o.cfg.idle_threshold == c->cfg.idle_threshold &&
			     o.cfg.event_ring == c->cfg.event_ring &&
			     o.cfg.notify_rate == c->cfg.notify_rate && o.cfg.ipv4 == c->cfg.ipv4 &&
			     o.cfg.ipv6 == c->cfg.ipv6 && o.has_dir == !!c->dir &&
			     (!c->dir || o.filter_dir == c->dir - 1) &&
			     !!o.netns == !!c->netns && (!c->netns || !strcmp(o.netns, c->netns)) &&
			     !strcmp(addr, c->addr ? c->addr : "") &&
			     (!c->addr || o.filter_family == (strchr(c->addr, ':') ? AF_INET6 : AF_INET)) &&
			     o.filter_port == c->port && o.has_state == !!c->state &&
			     (!c->state || o.filter_state == c->state - 1);
		if (ok && rc)
			ok = err[0] != '\0';	/* a reason is given */
		snprintf(name, sizeof(name), "parse: '%s' -> %s", c->line,
			 c->rc ? "usage error (2)" : "ok");
		result(ok, name, "rc %d, cmd %d, json %d, all %d, help %d, from %llu, set %#x (idle %u, ring %u, ipv4 %d, ipv6 %d, rate %u), addr '%s', port %u, state %d/%u, dir %d/%u: %s",
		       rc, o.cmd, o.json, o.all, o.help, (unsigned long long)o.from, o.set,
		       o.cfg.idle_threshold, o.cfg.event_ring, o.cfg.ipv4, o.cfg.ipv6,
		       o.cfg.notify_rate, addr, o.filter_port, o.has_state, o.filter_state,
		       o.has_dir, o.filter_dir, rc ? err : "");
	}
}

/* The binary: exit codes and where the usage goes. */
static void test_binary(const char *bin)
{
	static const struct {
		const char *args;
		int rc;
		const char *out;	/* expected in stdout */
		const char *err;	/* expected in stderr */
	} cases[] = {
		{ "", 2, NULL, "usage: rstmonctl" },
		{ "bogus", 2, NULL, "unknown command 'bogus'" },
		{ "config set idle-threshold abc", 2, NULL, "usage: rstmonctl" },
		{ "status extra", 2, NULL, "usage: rstmonctl" },
		{ "--frob status", 2, NULL, "unknown option '--frob'" },
		{ "--help", 0, "usage: rstmonctl", NULL },
		{ "--version", 0, "rstmonctl 0.", NULL },
		{ "-V", 0, "rstmonctl 0.", NULL },
		{ "events --help", 0, "usage: rstmonctl [-j] [-n NAME] events", NULL },
		{ "config set --help", 0, "config set KEY VALUE [KEY VALUE]...", NULL },
		{ "config set --help", 0, "  notify-rate N           event notifications per second (1..1000000)", NULL },
		{ "config get --help", 0, "idle-threshold, event-ring, ipv4, ipv6, notify-rate, and max-conns", NULL },
		{ "config --help", 0, "config set KEY VALUE [KEY VALUE]...", NULL },
		{ "config set idle-threshold 0", 2, NULL, "invalid idle-threshold '0': 1..604800 seconds" },
		{ "config set idle-threshold 60 ipv6 maybe", 2, NULL, "invalid ipv6 'maybe': on, off, 1 or 0" },
		{ "config set ipv4 on ipv4 off", 2, NULL, "ipv4 given twice" },
		{ "config set event-ring 4096 notify-rate", 2, NULL, "notify-rate needs a value" },
		{ "config set event-ring 8", 2, NULL, "usage: rstmonctl [-n NAME] config set KEY VALUE" },
		{ "config set frob 1", 2, NULL, "unknown setting 'frob' (settable: idle-threshold, event-ring, ipv4, ipv6, notify-rate)" },
		{ "config set", 2, NULL, "config set needs KEY VALUE pairs" },
		{ "conns --dir up", 2, NULL, "invalid direction 'up' (in, out, fwd)" },
		{ "status --dir in", 2, NULL, "--dir is an option of conns, events, watch and why only" },
		{ "conns --help", 0, "  --dir DIR      how its first segment was seen", NULL },
		{ "--help", 0, "  config set KEY VALUE...       change them", NULL },
		{ "-n rstmonctl-test-no-such-ns status", 1, NULL, "no network namespace named" },
		{ "conns --help", 0, "usage: rstmonctl [-j] [-n NAME] conns [FILTER]...", NULL },
		{ "conns --help", 0, "  --addr ADDR    an IPv4 or IPv6 address at either end", NULL },
		{ "reset-stats --help", 0, "usage: rstmonctl [-n NAME] reset-stats", NULL },
		{ "reset --help", 0, "usage: rstmonctl [-n NAME] reset-stats", NULL },
		{ "conns --addr 1.2.3", 2, NULL, "invalid address '1.2.3'" },
		{ "conns --port 70000", 2, NULL, "invalid port '70000'" },
		{ "conns --state open", 2, NULL, "invalid state 'open'" },
		{ "reset extra", 2, NULL, "usage: rstmonctl [-n NAME] reset-stats\n" },
		{ "reset-stats extra", 2, NULL, "usage: rstmonctl [-n NAME] reset-stats\n" },
		{ "--help", 0, "  conns [--addr ADDR] [--port PORT] [--state STATE] [--dir DIR]", NULL },
		{ "--help", 0, "  reset-stats                   zero the namespace's counters", NULL },
		{ "metrics --top 0", 2, NULL, "invalid --top '0': a number 1..1000" },
		{ "metrics --top 1001", 2, NULL, "invalid --top '1001'" },
		{ "metrics --top=x", 2, NULL, "usage: rstmonctl [-n NAME] metrics [--top N]" },
		{ "events --top 3", 2, NULL, "--top is an option of metrics only" },
		{ "why --port 0", 2, NULL, "invalid port '0'" },
		{ "events --port 65536", 2, NULL, "invalid port '65536'" },
		{ "status --port 80", 2, NULL, "--port is an option of conns, events, watch and why only" },
		{ "why --cause frob", 2, NULL, "invalid cause 'frob'" },
		{ "conns --cause refused", 2, NULL, "--cause is an option of events, watch and why only" },
		{ "why --last 0", 2, NULL, "invalid --last '0': a number 1..65536" },
		{ "why --last 65537", 2, NULL, "invalid --last '65537'" },
		{ "why --last", 2, NULL, "--last needs a value" },
		{ "watch --cgroup system.slice", 2, NULL, "invalid cgroup 'system.slice'" },
		{ "conns --cgroup /a", 2, NULL, "--cgroup is an option of events, watch and why only" },
		{ "why --help", 0, "  --last N       the last N matching events", NULL },
		{ "advice", 0, "``data-after-close``\n    If the server closed first (the keep-alive race)", NULL },
		{ "advice -j", 2, NULL, "-j/--json is not an option of advice" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[512], name[300], out[4096] = "", err[4096] = "";
		FILE *f;
		size_t n;
		int st, rc;

		snprintf(cmd, sizeof(cmd), "%s %s >/tmp/rstmonctl-test.out.%d 2>/tmp/rstmonctl-test.err.%d",
			 bin, cases[i].args, getpid(), getpid());
		st = system(cmd);
		rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		snprintf(cmd, sizeof(cmd), "/tmp/rstmonctl-test.out.%d", getpid());
		if ((f = fopen(cmd, "r"))) {
			n = fread(out, 1, sizeof(out) - 1, f);
			out[n] = 0;
			fclose(f);
		}
		unlink(cmd);
		snprintf(cmd, sizeof(cmd), "/tmp/rstmonctl-test.err.%d", getpid());
		if ((f = fopen(cmd, "r"))) {
			n = fread(err, 1, sizeof(err) - 1, f);
			err[n] = 0;
			fclose(f);
		}
		unlink(cmd);
		snprintf(name, sizeof(name), "binary: 'rstmonctl %s' exits %d", cases[i].args,
			 cases[i].rc);
		result(rc == cases[i].rc && (!cases[i].out || strstr(out, cases[i].out)) &&
		       (!cases[i].err || strstr(err, cases[i].err)) &&
		       (cases[i].rc != 0 || !err[0]),
		       name, "exit %d, stdout '%.200s', stderr '%.200s'", rc, out, err);
	}
}

/* ------------------------------------------------------------ format */

static void v4(uint8_t *a, const char *s)
{
	memset(a, 0, 16);
	inet_pton(AF_INET, s, a);
}

static void v6(uint8_t *a, const char *s)
{
	inet_pton(AF_INET6, s, a);
}

/* The example of Documentation/rstmon.rst. */
static void event_v4(struct rm_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->id = 2;
	ev->time_ns = 1763729000123456789ULL;
	ev->family = AF_INET;
	ev->dir = RSTMON_DIR_OUT;
	ev->sender = RSTMON_SENDER_LOCAL;
	ev->cause = RSTMON_CAUSE_LINGER_ABORT;
	ev->confidence = RSTMON_CONF_CERTAIN;
	v4(ev->src, "10.1.0.2");
	v4(ev->dst, "10.1.0.1");
	ev->sport = 8004;
	ev->dport = 40312;
	ev->state = RM_ST_ESTABLISHED;
	ev->side = 1;
	ev->age_ms = 212;
	ev->seq = 1828;
	ev->ack = 99;
	ev->seqchk = RSTMON_SEQ_EXACT;
	ev->ttl = 64;
	ev->ttl_base = 64;
	ev->bytes_sender = 6;
	ev->segs_sender = 3;
	ev->segs_receiver = 2;
	ev->evidence = RSTMON_EV_ACK | RSTMON_EV_TRACKED | RSTMON_EV_SOCKET;
}

static const char event_v4_text[] =
	"event id=2 time=1763729000.123456 dir=out sender=local cause=linger-abort"
	" confidence=certain family=ipv4 src=10.1.0.2:8004 dst=10.1.0.1:40312"
	" state=established side=server idle_ms=0 age_ms=212 seq=1828 ack=99"
	" seqchk=exact ttl=64 ttl_base=64 bytes_sender=6 bytes_receiver=0"
	" segs_sender=3 segs_receiver=2 fin=none fin_sender_ago_ms=-"
	" fin_receiver_ago_ms=- kreason=none accepted=- closed_first=- evidence=ack,tracked,socket\n";

static const char event_v4_json[] =
	"{\"id\":2,\"time\":\"2025-11-21T12:43:20.123456+00:00\",\"time_us\":1763729000123456,"
	"\"dir\":\"out\",\"sender\":\"local\",\"cause\":\"linger-abort\","
	"\"confidence\":\"certain\",\"family\":\"ipv4\",\"src\":\"10.1.0.2:8004\","
	"\"dst\":\"10.1.0.1:40312\",\"state\":\"established\",\"side\":\"server\","
	"\"idle_ms\":0,\"age_ms\":212,\"seq\":1828,\"ack\":99,\"seqchk\":\"exact\","
	"\"ttl\":64,\"ttl_base\":64,\"bytes_sender\":6,\"bytes_receiver\":0,"
	"\"segs_sender\":3,\"segs_receiver\":2,\"fin\":\"none\","
	"\"fin_sender_ago_ms\":null,\"fin_receiver_ago_ms\":null,\"kreason\":null,"
	"\"accepted\":null,\"closed_first\":null,\"evidence\":[\"ack\",\"tracked\",\"socket\"]}\n";

/* IPv6, untracked, both FINs, a kernel reason, NAT tuples, every flag. */
static void event_v6(struct rm_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->id = 18446744073709551615ULL;
	ev->time_ns = 5000001;
	ev->family = AF_INET6;
	ev->dir = RSTMON_DIR_FWD;
	ev->sender = RSTMON_SENDER_MIDDLEBOX;
	ev->cause = RSTMON_CAUSE_INJECTED;
	ev->confidence = RSTMON_CONF_SUSPECT;
	v6(ev->src, "fd00:1::2");
	v6(ev->dst, "2001:db8::1:0:0:1");
	ev->sport = 443;
	ev->dport = 65535;
	ev->state = RM_ST_UNTRACKED;
	ev->side = 2;
	ev->idle_ms = 4294967295U;
	ev->seq = 1;
	ev->seqchk = RSTMON_SEQ_OUT_OF_WINDOW;
	ev->ttl = 255;
	ev->fin_sender = true;
	ev->fin_sender_ago_ms = 0;
	ev->fin_receiver = true;
	ev->fin_receiver_ago_ms = 17;
	snprintf(ev->kreason, sizeof(ev->kreason), "NO_SOCKET");
	ev->evidence = 0x1fffff;
	v6(ev->nat_pre_src, "fd00:1::2");
	v6(ev->nat_pre_dst, "fd00:9::9");
	v6(ev->nat_post_src, "::ffff:10.0.0.1");
	v6(ev->nat_post_dst, "::");
	ev->nat_pre_sport = 443;
	ev->nat_pre_dport = 1000;
	ev->nat_post_sport = 2000;
	ev->nat_post_dport = 0;
}

#define ALL_EVIDENCE "ack,tracked,midstream,ttl-mismatch,payload,data-after,socket," \
	"ctl-socket,no-socket,raw-socket,idle,kreason,kernel-disagrees,ipid-mismatch," \
	"repeated,zero-hop,rst-burst,one-way,bypassed,nat,challenge-ack"

static const char event_v6_text[] =
	"event id=18446744073709551615 time=0.005000 dir=fwd sender=middlebox cause=injected"
	" confidence=suspect family=ipv6 src=[fd00:1::2]:443 dst=[2001:db8::1:0:0:1]:65535"
	" state=untracked side=unknown idle_ms=4294967295 age_ms=0 seq=1 ack=0"
	" seqchk=out-of-window ttl=255 ttl_base=0 bytes_sender=0 bytes_receiver=0"
	" segs_sender=0 segs_receiver=0 fin=both fin_sender_ago_ms=0"
	" fin_receiver_ago_ms=17 kreason=NO_SOCKET nat_pre_src=[fd00:1::2]:443"
	" nat_pre_dst=[fd00:9::9]:1000 nat_post_src=[::ffff:10.0.0.1]:2000"
	" nat_post_dst=[::]:0 accepted=- closed_first=- evidence=" ALL_EVIDENCE "\n";

static const char event_v6_json[] =
	"{\"id\":18446744073709551615,\"time\":\"1970-01-01T00:00:00.005000+00:00\",\"time_us\":5000,"
	"\"dir\":\"fwd\",\"sender\":\"middlebox\",\"cause\":\"injected\","
	"\"confidence\":\"suspect\",\"family\":\"ipv6\",\"src\":\"[fd00:1::2]:443\","
	"\"dst\":\"[2001:db8::1:0:0:1]:65535\",\"state\":\"untracked\",\"side\":\"unknown\","
	"\"idle_ms\":4294967295,\"age_ms\":0,\"seq\":1,\"ack\":0,\"seqchk\":\"out-of-window\","
	"\"ttl\":255,\"ttl_base\":0,\"bytes_sender\":0,\"bytes_receiver\":0,"
	"\"segs_sender\":0,\"segs_receiver\":0,\"fin\":\"both\","
	"\"fin_sender_ago_ms\":0,\"fin_receiver_ago_ms\":17,\"kreason\":\"NO_SOCKET\","
	"\"nat_pre_src\":\"[fd00:1::2]:443\",\"nat_pre_dst\":\"[fd00:9::9]:1000\","
	"\"nat_post_src\":\"[::ffff:10.0.0.1]:2000\",\"nat_post_dst\":\"[::]:0\","
	"\"accepted\":null,\"closed_first\":null,"
	"\"evidence\":[\"ack\",\"tracked\",\"midstream\",\"ttl-mismatch\",\"payload\","
	"\"data-after\",\"socket\",\"ctl-socket\",\"no-socket\",\"raw-socket\",\"idle\","
	"\"kreason\",\"kernel-disagrees\",\"ipid-mismatch\",\"repeated\",\"zero-hop\","
	"\"rst-burst\",\"one-way\",\"bypassed\",\"nat\",\"challenge-ack\"]}\n";

static void test_event_format(void)
{
	struct rm_event ev;
	char *s;

	event_v4(&ev);
	CAPTURE(s, rm_print_event_text(f, &ev));
	expect_str("format: IPv4 event text line as /proc/net/rstmon", s, event_v4_text);
	free(s);
	CAPTURE(s, rm_print_event_json(f, &ev));
	expect_str("format: IPv4 event JSON", s, event_v4_json);
	free(s);

	event_v6(&ev);
	CAPTURE(s, rm_print_event_text(f, &ev));
	expect_str("format: IPv6 NAT event text line", s, event_v6_text);
	free(s);
	CAPTURE(s, rm_print_event_json(f, &ev));
	expect_str("format: IPv6 NAT event JSON", s, event_v6_json);
	free(s);

	/* Out-of-range values read "none", as the kernel's tables do. */
	event_v4(&ev);
	ev.cause = 200;
	ev.dir = 3;
	ev.sender = 9;
	ev.confidence = 3;
	ev.seqchk = 4;
	ev.state = 6;
	ev.evidence = 0;
	ev.fin_receiver = true;
	CAPTURE(s, rm_print_event_text(f, &ev));
	result(strstr(s, " dir=none sender=none cause=none confidence=none ") &&
	       strstr(s, " state=none ") && strstr(s, " seqchk=none ") &&
	       strstr(s, " fin=receiver fin_sender_ago_ms=- fin_receiver_ago_ms=0 ") &&
	       strstr(s, " evidence=none\n"),
	       "format: unknown values read none; no evidence reads none", "%s", s);
	free(s);
	CAPTURE(s, rm_print_event_json(f, &ev));
	result(strstr(s, "\"evidence\":[]}") != NULL, "format: JSON evidence of none is []",
	       "%s", s);
	free(s);
	ev.evidence = RSTMON_EV_STRAY << 1 | 1U << 31 | RSTMON_EV_ACK;
	CAPTURE(s, rm_print_event_text(f, &ev));
	result(strstr(s, " evidence=ack,bit24,bit31\n") != NULL,
	       "format: a newer kernel's evidence flag reads bitN", "%s", s);
	free(s);
	CAPTURE(s, rm_print_event_json(f, &ev));
	result(strstr(s, "\"evidence\":[\"ack\",\"bit24\",\"bit31\"]}") != NULL,
	       "format: ... in JSON too", "%s", s);
	free(s);
}

/* ------------------------------------------------------------- conns */

/* An established IPv4 connection: no FIN, the server's MSS only. */
static void conn_v4(struct rm_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->family = AF_INET;
	c->state = RSTMON_ST_ESTABLISHED;
	c->dir = RSTMON_DIR_IN;
	c->age_ms = 1500;
	v4(c->client.addr, "10.1.0.1");
	c->client.port = 40000;
	c->client.segs = 4;
	c->client.bytes = 12;
	c->client.ttl = 64;
	c->client.has_idle = true;
	c->client.idle_ms = 20;
	c->client.has_mss = true;
	c->client.mss = 1460;
	c->client.wscale = 7;
	c->client.window = 502;
	c->client.flags = 1 << 0 | 1 << 2 | 1 << 7;
	v4(c->server.addr, "10.1.0.2");
	c->server.port = 80;
	c->server.segs = 3;
	c->server.ttl = 64;
	c->server.has_idle = true;
	c->server.idle_ms = 0;
	c->server.wscale = 0;
	c->server.window = 65535;
	c->server.flags = 0;
}

static const char conn_v4_text[] =
	"conn family=ipv4 state=established midstream=0 age_ms=1500 dir=in"
	" client=10.1.0.1:40000 client_segs=4 client_bytes=12 client_ttl=64"
	" client_idle_ms=20 client_fin_ago_ms=- client_mss=1460 client_wscale=7"
	" client_window=502 client_flags=syn,data,last-data"
	" server=10.1.0.2:80 server_segs=3 server_bytes=0 server_ttl=64"
	" server_idle_ms=0 server_fin_ago_ms=- server_mss=- server_wscale=0"
	" server_window=65535 server_flags=none\n";

static const char conn_v4_json[] =
	"{\"family\":\"ipv4\",\"state\":\"established\",\"midstream\":0,\"age_ms\":1500,"
	"\"dir\":\"in\","
	"\"client\":\"10.1.0.1:40000\",\"client_segs\":4,\"client_bytes\":12,"
	"\"client_ttl\":64,\"client_idle_ms\":20,\"client_fin_ago_ms\":null,"
	"\"client_mss\":1460,\"client_wscale\":7,\"client_window\":502,"
	"\"client_flags\":[\"syn\",\"data\",\"last-data\"],"
	"\"server\":\"10.1.0.2:80\",\"server_segs\":3,\"server_bytes\":0,"
	"\"server_ttl\":64,\"server_idle_ms\":0,\"server_fin_ago_ms\":null,"
	"\"server_mss\":null,\"server_wscale\":0,\"server_window\":65535,"
	"\"server_flags\":[]}\n";

/* IPv6, picked up mid-stream, closed; every flag on the client, none seen of the server. */
static void conn_v6(struct rm_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->family = AF_INET6;
	c->state = RSTMON_ST_CLOSED;
	c->dir = RSTMON_DIR_FWD;
	c->midstream = 1;
	c->age_ms = 4294967295U;
	v6(c->client.addr, "fd00:1::1");
	c->client.port = 65535;
	c->client.segs = 65535;
	c->client.bytes = 4294967295U;
	c->client.ttl = 255;
	c->client.has_idle = true;
	c->client.idle_ms = 7;
	c->client.has_fin = true;
	c->client.fin_ago_ms = 0;
	c->client.has_mss = true;
	c->client.mss = 65535;
	c->client.wscale = 14;
	c->client.window = 1;
	c->client.flags = 0xff;
	v6(c->server.addr, "2001:db8::1:0:0:1");
	c->server.port = 443;
	c->server.has_fin = true;
	c->server.fin_ago_ms = 30;
}

static const char conn_v6_text[] =
	"conn family=ipv6 state=closed midstream=1 age_ms=4294967295 dir=fwd"
	" client=[fd00:1::1]:65535 client_segs=65535 client_bytes=4294967295 client_ttl=255"
	" client_idle_ms=7 client_fin_ago_ms=0 client_mss=65535 client_wscale=14"
	" client_window=1 client_flags=syn,fin,data,data-after-fin,ttl-varied,rst,after-rst,last-data"
	" server=[2001:db8::1:0:0:1]:443 server_segs=0 server_bytes=0 server_ttl=0"
	" server_idle_ms=- server_fin_ago_ms=30 server_mss=- server_wscale=0"
	" server_window=0 server_flags=none\n";

static const char conn_v6_json[] =
	"{\"family\":\"ipv6\",\"state\":\"closed\",\"midstream\":1,\"age_ms\":4294967295,"
	"\"dir\":\"fwd\","
	"\"client\":\"[fd00:1::1]:65535\",\"client_segs\":65535,"
	"\"client_bytes\":4294967295,\"client_ttl\":255,\"client_idle_ms\":7,"
	"\"client_fin_ago_ms\":0,\"client_mss\":65535,\"client_wscale\":14,"
	"\"client_window\":1,\"client_flags\":[\"syn\",\"fin\",\"data\",\"data-after-fin\","
	"\"ttl-varied\",\"rst\",\"after-rst\",\"last-data\"],"
	"\"server\":\"[2001:db8::1:0:0:1]:443\",\"server_segs\":0,\"server_bytes\":0,"
	"\"server_ttl\":0,\"server_idle_ms\":null,\"server_fin_ago_ms\":30,"
	"\"server_mss\":null,\"server_wscale\":0,\"server_window\":0,"
	"\"server_flags\":[]}\n";

static void test_conn_format(void)
{
	struct rm_conn c;
	char *s;

	conn_v4(&c);
	CAPTURE(s, rm_print_conn_text(f, &c));
	expect_str("format: IPv4 connection text line", s, conn_v4_text);
	free(s);
	CAPTURE(s, rm_print_conn_json(f, &c));
	expect_str("format: IPv4 connection JSON", s, conn_v4_json);
	free(s);

	conn_v6(&c);
	CAPTURE(s, rm_print_conn_text(f, &c));
	expect_str("format: IPv6 connection text line", s, conn_v6_text);
	free(s);
	CAPTURE(s, rm_print_conn_json(f, &c));
	expect_str("format: IPv6 connection JSON", s, conn_v6_json);
	free(s);

	/* A newer kernel's state and flags. */
	conn_v4(&c);
	c.state = 9;
	c.client.flags = 1 << 0 | 1 << 8 | 1U << 31;
	CAPTURE(s, rm_print_conn_text(f, &c));
	result(strstr(s, " state=none ") && strstr(s, " client_flags=syn,bit8,bit31 "),
	       "format: unknown connection state and flags", "%s", s);
	free(s);
	CAPTURE(s, rm_print_conn_json(f, &c));
	result(strstr(s, "\"state\":\"none\"") &&
	       strstr(s, "\"client_flags\":[\"syn\",\"bit8\",\"bit31\"]"),
	       "format: ... in JSON too", "%s", s);
	free(s);

	/* The direction: each name, "?" when the module did not say, "none" when unknown. */
	{
		static const struct {
			uint8_t dir;
			const char *text, *json;
		} dirs[] = {
			{ RSTMON_DIR_IN, " age_ms=1500 dir=in client=", ",\"age_ms\":1500,\"dir\":\"in\",\"client\":" },
			{ RSTMON_DIR_OUT, " age_ms=1500 dir=out client=", ",\"age_ms\":1500,\"dir\":\"out\",\"client\":" },
			{ RSTMON_DIR_FWD, " age_ms=1500 dir=fwd client=", ",\"age_ms\":1500,\"dir\":\"fwd\",\"client\":" },
			{ RM_DIR_UNKNOWN, " age_ms=1500 dir=? client=", ",\"age_ms\":1500,\"dir\":null,\"client\":" },
			{ 7, " age_ms=1500 dir=none client=", ",\"age_ms\":1500,\"dir\":\"none\",\"client\":" },
		};
		unsigned int i;
		char name[96];

		for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
			conn_v4(&c);
			c.dir = dirs[i].dir;
			CAPTURE(s, rm_print_conn_text(f, &c));
			snprintf(name, sizeof(name), "format: connection dir %u in the text line",
				 dirs[i].dir);
			result(strstr(s, dirs[i].text) != NULL, name, "%s", s);
			free(s);
			CAPTURE(s, rm_print_conn_json(f, &c));
			snprintf(name, sizeof(name), "format: connection dir %u in JSON", dirs[i].dir);
			result(strstr(s, dirs[i].json) != NULL, name, "%s", s);
			free(s);
		}
	}
	result(rm_dir_from_name("in") == RSTMON_DIR_IN && rm_dir_from_name("out") == RSTMON_DIR_OUT &&
	       rm_dir_from_name("fwd") == RSTMON_DIR_FWD && rm_dir_from_name("?") < 0 &&
	       rm_dir_from_name("none") < 0 && rm_dir_from_name("IN") < 0 &&
	       rm_dir_from_name("") < 0,
	       "format: direction names back to values", NULL);

	result(rm_state_from_name("syn-sent") == RSTMON_ST_SYN_SENT &&
	       rm_state_from_name("syn-recv") == RSTMON_ST_SYN_RECV &&
	       rm_state_from_name("established") == RSTMON_ST_ESTABLISHED &&
	       rm_state_from_name("fin-wait") == RSTMON_ST_FIN_WAIT &&
	       rm_state_from_name("closing") == RSTMON_ST_CLOSING &&
	       rm_state_from_name("closed") == RSTMON_ST_CLOSED &&
	       rm_state_from_name("untracked") < 0 && rm_state_from_name("none") < 0 &&
	       rm_state_from_name("") < 0,
	       "format: state names back to values", NULL);
	result(!strcmp(rm_side_flag_name(0), "syn") && !strcmp(rm_side_flag_name(3), "data-after-fin") &&
	       !strcmp(rm_side_flag_name(7), "last-data") && !rm_side_flag_name(8),
	       "format: side flag names", NULL);
}

static void test_json_escape(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "\"\"" },
		{ "plain", "\"plain\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "nl\ncr\rtab\tbs\bff\f", "\"nl\\ncr\\rtab\\tbs\\bff\\f\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9 /", "\"caf\xc3\xa9 /\"" },
	};
	unsigned int i;
	char name[64], *s;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CAPTURE(s, rm_json_str(f, cases[i].in));
		snprintf(name, sizeof(name), "json: escape case %u", i + 1);
		expect_str(name, s, cases[i].out);
		free(s);
	}
}

static void status_example(struct rm_status *st)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->version, sizeof(st->version), "0.3.0");
	st->netns_inum = 4026532288U;
	st->conns = 3;
	st->conns_total = 7;
	st->has_conns_total = true;
	st->conns_limit = 262144;
	st->events_logged = 2;
	st->ctr[RSTMON_CTR_SEG_IN] = 14;
	st->ctr[RSTMON_CTR_SEG_OUT] = 15;
	st->ctr[RSTMON_CTR_RST4_OUT] = 2;
	st->ctr[RSTMON_CTR_RST6_FWD] = 5;
	st->ctr[RSTMON_CTR_MALFORMED] = 9;
	st->ctr[RSTMON_CTR_NOTIFY_DROPPED] = 11;
	st->ctr[RSTMON_CTR_RST_UNLOGGED] = 12;
	st->cause[RSTMON_CAUSE_REFUSED][RSTMON_DIR_OUT] = 1;
	st->cause[RSTMON_CAUSE_LINGER_ABORT][RSTMON_DIR_OUT] = 1;
	st->cause[RSTMON_CAUSE_INJECTED][RSTMON_DIR_FWD] = 5;
}

static void test_status_format(void)
{
	struct rm_status st;
	struct rm_config c = {
		.idle_threshold = 300, .event_ring = 1024, .max_conns = 262144,
		.notify_rate = 1000, .ipv4 = true, .ipv6 = false,
	};
	char *s;

	status_example(&st);
	CAPTURE(s, rm_print_status_text(f, &st));
	expect_str("format: status text", s,
		   "rstmon version=0.3.0 netns=4026532288\n"
		   "table conns=3 total=7 limit=262144\n"
		   "events logged=2\n");
	free(s);
	CAPTURE(s, rm_print_status_json(f, &st));
	expect_str("format: status JSON", s,
		   "{\"version\":\"0.3.0\",\"netns\":4026532288,\"conns\":3,\"conns_total\":7,"
		   "\"conns_limit\":262144,\"events_logged\":2}\n");
	free(s);

	CAPTURE(s, rm_print_stats_text(f, &st, false));
	expect_str("format: stats text skips all-zero causes", s,
		   "table untracked=0 evicted=0 nomem=0 netns_full=0\n"
		   "events logged=2 overwritten=0 amended=0 notify_dropped=11 rst_unlogged=12\n"
		   "segments in=14 out=15 fwd=0\n"
		   "rst ipv4 in=0 out=2 fwd=0\n"
		   "rst ipv6 in=0 out=0 fwd=5\n"
		   "errors malformed=9 fragments=0 rst_untracked=0 kernel_disagrees=0\n"
		   "path one_way=0 bypassed=0 nat=0\n"
		   "socket_path segments=0\n"
		   "cause refused in=0 out=1 fwd=0\n"
		   "cause linger-abort in=0 out=1 fwd=0\n"
		   "cause injected in=0 out=0 fwd=5\n");
	free(s);
	CAPTURE(s, rm_print_stats_text(f, &st, true));
	{
		int n = 0;
		char *p;

		for (p = s; (p = strstr(p, "\ncause ")); p++)
			n++;
		result(n == __RSTMON_CAUSE_MAX && strstr(s, "\ncause unknown in=0 out=0 fwd=0\n"),
		       "format: stats -a shows every cause", "%d cause lines: %s", n, s);
	}
	free(s);
	CAPTURE(s, rm_print_stats_json(f, &st));
	result(!strncmp(s, "{\"events_logged\":2,\"counters\":{\"segments_in\":14,\"segments_out\":15,"
			"\"segments_fwd\":0,\"rst_ipv4_in\":0,\"rst_ipv4_out\":2,", 100) &&
	       strstr(s, ",\"malformed\":9,") &&
	       strstr(s, ",\"notify_dropped\":11,\"netns_full\":0,\"rst_unlogged\":12,\"sock_path\":0},") &&
	       strstr(s, "\"causes\":{\"unknown\":{\"in\":0,\"out\":0,\"fwd\":0},"
			 "\"refused\":{\"in\":0,\"out\":1,\"fwd\":0},") &&
	       strstr(s, "\"injected\":{\"in\":0,\"out\":0,\"fwd\":5},") &&
	       strstr(s, "\"nat_invalid\":{\"in\":0,\"out\":0,\"fwd\":0}}}\n"),
	       "format: stats JSON", "%s", s);
	free(s);

	CAPTURE(s, rm_print_config_text(f, &c));
	expect_str("format: config text", s,
		   "idle-threshold=300\nevent-ring=1024\nipv4=on\nipv6=off\nnotify-rate=1000\n"
		   "max-conns=262144\n");
	free(s);
	CAPTURE(s, rm_print_config_json(f, &c));
	expect_str("format: config JSON", s,
		   "{\"idle_threshold\":300,\"event_ring\":1024,\"ipv4\":true,\"ipv6\":false,"
		   "\"notify_rate\":1000,\"max_conns\":262144}\n");
	free(s);
	c = (struct rm_config){ .idle_threshold = 604800, .event_ring = 65536,
				.max_conns = 4294967295U, .notify_rate = 1000000, .ipv6 = true };
	CAPTURE(s, rm_print_config_text(f, &c));
	expect_str("format: config text, ipv4 off and ipv6 on", s,
		   "idle-threshold=604800\nevent-ring=65536\nipv4=off\nipv6=on\n"
		   "notify-rate=1000000\nmax-conns=4294967295\n");
	free(s);
	CAPTURE(s, rm_print_config_json(f, &c));
	expect_str("format: config JSON, ipv4 off and ipv6 on", s,
		   "{\"idle_threshold\":604800,\"event_ring\":65536,\"ipv4\":false,"
		   "\"ipv6\":true,\"notify_rate\":1000000,\"max_conns\":4294967295}\n");
	free(s);
}

/*
 * The exposition format: "# HELP name text", "# TYPE name counter|gauge",
 * then samples "name{labels} value" of the last TYPE's name, each name
 * typed once.
 */
static bool prom_valid(char *s, char *why, size_t whylen)
{
	regex_t help, type, sample;
	char typed[64][64], cur[64] = "";
	int ntyped = 0, i;
	char *line, *save;
	bool ok = true;

	regcomp(&help, "^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) [^\n]+$", REG_EXTENDED);
	regcomp(&type, "^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$", REG_EXTENDED);
	regcomp(&sample, "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\""
		"(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*\\})? [0-9]+$", REG_EXTENDED);
	for (line = strtok_r(s, "\n", &save); ok && line; line = strtok_r(NULL, "\n", &save)) {
		regmatch_t m[2];
		char name[64];

		if (!regexec(&help, line, 0, NULL, 0))
			continue;
		if (!regexec(&type, line, 2, m, 0)) {
			snprintf(cur, sizeof(cur), "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
				 line + m[1].rm_so);
			for (i = 0; i < ntyped; i++)
				if (!strcmp(typed[i], cur))
					ok = false;
			if (ntyped < 64)
				snprintf(typed[ntyped++], 64, "%s", cur);
			if (!ok)
				snprintf(why, whylen, "typed twice: %s", cur);
			continue;
		}
		if (regexec(&sample, line, 2, m, 0)) {
			snprintf(why, whylen, "bad line: %s", line);
			ok = false;
			break;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
		if (strcmp(name, cur)) {
			snprintf(why, whylen, "sample %s under TYPE %s", name, cur);
			ok = false;
		}
	}
	regfree(&help);
	regfree(&type);
	regfree(&sample);
	return ok;
}

static void test_metrics(void)
{
	static const char *const want[] = {
		"# TYPE rstmon_conns gauge\nrstmon_conns{netns=\"4026532288\"} 3\n",
		"# TYPE rstmon_conns_limit gauge\nrstmon_conns_limit 262144\n",
		"rstmon_conns_all_namespaces 7\n",
		"# TYPE rstmon_events_logged_total counter\nrstmon_events_logged_total{netns=\"4026532288\"} 2\n",
		"rstmon_info{netns=\"4026532288\",version=\"0.3.0\"} 1\n",
		"# TYPE rstmon_segments_total counter\nrstmon_segments_total{netns=\"4026532288\",dir=\"in\"} 14\n"
		"rstmon_segments_total{netns=\"4026532288\",dir=\"out\"} 15\n"
		"rstmon_segments_total{netns=\"4026532288\",dir=\"fwd\"} 0\n",
		"rstmon_rst_segments_total{netns=\"4026532288\",family=\"ipv4\",dir=\"out\"} 2\n",
		"rstmon_rst_segments_total{netns=\"4026532288\",family=\"ipv6\",dir=\"fwd\"} 5\n",
		"# TYPE rstmon_kernel_resets_total counter\n"
		"rstmon_kernel_resets_total{netns=\"4026532288\",dir=\"in\",cause=\"unknown\"} 0\n",
		"rstmon_kernel_resets_total{netns=\"4026532288\",dir=\"out\",cause=\"refused\"} 1\n",
		"rstmon_kernel_resets_total{netns=\"4026532288\",dir=\"fwd\",cause=\"injected\"} 5\n",
		"# TYPE rstmon_malformed_total counter\nrstmon_malformed_total{netns=\"4026532288\"} 9\n",
		"rstmon_notify_dropped_total{netns=\"4026532288\"} 11\n",
		"rstmon_rst_unlogged_total{netns=\"4026532288\"} 12\n",
		"rstmon_overwritten_total{netns=\"4026532288\"} 0\n",
		"rstmon_kernel_disagrees_total{netns=\"4026532288\"} 0\n",
		"rstmon_rst_untracked_total{netns=\"4026532288\"} 0\n",
	};
	struct rm_status st;
	char *s, why[256] = "";
	unsigned int i;
	int n = 0;
	char *p;

	status_example(&st);
	CAPTURE(s, rm_print_metrics(f, &st));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char name[128];

		snprintf(name, sizeof(name), "metrics: has %.*s", (int)strcspn(want[i], "\n"),
			 want[i]);
		result(strstr(s, want[i]) != NULL, name, "output:\n%s", s);
	}
	for (p = s; (p = strstr(p, "rstmon_kernel_resets_total{")); p++)
		n++;
	result(n == __RSTMON_CAUSE_MAX * __RSTMON_DIR_MAX, "metrics: one resets sample per cell",
	       "%d", n);
	result(prom_valid(s, why, sizeof(why)), "metrics: valid text exposition format", "%s", why);
	free(s);

	/* A version string that needs escaping in a label. */
	snprintf(st.version, sizeof(st.version), "1\"2\\3");
	CAPTURE(s, rm_print_metrics(f, &st));
	result(strstr(s, "rstmon_info{netns=\"4026532288\",version=\"1\\\"2\\\\3\"}") != NULL,
	       "metrics: label values escaped", "%s", s);
	free(s);
}

/* ----------------------------------------------------------- netlink */

static struct nlmsghdr *genl_msg(char *buf, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = 0x20;
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, uint8_t family, const uint8_t *a)
{
	mnl_attr_put(nlh, type, family == AF_INET ? 4 : 16, a);
}

/* An event as the kernel's rstmon_put_event() writes it. */
static void put_event(struct nlmsghdr *nlh, const struct rm_event *ev)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, RSTMON_A_EVENT);

	mnl_attr_put_u64(nlh, RSTMON_E_ID, ev->id);
	mnl_attr_put_u64(nlh, RSTMON_E_TIME_NS, ev->time_ns);
	mnl_attr_put_u8(nlh, RSTMON_E_FAMILY, ev->family);
	mnl_attr_put_u8(nlh, RSTMON_E_DIR, ev->dir);
	mnl_attr_put_u8(nlh, RSTMON_E_SENDER, ev->sender);
	mnl_attr_put_u8(nlh, RSTMON_E_CAUSE, ev->cause);
	mnl_attr_put_u8(nlh, RSTMON_E_CONFIDENCE, ev->confidence);
	put_addr(nlh, RSTMON_E_SRC, ev->family, ev->src);
	put_addr(nlh, RSTMON_E_DST, ev->family, ev->dst);
	mnl_attr_put_u16(nlh, RSTMON_E_SPORT, htons(ev->sport));
	mnl_attr_put_u16(nlh, RSTMON_E_DPORT, htons(ev->dport));
	mnl_attr_put_u32(nlh, RSTMON_E_SEQ, ev->seq);
	mnl_attr_put_u32(nlh, RSTMON_E_ACK, ev->ack);
	mnl_attr_put_u8(nlh, RSTMON_E_STATE, ev->state);
	mnl_attr_put_u8(nlh, RSTMON_E_SIDE, ev->side);
	mnl_attr_put_u32(nlh, RSTMON_E_IDLE_MS, ev->idle_ms);
	mnl_attr_put_u32(nlh, RSTMON_E_AGE_MS, ev->age_ms);
	mnl_attr_put_u8(nlh, RSTMON_E_SEQCHK, ev->seqchk);
	mnl_attr_put_u8(nlh, RSTMON_E_TTL, ev->ttl);
	mnl_attr_put_u8(nlh, RSTMON_E_TTL_BASE, ev->ttl_base);
	mnl_attr_put_u32(nlh, RSTMON_E_BYTES_SENDER, ev->bytes_sender);
	mnl_attr_put_u32(nlh, RSTMON_E_BYTES_RECEIVER, ev->bytes_receiver);
	mnl_attr_put_u32(nlh, RSTMON_E_SEGS_SENDER, ev->segs_sender);
	mnl_attr_put_u32(nlh, RSTMON_E_SEGS_RECEIVER, ev->segs_receiver);
	mnl_attr_put_u32(nlh, RSTMON_E_EVIDENCE, ev->evidence);
	if (ev->fin_sender)
		mnl_attr_put_u32(nlh, RSTMON_E_FIN_SENDER_AGO_MS, ev->fin_sender_ago_ms);
	if (ev->fin_receiver)
		mnl_attr_put_u32(nlh, RSTMON_E_FIN_RECEIVER_AGO_MS, ev->fin_receiver_ago_ms);
	if (ev->kreason[0])
		mnl_attr_put_strz(nlh, RSTMON_E_KREASON, ev->kreason);
	if (ev->evidence & RSTMON_EV_NAT) {
		put_addr(nlh, RSTMON_E_NAT_PRE_SRC, ev->family, ev->nat_pre_src);
		put_addr(nlh, RSTMON_E_NAT_PRE_DST, ev->family, ev->nat_pre_dst);
		put_addr(nlh, RSTMON_E_NAT_POST_SRC, ev->family, ev->nat_post_src);
		put_addr(nlh, RSTMON_E_NAT_POST_DST, ev->family, ev->nat_post_dst);
		mnl_attr_put_u16(nlh, RSTMON_E_NAT_PRE_SPORT, htons(ev->nat_pre_sport));
		mnl_attr_put_u16(nlh, RSTMON_E_NAT_PRE_DPORT, htons(ev->nat_pre_dport));
		mnl_attr_put_u16(nlh, RSTMON_E_NAT_POST_SPORT, htons(ev->nat_post_sport));
		mnl_attr_put_u16(nlh, RSTMON_E_NAT_POST_DPORT, htons(ev->nat_post_dport));
	}
	mnl_attr_put_u32(nlh, 200, 7);	/* a newer kernel's attribute: ignored */
	mnl_attr_nest_end(nlh, nest);
}

static const struct nlattr *event_nest(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == RSTMON_A_EVENT)
			return a;
	return NULL;
}

static void test_nl_event(void)
{
	char buf[4096], *s;
	struct rm_event in, out;
	struct nlmsghdr *nlh;

	event_v4(&in);
	nlh = genl_msg(buf, RSTMON_CMD_EVENT);
	put_event(nlh, &in);
	result(!rm_parse_event(event_nest(nlh), &out), "netlink: IPv4 event parses", NULL);
	CAPTURE(s, rm_print_event_text(f, &out));
	expect_str("netlink: IPv4 event round trip", s, event_v4_text);
	free(s);

	event_v6(&in);
	nlh = genl_msg(buf, RSTMON_CMD_EVENT);
	put_event(nlh, &in);
	result(!rm_parse_event(event_nest(nlh), &out), "netlink: IPv6 NAT event parses", NULL);
	CAPTURE(s, rm_print_event_json(f, &out));
	expect_str("netlink: IPv6 NAT event round trip", s, event_v6_json);
	free(s);

	/* An IPv4 event with a 16-byte address is refused. */
	nlh = genl_msg(buf, RSTMON_CMD_EVENT);
	{
		struct nlattr *nest = mnl_attr_nest_start(nlh, RSTMON_A_EVENT);

		mnl_attr_put_u64(nlh, RSTMON_E_ID, 1);
		mnl_attr_put_u8(nlh, RSTMON_E_FAMILY, AF_INET);
		mnl_attr_put(nlh, RSTMON_E_SRC, 16, in.src);
		mnl_attr_put(nlh, RSTMON_E_DST, 16, in.dst);
		mnl_attr_nest_end(nlh, nest);
	}
	result(rm_parse_event(event_nest(nlh), &out) < 0,
	       "netlink: address length not of the family refused", NULL);
	/* A u32 where a u8 belongs is refused. */
	nlh = genl_msg(buf, RSTMON_CMD_EVENT);
	{
		struct nlattr *nest = mnl_attr_nest_start(nlh, RSTMON_A_EVENT);

		mnl_attr_put_u64(nlh, RSTMON_E_ID, 1);
		mnl_attr_put_u32(nlh, RSTMON_E_CAUSE, 1);
		mnl_attr_nest_end(nlh, nest);
	}
	result(rm_parse_event(event_nest(nlh), &out) < 0, "netlink: malformed attribute refused",
	       NULL);
}

/* A connection as the kernel's rstmon_dump_one_conn() writes it. */
static void put_side(struct nlmsghdr *nlh, uint16_t type, uint8_t family, const struct rm_side *s)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	put_addr(nlh, RSTMON_S_ADDR, family, s->addr);
	mnl_attr_put_u16(nlh, RSTMON_S_PORT, htons(s->port));
	mnl_attr_put_u32(nlh, RSTMON_S_SEGS, s->segs);
	mnl_attr_put_u32(nlh, RSTMON_S_BYTES, s->bytes);
	mnl_attr_put_u8(nlh, RSTMON_S_TTL, s->ttl);
	mnl_attr_put_u16(nlh, RSTMON_S_WINDOW, s->window);
	mnl_attr_put_u8(nlh, RSTMON_S_WSCALE, s->wscale);
	mnl_attr_put_u32(nlh, RSTMON_S_FLAGS, s->flags);
	if (s->has_idle)
		mnl_attr_put_u32(nlh, RSTMON_S_IDLE_MS, s->idle_ms);
	if (s->has_fin)
		mnl_attr_put_u32(nlh, RSTMON_S_FIN_AGO_MS, s->fin_ago_ms);
	if (s->has_mss)
		mnl_attr_put_u16(nlh, RSTMON_S_MSS, s->mss);
	mnl_attr_put_u32(nlh, 200, 7);	/* a newer kernel's attribute: ignored */
	mnl_attr_nest_end(nlh, nest);
}

static void put_conn(struct nlmsghdr *nlh, const struct rm_conn *c)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, RSTMON_A_CONN);

	mnl_attr_put_u8(nlh, RSTMON_C_FAMILY, c->family);
	mnl_attr_put_u8(nlh, RSTMON_C_STATE, c->state);
	if (c->dir != RM_DIR_UNKNOWN)
		mnl_attr_put_u8(nlh, RSTMON_C_DIR, c->dir);
	mnl_attr_put_u8(nlh, RSTMON_C_MIDSTREAM, c->midstream);
	mnl_attr_put_u32(nlh, RSTMON_C_AGE_MS, c->age_ms);
	put_side(nlh, RSTMON_C_CLIENT, c->family, &c->client);
	put_side(nlh, RSTMON_C_SERVER, c->family, &c->server);
	mnl_attr_put_u32(nlh, 200, 7);
	mnl_attr_nest_end(nlh, nest);
}

static const struct nlattr *conn_nest(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == RSTMON_A_CONN)
			return a;
	return NULL;
}

static void test_nl_conn(void)
{
	char buf[4096], *s;
	struct rm_conn in, out;
	struct nlmsghdr *nlh;
	struct nlattr *nest, *side;

	conn_v4(&in);
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONNS);
	put_conn(nlh, &in);
	result(!rm_parse_conn(conn_nest(nlh), &out), "netlink: IPv4 connection parses", NULL);
	CAPTURE(s, rm_print_conn_text(f, &out));
	expect_str("netlink: IPv4 connection round trip", s, conn_v4_text);
	free(s);

	conn_v6(&in);
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONNS);
	put_conn(nlh, &in);
	result(!rm_parse_conn(conn_nest(nlh), &out), "netlink: IPv6 connection parses", NULL);
	CAPTURE(s, rm_print_conn_json(f, &out));
	expect_str("netlink: IPv6 connection round trip", s, conn_v6_json);
	free(s);

	/* A module that does not send the direction: "?". */
	conn_v4(&in);
	in.dir = RM_DIR_UNKNOWN;
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONNS);
	put_conn(nlh, &in);
	result(!rm_parse_conn(conn_nest(nlh), &out) && out.dir == RM_DIR_UNKNOWN,
	       "netlink: connection without a direction parses, direction unknown", "dir %u",
	       out.dir);
	CAPTURE(s, rm_print_conn_text(f, &out));
	result(strstr(s, " age_ms=1500 dir=? client=") != NULL,
	       "netlink: ... and reads dir=?", "%s", s);
	free(s);
	in.dir = RSTMON_DIR_OUT;
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONNS);
	put_conn(nlh, &in);
	result(!rm_parse_conn(conn_nest(nlh), &out) && out.dir == RSTMON_DIR_OUT,
	       "netlink: connection direction out parses", "dir %u", out.dir);
	/* A direction that is not a u8 is refused. */
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONNS);
	nest = mnl_attr_nest_start(nlh, RSTMON_A_CONN);
	mnl_attr_put_u8(nlh, RSTMON_C_FAMILY, AF_INET);
	mnl_attr_put_u32(nlh, RSTMON_C_DIR, 1);
	put_side(nlh, RSTMON_C_CLIENT, AF_INET, &in.client);
	put_side(nlh, RSTMON_C_SERVER, AF_INET, &in.server);
	mnl_attr_nest_end(nlh, nest);
	result(rm_parse_conn(conn_nest(nlh), &out) < 0,
	       "netlink: malformed connection direction refused", NULL);

	/* An IPv4 connection with a 16-byte address is refused. */
	conn_v4(&in);
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONNS);
	nest = mnl_attr_nest_start(nlh, RSTMON_A_CONN);
	mnl_attr_put_u8(nlh, RSTMON_C_FAMILY, AF_INET);
	put_side(nlh, RSTMON_C_CLIENT, AF_INET6, &in.client);
	put_side(nlh, RSTMON_C_SERVER, AF_INET, &in.server);
	mnl_attr_nest_end(nlh, nest);
	result(rm_parse_conn(conn_nest(nlh), &out) < 0,
	       "netlink: connection address not of the family refused", NULL);
	/* A side without its address, and a conn without its sides. */
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONNS);
	nest = mnl_attr_nest_start(nlh, RSTMON_A_CONN);
	mnl_attr_put_u8(nlh, RSTMON_C_FAMILY, AF_INET);
	side = mnl_attr_nest_start(nlh, RSTMON_C_CLIENT);
	mnl_attr_put_u16(nlh, RSTMON_S_PORT, htons(1));
	mnl_attr_nest_end(nlh, side);
	put_side(nlh, RSTMON_C_SERVER, AF_INET, &in.server);
	mnl_attr_nest_end(nlh, nest);
	result(rm_parse_conn(conn_nest(nlh), &out) < 0,
	       "netlink: connection side without an address refused", NULL);
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONNS);
	nest = mnl_attr_nest_start(nlh, RSTMON_A_CONN);
	mnl_attr_put_u8(nlh, RSTMON_C_FAMILY, AF_INET);
	mnl_attr_nest_end(nlh, nest);
	result(rm_parse_conn(conn_nest(nlh), &out) < 0,
	       "netlink: connection without its sides refused", NULL);
	/* A u32 where a u8 belongs is refused. */
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONNS);
	nest = mnl_attr_nest_start(nlh, RSTMON_A_CONN);
	mnl_attr_put_u32(nlh, RSTMON_C_STATE, 2);
	mnl_attr_nest_end(nlh, nest);
	result(rm_parse_conn(conn_nest(nlh), &out) < 0,
	       "netlink: malformed connection attribute refused", NULL);
}

static void test_nl_status(void)
{
	char buf[8192], *s, *t;
	struct rm_status in, out;
	struct rm_config c;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int i, d;

	status_example(&in);
	nlh = genl_msg(buf, RSTMON_CMD_GET_STATUS);
	mnl_attr_put_strz(nlh, RSTMON_A_VERSION, in.version);
	mnl_attr_put_u32(nlh, RSTMON_A_NETNS_INUM, in.netns_inum);
	mnl_attr_put_u32(nlh, RSTMON_A_CONNS, in.conns);
	mnl_attr_put_u32(nlh, RSTMON_A_CONNS_TOTAL, in.conns_total);
	mnl_attr_put_u32(nlh, RSTMON_A_CONNS_LIMIT, in.conns_limit);
	mnl_attr_put_u64(nlh, RSTMON_A_EVENTS_LOGGED, in.events_logged);
	nest = mnl_attr_nest_start(nlh, RSTMON_A_COUNTERS);
	for (i = RSTMON_CTR_SEG_IN; i < __RSTMON_CTR_MAX; i++)
		mnl_attr_put_u64(nlh, i, in.ctr[i]);
	mnl_attr_nest_end(nlh, nest);
	for (i = 0; i < __RSTMON_CAUSE_MAX; i++) {
		for (d = 0; d < __RSTMON_DIR_MAX; d++) {
			nest = mnl_attr_nest_start(nlh, RSTMON_A_CAUSE_COUNT);
			mnl_attr_put_u8(nlh, RSTMON_CC_CAUSE, i);
			mnl_attr_put_u8(nlh, RSTMON_CC_DIR, d);
			mnl_attr_put_u64(nlh, RSTMON_CC_COUNT, in.cause[i][d]);
			mnl_attr_nest_end(nlh, nest);
		}
	}
	result(!rm_parse_status(nlh, &out), "netlink: status parses", NULL);
	CAPTURE(s, rm_print_metrics(f, &in));
	CAPTURE(t, rm_print_metrics(f, &out));
	expect_str("netlink: status round trip", t, s);
	free(s);
	free(t);

	/* Not the host's administrator: no fill of all namespaces. */
	nlh = genl_msg(buf, RSTMON_CMD_GET_STATUS);
	mnl_attr_put_u32(nlh, RSTMON_A_CONNS, 3);
	mnl_attr_put_u32(nlh, RSTMON_A_CONNS_LIMIT, 1024);
	result(!rm_parse_status(nlh, &out) && !out.has_conns_total,
	       "netlink: status without conns-total parses as absent", NULL);
	CAPTURE(s, rm_print_status_text(f, &out));
	expect_str("format: status text without conns-total", strstr(s, "table "),
		   "table conns=3 total=- limit=1024\nevents logged=0\n");
	free(s);
	CAPTURE(s, rm_print_status_json(f, &out));
	result(strstr(s, "\"conns_total\":null,") != NULL,
	       "format: status JSON without conns-total has null", "%s", s);
	free(s);
	CAPTURE(s, rm_print_metrics(f, &out));
	result(!strstr(s, "rstmon_conns_all_namespaces"),
	       "format: metrics without conns-total leave the gauge out", "%s", s);
	free(s);

	nlh = genl_msg(buf, RSTMON_CMD_GET_CONFIG);
	mnl_attr_put_u32(nlh, RSTMON_A_IDLE_THRESHOLD, 42);
	mnl_attr_put_u32(nlh, RSTMON_A_EVENT_RING, 1024);
	mnl_attr_put_u8(nlh, RSTMON_A_IPV4, 0);
	mnl_attr_put_u8(nlh, RSTMON_A_IPV6, 1);
	mnl_attr_put_u32(nlh, RSTMON_A_NOTIFY_RATE, 50);
	mnl_attr_put_u32(nlh, RSTMON_A_MAX_CONNS, 65536);
	result(!rm_parse_config(nlh, &c) && c.idle_threshold == 42 && c.event_ring == 1024 &&
	       !c.ipv4 && c.ipv6 && c.notify_rate == 50 && c.max_conns == 65536,
	       "netlink: config parses", NULL);
	CAPTURE(s, rm_print_config_text(f, &c));
	expect_str("netlink: config round trip", s,
		   "idle-threshold=42\nevent-ring=1024\nipv4=off\nipv6=on\nnotify-rate=50\n"
		   "max-conns=65536\n");
	free(s);

	/* A module before ipv4, ipv6 and notify-rate: both tracked, 1000/s. */
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONFIG);
	mnl_attr_put_u32(nlh, RSTMON_A_IDLE_THRESHOLD, 300);
	mnl_attr_put_u32(nlh, RSTMON_A_EVENT_RING, 1024);
	mnl_attr_put_u32(nlh, RSTMON_A_MAX_CONNS, 65536);
	result(!rm_parse_config(nlh, &c) && c.ipv4 && c.ipv6 && c.notify_rate == 1000,
	       "netlink: config of an older module", NULL);

	/* A u32 where the u8 ipv4 belongs is refused. */
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONFIG);
	mnl_attr_put_u32(nlh, RSTMON_A_IDLE_THRESHOLD, 300);
	mnl_attr_put_u32(nlh, RSTMON_A_IPV4, 1);
	result(rm_parse_config(nlh, &c) < 0, "netlink: malformed config attribute refused", NULL);
}

/* The attributes of a request, by type (the last of each). */
static void request_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb, unsigned int n,
			  unsigned int *count)
{
	const struct nlattr *a;

	memset(tb, 0, n * sizeof(*tb));
	*count = 0;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		(*count)++;
		if (mnl_attr_get_type(a) < n)
			tb[mnl_attr_get_type(a)] = a;
	}
}

/* config set and conns --dir from the command line to the request. */
static void test_nl_requests(void)
{
	char buf[4096], args[256], err[256], *argv[24];
	const struct nlattr *tb[__RSTMON_A_MAX];
	struct nlmsghdr *nlh;
	struct rm_opts o;
	unsigned int n;
	int argc, rc;

	argc = split("config set idle-threshold 60 event-ring 4096 ipv6 off notify-rate 50", args,
		     sizeof(args), argv, 24);
	rc = rm_parse_args(argc, argv, &o, err, sizeof(err));
	nlh = genl_msg(buf, RSTMON_CMD_SET_CONFIG);
	rm_put_set_config(nlh, o.set, &o.cfg);
	request_attrs(nlh, tb, __RSTMON_A_MAX, &n);
	result(!rc && n == 4 && tb[RSTMON_A_IDLE_THRESHOLD] &&
	       mnl_attr_get_payload_len(tb[RSTMON_A_IDLE_THRESHOLD]) == 4 &&
	       mnl_attr_get_u32(tb[RSTMON_A_IDLE_THRESHOLD]) == 60 &&
	       tb[RSTMON_A_EVENT_RING] && mnl_attr_get_u32(tb[RSTMON_A_EVENT_RING]) == 4096 &&
	       tb[RSTMON_A_IPV6] && mnl_attr_get_payload_len(tb[RSTMON_A_IPV6]) == 1 &&
	       mnl_attr_get_u8(tb[RSTMON_A_IPV6]) == 0 &&
	       tb[RSTMON_A_NOTIFY_RATE] && mnl_attr_get_u32(tb[RSTMON_A_NOTIFY_RATE]) == 50 &&
	       !tb[RSTMON_A_IPV4],
	       "request: config set of four keys is one SET_CONFIG with four attributes",
	       "rc %d, %u attributes: %s", rc, n, err);

	argc = split("config set ipv4 on", args, sizeof(args), argv, 24);
	rc = rm_parse_args(argc, argv, &o, err, sizeof(err));
	nlh = genl_msg(buf, RSTMON_CMD_SET_CONFIG);
	rm_put_set_config(nlh, o.set, &o.cfg);
	request_attrs(nlh, tb, __RSTMON_A_MAX, &n);
	result(!rc && n == 1 && tb[RSTMON_A_IPV4] && mnl_attr_get_payload_len(tb[RSTMON_A_IPV4]) == 1 &&
	       mnl_attr_get_u8(tb[RSTMON_A_IPV4]) == 1,
	       "request: config set ipv4 on is the u8 1 alone", "rc %d, %u attributes", rc, n);

	argc = split("conns --dir fwd --port 443", args, sizeof(args), argv, 24);
	rc = rm_parse_args(argc, argv, &o, err, sizeof(err));
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONNS);
	rm_put_conn_filters(nlh, &o);
	request_attrs(nlh, tb, __RSTMON_A_MAX, &n);
	result(!rc && n == 2 && tb[RSTMON_A_FILTER_DIR] &&
	       mnl_attr_get_payload_len(tb[RSTMON_A_FILTER_DIR]) == 1 &&
	       mnl_attr_get_u8(tb[RSTMON_A_FILTER_DIR]) == RSTMON_DIR_FWD &&
	       tb[RSTMON_A_FILTER_PORT] && ntohs(mnl_attr_get_u16(tb[RSTMON_A_FILTER_PORT])) == 443,
	       "request: conns --dir fwd sends RSTMON_A_FILTER_DIR", "rc %d, %u attributes", rc, n);

	argc = split("conns --dir in", args, sizeof(args), argv, 24);
	rc = rm_parse_args(argc, argv, &o, err, sizeof(err));
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONNS);
	rm_put_conn_filters(nlh, &o);
	request_attrs(nlh, tb, __RSTMON_A_MAX, &n);
	result(!rc && n == 1 && tb[RSTMON_A_FILTER_DIR] &&
	       mnl_attr_get_u8(tb[RSTMON_A_FILTER_DIR]) == RSTMON_DIR_IN,
	       "request: conns --dir in sends the direction 0", "rc %d, %u attributes", rc, n);

	argc = split("conns", args, sizeof(args), argv, 24);
	rc = rm_parse_args(argc, argv, &o, err, sizeof(err));
	nlh = genl_msg(buf, RSTMON_CMD_GET_CONNS);
	rm_put_conn_filters(nlh, &o);
	request_attrs(nlh, tb, __RSTMON_A_MAX, &n);
	result(!rc && n == 0, "request: conns without filters sends none", "%u attributes", n);
}

/*
 * The accessors read names.h, the module's own tables (whose strings the
 * KUnit suite rstmon_ring pins): each value's entry, "none" beyond.
 */
/* ------------------------------------------------------- attribution */

/* The IPv4 example with the attribution of a server socket. */
static void event_attr(struct rm_event *ev)
{
	event_v4(ev);
	ev->has_attr = true;
	ev->sock = RSTMON_SOCK_FULL;
	ev->netns_inum = 4026531840U;
	ev->lport = 8004;
	ev->listen_port = 8004;
	ev->has_uid = true;
	ev->uid = 0;
	ev->cgroup_id = 12345678901ULL;
	snprintf(ev->cgroup, sizeof(ev->cgroup), "/system.slice/my app\\x.service");
}

static void test_parse_filters(void)
{
	static const struct {
		const char *line;
		int rc;
		const char *cgroup;
		uint16_t port;
		int cause;	/* + 1; 0: none */
		uint32_t last, top;
	} cases[] = {
		{ "events --port 80", 0, "", 80, 0, 10, 10 },
		{ "watch --cgroup /a/b/", 0, "/a/b", 0, 0, 10, 10 },
		{ "events --cgroup=/ --port=443", 0, "/", 443, 0, 10, 10 },
		{ "why", 0, "", 0, 0, 10, 10 },
		{ "why --cause idle-timeout --last 3 --cgroup //", 0, "/", 0,
		  RSTMON_CAUSE_IDLE_TIMEOUT + 1, 3, 10 },
		{ "why --last 65536 --cause=unknown", 0, "", 0, RSTMON_CAUSE_UNKNOWN + 1, 65536, 10 },
		{ "metrics --top 1", 0, "", 0, 0, 10, 1 },
		{ "metrics --top=1000", 0, "", 0, 0, 10, 1000 },
		{ "cgroups", 0, "", 0, 0, 10, 10 },
		{ "metrics --top 0", 2, "", 0, 0, 0, 0 },
		{ "metrics --top -1", 2, "", 0, 0, 0, 0 },
		{ "why --last 1x", 2, "", 0, 0, 0, 0 },
		{ "why --cause Refused", 2, "", 0, 0, 0, 0 },
		{ "events --cgroup", 2, "", 0, 0, 0, 0 },
		{ "events --cgroup ''", 2, "", 0, 0, 0, 0 },
		{ "watch --port abc", 2, "", 0, 0, 0, 0 },
		{ "metrics --cgroup /a", 2, "", 0, 0, 0, 0 },
		{ "why --top 3", 2, "", 0, 0, 0, 0 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[256], err[256], name[300], *argv[24];
		struct rm_opts o;
		int argc = split(cases[i].line, buf, sizeof(buf), argv, 24);
		int rc = rm_parse_args(argc, argv, &o, err, sizeof(err));
		bool ok = rc == cases[i].rc;

		if (ok && !rc)
			ok = !strcmp(o.filter_cgroup, cases[i].cgroup) && o.filter_port == cases[i].port &&
			     o.filter_causes == (cases[i].cause ? 1U << (cases[i].cause - 1) : 0) &&
			     o.last == cases[i].last && o.top == cases[i].top;
		snprintf(name, sizeof(name), "parse: '%s' -> %s", cases[i].line,
			 cases[i].rc ? "usage error (2)" : "ok");
		result(ok, name, "rc %d, cgroup '%s', port %u, causes %#x, last %u, top %u: %s", rc,
		       o.filter_cgroup, o.filter_port, o.filter_causes, o.last, o.top,
		       rc ? err : "");
	}
}

static const char event_attr_text_tail[] =
	" sock=full netns=4026531840 lport=8004 listen=8004 uid=0 cgroup_id=12345678901"
	" cgroup=/system.slice/my\\040app\\134x.service accepted=- closed_first=-"
	" evidence=ack,tracked,socket\n";

static void test_attr_format(void)
{
	struct rm_event ev;
	char *s;

	event_attr(&ev);
	CAPTURE(s, rm_print_event_text(f, &ev));
	result(strlen(s) > strlen(event_attr_text_tail) &&
	       !strcmp(s + strlen(s) - strlen(event_attr_text_tail), event_attr_text_tail) &&
	       strstr(s, " kreason=none sock=full ") != NULL,
	       "format: attribution in the text line, path escaped as /proc does", "%s", s);
	free(s);

	snprintf(ev.cgroup, sizeof(ev.cgroup), "/a\tb\nc");
	CAPTURE(s, rm_print_event_text(f, &ev));
	result(strstr(s, " cgroup=/a\\011b\\012c accepted=- closed_first=- evidence=") != NULL,
	       "format: tab and newline of a cgroup path octal-escaped", "%s", s);
	free(s);

	ev.sock = RSTMON_SOCK_NONE;
	ev.listen_port = 0;
	ev.has_uid = false;
	ev.cgroup_id = 0;
	ev.cgroup[0] = '\0';
	CAPTURE(s, rm_print_event_text(f, &ev));
	result(strstr(s, " sock=none netns=4026531840 lport=8004 listen=- uid=- cgroup_id=- cgroup=- accepted=-") != NULL,
	       "format: no listener, uid or cgroup read -", "%s", s);
	free(s);

	ev.sock = RSTMON_SOCK_NOT_LOCAL;
	ev.lport = 0;
	ev.cgroup_id = 77;
	CAPTURE(s, rm_print_event_text(f, &ev));
	result(strstr(s, " sock=not-local netns=4026531840 lport=- listen=- uid=- cgroup_id=77 cgroup=- accepted=-") != NULL,
	       "format: a cgroup id without a path reads cgroup=-", "%s", s);
	free(s);

	event_attr(&ev);
	CAPTURE(s, rm_print_event_json(f, &ev));
	result(strstr(s, "\"kreason\":null,\"sock\":\"full\",\"netns\":4026531840,\"lport\":8004,"
			 "\"listen\":8004,\"uid\":0,\"cgroup_id\":12345678901,"
			 "\"cgroup\":\"/system.slice/my app\\\\x.service\",\"accepted\":null,") != NULL,
	       "format: attribution in JSON", "%s", s);
	free(s);
	ev.lport = ev.listen_port = 0;
	ev.has_uid = false;
	ev.cgroup_id = 0;
	ev.sock = RSTMON_SOCK_NOT_LOCAL;
	CAPTURE(s, rm_print_event_json(f, &ev));
	result(strstr(s, "\"sock\":\"not-local\",\"netns\":4026531840,\"lport\":null,"
			 "\"listen\":null,\"uid\":null,\"cgroup_id\":null,\"cgroup\":null,") != NULL,
	       "format: unknown attribution is null in JSON", "%s", s);
	free(s);
	event_v4(&ev);
	CAPTURE(s, rm_print_event_json(f, &ev));
	result(!strstr(s, "\"sock\""), "format: no attribution keys from a module without it",
	       "%s", s);
	free(s);
}

static void put_attr(struct nlmsghdr *nlh, const struct rm_event *ev)
{
	mnl_attr_put_u8(nlh, RSTMON_E_SOCK, ev->sock);
	mnl_attr_put_u32(nlh, RSTMON_E_NETNS_INUM, ev->netns_inum);
	if (ev->lport)
		mnl_attr_put_u16(nlh, RSTMON_E_LOCAL_PORT, htons(ev->lport));
	if (ev->listen_port)
		mnl_attr_put_u16(nlh, RSTMON_E_LISTEN_PORT, htons(ev->listen_port));
	if (ev->has_uid)
		mnl_attr_put_u32(nlh, RSTMON_E_UID, ev->uid);
	if (ev->cgroup_id)
		mnl_attr_put_u64(nlh, RSTMON_E_CGROUP_ID, ev->cgroup_id);
	if (ev->cgroup[0])
		mnl_attr_put_strz(nlh, RSTMON_E_CGROUP, ev->cgroup);
}

static void test_nl_attr(void)
{
	char buf[4096], *a, *b;
	struct rm_event in, out;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	event_attr(&in);
	nlh = genl_msg(buf, RSTMON_CMD_GET_EVENTS);
	nest = mnl_attr_nest_start(nlh, RSTMON_A_EVENT);
	mnl_attr_put_u64(nlh, RSTMON_E_ID, in.id);
	mnl_attr_put_u64(nlh, RSTMON_E_TIME_NS, in.time_ns);
	mnl_attr_put_u8(nlh, RSTMON_E_FAMILY, in.family);
	put_addr(nlh, RSTMON_E_SRC, in.family, in.src);
	put_addr(nlh, RSTMON_E_DST, in.family, in.dst);
	mnl_attr_put_u16(nlh, RSTMON_E_SPORT, htons(in.sport));
	mnl_attr_put_u16(nlh, RSTMON_E_DPORT, htons(in.dport));
	mnl_attr_put_u32(nlh, RSTMON_E_EVIDENCE, in.evidence);
	put_attr(nlh, &in);
	mnl_attr_nest_end(nlh, nest);
	result(!rm_parse_event(event_nest(nlh), &out) && out.has_attr &&
	       out.sock == RSTMON_SOCK_FULL && out.netns_inum == in.netns_inum &&
	       out.lport == 8004 && out.listen_port == 8004 && out.has_uid && out.uid == 0 &&
	       out.cgroup_id == in.cgroup_id && !strcmp(out.cgroup, in.cgroup),
	       "netlink: attribution parses", "sock %u netns %u lport %u listen %u uid %d/%u cg %llu '%s'",
	       out.sock, out.netns_inum, out.lport, out.listen_port, out.has_uid, out.uid,
	       (unsigned long long)out.cgroup_id, out.cgroup);
	CAPTURE(a, rm_print_event_text(f, &out));
	result(strstr(a, event_attr_text_tail) != NULL, "netlink: attribution round trip (text)",
	       "%s", a);
	free(a);

	/* A notification: no path, no uid, no ports. */
	in.cgroup[0] = '\0';
	in.has_uid = false;
	in.lport = in.listen_port = 0;
	nlh = genl_msg(buf, RSTMON_CMD_EVENT);
	nest = mnl_attr_nest_start(nlh, RSTMON_A_EVENT);
	mnl_attr_put_u64(nlh, RSTMON_E_ID, in.id);
	mnl_attr_put_u8(nlh, RSTMON_E_FAMILY, in.family);
	put_addr(nlh, RSTMON_E_SRC, in.family, in.src);
	put_addr(nlh, RSTMON_E_DST, in.family, in.dst);
	put_attr(nlh, &in);
	mnl_attr_nest_end(nlh, nest);
	result(!rm_parse_event(event_nest(nlh), &out) && out.has_attr && !out.has_uid &&
	       !out.lport && !out.listen_port && out.cgroup_id == in.cgroup_id && !out.cgroup[0],
	       "netlink: a notification's attribution parses (no path)", NULL);
	/* Without RSTMON_E_SOCK: an older module, no attribution. */
	event_v4(&in);
	nlh = genl_msg(buf, RSTMON_CMD_EVENT);
	put_event(nlh, &in);
	result(!rm_parse_event(event_nest(nlh), &out) && !out.has_attr,
	       "netlink: no RSTMON_E_SOCK, no attribution", NULL);
	/* A cgroup id of the wrong size is refused. */
	nlh = genl_msg(buf, RSTMON_CMD_EVENT);
	nest = mnl_attr_nest_start(nlh, RSTMON_A_EVENT);
	mnl_attr_put_u64(nlh, RSTMON_E_ID, 1);
	mnl_attr_put_u8(nlh, RSTMON_E_FAMILY, AF_INET);
	put_addr(nlh, RSTMON_E_SRC, AF_INET, in.src);
	put_addr(nlh, RSTMON_E_DST, AF_INET, in.dst);
	mnl_attr_put_u32(nlh, RSTMON_E_CGROUP_ID, 5);
	mnl_attr_nest_end(nlh, nest);
	result(rm_parse_event(event_nest(nlh), &out) < 0, "netlink: a u32 cgroup id is refused",
	       NULL);

	/* RSTMON_A_CGROUP: an entry, the other entry, a malformed one. */
	{
		struct rm_cgroup c;
		const struct nlattr *at;

		nlh = genl_msg(buf, RSTMON_CMD_GET_CGROUPS);
		nest = mnl_attr_nest_start(nlh, RSTMON_A_CGROUP);
		mnl_attr_put_u64(nlh, RSTMON_G_ID, 42);
		mnl_attr_put_strz(nlh, RSTMON_G_PATH, "/user.slice");
		mnl_attr_put_u64(nlh, RSTMON_G_RSTS, 9);
		mnl_attr_nest_end(nlh, nest);
		at = (const struct nlattr *)((char *)nlh + NLMSG_HDRLEN + sizeof(struct genlmsghdr));
		result(!rm_parse_cgroup(at, &c) && c.id == 42 && !c.other && c.rsts == 9 &&
		       !strcmp(c.path, "/user.slice"), "netlink: a cgroup entry parses", NULL);
		CAPTURE(b, rm_print_cgroup_text(f, &c));
		expect_str("format: a cgroup line", b, "cgroup id=42 path=/user.slice rsts=9\n");
		free(b);
		CAPTURE(b, rm_print_cgroup_json(f, &c));
		expect_str("format: a cgroup as JSON", b,
			   "{\"id\":42,\"path\":\"/user.slice\",\"rsts\":9,\"other\":false}\n");
		free(b);
		nlh = genl_msg(buf, RSTMON_CMD_GET_CGROUPS);
		nest = mnl_attr_nest_start(nlh, RSTMON_A_CGROUP);
		mnl_attr_put(nlh, RSTMON_G_OTHER, 0, NULL);
		mnl_attr_put_u64(nlh, RSTMON_G_RSTS, 3);
		mnl_attr_nest_end(nlh, nest);
		result(!rm_parse_cgroup(at, &c) && c.other && c.rsts == 3,
		       "netlink: the other entry parses", NULL);
		CAPTURE(b, rm_print_cgroup_text(f, &c));
		expect_str("format: the other entry's line", b, "cgroup other rsts=3\n");
		free(b);
		nlh = genl_msg(buf, RSTMON_CMD_GET_CGROUPS);
		nest = mnl_attr_nest_start(nlh, RSTMON_A_CGROUP);
		mnl_attr_put_u64(nlh, RSTMON_G_ID, 42);
		mnl_attr_nest_end(nlh, nest);
		result(rm_parse_cgroup(at, &c) < 0, "netlink: a cgroup entry without a count is refused",
		       NULL);
	}
}

static void test_filters(void)
{
	static const struct {
		const char *path, *prefix;
		bool want;
	} cg[] = {
		{ "/a", "/a", true }, { "/a/b", "/a", true }, { "/ab", "/a", false },
		{ "/a/b/c", "/a/b", true }, { "/a/bc", "/a/b", false }, { "/", "/", true },
		{ "/x", "/", true }, { "", "/", false }, { "", "/a", false }, { "/a", "/a/b", false },
	};
	struct rm_opts o;
	struct rm_event ev;
	char name[128];
	unsigned int i;

	for (i = 0; i < sizeof(cg) / sizeof(cg[0]); i++) {
		snprintf(name, sizeof(name), "filter: cgroup '%s' under '%s': %s", cg[i].path,
			 cg[i].prefix, cg[i].want ? "yes" : "no");
		result(rm_cgroup_under(cg[i].path, cg[i].prefix) == cg[i].want, name, NULL);
	}
	memset(&o, 0, sizeof(o));
	event_attr(&ev);
	result(rm_event_match(&o, &ev), "filter: no filter matches", NULL);
	strcpy(o.filter_cgroup, "/system.slice");
	result(rm_event_match(&o, &ev), "filter: --cgroup matches a cgroup below", NULL);
	strcpy(o.filter_cgroup, "/system");
	result(!rm_event_match(&o, &ev), "filter: --cgroup not across a component", NULL);
	o.filter_cgroup[0] = '\0';
	o.filter_port = 8004;
	ev.lport = 40000;
	ev.sport = 1;
	ev.dport = 2;
	result(rm_event_match(&o, &ev), "filter: --port matches the listening port", NULL);
	ev.listen_port = 0;
	result(!rm_event_match(&o, &ev), "filter: --port: no port of it", NULL);
	ev.dport = 8004;
	result(rm_event_match(&o, &ev), "filter: --port matches the remote end's port too", NULL);
	ev.dport = 2;
	ev.lport = 8004;
	result(rm_event_match(&o, &ev), "filter: --port matches the local port", NULL);
	ev.lport = 0;
	ev.sock = RSTMON_SOCK_NOT_LOCAL;
	ev.sport = 1;
	ev.dport = 8004;
	result(rm_event_match(&o, &ev), "filter: --port matches either port of a forwarded event",
	       NULL);
	ev.dport = 8005;
	result(!rm_event_match(&o, &ev), "filter: --port: neither port of a forwarded event", NULL);
	o.filter_port = 0;
	o.filter_causes = 1U << RSTMON_CAUSE_REFUSED;
	result(!rm_event_match(&o, &ev), "filter: --cause another cause", NULL);
	o.filter_causes = 1U << ev.cause;
	result(rm_event_match(&o, &ev), "filter: --cause the same cause", NULL);
}

static struct rm_cgroup cgv(uint64_t id, const char *path, uint64_t rsts, bool other)
{
	struct rm_cgroup c;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.other = other;
	c.rsts = rsts;
	snprintf(c.path, sizeof(c.path), "%s", path);
	return c;
}

static void test_cgroup_metrics(void)
{
	struct rm_cgroup v[6];
	uint64_t other;
	size_t n;
	char *s;

	v[0] = cgv(1, "/b", 5, false);
	v[1] = cgv(0, "", 7, true);
	v[2] = cgv(2, "/a", 5, false);
	v[3] = cgv(3, "/c", 9, false);
	v[4] = cgv(4, "", 1, false);
	v[5] = cgv(5, "/q\"uo\\te\nx", 2, false);
	n = rm_cgroup_top(v, 6, 2, &other);
	result(n == 2 && v[0].id == 3 && v[1].id == 2 && other == 5 + 2 + 1 + 7,
	       "metrics: top 2 by count, a tie broken by path, the rest and the kernel's other summed",
	       "n %zu, first %llu, second %llu, other %llu", n, (unsigned long long)v[0].id,
	       (unsigned long long)v[1].id, (unsigned long long)other);
	n = rm_cgroup_top(v, 6, 10, &other);
	result(n == 5 && other == 7 && v[5].other, "metrics: fewer cgroups than N: all, other is the kernel's",
	       "n %zu other %llu", n, (unsigned long long)other);
	n = rm_cgroup_top(v, 0, 10, &other);
	result(n == 0 && other == 0, "metrics: no cgroups", NULL);

	CAPTURE(s, rm_print_cgroup_metrics(f, 7, v, 6, 3));
	expect_str("metrics: rstmon_cgroup_resets_total, top 3 and other", s,
		   "# HELP rstmon_cgroup_resets_total TCP RSTs by the cgroup of the local socket they involved: the top cgroups, then all others.\n"
		   "# TYPE rstmon_cgroup_resets_total counter\n"
		   "rstmon_cgroup_resets_total{netns=\"7\",cgroup=\"/c\"} 9\n"
		   "rstmon_cgroup_resets_total{netns=\"7\",cgroup=\"/a\"} 5\n"
		   "rstmon_cgroup_resets_total{netns=\"7\",cgroup=\"/b\"} 5\n"
		   "rstmon_cgroup_resets_total{netns=\"7\",cgroup=\"other\"} 10\n");
	free(s);
	CAPTURE(s, rm_print_cgroup_metrics(f, 7, v, 6, 5));
	result(strstr(s, ",cgroup=\"/q\\\"uo\\\\te\\nx\"} 2\n") &&
	       strstr(s, ",cgroup=\"id:4\"} 1\n") && strstr(s, ",cgroup=\"other\"} 7\n"),
	       "metrics: label values escaped, a cgroup without a path labelled by id", "%s", s);
	free(s);
	CAPTURE(s, rm_prom_label(f, "a\\b\"c\nd"));
	expect_str("metrics: Prometheus label escaping", s, "a\\\\b\\\"c\\nd");
	free(s);
}

/* A temporary tree: the cgroup ids are the directories' inode numbers. */
static void test_cgroup_find(void)
{
	char root[] = "/tmp/rstmonctl-cg-XXXXXX", path[512], out[512], mi[600];
	struct stat st;
	FILE *f;

	if (!mkdtemp(root)) {
		result(false, "cgroup: temporary tree", "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/a", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/a/b c", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/ab", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/a/b c", root);
	stat(path, &st);
	result(!rm_cgroup_find(root, st.st_ino, out, sizeof(out)) && !strcmp(out, "/a/b c"),
	       "cgroup: an id found by a walk below the mount", "'%s'", out);
	stat(root, &st);
	result(!rm_cgroup_find(root, st.st_ino, out, sizeof(out)) && !strcmp(out, "/"),
	       "cgroup: the root's id is /", "'%s'", out);
	result(rm_cgroup_find(root, 1, out, sizeof(out)) < 0, "cgroup: an unknown id is not found",
	       NULL);

	snprintf(mi, sizeof(mi), "%s/mountinfo", root);
	f = fopen(mi, "w");
	fputs("22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
	      "30 22 0:26 / /sys/fs/cgroup\\040x rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate\n", f);
	fclose(f);
	result(!rm_cgroup2_mount(mi, out, sizeof(out)) && !strcmp(out, "/sys/fs/cgroup x"),
	       "cgroup: the cgroup2 mount from mountinfo, unescaped", "'%s'", out);
	f = fopen(mi, "w");
	fputs("22 1 0:21 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n", f);
	fclose(f);
	result(rm_cgroup2_mount(mi, out, sizeof(out)) < 0, "cgroup: no cgroup2 mount (v1 only)", NULL);
	unlink(mi);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	if (system(path))
		result(false, "cgroup: remove the temporary tree", NULL);
}

/* ---------------------------------------------------------------- why */

/* rm_print_why_text() of @ev contains each of the NULL-terminated strings. */
static void expect_why(const char *name, const struct rm_event *ev, const struct rm_why_extra *x,
		       ...)
{
	const char *want, *missing = NULL;
	va_list ap;
	char *s;

	CAPTURE(s, rm_print_why_text(f, ev, x));
	va_start(ap, x);
	while (!missing && (want = va_arg(ap, const char *)))
		if (!strstr(s, want))
			missing = want;
	va_end(ap);
	result(!missing, name, "missing '%s' in:\n#   %s", missing, s);
	free(s);
}

static void test_why(void)
{
	struct rm_why_extra x = { "blue", "http-alt" };
	struct rm_event ev;
	char *s;

	/* A linger-abort of this host's server socket. */
	event_attr(&ev);
	CAPTURE(s, rm_print_why_text(f, &ev, &x));
	result(strstr(s, "Event 2: the RST from 10.1.0.2:8004 to 10.1.0.1:40312 left this host; the connection was established.") &&
	       strstr(s, "Who reset it: this host's TCP stack.") &&
	       strstr(s, "Why: linger-abort: the application closed its socket with SO_LINGER set to zero") &&
	       strstr(s, "How sure: certain") &&
	       strstr(s, "Who was hit: a connected local socket, local port 8004, accepted on listening port 8004 (http-alt), cgroup /system.slice/my app\\x.service, uid 0, network namespace 4026531840 (ip netns blue).") &&
	       strstr(s, "What to do: Expected when the application means it; otherwise remove SO_LINGER 0") &&
	       s[strlen(s) - 1] == '\n' && s[strlen(s) - 2] == '\n',
	       "why: linger-abort paragraph", "%s", s);
	free(s);

	/* idle-timeout from a middlebox, seen coming in. */
	event_attr(&ev);
	ev.dir = RSTMON_DIR_IN;
	ev.sender = RSTMON_SENDER_MIDDLEBOX;
	ev.cause = RSTMON_CAUSE_IDLE_TIMEOUT;
	ev.confidence = RSTMON_CONF_LIKELY;
	ev.idle_ms = 3600500;
	ev.ttl = 60;
	ev.ttl_base = 52;
	ev.evidence |= RSTMON_EV_IDLE | RSTMON_EV_TTL_MISMATCH;
	expect_why("why: idle-timeout from a middlebox", &ev, NULL,
		   "Who reset it: a device in between (middlebox).",
		   "the sender was silent for 3600.500 s",
		   "its TTL 60 does not match the sender's 52",
		   "How sure: likely",
		   "What to do: Enable TCP keepalives below the middlebox's idle timeout, or raise that timeout.", NULL);
	ev.sender = RSTMON_SENDER_PEER;
	expect_why("why: idle-timeout from the peer: the peer's advice", &ev, NULL,
		   "Who reset it: the remote peer.",
		   "What to do: Enable TCP keepalives (or application pings) below the peer's idle timeout", NULL);

	/* no-connection: a stateless reply, no local socket. */
	event_attr(&ev);
	ev.cause = RSTMON_CAUSE_NO_CONNECTION;
	ev.sock = RSTMON_SOCK_NONE;
	ev.listen_port = 0;
	ev.has_uid = false;
	ev.cgroup_id = 0;
	snprintf(ev.kreason, sizeof(ev.kreason), "NO_SOCKET");
	expect_why("why: no-connection says no local socket existed", &ev, NULL,
		   "Who was hit: no local socket existed (a stateless reply: nothing listened, or the connection was unknown), local port 8004, network namespace 4026531840.",
		   "the kernel's reason: NO_SOCKET",
		   "What to do: Drain connections before moving a virtual IP", NULL);
	/* The kernel's reason in words; one rstmonctl does not know, bare. */
	snprintf(ev.kreason, sizeof(ev.kreason), "TCP_DISCONNECT_WITH_DATA");
	ev.evidence |= RSTMON_EV_KREASON | RSTMON_EV_KDISAGREE;
	expect_why("why: the kernel's reason in words, and a disagreement", &ev, NULL,
		   "the kernel's reason: TCP_DISCONNECT_WITH_DATA (the socket was disconnected (SO_LINGER 0 or connect(AF_UNSPEC)) with data it had not sent yet), which does not fit no-connection;",
		   NULL);
	snprintf(ev.kreason, sizeof(ev.kreason), "TCP_SOME_FUTURE_REASON");
	ev.evidence &= ~RSTMON_EV_KDISAGREE;
	expect_why("why: a kernel reason rstmonctl does not know, bare", &ev, NULL,
		   "the kernel's reason: TCP_SOME_FUTURE_REASON; flags:", NULL);
	ev.evidence &= ~RSTMON_EV_KREASON;

	/* data-after-close and accept-overflow; JSON. */
	event_attr(&ev);
	ev.cause = RSTMON_CAUSE_DATA_AFTER_CLOSE;
	ev.fin_sender = true;
	ev.fin_sender_ago_ms = 120;
	expect_why("why: data-after-close", &ev, NULL,
		   "the sender's FIN came 120 ms before",
		   "What to do: If the server closed first (the keep-alive race): keep the client pool's idle timeout below the server's keep-alive timeout", NULL);
	ev.cause = RSTMON_CAUSE_ACCEPT_OVERFLOW;
	CAPTURE(s, rm_print_why_json(f, &ev, NULL));
	result(!strncmp(s, "{\"id\":2,", 8) && strstr(s, "\"cause\":\"accept-overflow\"") &&
	       strstr(s, "\"sock\":\"full\"") &&
	       strstr(s, "\"explanation\":\"Event 2: the RST from 10.1.0.2:8004") &&
	       strstr(s, ",\"advice\":\"Raise the listen backlog and net.core.somaxconn, make the application accept faster, or add capacity.\"}") &&
	       !strcmp(s + strlen(s) - 2, "}\n") && strchr(s, '\n') == s + strlen(s) - 1,
	       "why: accept-overflow as JSON, one object on one line", "%s", s);
	free(s);

	/* injected by a local raw socket; a module without attribution. */
	event_v4(&ev);
	ev.cause = RSTMON_CAUSE_INJECTED;
	expect_why("why: injected by this host; no attribution", &ev, NULL,
		   "Who was hit: not known",
		   "What to do: Find the process with the raw socket (ss -w -p)", NULL);

	/* nat-invalid on the NAT host: the fixes; the client's stray answer. */
	event_v4(&ev);
	ev.dir = RSTMON_DIR_FWD;
	ev.sender = RSTMON_SENDER_PEER;
	ev.cause = RSTMON_CAUSE_NAT_INVALID;
	ev.evidence |= RSTMON_EV_UNTRANSLATED;
	expect_why("why: nat-invalid names the untranslated segment and the fixes", &ev, NULL,
		   "Why: nat-invalid: a NAT host", "flags: ", "untranslated",
		   "without its NAT translation (conntrack found it INVALID)",
		   "sysctl net.netfilter.nf_conntrack_tcp_be_liberal=1",
		   "ct state invalid drop", NULL);
	event_v4(&ev);
	ev.dir = RSTMON_DIR_OUT;
	ev.sender = RSTMON_SENDER_LOCAL;
	ev.cause = RSTMON_CAUSE_NO_CONNECTION;
	ev.evidence |= RSTMON_EV_STRAY;
	expect_why("why: a stray segment's answer points at the NAT host", &ev, NULL,
		   "the first this host ever saw from 10.1.0.1:40312", "stray",
		   "its rstmon says nat-invalid", NULL);

	/* Every cause has a row that applies to any sender. */
	{
		unsigned int c;
		bool ok = true;

		for (c = 0; c < __RSTMON_CAUSE_MAX; c++)
			ok &= rm_advice_for(c, RSTMON_SENDER_UNKNOWN)->cause == c &&
			      rm_advice_for(c, RSTMON_SENDER_UNKNOWN)->sender < 0;
		result(ok, "advice: a row for every cause", NULL);
		result(rm_cause_from_name("idle-timeout") == RSTMON_CAUSE_IDLE_TIMEOUT &&
		       rm_cause_from_name("nope") < 0, "advice: causes by name", NULL);
	}
	CAPTURE(s, rm_print_advice_table(f));
	result(!strncmp(s, "``unknown``\n    ", 16) &&
	       strstr(s, "\n\n``idle-timeout`` from ``peer``\n    Enable TCP keepalives") != NULL,
	       "advice: the table in the documentation's format", "%s", s);
	free(s);
}

static void test_names(void)
{
	bool ok = true;
	unsigned int i;

	for (i = 0; i < __RSTMON_CAUSE_MAX; i++)
		ok &= !strcmp(rstmon_cause_name(i), rstmon_cause_names[i]);
	ok &= !strcmp(rstmon_cause_name(__RSTMON_CAUSE_MAX), "none");
	result(ok, "names: causes", NULL);
	ok = true;
	for (i = 0; i < __RSTMON_SENDER_MAX; i++)
		ok &= !strcmp(rstmon_sender_name(i), rstmon_sender_names[i]);
	ok &= !strcmp(rstmon_sender_name(__RSTMON_SENDER_MAX), "none");
	result(ok, "names: senders", NULL);
	ok = true;
	for (i = 0; i < __RSTMON_CONF_MAX; i++)
		ok &= !strcmp(rstmon_confidence_name(i), rstmon_confidence_names[i]);
	ok &= !strcmp(rstmon_confidence_name(__RSTMON_CONF_MAX), "none");
	result(ok, "names: confidences", NULL);
	ok = true;
	for (i = 0; i < __RSTMON_SEQ_MAX; i++)
		ok &= !strcmp(rstmon_seqchk_name(i), rstmon_seqchk_names[i]);
	ok &= !strcmp(rstmon_seqchk_name(__RSTMON_SEQ_MAX), "none");
	result(ok, "names: seqchks", NULL);
	ok = true;
	for (i = 0; i < __RSTMON_DIR_MAX; i++)
		ok &= !strcmp(rstmon_dir_name(i), rstmon_dir_names[i]);
	ok &= !strcmp(rstmon_dir_name(__RSTMON_DIR_MAX), "none");
	result(ok, "names: directions", NULL);
	ok = true;
	for (i = 0; i < __RSTMON_ST_MAX; i++)
		ok &= !strcmp(rm_state_name(i), rstmon_state_names[i]);
	ok &= !strcmp(rm_state_name(__RSTMON_ST_MAX), "none") &&
	      !strcmp(rm_state_name(RM_ST_UNTRACKED), "untracked");
	result(ok, "names: states", NULL);
	result(!strcmp(rm_side_name(RSTMON_SIDE_CLIENT), "client") &&
	       !strcmp(rm_side_name(RSTMON_SIDE_SERVER), "server") &&
	       !strcmp(rm_side_name(RSTMON_SIDE_UNKNOWN), "unknown") &&
	       !strcmp(rm_side_name(3), "unknown") && !strcmp(rm_side_name(255), "unknown"),
	       "names: sides", NULL);
	ok = true;
	for (i = 0; i < RM_EVIDENCE_BITS; i++)
		ok &= rm_evidence_name(i) && !strcmp(rm_evidence_name(i), rstmon_evidence_names[i]);
	ok &= !rm_evidence_name(RM_EVIDENCE_BITS) && !rm_evidence_name(31);
	result(ok, "names: evidence bits", NULL);
}

/* NLMSG_ERROR with an extack message, capped or with the request. */
static void test_nl_extack(void)
{
	char buf[4096], req[256];
	struct nlmsghdr *nlh, *r;
	struct nlmsgerr *e;

	r = genl_msg(req, RSTMON_CMD_SET_CONFIG);
	mnl_attr_put_u32(r, RSTMON_A_IDLE_THRESHOLD, 0);

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS | NLM_F_CAPPED;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -ERANGE;
	e->msg = *r;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "integer out of range");
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	expect_str("netlink: extack of a capped error", rm_extack_msg(nlh), "integer out of range");

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e) + r->nlmsg_len - sizeof(*r));
	e->error = -EINVAL;
	memcpy(&e->msg, r, r->nlmsg_len);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "nothing to set: give idle-threshold");
	expect_str("netlink: extack of an error with the request", rm_extack_msg(nlh),
		   "nothing to set: give idle-threshold");

	nlh->nlmsg_flags = 0;
	result(rm_extack_msg(nlh) == NULL, "netlink: no extack without NLM_F_ACK_TLVS", NULL);
}

/* A notice of nlctrl's notify group about family @name of id @id. */
static struct nlmsghdr *ctrl_notice(char *buf, uint8_t cmd, const char *name, uint16_t id)
{
	struct nlmsghdr *nlh = genl_msg(buf, cmd);
	struct nlattr *grps, *grp;

	nlh->nlmsg_type = GENL_ID_CTRL;
	if (name)
		mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (id)
		mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, id);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	grps = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, RSTMON_MCGRP_EVENTS);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 9);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, grps);
	return nlh;
}

/* watch: the CTRL_CMD_DELFAMILY of its own family ends it, nothing else. */
static void test_family_gone(void)
{
	char buf[1024];
	struct nlmsghdr *nlh;

	nlh = ctrl_notice(buf, CTRL_CMD_DELFAMILY, RSTMON_GENL_NAME, 30);
	result(rm_family_gone(nlh, 30), "watch: DELFAMILY of rstmon is the end", NULL);
	result(!rm_family_gone(nlh, 31), "watch: DELFAMILY of an earlier rstmon's id is not", NULL);
	nlh = ctrl_notice(buf, CTRL_CMD_NEWFAMILY, RSTMON_GENL_NAME, 30);
	result(!rm_family_gone(nlh, 30), "watch: NEWFAMILY of rstmon is not", NULL);
	nlh = ctrl_notice(buf, CTRL_CMD_DELMCAST_GRP, RSTMON_GENL_NAME, 30);
	result(!rm_family_gone(nlh, 30), "watch: DELMCAST_GRP of rstmon is not", NULL);
	nlh = ctrl_notice(buf, CTRL_CMD_DELFAMILY, "rstmonx", 30);
	result(!rm_family_gone(nlh, 30), "watch: DELFAMILY of another name is not", NULL);
	nlh = ctrl_notice(buf, CTRL_CMD_DELFAMILY, NULL, 30);
	result(!rm_family_gone(nlh, 30), "watch: DELFAMILY without a name is not", NULL);
	nlh = ctrl_notice(buf, CTRL_CMD_DELFAMILY, RSTMON_GENL_NAME, 0);
	result(!rm_family_gone(nlh, 30), "watch: DELFAMILY without an id is not", NULL);
	nlh = ctrl_notice(buf, CTRL_CMD_DELFAMILY, RSTMON_GENL_NAME, 30);
	nlh->nlmsg_type = 30;
	result(!rm_family_gone(nlh, 30), "watch: a message not of nlctrl is not", NULL);
	nlh = ctrl_notice(buf, CTRL_CMD_DELFAMILY, RSTMON_GENL_NAME, 30);
	nlh->nlmsg_len = sizeof(*nlh) + 2;
	result(!rm_family_gone(nlh, 30), "watch: a truncated notice is not", NULL);
	nlh = ctrl_notice(buf, CTRL_CMD_DELFAMILY, NULL, 0);
	mnl_attr_put_u32(nlh, CTRL_ATTR_FAMILY_ID, 30);	/* a u16 expected */
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, RSTMON_GENL_NAME);
	result(!rm_family_gone(nlh, 30), "watch: a malformed id is not", NULL);
}

static void test_errors(void)
{
	char *s;
	int rc;

	CAPTURE(s, rc = rm_report_error(f, RM_PHASE_FAMILY, ENOENT, NULL, "looking up"));
	result(rc == 1 && !strcmp(s, "rstmonctl: rstmon is not loaded: run modprobe rstmon\n"),
	       "errors: family not found -> not loaded, exit 1", "rc %d: %s", rc, s);
	free(s);
	CAPTURE(s, rc = rm_report_error(f, RM_PHASE_REQUEST, EPERM, NULL, "get-events"));
	result(rc == 1 && !strcmp(s, "rstmonctl: permission denied: this needs CAP_NET_ADMIN in the network namespace\n"),
	       "errors: EPERM -> permission denied, exit 1", "rc %d: %s", rc, s);
	free(s);
	CAPTURE(s, rc = rm_report_error(f, RM_PHASE_GROUP, EACCES, NULL, "joining"));
	result(rc == 1 && strstr(s, "permission denied: this needs CAP_NET_ADMIN"),
	       "errors: EACCES joining -> permission denied", "rc %d: %s", rc, s);
	free(s);
	CAPTURE(s, rc = rm_report_error(f, RM_PHASE_REQUEST, ERANGE, "integer out of range",
					"set-config"));
	result(rc == 1 && !strcmp(s, "rstmonctl: set-config refused: integer out of range (Numerical result out of range)\n"),
	       "errors: the kernel's extack message is printed", "rc %d: %s", rc, s);
	free(s);
	CAPTURE(s, rc = rm_report_error(f, RM_PHASE_WATCH, ENOENT, NULL, NULL));
	result(rc == 0 && !strcmp(s, "rstmonctl: rstmon was unloaded\n"),
	       "errors: the family gone during watch -> unloaded, exit 0 (not a failure)",
	       "rc %d: %s", rc, s);
	free(s);
	CAPTURE(s, rc = rm_report_error(f, RM_PHASE_WATCH, ENOMEM, NULL, "reading events"));
	result(rc == 1 && !strcmp(s, "rstmonctl: reading events failed: Cannot allocate memory\n"),
	       "errors: another watch error keeps its words", "rc %d: %s", rc, s);
	free(s);
	CAPTURE(s, rc = rm_report_error(f, RM_PHASE_NETNS, ENOENT, NULL, "foo"));
	result(rc == 1 && strstr(s, "no network namespace named foo"),
	       "errors: unknown namespace", "rc %d: %s", rc, s);
	free(s);
}

/* ------------------------------------------------- finding the event */

/* The tables below leave a refused case's expectations out. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static void test_prefixes(void)
{
	static const struct {
		const char *s;
		bool ok;
		uint8_t family, len;
		const char *addr, *want_match, *want_miss;	/* addresses to try */
	} cases[] = {
		{ "10.1.0.2", true, AF_INET, 32, "10.1.0.2", "10.1.0.2", "10.1.0.3" },
		{ "10.1.0.0/24", true, AF_INET, 24, "10.1.0.0", "10.1.0.255", "10.1.1.0" },
		{ "10.1.0.7/24", true, AF_INET, 24, "10.1.0.7", "10.1.0.1", "10.2.0.1" },
		{ "10.0.0.0/8", true, AF_INET, 8, "10.0.0.0", "10.255.1.2", "11.0.0.1" },
		{ "10.128.0.0/9", true, AF_INET, 9, "10.128.0.0", "10.200.0.1", "10.127.0.1" },
		{ "0.0.0.0/0", true, AF_INET, 0, "0.0.0.0", "192.0.2.1", NULL },
		{ "192.0.2.1/32", true, AF_INET, 32, "192.0.2.1", "192.0.2.1", "192.0.2.0" },
		{ "fd00:1::2", true, AF_INET6, 128, "fd00:1::2", "fd00:1::2", "fd00:1::3" },
		{ "fd00:1::/64", true, AF_INET6, 64, "fd00:1::", "fd00:1::ffff:1", "fd00:2::1" },
		{ "fe80::/10", true, AF_INET6, 10, "fe80::", "febf::1", "fec0::1" },
		{ "::/0", true, AF_INET6, 0, "::", "2001:db8::1", NULL },
		{ "2001:db8::1/127", true, AF_INET6, 127, "2001:db8::1", "2001:db8::", "2001:db8::2" },
		{ "10.1.0.0/33", false }, { "10.1.0.0/", false }, { "10.1.0.0/-1", false },
		{ "10.1.0.0/8x", false }, { "/8", false }, { "", false }, { "10.1.0", false },
		{ "fd00::/129", false }, { "[fd00::1]", false }, { "example.com", false },
		{ "10.1.0.1/24/8", false }, { "10.1.0.1 /24", false },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rm_prefix p;
		uint8_t a[16] = { 0 }, b[16] = { 0 }, c[16] = { 0 };
		bool ok = rm_parse_prefix(cases[i].s, &p) == cases[i].ok;
		char name[128];

		if (ok && cases[i].ok) {
			inet_pton(cases[i].family, cases[i].addr, a);
			inet_pton(cases[i].family, cases[i].want_match, b);
			ok = p.family == cases[i].family && p.len == cases[i].len &&
			     !memcmp(p.addr, a, cases[i].family == AF_INET ? 4 : 16) &&
			     rm_prefix_match(&p, cases[i].family, b) &&
			     !rm_prefix_match(&p, cases[i].family == AF_INET ? AF_INET6 : AF_INET, b);
			if (cases[i].want_miss) {
				inet_pton(cases[i].family, cases[i].want_miss, c);
				ok = ok && !rm_prefix_match(&p, cases[i].family, c);
			}
		}
		snprintf(name, sizeof(name), "prefix: '%s' %s", cases[i].s,
			 cases[i].ok ? "parses and matches" : "refused");
		result(ok, name, "family %u len %u", p.family, p.len);
	}
}

static void test_times(void)
{
	/* "now": 2026-12-07T01:02:03.5Z */
	const uint64_t now = 1796605323500000000ULL, S = 1000000000ULL;
	static const struct {
		const char *tz, *s;
		bool ok;
		uint64_t want;	/* ns; for relative ones: now - want */
		bool rel;
	} cases[] = {
		{ "UTC0", "30s", true, 30 * 1000000000ULL, true },
		{ "UTC0", "10m", true, 600 * 1000000000ULL, true },
		{ "UTC0", "2h", true, 7200 * 1000000000ULL, true },
		{ "UTC0", "1d", true, 86400 * 1000000000ULL, true },
		{ "UTC0", "1w", true, 604800 * 1000000000ULL, true },
		{ "UTC0", "-10m", true, 600 * 1000000000ULL, true },
		{ "UTC0", "1h30m", true, 5400 * 1000000000ULL, true },
		{ "UTC0", "0s", true, 0, true },
		{ "UTC0", "now", true, 0, true },
		{ "UTC0", "2026-12-07T01:02:03Z", true, 1796605323 * 1000000000ULL },
		{ "UTC0", "2026-12-07t01:02:03z", true, 1796605323 * 1000000000ULL },
		{ "UTC0", "2026-12-07 01:02:03Z", true, 1796605323 * 1000000000ULL },
		{ "UTC0", "2026-12-07T01:02:03.25Z", true, 1796605323250000000ULL },
		{ "UTC0", "2026-12-07T01:02:03,000000001Z", true, 1796605323000000001ULL },
		{ "UTC0", "2026-12-07T01:02Z", true, 1796605320 * 1000000000ULL },
		{ "UTC0", "2026-12-07T02:02:03+01:00", true, 1796605323 * 1000000000ULL },
		{ "UTC0", "2026-12-07T02:02:03+0100", true, 1796605323 * 1000000000ULL },
		{ "UTC0", "2026-12-07T02:02:03+01", true, 1796605323 * 1000000000ULL },
		{ "UTC0", "2026-12-06T20:02:03-05:00", true, 1796605323 * 1000000000ULL },
		{ "UTC0", "2026-12-07T06:32:03+05:30", true, 1796605323 * 1000000000ULL },
		{ "UTC0", "2026-12-07", true, 1796601600 * 1000000000ULL },
		{ "CET-1", "2026-12-07", true, 1796598000 * 1000000000ULL },
		{ "CET-1", "2026-12-07T02:02:03", true, 1796605323 * 1000000000ULL },
		{ "CET-1", "2026-12-07T01:02:03Z", true, 1796605323 * 1000000000ULL },
		{ "UTC0", "1970-01-01T00:00:00Z", true, 0 },
		{ "UTC0", "2024-02-29", true, 1709164800 * 1000000000ULL },
		{ "UTC0", "2000-02-29T00:00:00Z", true, 951782400 * 1000000000ULL },
		{ "UTC0", "@1796605323", true, 1796605323 * 1000000000ULL },
		{ "UTC0", "@1796605323.5", true, 1796605323500000000ULL },
		{ "UTC0", "2025-02-29", false }, { "UTC0", "1900-02-29", false },
		{ "UTC0", "2026-13-01", false }, { "UTC0", "2026-00-01", false },
		{ "UTC0", "2026-04-31", false }, { "UTC0", "2026-12-07T24:00:00Z", false },
		{ "UTC0", "2026-12-07T01:60Z", false }, { "UTC0", "2026-12-07T01:02:61Z", false },
		{ "UTC0", "2026-12-07T01Z", false }, { "UTC0", "2026-12-07Z", false },
		{ "UTC0", "2026-12-07T01:02:03+1", false }, { "UTC0", "2026-12-07T01:02:03+01:", false },
		{ "UTC0", "2026-12-07T01:02:03+01:0", false }, { "UTC0", "2026-12-07T01:02:03+24:00", false },
		{ "UTC0", "2026-12-07T01:02:03.Z", false },
		{ "UTC0", "2026-12-07T01:02:03.0123456789Z", false },
		{ "UTC0", "2026-12-7", false }, { "UTC0", "26-12-07", false },
		{ "UTC0", "1969-12-31T23:59:59Z", false }, { "UTC0", "1970-01-01T00:59:59+01:00", false },
		{ "UTC0", "", false }, { "UTC0", "-", false }, { "UTC0", "10", false },
		{ "UTC0", "10x", false }, { "UTC0", "m", false }, { "UTC0", "10m ", false },
		{ "UTC0", "1h-30m", false }, { "UTC0", "+10m", false }, { "UTC0", "yesterday", false },
		{ "UTC0", "99999d", false }, { "UTC0", "18446744073709551615s", false },
		{ "UTC0", "@", false }, { "UTC0", "@-5", false }, { "UTC0", "@1.", false },
		{ "UTC0", "@99999999999999999999", false },
	};
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t got = 0, want = cases[i].rel ? now - cases[i].want : cases[i].want;
		bool ok;
		char name[160];

		setenv("TZ", cases[i].tz, 1);
		tzset();
		ok = rm_parse_time(cases[i].s, now, &got) == cases[i].ok;
		if (ok && cases[i].ok)
			ok = got == want;
		snprintf(name, sizeof(name), "time: '%s' (TZ=%s) %s", cases[i].s, cases[i].tz,
			 cases[i].ok ? "parses" : "refused");
		result(ok, name, "got %llu, want %llu", (unsigned long long)got,
		       (unsigned long long)want);
	}
	/* An event's time in the paragraph: local, with the zone. */
	{
		static const struct {
			const char *tz, *want;
		} fmt[] = {
			{ "UTC0", "2025-11-21T12:43:20.123456+00:00" },
			{ "CET-1", "2025-11-21T13:43:20.123456+01:00" },
			{ "EST5", "2025-11-21T07:43:20.123456-05:00" },
			{ "<+0530>-5:30", "2025-11-21T18:13:20.123456+05:30" },
		};
		char buf[64], name[100];
		uint64_t back;

		for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
			setenv("TZ", fmt[i].tz, 1);
			tzset();
			rm_format_time(buf, sizeof(buf), 1763729000123456789ULL);
			snprintf(name, sizeof(name), "time: an event's time in TZ=%s", fmt[i].tz);
			expect_str(name, buf, fmt[i].want);
			snprintf(name, sizeof(name), "time: TZ=%s: read back by --since", fmt[i].tz);
			result(rm_parse_time(buf, 0, &back) && back == 1763729000123456000ULL, name,
			       "%llu", (unsigned long long)back);
		}
	}
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
	(void)S;
}

static void test_name_lists(void)
{
	char bad[64] = "", list[256];
	uint32_t m = 0;

	result(rm_parse_names("peer", rstmon_sender_names, RSTMON_NAMES_N(rstmon_sender_names),
			      &m, bad, sizeof(bad)) && m == 1U << RSTMON_SENDER_PEER,
	       "names: --sender peer", "%#x", m);
	result(rm_parse_names("firewall,middlebox", rstmon_sender_names,
			      RSTMON_NAMES_N(rstmon_sender_names), &m, bad, sizeof(bad)) &&
	       m == ((1U << RSTMON_SENDER_FIREWALL) | (1U << RSTMON_SENDER_MIDDLEBOX)),
	       "names: --sender firewall,middlebox", "%#x", m);
	result(rm_parse_names("idle-timeout,refused", rstmon_cause_names,
			      RSTMON_NAMES_N(rstmon_cause_names), &m, bad, sizeof(bad)) &&
	       m == ((1U << RSTMON_CAUSE_IDLE_TIMEOUT) | (1U << RSTMON_CAUSE_REFUSED)),
	       "names: --cause idle-timeout,refused", "%#x", m);
	result(!rm_parse_names("refused,frob", rstmon_cause_names,
			       RSTMON_NAMES_N(rstmon_cause_names), &m, bad, sizeof(bad)) &&
	       !strcmp(bad, "frob"), "names: the unknown one is named", "'%s'", bad);
	result(!rm_parse_names("in,", rstmon_dir_names, RSTMON_NAMES_N(rstmon_dir_names), &m, bad,
			       sizeof(bad)) &&
	       !rm_parse_names(",in", rstmon_dir_names, RSTMON_NAMES_N(rstmon_dir_names), &m, bad,
			       sizeof(bad)) &&
	       !rm_parse_names("", rstmon_dir_names, RSTMON_NAMES_N(rstmon_dir_names), &m, bad,
			       sizeof(bad)) &&
	       !rm_parse_names("IN", rstmon_dir_names, RSTMON_NAMES_N(rstmon_dir_names), &m, bad,
			       sizeof(bad)) &&
	       !rm_parse_names("inn", rstmon_dir_names, RSTMON_NAMES_N(rstmon_dir_names), &m, bad,
			       sizeof(bad)) &&
	       !rm_parse_names("i", rstmon_dir_names, RSTMON_NAMES_N(rstmon_dir_names), &m, bad,
			       sizeof(bad)),
	       "names: empty, case and partial names refused", NULL);
	rm_name_list(list, sizeof(list), rstmon_sender_names, RSTMON_NAMES_N(rstmon_sender_names));
	expect_str("names: the senders listed", list, "unknown, local, firewall, peer, middlebox");
}

/* The filters as parsed: rm_parse_args() into rm_event_match(). */
static bool line_matches(const char *line, const struct rm_event *ev)
{
	char buf[512], err[256], *argv[40];
	struct rm_opts o;
	int argc = split(line, buf, sizeof(buf), argv, 40);

	if (rm_parse_args(argc, argv, &o, err, sizeof(err))) {
		printf("# %s: %s\n", line, err);
		return false;
	}
	return rm_event_match(&o, ev);
}

static void test_event_filters(void)
{
	static const struct {
		const char *line;
		bool want;
	} cases[] = {
		/* event_attr(): 10.1.0.2:8004 -> 10.1.0.1:40312, out, local, linger-abort */
		{ "events", true },
		{ "events --src 10.1.0.2", true }, { "events --src 10.1.0.1", false },
		{ "events --src 10.1.0.0/24", true }, { "events --src 10.2.0.0/16", false },
		{ "events --dst 10.1.0.1", true }, { "events --dst 10.1.0.2", false },
		{ "events --dst=10.0.0.0/8", true }, { "events --src fd00:1::2", false },
		{ "events --src ::/0", false }, { "events --src 0.0.0.0/0", true },
		{ "events --sport 8004", true }, { "events --sport 40312", false },
		{ "events --dport 40312", true }, { "events --dport 8004", false },
		{ "events --port 8004", true }, { "events --port 40312", true },
		{ "events --port 80", false },
		{ "events --sender local", true }, { "events --sender peer", false },
		{ "events --sender peer,local", true },
		{ "events --dir out", true }, { "events --dir in,fwd", false },
		{ "events --cause linger-abort", true }, { "events --cause refused", false },
		{ "watch --cause refused,linger-abort", true },
		{ "why --cause idle-timeout --last 3", false },
		{ "events --since 2025-11-21T12:43:20Z", true },
		{ "events --since 2025-11-21T12:43:20.123456789Z", true },
		{ "events --since 2025-11-21T12:43:20.12345679Z", false },
		{ "events --since 2025-11-21T13:43:21+01:00", false },
		{ "events --until 2025-11-21T12:43:21Z", true },
		{ "events --until 2025-11-21T12:43:20Z", false },
		{ "events --since 2025-11-21T00:00:00Z --until 2025-11-22T00:00:00Z", true },
		{ "events --since @1763729000 --until @1763729001", true },
		{ "events --since 10m", false },
		{ "events --until 10m", true },
		{ "events --src 10.1.0.0/16 --dst 10.1.0.1 --sport 8004 --dport 40312 --port 8004 --sender local --dir out --cause linger-abort --since 2025-01-01 --until 1h --cgroup /system.slice", true },
		{ "events --src 10.1.0.0/16 --dst 10.1.0.1 --sport 8004 --dport 40312 --sender local --dir in", false },
		{ "events --src 10.1.0.2 --cgroup /user.slice", false },
	};
	struct rm_event ev;
	unsigned int i;
	char name[300];

	event_attr(&ev);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "filter: '%s' %s", cases[i].line,
			 cases[i].want ? "matches" : "does not match");
		result(line_matches(cases[i].line, &ev) == cases[i].want, name, NULL);
	}
	/* IPv6, forwarded. */
	event_attr(&ev);
	ev.family = AF_INET6;
	v6(ev.src, "fd00:1::2");
	v6(ev.dst, "fd00:2::1");
	ev.dir = RSTMON_DIR_FWD;
	ev.sender = RSTMON_SENDER_MIDDLEBOX;
	ev.lport = ev.listen_port = 0;
	result(line_matches("events --src fd00:1::/64 --dst fd00:2::1/128 --dir fwd --sender middlebox", &ev),
	       "filter: IPv6 prefixes, forwarded by a middlebox", NULL);
	result(!line_matches("events --src fd00:2::/64", &ev) &&
	       !line_matches("events --src 10.1.0.2", &ev),
	       "filter: IPv6: another prefix, another family", NULL);
	/* A server's RST seen from the client: --port of the server's port finds it coming in. */
	event_attr(&ev);
	ev.dir = RSTMON_DIR_IN;
	ev.sender = RSTMON_SENDER_PEER;
	v4(ev.src, "10.1.0.2");
	v4(ev.dst, "10.1.0.1");
	ev.sport = 5432;
	ev.dport = 40000;
	ev.lport = 40000;
	ev.listen_port = 0;
	result(line_matches("why --port 5432", &ev),
	       "filter: why --port of the remote server's port, on the client", NULL);
}

static void test_conn_filters(void)
{
	static const struct {
		const char *line;
		bool want;
	} cases[] = {
		/* 10.1.0.1:40312 (client) -> 10.1.0.2:8004 (server), established, in */
		{ "conns", true },
		{ "conns --src 10.1.0.1", true }, { "conns --src 10.1.0.2", false },
		{ "conns --dst 10.1.0.2", true }, { "conns --dst 10.1.0.0/24", true },
		{ "conns --dst 10.1.0.1", false }, { "conns --src 10.0.0.0/8 --dst 10.1.0.2/32", true },
		{ "conns --sport 40312", true }, { "conns --sport 8004", false },
		{ "conns --dport 8004", true }, { "conns --dport 40312", false },
		{ "conns --port 8004", true }, { "conns --port 40312", true }, { "conns --port 1", false },
		{ "conns --addr 10.1.0.1", true }, { "conns --addr 10.1.0.2", true },
		{ "conns --addr 10.1.0.3", false }, { "conns --addr fd00::1", false },
		{ "conns --state established", true }, { "conns --state closed", false },
		{ "conns --dir in", true }, { "conns --dir out", false }, { "conns --dir out,in", true },
		{ "conns --src fd00::/8", false },
	};
	struct rm_conn c;
	unsigned int i;
	char name[200];

	memset(&c, 0, sizeof(c));
	c.family = AF_INET;
	c.state = RSTMON_ST_ESTABLISHED;
	c.dir = RSTMON_DIR_IN;
	v4(c.client.addr, "10.1.0.1");
	c.client.port = 40312;
	v4(c.server.addr, "10.1.0.2");
	c.server.port = 8004;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[256], err[256], *argv[24];
		struct rm_opts o;
		int argc = split(cases[i].line, buf, sizeof(buf), argv, 24);
		bool ok = !rm_parse_args(argc, argv, &o, err, sizeof(err)) &&
			  rm_conn_match(&o, &c) == cases[i].want;

		snprintf(name, sizeof(name), "conn filter: '%s' %s", cases[i].line,
			 cases[i].want ? "matches" : "does not match");
		result(ok, name, "%s", err);
	}
	c.dir = RM_DIR_UNKNOWN;
	{
		char buf[64], err[256], *argv[8];
		struct rm_opts o;
		int argc = split("conns --dir in", buf, sizeof(buf), argv, 8);

		result(!rm_parse_args(argc, argv, &o, err, sizeof(err)) && !rm_conn_match(&o, &c) &&
		       o.has_dir && o.filter_dir == RSTMON_DIR_IN,
		       "conn filter: --dir: a connection of unknown direction does not match", NULL);
		argc = split("conns --dir in,out", buf, sizeof(buf), argv, 8);
		result(!rm_parse_args(argc, argv, &o, err, sizeof(err)) && !o.has_dir &&
		       o.filter_dirs == ((1U << RSTMON_DIR_IN) | (1U << RSTMON_DIR_OUT)),
		       "conn filter: --dir in,out: no kernel filter, both bits", NULL);
	}
}

/* Parsed filter values; usage errors of the new options. */
static void test_parse_new_filters(void)
{
	static const char *const bad[] = {
		"events --src", "events --src 10.1.0.0/33", "events --dst foo", "events --sport 0",
		"events --dport 65536", "events --sport x", "events --sender", "events --sender nobody",
		"events --sender Peer", "events --dir up", "events --cause refused,", "events --since",
		"events --since 10", "events --since tomorrow", "events --until 2026-02-30",
		"events --since 1h --until 2h", "conns --sender peer", "conns --cause refused",
		"conns --since 1h", "conns --until 1h", "conns --cgroup /", "status --src 10.1.0.1",
		"metrics --since 1h", "cgroups --sport 1", "reset-stats --dir in",
		"events --last 3", "watch --from 3", "why --from 3", "config get --cause refused",
	};
	char buf[256], err[256], name[200], *argv[24];
	struct rm_opts o;
	unsigned int i;
	int argc;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		argc = split(bad[i], buf, sizeof(buf), argv, 24);
		snprintf(name, sizeof(name), "parse: '%s' -> usage error (2)", bad[i]);
		result(rm_parse_args(argc, argv, &o, err, sizeof(err)) == RM_EXIT_USAGE && err[0] &&
		       !strchr(err, '\n'), name, "%s", err);
	}
	argc = split("why --src 10.0.0.0/8 --dst=fd00::1 --sport 1 --dport=2 --sender peer,firewall --dir fwd --cause refused --since @5 --until @7",
		     buf, sizeof(buf), argv, 24);
	result(!rm_parse_args(argc, argv, &o, err, sizeof(err)) && o.cmd == RM_CMD_WHY &&
	       o.filter_src.family == AF_INET && o.filter_src.len == 8 &&
	       o.filter_dst.family == AF_INET6 && o.filter_dst.len == 128 &&
	       o.filter_sport == 1 && o.filter_dport == 2 &&
	       o.filter_senders == ((1U << RSTMON_SENDER_PEER) | (1U << RSTMON_SENDER_FIREWALL)) &&
	       o.filter_dirs == 1U << RSTMON_DIR_FWD && o.has_dir && o.filter_dir == RSTMON_DIR_FWD &&
	       o.filter_causes == 1U << RSTMON_CAUSE_REFUSED && o.has_since &&
	       o.since_ns == 5 * 1000000000ULL && o.has_until && o.until_ns == 7 * 1000000000ULL,
	       "parse: every filter of why at once", "%s", err);
	argc = split("events --since 1h --until now", buf, sizeof(buf), argv, 24);
	{
		struct timespec ts;
		uint64_t now;

		clock_gettime(CLOCK_REALTIME, &ts);
		now = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
		result(!rm_parse_args(argc, argv, &o, err, sizeof(err)) &&
		       o.until_ns - o.since_ns == 3600 * 1000000000ULL &&
		       o.until_ns <= now + 1000000000ULL && o.until_ns + 60 * 1000000000ULL >= now,
		       "parse: --since 1h --until now: an hour, ending now", "%s", err);
	}
	argc = split("reset", buf, sizeof(buf), argv, 24);
	result(!rm_parse_args(argc, argv, &o, err, sizeof(err)) && o.cmd == RM_CMD_RESET_STATS &&
	       o.notice && strstr(o.notice, "reset-stats"),
	       "parse: 'reset' is reset-stats, with a notice", NULL);
	argc = split("reset-stats", buf, sizeof(buf), argv, 24);
	result(!rm_parse_args(argc, argv, &o, err, sizeof(err)) && !o.notice,
	       "parse: 'reset-stats' without a notice", NULL);
	argc = split("--frob events", buf, sizeof(buf), argv, 24);
	result(rm_parse_args(argc, argv, &o, err, sizeof(err)) == RM_EXIT_USAGE &&
	       o.cmd == RM_CMD_EVENTS && !strcmp(err, "unknown option '--frob'"),
	       "parse: an unknown option before the command: the command's usage", "%d '%s'", o.cmd,
	       err);
}

/* A why paragraph: its time first; the silence always. */
static void test_why_time(void)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL, *s;
	struct rm_event ev;
	regex_t re;

	setenv("TZ", "CET-1", 1);
	tzset();
	event_attr(&ev);
	ev.idle_ms = 1500;
	CAPTURE(s, rm_print_why_text(f, &ev, NULL));
	result(!strncmp(s, "2025-11-21T13:43:20.123456+01:00 Event 2: the RST from", 54),
	       "why: the paragraph starts with its time, ISO 8601 with the zone", "%s", s);
	result(strstr(s, "the sender was silent for 1.500 s before the RST") != NULL,
	       "why: the silence shown for a linger-abort too", "%s", s);
	free(s);
	ev.segs_sender = 0;
	CAPTURE(s, rm_print_why_text(f, &ev, NULL));
	result(strstr(s, "the sender was silent for 1.500 s before the RST (it had sent nothing since the connection was first seen)") != NULL,
	       "why: the silence of a sender that sent nothing", "%s", s);
	free(s);
	ev.state = RM_ST_UNTRACKED;
	CAPTURE(s, rm_print_why_text(f, &ev, NULL));
	result(strstr(s, "the silence before the RST is not known (the connection was not tracked)") != NULL,
	       "why: an untracked connection's silence is not known", "%s", s);
	free(s);
	CAPTURE(s, rm_print_why_json(f, &ev, NULL));
	result(!strncmp(s, "{\"id\":2,\"time\":\"2025-11-21T13:43:20.123456+01:00\",\"time_us\":1763729000123456,", 65) &&
	       strchr(s, '\n') == s + strlen(s) - 1,
	       "why -j: time ISO 8601 (local) and time_us; one line", "%s", s);
	free(s);
	regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}[+-][0-9]{2}:[0-9]{2} Event ",
		REG_EXTENDED | REG_NOSUB);
	setenv("TZ", "UTC0", 1);
	tzset();
	CAPTURE(s, rm_print_why_text(f, &ev, NULL));
	result(!regexec(&re, s, 0, NULL, 0) && !strncmp(s, "2025-11-21T12:43:20.123456+00:00 ", 33),
	       "why: the time in UTC, +00:00", "%s", s);
	free(s);
	regfree(&re);
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
}

/* The binary: a usage error is its reason and one usage line. */
static void test_binary_usage(const char *bin)
{
	static const struct {
		const char *args, *line1, *line2;
		int rc;
	} cases[] = {
		{ "events --prot 5432", "rstmonctl: unknown option '--prot'",
		  "usage: rstmonctl [-j] [-n NAME] events [--from ID] [FILTER]...", 2 },
		{ "--frob why", "rstmonctl: unknown option '--frob'",
		  "usage: rstmonctl [-j] [-n NAME] why [FILTER]... [--last N]", 2 },
		{ "bogus", "rstmonctl: unknown command 'bogus'",
		  "usage: rstmonctl [-j|--json] [-n|--netns NAME|PID|PATH | -A] COMMAND [ARGS]", 2 },
		{ "events --since 5x", "rstmonctl: invalid --since '5x': a time such as 30s, 10m, 2h, 1d (that long ago), 2026-12-07T01:02:03Z, 2026-12-07T02:02:03+01:00 or 2026-12-07",
		  "usage: rstmonctl [-j] [-n NAME] events [--from ID] [FILTER]...", 2 },
		{ "watch --until 2026-02-30", "rstmonctl: invalid --until '2026-02-30': a time such as 30s, 10m, 2h, 1d (that long ago), 2026-12-07T01:02:03Z, 2026-12-07T02:02:03+01:00 or 2026-12-07",
		  "usage: rstmonctl [-j] [-n NAME] watch [FILTER]... [--journal [--rate N]]", 2 },
		{ "events --since 1h --until 2h", "rstmonctl: --since '1h' is after --until '2h'",
		  "usage: rstmonctl [-j] [-n NAME] events [--from ID] [FILTER]...", 2 },
		{ "watch --sender nobody", "rstmonctl: invalid sender 'nobody' (unknown, local, firewall, peer, middlebox)",
		  "usage: rstmonctl [-j] [-n NAME] watch [FILTER]... [--journal [--rate N]]", 2 },
		{ "why --dir in,up", "rstmonctl: invalid direction 'up' (in, out, fwd)",
		  "usage: rstmonctl [-j] [-n NAME] why [FILTER]... [--last N]", 2 },
		{ "events --cause frob", "rstmonctl: invalid cause 'frob' (unknown, refused, no-connection, data-after-close, unread-data, linger-abort, app-abort, accept-overflow, time-wait, bad-segment, memory, timeout, idle-timeout, abandoned, injected, nat-invalid)",
		  "usage: rstmonctl [-j] [-n NAME] events [--from ID] [FILTER]...", 2 },
		{ "events --src 10.0.0.0/40", "rstmonctl: invalid --src '10.0.0.0/40': an IPv4 or IPv6 address, with /PREFIX or without",
		  "usage: rstmonctl [-j] [-n NAME] events [--from ID] [FILTER]...", 2 },
		{ "conns --sender peer", "rstmonctl: --sender is an option of events, watch and why only",
		  "usage: rstmonctl [-j] [-n NAME] conns [FILTER]...", 2 },
		{ "config set frob 1", "rstmonctl: unknown setting 'frob' (settable: idle-threshold, event-ring, ipv4, ipv6, notify-rate)",
		  "usage: rstmonctl [-n NAME] config set KEY VALUE [KEY VALUE]...", 2 },
		{ "reset --help", "usage: rstmonctl [-n NAME] reset-stats", NULL, 0 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[512], name[300], want[1024], got[4096] = "";
		FILE *p;
		size_t n;
		int st;

		snprintf(cmd, sizeof(cmd), "%s %s 2>&1 %s", bin, cases[i].args,
			 cases[i].rc ? "" : "| head -n 1");
		p = popen(cmd, "r");
		n = p ? fread(got, 1, sizeof(got) - 1, p) : 0;
		got[n] = '\0';
		st = p ? pclose(p) : -1;
		snprintf(want, sizeof(want), "%s\n%s%s", cases[i].line1,
			 cases[i].line2 ? cases[i].line2 : "", cases[i].line2 ? "\n" : "");
		snprintf(name, sizeof(name), "binary: 'rstmonctl %s': %s", cases[i].args,
			 cases[i].rc ? "the reason and one usage line, exit 2" : "no notice with --help");
		result(!strcmp(got, want) && (!cases[i].rc || (WIFEXITED(st) && WEXITSTATUS(st) == 2)),
		       name, "exit %d, got:\n%s#   want:\n%s", WIFEXITED(st) ? WEXITSTATUS(st) : -1,
		       got, want);
	}
	/* The deprecated name: a notice on stderr; the unknown namespace fails after it. */
	{
		char cmd[512], got[1024] = "";
		FILE *p;
		size_t n;

		snprintf(cmd, sizeof(cmd), "%s -n rstmonctl-test-no-such-ns reset 2>&1 >/dev/null", bin);
		p = popen(cmd, "r");
		n = p ? fread(got, 1, sizeof(got) - 1, p) : 0;
		got[n] = '\0';
		if (p)
			pclose(p);
		static const char want[] = "rstmonctl: 'reset' is deprecated: its name is now 'reset-stats'\n";

		result(!strncmp(got, want, strlen(want)),
		       "binary: 'rstmonctl reset' says it is deprecated, on stderr", "%s", got);
	}
}

/* watch --journal: the fields of an event, its priority, the limiter. */
static void test_journal(void)
{
	static const char *const want4[] = {
		"MESSAGE=RST out 10.1.0.2:8004 -> 10.1.0.1:40312: linger-abort by local (certain)",
		"PRIORITY=6",
		"MESSAGE_ID=25fc3e46eb5e407fb68b424f954fa210",
		"SYSLOG_IDENTIFIER=rstmon",
		"RSTMON_EVENT_ID=2",
		"RSTMON_TIME_US=1763729000123456",
		"RSTMON_CAUSE=linger-abort",
		"RSTMON_SENDER=local",
		"RSTMON_DIR=out",
		"RSTMON_CONFIDENCE=certain",
		"RSTMON_SRC=10.1.0.2",
		"RSTMON_SRC_PORT=8004",
		"RSTMON_DST=10.1.0.1",
		"RSTMON_DST_PORT=40312",
		"RSTMON_NETNS=4026531840",
		"RSTMON_STATE=established",
		"RSTMON_EVIDENCE=ack,tracked,socket",
	};
	struct rm_journal_fields f;
	struct rm_ratelimit rl = { 0 };
	struct rm_event ev;
	uint64_t k, sup = 0, passed = 0;
	unsigned int i, n;
	bool same;

	event_v4(&ev);
	n = rm_journal_fields(&ev, 4026531840U, &f);
	same = n == sizeof(want4) / sizeof(want4[0]);
	for (i = 0; same && i < n; i++)
		same = !strcmp(f.s[i], want4[i]);
	result(same, "journal: the fields of an IPv4 event", "%u fields, first differing: %s", n,
	       i && i <= n ? f.s[i - 1] : "-");

	event_v6(&ev);
	ev.sender = RSTMON_SENDER_MIDDLEBOX;
	ev.evidence = 0;
	n = rm_journal_fields(&ev, 7, &f);
	same = n > 16 && !strncmp(f.s[10], "RSTMON_SRC=", 11) && !strchr(f.s[10], '[') &&
	       !strcmp(f.s[1], "PRIORITY=4") && !strcmp(f.s[16], "RSTMON_EVIDENCE=none") &&
	       !strcmp(f.s[2], "MESSAGE_ID=0de1628ae6ef42ef84c64be42324616c");
	result(same, "journal: IPv6 without brackets, middlebox a warning, no evidence: none",
	       "%s %s %s", f.s[1], f.s[10], n > 16 ? f.s[16] : "-");
	ev.sender = RSTMON_SENDER_PEER;
	ev.cause = RSTMON_CAUSE_REFUSED;
	result(rm_journal_priority(&ev) == 5, "journal: peer is a notice", "%d",
	       rm_journal_priority(&ev));
	ev.cause = RSTMON_CAUSE_INJECTED;
	result(rm_journal_priority(&ev) == 4, "journal: injected is a warning", "%d",
	       rm_journal_priority(&ev));
	for (i = 0, same = true; i < __RSTMON_SENDER_MAX; i++) {
		unsigned int j;

		same = same && strlen(rm_journal_msgid(i)) == 32;
		for (j = 0; j < i; j++)
			same = same && strcmp(rm_journal_msgid(i), rm_journal_msgid(j));
	}
	result(same, "journal: one MESSAGE_ID of 128 bits per sender", "%s", "duplicate or bad");

	/* 250 events in 0.5 s at 100/s: 100 pass; the next second says 150. */
	for (i = 0; i < 250; i++) {
		passed += rm_ratelimit_allow(&rl, 1000000000ULL + i * 2000000ULL, 100, &k);
		sup += k;
	}
	result(passed == 100 && sup == 0, "journal: at most 100 a second pass", "%llu passed",
	       (unsigned long long)passed);
	result(rm_ratelimit_allow(&rl, 2000000000ULL, 100, &k) && k == 150,
	       "journal: the next second passes and tells 150 suppressed", "%llu",
	       (unsigned long long)k);
	for (i = 0, passed = 0; i < 5000; i++)
		passed += rm_ratelimit_allow(&rl, 3000000000ULL, 0, &k);
	result(passed == 5000, "journal: rate 0 is no limit", "%llu", (unsigned long long)passed);
}

/* Every key of a JSON line is jq's .key: [a-z_][a-z0-9_]* (no "-"). */
static bool snake_keys(const char *s, char *bad, size_t len)
{
	const char *p, *q;

	for (p = s; (p = strpbrk(p, "{,")); p++) {
		if (p[1] != '"')
			continue;
		q = strchr(p + 2, '"');
		if (!q || q[1] != ':')
			continue;	/* a string value, not a key */
		if (!strchr("abcdefghijklmnopqrstuvwxyz_", p[2]) ||
		    strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789_") != (size_t)(q - p - 2)) {
			snprintf(bad, len, "%.*s", (int)(q - p - 2), p + 2);
			return false;
		}
	}
	return true;
}

/* The JSON of every command: snake_case keys; times a double holds exactly. */
static void test_json_keys(void)
{
	struct rm_status st;
	struct rm_config c = { 300, 1024, 262144, 1000, true, true };
	struct rm_cgroup cg = { 1, false, "/a", 3 };
	struct rm_event ev;
	struct rm_conn cn;
	char bad[64] = "", *s;
	bool ok = true;
	int i;

	memset(&st, 0, sizeof(st));
	memset(&cn, 0, sizeof(cn));
	cn.family = AF_INET;
	event_v6(&ev);
	event_attr(&ev);
	for (i = 0; i < 7 && ok; i++) {
		switch (i) {
		case 0: CAPTURE(s, rm_print_event_json(f, &ev)); break;
		case 1: CAPTURE(s, rm_print_why_json(f, &ev, NULL)); break;
		case 2: CAPTURE(s, rm_print_stats_json(f, &st)); break;
		case 3: CAPTURE(s, rm_print_status_json(f, &st)); break;
		case 4: CAPTURE(s, rm_print_config_json(f, &c)); break;
		case 5: CAPTURE(s, rm_print_cgroup_json(f, &cg)); break;
		default: CAPTURE(s, rm_print_conn_json(f, &cn)); break;
		}
		ok = snake_keys(s, bad, sizeof(bad)) && strchr(s, '\n') == s + strlen(s) - 1;
		free(s);
	}
	result(ok, "json: every key snake_case, one object per line", "output %d: key '%s'",
	       i - 1, bad);
	/* The year 2200 in microseconds is below 2^53; in nanoseconds it is not. */
	ev.time_ns = 7258118400ULL * 1000000000ULL;
	CAPTURE(s, rm_print_event_json(f, &ev));
	result(strstr(s, "\"time_us\":7258118400000000,") && 7258118400000000ULL < (1ULL << 53) &&
	       !strstr(s, "time_ns"), "json: time_us of 2200 fits in 53 bits; no time_ns", "%s", s);
	free(s);
}
/* -A and the forms of -n: test_allns.c (its own file for easy merges). */
#include "test_allns.c"

/* The exposition with events, several namespaces, the fixture for promtool. */
#include "test-metrics.c"
/* metrics --listen -A: test-listenall.c. */
#include "test-listenall.c"
#include "test-accepted.c"

/* ------------------------------------------------------- idle timeouts */

/* idle_match, idle_match_s and alt_cause: parsed, printed, explained. */
static void test_idle(void)
{
	char buf[4096], *s;
	struct rm_event in, out;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	event_v4(&in);
	nlh = genl_msg(buf, RSTMON_CMD_GET_EVENTS);
	nest = mnl_attr_nest_start(nlh, RSTMON_A_EVENT);
	mnl_attr_put_u64(nlh, RSTMON_E_ID, in.id);
	mnl_attr_put_u8(nlh, RSTMON_E_FAMILY, in.family);
	put_addr(nlh, RSTMON_E_SRC, in.family, in.src);
	put_addr(nlh, RSTMON_E_DST, in.family, in.dst);
	mnl_attr_put_u8(nlh, RSTMON_E_CAUSE, RSTMON_CAUSE_NO_CONNECTION);
	mnl_attr_put_u8(nlh, RSTMON_E_SENDER, RSTMON_SENDER_PEER);
	mnl_attr_put_u32(nlh, RSTMON_E_EVIDENCE, RSTMON_EV_NEW_OWNER | RSTMON_EV_IDLE);
	mnl_attr_put_u8(nlh, RSTMON_E_IDLE_MATCH, RSTMON_IDLE_MATCH_THRESHOLD);
	mnl_attr_put_u32(nlh, RSTMON_E_IDLE_MATCH_S, 300);
	mnl_attr_put_u8(nlh, RSTMON_E_ALT_CAUSE, RSTMON_CAUSE_IDLE_TIMEOUT);
	mnl_attr_nest_end(nlh, nest);
	result(!rm_parse_event(event_nest(nlh), &out) &&
	       out.idle_match == RSTMON_IDLE_MATCH_THRESHOLD && out.idle_match_s == 300 &&
	       out.alt_cause == RSTMON_CAUSE_IDLE_TIMEOUT,
	       "idle: idle_match, idle_match_s, alt_cause parse", NULL);
	CAPTURE(s, rm_print_event_text(f, &out));
	result(strstr(s, " idle_match=threshold idle_match_s=300 alt_cause=idle-timeout evidence=idle,new-owner\n") != NULL,
	       "idle: text line names the match and the other candidate", "%s", s);
	free(s);
	CAPTURE(s, rm_print_event_json(f, &out));
	result(strstr(s, "\"idle_match\":\"threshold\",\"idle_match_s\":300,\"alt_cause\":\"idle-timeout\",") != NULL,
	       "idle: JSON keys in snake_case", "%s", s);
	free(s);
	expect_why("idle: why names the new owner, the other candidate, the failover advice", &out,
		   NULL, "the address has a new owner", "The evidence also fits idle-timeout",
		   "the client must reconnect", "VRRP/keepalived logs", "below 300 s", NULL);

	/* Azure's 240 s from a middlebox: the keepalive interval to stay under. */
	out.cause = RSTMON_CAUSE_IDLE_TIMEOUT;
	out.sender = RSTMON_SENDER_MIDDLEBOX;
	out.alt_cause = 0;
	out.evidence = RSTMON_EV_ACK | RSTMON_EV_TRACKED;
	out.idle_match = RSTMON_IDLE_MATCH_AZURE_LB_240;
	out.idle_match_s = 240;
	out.idle_ms = 245000;
	expect_why("idle: why names Azure's timeout and the keepalive below it", &out, NULL,
		   "matches Azure Load Balancer's default idle timeout of 240 s",
		   "keepalive interval (net.ipv4.tcp_keepalive_time, TCP_KEEPIDLE, or application pings) below 240 s",
		   NULL);
	CAPTURE(s, rm_print_why_json(f, &out, NULL));
	result(strstr(s, "below 240 s") && !strstr(s, "reconnect"),
	       "idle: why -j's advice has it too, no failover advice", "%s", s);
	free(s);
	/* Nothing matched: the line and the JSON are as before. */
	event_v4(&out);
	CAPTURE(s, rm_print_event_text(f, &out));
	result(!strstr(s, "idle_match"), "idle: no match, no keys", "%s", s);
	free(s);
}

int main(int argc, char **argv)
{
	/* The JSON's "time" is local: the expected strings are UTC's. */
	setenv("TZ", "UTC0", 1);
	tzset();
	test_parse();
	if (argc > 1)
		test_binary(argv[1]);
	test_event_format();
	test_conn_format();
	test_json_escape();
	test_status_format();
	test_metrics();
	test_nl_event();
	test_nl_conn();
	test_nl_status();
	test_nl_requests();
	test_names();
	test_parse_filters();
	test_attr_format();
	test_nl_attr();
	test_filters();
	test_cgroup_metrics();
	test_cgroup_find();
	test_why();
	test_prefixes();
	test_times();
	test_name_lists();
	test_event_filters();
	test_conn_filters();
	test_parse_new_filters();
	test_why_time();
	test_prom();
	if (argc > 1)
		test_binary_usage(argv[1]);
	if (argc > 1)
		test_netns_arg_errors(argv[1]);
	test_nl_extack();
	test_family_gone();
	test_errors();
	test_journal();
	test_json_keys();
	test_allns();
	test_listenall();
	test_accepted();
	test_idle();
	printf("# %d tests, %d failed\n", total, failed);
	return failed ? 1 : 0;
}
