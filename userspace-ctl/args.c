// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl: the command line.
 *
 *   rstmonctl [-j] [-n NAME] COMMAND [ARGS]
 *
 * Options may come before or after the command; "--" ends them.
 */
#include <errno.h>
#include <stdarg.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rstmonctl.h"

#define MAX_POS 16

#define FILTER_HELP \
		"  --src ADDR[/PREFIX]  the RST's source address is in ADDR/PREFIX\n" \
		"  --dst ADDR[/PREFIX]  its destination address\n" \
		"  --sport PORT   its source port (1..65535)\n" \
		"  --dport PORT   its destination port\n" \
		"  --port PORT    either port (or the local or listening port of the\n" \
		"                 socket it hit)\n" \
		"  --sender NAME  who sent it: unknown, local, firewall, peer, middlebox\n" \
		"  --dir DIR      how it went: in, out, fwd\n" \
		"  --cause CAUSE  its cause (rstmonctl advice lists them)\n" \
		"  --since TIME   logged at TIME or later: 30s, 10m, 2h, 1d (that long\n" \
		"                 ago), 2026-12-07T01:02:03Z, 2026-12-07T02:02+01:00,\n" \
		"                 2026-12-07 (local midnight; no zone: local time)\n" \
		"  --until TIME   logged at TIME or earlier\n" \
		"  --cgroup PATH  the local socket's cgroup is PATH or below it\n" \
		"--sender, --dir and --cause take a comma-separated list (any of them).\n"

static const char *const usages[] = {
	[RM_CMD_NONE] =
		"usage: rstmonctl [-j|--json] [-n|--netns NAME|PID|PATH | -A] COMMAND [ARGS]\n"
		"       rstmonctl -h|--help | -V|--version\n"
		"       rstmonctl COMMAND --help\n"
		"\n"
		"commands:\n"
		"  status                        module version, namespace, table fill\n"
		"  stats [-a|--all]              counters and RSTs by cause and direction\n"
		"  events [--from ID] [FILTER]   the namespace's recent events\n"
		"  watch [FILTER] [--journal [--rate N]]\n"
		"                                print each new event as it happens (or send\n"
		"                                it to the systemd journal)\n"
		"  why [FILTER] [--last N]       the recent resets explained, with advice\n"
		"  config get                    the namespace's settings\n"
		"  config set KEY VALUE...       change them, all or none: idle-threshold N,\n"
		"                                event-ring N, ipv4 on|off, ipv6 on|off,\n"
		"                                notify-rate N\n"
		"  metrics [--top N] [--listen ADDR:PORT]\n"
		"                                counters in Prometheus text format; or\n"
		"                                serve them over HTTP, with senders\n"
		"  cgroups                       RSTs by cgroup\n"
		"  advice                        the advice table, as the documentation has it\n"
		"  conns [--addr ADDR] [--port PORT] [--state STATE] [--dir DIR]\n"
		"        [--src ADDR[/PREFIX]] [--dst ADDR[/PREFIX]] [--sport PORT] [--dport PORT]\n"
		"                                the tracked connections\n"
		"  reset-stats                   zero the namespace's counters\n"
		"  top [-i SECONDS]              live resets per second by sender and cause\n"
		"\n"
		"FILTER, all of which must match: --src/--dst ADDR[/PREFIX], --sport/--dport\n"
		"PORT, --port PORT (either end), --sender NAME, --dir DIR, --cause CAUSE,\n"
		"--since/--until TIME (10m, 2h, 1d ago; ISO 8601), --cgroup PATH\n"
		"\n"
		"options:\n"
		"  -j, --json          JSON output (read commands)\n"
		"  -o, --output table|line|json  events and watch: one table row per event\n"
		"                      (the default on a terminal), the line of\n"
		"                      /proc/net/rstmon (the default elsewhere), JSON;\n"
		"                      --table, --lines the same; -w, --wide: whole\n"
		"                      times and addresses in the table\n"
		"  -n, --netns NAME    act in network namespace NAME (/run/netns/NAME); a\n"
		"                      PID: that process's (/proc/PID/ns/net); a PATH\n"
		"                      (with a '/'): that namespace file\n"
		"  -A, --all-namespaces  events, watch, why, stats, metrics: every network\n"
		"                      namespace, labelled netns=, netns_name=, container=, pod=\n"
		"  -h, --help          this help\n"
		"  -V, --version       rstmonctl's version\n",
	[RM_CMD_STATUS] =
		"usage: rstmonctl [-j] [-n NAME] status\n"
		"Print the module version, the network namespace's inode number, the\n"
		"connection table's fill (this namespace, all, limit) and the number\n"
		"of events logged.  Needs CAP_NET_ADMIN.\n",
	[RM_CMD_STATS] =
		"usage: rstmonctl [-j] [-n NAME] stats [-a|--all]\n"
		"Print the counters of the namespace and its RSTs by cause and\n"
		"direction; causes without any RST are left out unless -a is given.\n"
		"Needs CAP_NET_ADMIN.\n",
	[RM_CMD_EVENTS] =
		"usage: rstmonctl [-j] [-n NAME] events [--from ID] [FILTER]...\n"
		"Print the namespace's recent events, oldest first, one per line: on a\n"
		"terminal a table (TIME DIR SENDER CAUSE CONF SRC -> DST STATE SILENCE;\n"
		"-w/--wide: ISO 8601 times, whole addresses), elsewhere as\n"
		"/proc/net/rstmon does; -o, --output table|line|json (--table, --lines,\n"
		"-j) chooses.  --from ID begins at event ID.  Filters, all of which must\n"
		"match:\n"
		FILTER_HELP
		"Needs CAP_NET_ADMIN.\n",
	[RM_CMD_WATCH] =
		"usage: rstmonctl [-j] [-n NAME] watch [FILTER]... [--journal [--rate N]]\n"
		"Print each new event of the namespace as it is logged, until\n"
		"interrupted (SIGINT, SIGTERM) or the module is unloaded (exit 0), in\n"
		"the format of events (a table on a terminal; -o, --table, --lines, -j,\n"
		"-w as there); the filters are those of events.\n"
		"  --journal      send each event to the systemd journal instead, with\n"
		"                 its fields (RSTMON_CAUSE, RSTMON_SENDER, ...)\n"
		"  --rate N       at most N events a second to the journal, then one\n"
		"                 \"suppressed K events\" entry (default 100; 0: no limit)\n"
		"A notification carries no cgroup path: rstmonctl looks the cgroup id\n"
		"up under the cgroup2 mount.  Filters, all of which must match:\n"
		FILTER_HELP
		"Needs CAP_NET_ADMIN.\n",
	[RM_CMD_WHY] =
		"usage: rstmonctl [-j] [-n NAME] why [FILTER]... [--last N]\n"
		"Explain the namespace's recent resets in plain words, one paragraph\n"
		"each, starting with its time (ISO 8601, local, with the zone): the\n"
		"connection, who reset it, why, how long the sender was silent, how\n"
		"sure, who was hit, and what to do about it (-j: one JSON object per\n"
		"line, the event's keys and its \"explanation\" and \"advice\").\n"
		"  --last N       the last N matching events (1..65536; default 10)\n"
		"Filters, all of which must match:\n"
		FILTER_HELP
		"Needs CAP_NET_ADMIN.\n",
	[RM_CMD_CGROUPS] =
		"usage: rstmonctl [-j] [-n NAME] cgroups\n"
		"Print the namespace's RSTs by the cgroup of the local socket they\n"
		"involved, one line per cgroup, then the other cgroups' sum.  Needs\n"
		"CAP_NET_ADMIN.\n",
	[RM_CMD_ADVICE] =
		"usage: rstmonctl advice\n"
		"Print the advice table of why, in the format of Documentation/rstmon.rst\n"
		"(\"What to do about each cause\").\n",
	[RM_CMD_CONFIG_GET] =
		"usage: rstmonctl [-j] [-n NAME] config get\n"
		"Print the settings of the network namespace, one key=value per line:\n"
		"idle-threshold, event-ring, ipv4, ipv6, notify-rate, and max-conns (the\n"
		"module's, for all namespaces).  Needs CAP_NET_ADMIN.\n",
	[RM_CMD_CONFIG_SET] =
		"usage: rstmonctl [-n NAME] config set KEY VALUE [KEY VALUE]...\n"
		"Change settings of the network namespace, in one request: the kernel\n"
		"applies all of them, or none when it refuses one.  Each KEY at most once:\n"
		"  idle-threshold SECONDS  silence read as an idle timeout (1..604800;\n"
		"                          until set, the module parameter idle_threshold)\n"
		"  event-ring N            events kept (16..65536; the newest stay)\n"
		"  ipv4 on|off             track IPv4 (also 1|0)\n"
		"  ipv6 on|off             track IPv6 (also 1|0)\n"
		"  notify-rate N           event notifications per second (1..1000000)\n"
		"Needs CAP_NET_ADMIN.\n",
	[RM_CMD_METRICS] =
		"usage: rstmonctl [-n NAME] metrics [--top N] [--listen ADDR:PORT]\n"
		"Print the namespace's counters in the Prometheus text exposition\n"
		"format (for node_exporter's textfile collector), and its RSTs by cgroup:\n"
		"the N cgroups with the most (1..1000; default 10), then one \"other\".\n"
		"--listen: serve them on GET http://ADDR:PORT/metrics until SIGTERM or\n"
		"SIGINT (exit 0), read afresh on each scrape, with what only the event\n"
		"stream tells: rstmon_resets_total by dir, sender and cause, and the\n"
		"histogram rstmon_reset_silence_seconds (counted from the start).\n"
		"ADDR:PORT: 127.0.0.1:9466, [::1]:9466, :9466 (all addresses).\n"
		"-A: every network namespace, one sample each (netns, netns_name,\n"
		"container, pod labels), rescanned at each scrape; with --listen the\n"
		"HTTP socket stays in the starting namespace.\n"
		"Needs CAP_NET_ADMIN.\n",
	[RM_CMD_CONNS] =
		"usage: rstmonctl [-j] [-n NAME] conns [FILTER]...\n"
		"Print the namespace's tracked connections, one per line (-j: one JSON\n"
		"object per line).  FILTERs, all of which must match:\n"
		"  --addr ADDR    an IPv4 or IPv6 address at either end\n"
		"  --port PORT    a port (1..65535) at either end\n"
		"  --src ADDR[/PREFIX]  the client's address (it sent the SYN) is in it\n"
		"  --dst ADDR[/PREFIX]  the server's address is in it\n"
		"  --sport PORT   the client's port\n"
		"  --dport PORT   the server's port\n"
		"  --state STATE  syn-sent, syn-recv, established, fin-wait, closing\n"
		"                 or closed\n"
		"  --dir DIR      how its first segment was seen: in (opened by a remote\n"
		"                 client), out (opened by this host) or fwd (forwarded);\n"
		"                 a comma-separated list: any of them\n"
		"Needs CAP_NET_ADMIN.\n",
	[RM_CMD_RESET_STATS] =
		"usage: rstmonctl [-n NAME] reset-stats\n"
		"Zero the namespace's counters (those of stats, status and metrics);\n"
		"the events and the connection table stay.  \"reset\" is its old,\n"
		"deprecated name.  Needs CAP_NET_ADMIN.\n",
	[RM_CMD_TOP] =
		"usage: rstmonctl [-n NAME] top [-i|--interval SECONDS]\n"
		"A live view of the namespace's resets, redrawn every SECONDS (1..3600;\n"
		"default 2): resets per second in, out and forwarded, untracked\n"
		"connections and events dropped (the counters); resets by sender and\n"
		"cause, rate over the last interval and total since top started, the\n"
		"busiest first; the busiest local ports and peers.  q or Ctrl-C quits.\n"
		"When the output is not a terminal, one plain snapshot is printed per\n"
		"interval, followed by a blank line.  Needs CAP_NET_ADMIN.\n",
	[RM_CMD_CONFIG] =
		"usage: rstmonctl [-j] [-n NAME] config get\n"
		"       rstmonctl [-n NAME] config set KEY VALUE [KEY VALUE]...\n",
};

void rm_usage(FILE *f, enum rm_cmd cmd)
{
	if ((unsigned int)cmd >= sizeof(usages) / sizeof(usages[0]) || !usages[cmd])
		cmd = RM_CMD_NONE;
	fputs(usages[cmd], f);
}

void rm_usage_line(FILE *f, enum rm_cmd cmd)
{
	const char *u, *nl;

	if ((unsigned int)cmd >= sizeof(usages) / sizeof(usages[0]) || !usages[cmd])
		cmd = RM_CMD_NONE;
	u = usages[cmd];
	nl = strchr(u, '\n');
	fprintf(f, "%.*s\n", (int)(nl ? nl - u : (long)strlen(u)), u);
}

bool rm_parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	unsigned long long n;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n > max)
		return false;
	*v = n;
	return true;
}

__attribute__((format(printf, 3, 4)))
static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return RM_EXIT_USAGE;
}

static bool is_opt(const char *a, const char *s, const char *l)
{
	return (s && !strcmp(a, s)) || (l && !strcmp(a, l));
}

/* --long=VALUE: the value, or NULL when @a is not @l with "=". */
static const char *long_value(const char *a, const char *l)
{
	size_t n = strlen(l);

	return !strncmp(a, l, n) && a[n] == '=' ? a + n + 1 : NULL;
}

/* A count option's value @v (NULL: @def) into *@out, 1..@max. */
static int count(const char *opt, const char *v, uint32_t def, uint32_t max, uint32_t *out,
		 char *err, size_t errlen)
{
	uint64_t n = def;

	if (v && (!rm_parse_uint(v, max, &n) || !n))
		return bad(err, errlen, "invalid %s '%s': a number 1..%u", opt, v, max);
	*out = n;
	return 0;
}

/* -n NAME (of /run/netns), PID (all digits) or PATH (with a '/'). */
static bool valid_netns_name(const char *s)
{
	if (strchr(s, '/'))
		return strlen(s) < 4096;
	return *s && strlen(s) < 256 && strcmp(s, ".") && strcmp(s, "..");
}

/* ----------------------------------------------------------- filters */

bool rm_parse_prefix(const char *s, struct rm_prefix *p)
{
	char a[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	uint64_t len;

	memset(p, 0, sizeof(*p));
	if (!n || n >= sizeof(a))
		return false;
	memcpy(a, s, n);
	a[n] = '\0';
	if (inet_pton(AF_INET, a, p->addr) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, a, p->addr) == 1)
		p->family = AF_INET6;
	else
		return false;
	len = p->family == AF_INET ? 32 : 128;
	if (slash && !rm_parse_uint(slash + 1, len, &len)) {
		p->family = 0;
		return false;
	}
	p->len = len;
	return true;
}

bool rm_prefix_match(const struct rm_prefix *p, uint8_t family, const uint8_t *addr)
{
	unsigned int bytes = p->len / 8, bits = p->len % 8;

	if (p->family != family)
		return false;
	if (memcmp(p->addr, addr, bytes))
		return false;
	return !bits || !((p->addr[bytes] ^ addr[bytes]) & (uint8_t)(0xff00 >> bits));
}

/* Exactly @n decimal digits at *@p into *@v; *@p moves past them. */
static bool digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

/* Days from 1970-01-01 to @y-@m-@d (proleptic Gregorian; H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int64_t)era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* Up to 9 digits of a fraction of a second at *@p, as ns; at least one. */
static bool fraction(const char **p, uint64_t *ns)
{
	uint64_t scale = 100000000;
	const char *q = *p;

	*ns = 0;
	if (*q < '0' || *q > '9')
		return false;
	for (; *q >= '0' && *q <= '9'; q++) {
		if (!scale)
			return false;
		*ns += (uint64_t)(*q - '0') * scale;
		scale /= 10;
	}
	*p = q;
	return true;
}

/* ISO 8601 (see rm_parse_time()) into seconds and ns. */
static bool parse_iso(const char *p, int64_t *secs, uint64_t *ns)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, zh, zm = 0, sign = 0;

	*ns = 0;
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d))
		return false;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return false;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || h > 23 || mi > 59)
			return false;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &sec) || sec > 60)
				return false;
			if ((*p == '.' || *p == ',') && (p++, !fraction(&p, ns)))
				return false;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
			sign = 1;
			zh = 0;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (!digits(&p, 2, &zh) || zh > 23)
				return false;
			if (*p == ':' && (p++, !digits(&p, 2, &zm) || zm > 59))
				return false;
			else if (*p && (!digits(&p, 2, &zm) || zm > 59))
				return false;
		}
	}
	if (*p)
		return false;
	if (sign) {
		*secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
			sign * (zh * 3600 + zm * 60);
	} else {
		struct tm tm;
		time_t t;

		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = sec;
		tm.tm_isdst = -1;
		t = mktime(&tm);
		if (t == (time_t)-1)
			return false;
		*secs = t;
	}
	return *secs >= 0;
}

bool rm_parse_time(const char *s, uint64_t now_ns, uint64_t *out)
{
	const uint64_t max_secs = UINT64_MAX / 1000000000ULL - 1;
	uint64_t ago = 0, ns;
	const char *p = s;
	int64_t secs;

	if (!strcmp(s, "now")) {
		*out = now_ns;
		return true;
	}
	if (s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
	    s[2] <= '9' && s[3] >= '0' && s[3] <= '9' && s[4] == '-') {
		if (!parse_iso(s, &secs, &ns))
			return false;
		*out = (uint64_t)secs * 1000000000ULL + ns;
		return true;
	}
	if (*p == '@') {
		uint64_t v = 0;

		for (p++; *p >= '0' && *p <= '9'; p++) {
			v = v * 10 + (*p - '0');
			if (v > max_secs)
				return false;
		}
		if (p == s + 1)
			return false;
		ns = 0;
		if (*p == '.' && (p++, !fraction(&p, &ns)))
			return false;
		if (*p)
			return false;
		*out = v * 1000000000ULL + ns;
		return true;
	}
	/* Relative: [-]N UNIT [N UNIT]... */
	if (*p == '-')
		p++;
	if (!*p)
		return false;
	while (*p) {
		uint64_t v = 0, unit;

		if (*p < '0' || *p > '9')
			return false;
		for (; *p >= '0' && *p <= '9'; p++) {
			v = v * 10 + (*p - '0');
			if (v > max_secs)
				return false;
		}
		switch (*p++) {
		case 's':
			unit = 1;
			break;
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = 86400;
			break;
		case 'w':
			unit = 7 * 86400;
			break;
		default:
			return false;
		}
		if (v > (max_secs - ago) / unit)
			return false;
		ago += v * unit;
	}
	if (ago * 1000000000ULL > now_ns)
		return false;
	*out = now_ns - ago * 1000000000ULL;
	return true;
}

bool rm_parse_names(const char *s, const char *const *table, unsigned int n, uint32_t *mask,
		    char *bad, size_t badlen)
{
	const char *p = s;

	*mask = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		unsigned int i;

		for (i = 0; i < n; i++)
			if (table[i] && strlen(table[i]) == len && !strncmp(p, table[i], len))
				break;
		if (i == n || !len) {
			if (bad && badlen)
				snprintf(bad, badlen, "%.*s", (int)len, p);
			*mask = 0;
			return false;
		}
		*mask |= 1U << i;
		if (!p[len])
			return true;
		p += len + 1;
	}
}

void rm_name_list(char *buf, size_t len, const char *const *table, unsigned int n)
{
	size_t off = 0;
	unsigned int i;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < n; i++) {
		int w;

		if (!table[i] || off >= len)
			continue;
		w = snprintf(buf + off, len - off, "%s%s", off ? ", " : "", table[i]);
		if (w > 0)
			off += w;
	}
}

/* The keys of config set, indexed by &enum rm_setting. */
static const struct {
	const char *key;
	uint32_t min, max;	/* 0, 0: on|off|1|0 */
	const char *unit;
} settings[__RM_SET_MAX] = {
	[RM_SET_IDLE_THRESHOLD] = { "idle-threshold", 1, 604800, "seconds" },
	[RM_SET_EVENT_RING] = { "event-ring", 16, 65536, "events" },
	[RM_SET_IPV4] = { "ipv4", 0, 0, NULL },
	[RM_SET_IPV6] = { "ipv6", 0, 0, NULL },
	[RM_SET_NOTIFY_RATE] = { "notify-rate", 1, 1000000, "notifications per second" },
};

#define SETTABLE "idle-threshold, event-ring, ipv4, ipv6, notify-rate"

/* config set's KEY VALUE pairs, @pos[0..@n - 1], into @o. */
static int parse_settings(const char *const *pos, int n, struct rm_opts *o, char *err,
			  size_t errlen)
{
	int i;

	if (!n)
		return bad(err, errlen, "config set needs KEY VALUE pairs (keys: " SETTABLE ")");
	for (i = 0; i < n; i += 2) {
		const char *key = pos[i], *val = i + 1 < n ? pos[i + 1] : NULL;
		unsigned int k;
		uint64_t v;

		for (k = 0; k < __RM_SET_MAX; k++)
			if (!strcmp(key, settings[k].key))
				break;
		if (k == __RM_SET_MAX)
			return bad(err, errlen, "unknown setting '%s' (settable: " SETTABLE ")", key);
		if (o->set & (1U << k))
			return bad(err, errlen, "%s given twice", key);
		if (!settings[k].max) {
			if (!val)
				return bad(err, errlen, "%s needs a value: on or off", key);
			if (!strcmp(val, "on") || !strcmp(val, "1"))
				v = 1;
			else if (!strcmp(val, "off") || !strcmp(val, "0"))
				v = 0;
			else
				return bad(err, errlen, "invalid %s '%s': on, off, 1 or 0", key, val);
		} else {
			if (!val)
				return bad(err, errlen, "%s needs a value: %u..%u %s", key,
					   settings[k].min, settings[k].max, settings[k].unit);
			if (!rm_parse_uint(val, settings[k].max, &v) || v < settings[k].min)
				return bad(err, errlen, "invalid %s '%s': %u..%u %s", key, val,
					   settings[k].min, settings[k].max, settings[k].unit);
		}
		o->set |= 1U << k;
		switch (k) {
		case RM_SET_IDLE_THRESHOLD:
			o->cfg.idle_threshold = v;
			break;
		case RM_SET_EVENT_RING:
			o->cfg.event_ring = v;
			break;
		case RM_SET_IPV4:
			o->cfg.ipv4 = v;
			break;
		case RM_SET_IPV6:
			o->cfg.ipv6 = v;
			break;
		case RM_SET_NOTIFY_RATE:
			o->cfg.notify_rate = v;
			break;
		}
	}
	return 0;
}

/* The options with a value, in the order their errors are reported. */
enum value_opt {
	V_FROM, V_ADDR, V_STATE, V_PORT, V_SRC, V_DST, V_SPORT, V_DPORT, V_DIR, V_SENDER,
	V_CAUSE, V_SINCE, V_UNTIL, V_CGROUP, V_LAST, V_TOP, V_OUTPUT, V_INTERVAL, V_RATE, V_LISTEN,
	V_MAX
};

#define C(x) (1U << RM_CMD_##x)
#define EVENT_CMDS (C(EVENTS) | C(WATCH) | C(WHY))

static const struct {
	const char *name;
	unsigned int cmds;	/* the commands that take it: C(x) bits */
	const char *where;	/* their names, for the error */
} value_opts[V_MAX] = {
	[V_FROM] = { "--from", C(EVENTS), "events" },
	[V_ADDR] = { "--addr", C(CONNS), "conns" },
	[V_STATE] = { "--state", C(CONNS), "conns" },
	[V_PORT] = { "--port", EVENT_CMDS | C(CONNS), "conns, events, watch and why" },
	[V_SRC] = { "--src", EVENT_CMDS | C(CONNS), "conns, events, watch and why" },
	[V_DST] = { "--dst", EVENT_CMDS | C(CONNS), "conns, events, watch and why" },
	[V_SPORT] = { "--sport", EVENT_CMDS | C(CONNS), "conns, events, watch and why" },
	[V_DPORT] = { "--dport", EVENT_CMDS | C(CONNS), "conns, events, watch and why" },
	[V_DIR] = { "--dir", EVENT_CMDS | C(CONNS), "conns, events, watch and why" },
	[V_SENDER] = { "--sender", EVENT_CMDS, "events, watch and why" },
	[V_CAUSE] = { "--cause", EVENT_CMDS, "events, watch and why" },
	[V_SINCE] = { "--since", EVENT_CMDS, "events, watch and why" },
	[V_UNTIL] = { "--until", EVENT_CMDS, "events, watch and why" },
	[V_CGROUP] = { "--cgroup", EVENT_CMDS, "events, watch and why" },
	[V_LAST] = { "--last", C(WHY), "why" },
	[V_TOP] = { "--top", C(METRICS), "metrics" },
	[V_OUTPUT] = { "--output", C(EVENTS) | C(WATCH), "events and watch" },
	[V_INTERVAL] = { "--interval", C(TOP), "top" },
	[V_RATE] = { "--rate", C(WATCH), "watch --journal" },
	[V_LISTEN] = { "--listen", C(METRICS), "metrics" },
};

/* The command words, "reset" the deprecated name of reset-stats. */
static const struct {
	const char *word;
	enum rm_cmd cmd;
} commands[] = {
	{ "status", RM_CMD_STATUS }, { "stats", RM_CMD_STATS }, { "events", RM_CMD_EVENTS },
	{ "watch", RM_CMD_WATCH }, { "metrics", RM_CMD_METRICS }, { "conns", RM_CMD_CONNS },
	{ "reset-stats", RM_CMD_RESET_STATS }, { "reset", RM_CMD_RESET_STATS },
	{ "why", RM_CMD_WHY }, { "cgroups", RM_CMD_CGROUPS }, { "advice", RM_CMD_ADVICE },
	{ "config", RM_CMD_CONFIG }, { "top", RM_CMD_TOP },
};

static int port_value(const char *v, uint16_t *out, char *err, size_t errlen)
{
	uint64_t n;

	if (!rm_parse_uint(v, 65535, &n) || !n)
		return bad(err, errlen, "invalid port '%s': a number 1..65535", v);
	*out = n;
	return 0;
}

static int prefix_value(const char *opt, const char *v, struct rm_prefix *p, char *err,
			size_t errlen)
{
	if (!rm_parse_prefix(v, p))
		return bad(err, errlen, "invalid %s '%s': an IPv4 or IPv6 address, with /PREFIX or without",
			   opt, v);
	return 0;
}

/* --sender, --dir, --cause: names of @table into *@mask. */
static int names_value(const char *what, const char *v, const char *const *table,
		       unsigned int n, uint32_t *mask, char *err, size_t errlen)
{
	char list[512], one[64];

	if (rm_parse_names(v, table, n, mask, one, sizeof(one)))
		return 0;
	rm_name_list(list, sizeof(list), table, n);
	return bad(err, errlen, "invalid %s '%s' (%s)", what, one, list);
}

static int time_value(const char *opt, const char *v, uint64_t now, uint64_t *out, char *err,
		      size_t errlen)
{
	if (rm_parse_time(v, now, out))
		return 0;
	return bad(err, errlen, "invalid %s '%s': a time such as 30s, 10m, 2h, 1d (that long ago), 2026-12-07T01:02:03Z, 2026-12-07T02:02:03+01:00 or 2026-12-07",
		   opt, v);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int rm_parse_args(int argc, char *const argv[], struct rm_opts *o, char *err, size_t errlen)
{
	const char *pos[MAX_POS], *val[V_MAX] = { NULL };
	bool opts_done = false, all = false, journal = false;
	const char *view = NULL;	/* --table, --lines or -w: the first given */
	int npos = 0, i, first_err = 0;
	unsigned int k;

	memset(o, 0, sizeof(*o));
	if (errlen)
		err[0] = '\0';
	/*
	 * An error in the options is kept until the command is known: its
	 * usage line is the one to print.
	 */
#define OPT_ERR(...) do { if (!first_err) first_err = bad(err, errlen, __VA_ARGS__); } while (0)
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;

		if (opts_done || a[0] != '-' || !a[1]) {
			if (npos == MAX_POS)
				OPT_ERR("too many arguments");
			else
				pos[npos++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			opts_done = true;
			continue;
		}
		if (is_opt(a, "-h", "--help")) {
			o->help = true;
			continue;
		}
		if (is_opt(a, "-V", "--version")) {
			o->version = true;
			continue;
		}
		if (is_opt(a, "-j", "--json")) {
			o->json = true;
			continue;
		}
		if (is_opt(a, "-a", "--all")) {
			all = true;
			continue;
		}
		if (is_opt(a, "-A", "--all-namespaces")) {
			o->all_ns = true;
			continue;
		}
		if (is_opt(a, NULL, "--table") || is_opt(a, NULL, "--lines") ||
		    is_opt(a, "-w", "--wide")) {
			if (!strcmp(a, "--table") || !strcmp(a, "--lines"))
				val[V_OUTPUT] = a + 2;
			else
				o->wide = true;
			if (!view)
				view = a;
			continue;
		}
		if (!strcmp(a, "-o"))
			a = "--output";
		else if (!strcmp(a, "-i"))
			a = "--interval";
		if (!strcmp(a, "--journal")) {
			journal = true;
			continue;
		}
		if (is_opt(a, "-n", "--netns") || (v = long_value(a, "--netns"))) {
			if (!v) {
				if (i + 1 >= argc) {
					OPT_ERR("%s needs a namespace name", a);
					continue;
				}
				v = argv[++i];
			}
			if (!valid_netns_name(v))
				OPT_ERR("invalid namespace name '%s'", v);
			o->netns = v;
			continue;
		}
		for (k = 0; k < V_MAX; k++)
			if (!strcmp(a, value_opts[k].name) || (v = long_value(a, value_opts[k].name)))
				break;
		if (k == V_MAX) {
			OPT_ERR("unknown option '%s'", a);
			continue;
		}
		if (!v) {
			if (i + 1 >= argc) {
				OPT_ERR("%s needs a value", a);
				continue;
			}
			v = argv[++i];
		}
		val[k] = v;
	}
#undef OPT_ERR

	if (!npos) {
		if (o->help || o->version)
			return first_err;
		return first_err ? first_err : bad(err, errlen, "no command given");
	}
	for (k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (!strcmp(pos[0], commands[k].word))
			break;
	if (k == sizeof(commands) / sizeof(commands[0]))
		return first_err ? first_err : bad(err, errlen, "unknown command '%s'", pos[0]);
	o->cmd = commands[k].cmd;
	if (!strcmp(pos[0], "reset"))
		o->notice = "'reset' is deprecated: its name is now 'reset-stats'";
	if (o->cmd == RM_CMD_CONFIG) {
		if (npos >= 2 && !strcmp(pos[1], "get"))
			o->cmd = RM_CMD_CONFIG_GET;
		else if (npos >= 2 && !strcmp(pos[1], "set"))
			o->cmd = RM_CMD_CONFIG_SET;
		else if (npos >= 2)
			return first_err ? first_err :
			       bad(err, errlen, "unknown config command '%s'", pos[1]);
	}
	if (first_err)
		return first_err;
	if (o->help || o->version)
		return 0;

	switch (o->cmd) {
	case RM_CMD_CONFIG:
		return bad(err, errlen, "config needs get or set");
	case RM_CMD_CONFIG_GET:
		if (npos > 2)
			return bad(err, errlen, "unexpected argument '%s'", pos[2]);
		break;
	case RM_CMD_CONFIG_SET:
		if (parse_settings(pos + 2, npos - 2, o, err, errlen))
			return RM_EXIT_USAGE;
		break;
	default:
		if (npos > 1)
			return bad(err, errlen, "unexpected argument '%s'", pos[1]);
		break;
	}

	if (o->all_ns && o->netns)
		return bad(err, errlen, "-A/--all-namespaces and -n/--netns exclude each other");
	if (o->all_ns && o->cmd != RM_CMD_EVENTS && o->cmd != RM_CMD_WATCH &&
	    o->cmd != RM_CMD_WHY && o->cmd != RM_CMD_STATS && o->cmd != RM_CMD_METRICS)
		return bad(err, errlen, "-A/--all-namespaces is an option of events, watch, why, stats and metrics only");
	if (all && o->cmd != RM_CMD_STATS)
		return bad(err, errlen, "-a/--all is an option of stats only");
	if (view && o->cmd != RM_CMD_EVENTS && o->cmd != RM_CMD_WATCH)
		return bad(err, errlen, "%s is an option of events and watch only", view);
	o->all = all;
	if (journal && o->cmd != RM_CMD_WATCH)
		return bad(err, errlen, "--journal is an option of watch only");
	if (journal && o->json)
		return bad(err, errlen, "-j/--json and --journal: one output only");
	if (val[V_RATE] && !journal)
		return bad(err, errlen, "--rate is an option of watch --journal only");
	o->journal = journal;
	if (o->all_ns && journal)
		return bad(err, errlen, "-A/--all-namespaces and --journal: watch one namespace to the journal");
	for (k = 0; k < V_MAX; k++)
		if (val[k] && !(value_opts[k].cmds & (1U << o->cmd)))
			return bad(err, errlen, "%s is an option of %s only", value_opts[k].name,
				   value_opts[k].where);

	if (val[V_OUTPUT]) {
		const char *v = val[V_OUTPUT];

		if (!strcmp(v, "table"))
			o->output = RM_OUT_TABLE;
		else if (!strcmp(v, "line") || !strcmp(v, "lines"))
			o->output = RM_OUT_LINE;
		else if (!strcmp(v, "json") && !o->json)
			o->json = true;
		else if (strcmp(v, "json"))
			return bad(err, errlen, "invalid output '%s': table, line or json", v);
		if (o->json && o->output)
			return bad(err, errlen, "-j/--json and the %s output: one of them",
				   o->output == RM_OUT_TABLE ? "table" : "line");
	}
	if (o->wide && o->json)
		return bad(err, errlen, "-w/--wide is an option of the table, not of JSON");
	if (count("--interval", val[V_INTERVAL], RM_TOP_INTERVAL_DEFAULT, 3600, &o->interval,
		  err, errlen))
		return RM_EXIT_USAGE;
	if (val[V_FROM] && !rm_parse_uint(val[V_FROM], UINT64_MAX, &o->from))
		return bad(err, errlen, "invalid event id '%s'", val[V_FROM]);
	if (val[V_CGROUP]) {
		const char *cgroup = val[V_CGROUP];
		size_t len = strlen(cgroup);

		while (len > 1 && cgroup[len - 1] == '/')
			len--;
		if (cgroup[0] != '/' || len >= sizeof(o->filter_cgroup))
			return bad(err, errlen, "invalid cgroup '%s': a path from the cgroup root, such as /system.slice",
				   cgroup);
		memcpy(o->filter_cgroup, cgroup, len);
		o->filter_cgroup[len] = '\0';
	}
	if (val[V_CAUSE] && names_value("cause", val[V_CAUSE], rstmon_cause_names,
					RSTMON_NAMES_N(rstmon_cause_names), &o->filter_causes,
					err, errlen))
		return RM_EXIT_USAGE;
	if (val[V_SENDER] && names_value("sender", val[V_SENDER], rstmon_sender_names,
					 RSTMON_NAMES_N(rstmon_sender_names), &o->filter_senders,
					 err, errlen))
		return RM_EXIT_USAGE;
	if (val[V_DIR]) {
		if (names_value("direction", val[V_DIR], rstmon_dir_names,
				RSTMON_NAMES_N(rstmon_dir_names), &o->filter_dirs, err, errlen))
			return RM_EXIT_USAGE;
		if (!(o->filter_dirs & (o->filter_dirs - 1))) {
			o->has_dir = true;
			o->filter_dir = __builtin_ctz(o->filter_dirs);
		}
	}
	if (count("--last", val[V_LAST], RM_WHY_LAST_DEFAULT, RM_WHY_LAST_MAX, &o->last, err,
		  errlen) ||
	    count("--top", val[V_TOP], RM_TOP_DEFAULT, RM_TOP_MAX, &o->top, err, errlen))
		return RM_EXIT_USAGE;
	o->rate = RM_RATE_DEFAULT;
	if (val[V_RATE]) {
		uint64_t rate;

		if (!rm_parse_uint(val[V_RATE], RM_RATE_MAX, &rate))
			return bad(err, errlen, "invalid --rate '%s': a number 0..%u",
				   val[V_RATE], RM_RATE_MAX);
		o->rate = rate;
	}
	if (val[V_LISTEN]) {
		struct sockaddr_storage ss;
		unsigned int len;

		if (!rm_parse_listen(val[V_LISTEN], &ss, &len))
			return bad(err, errlen, "invalid --listen '%s': ADDR:PORT, such as 127.0.0.1:9466, [::1]:9466 or :9466 (all addresses)",
				   val[V_LISTEN]);
		o->listen = val[V_LISTEN];
	}
	if (val[V_ADDR]) {
		if (inet_pton(AF_INET, val[V_ADDR], o->filter_addr) == 1)
			o->filter_family = AF_INET;
		else if (inet_pton(AF_INET6, val[V_ADDR], o->filter_addr) == 1)
			o->filter_family = AF_INET6;
		else
			return bad(err, errlen, "invalid address '%s': an IPv4 or IPv6 address",
				   val[V_ADDR]);
	}
	if ((val[V_PORT] && port_value(val[V_PORT], &o->filter_port, err, errlen)) ||
	    (val[V_SPORT] && port_value(val[V_SPORT], &o->filter_sport, err, errlen)) ||
	    (val[V_DPORT] && port_value(val[V_DPORT], &o->filter_dport, err, errlen)) ||
	    (val[V_SRC] && prefix_value("--src", val[V_SRC], &o->filter_src, err, errlen)) ||
	    (val[V_DST] && prefix_value("--dst", val[V_DST], &o->filter_dst, err, errlen)))
		return RM_EXIT_USAGE;
	if (val[V_SINCE] || val[V_UNTIL]) {
		uint64_t now = now_ns();

		if ((val[V_SINCE] && time_value("--since", val[V_SINCE], now, &o->since_ns, err,
						errlen)) ||
		    (val[V_UNTIL] && time_value("--until", val[V_UNTIL], now, &o->until_ns, err,
						errlen)))
			return RM_EXIT_USAGE;
		o->has_since = !!val[V_SINCE];
		o->has_until = !!val[V_UNTIL];
		if (o->has_since && o->has_until && o->since_ns > o->until_ns)
			return bad(err, errlen, "--since '%s' is after --until '%s'", val[V_SINCE],
				   val[V_UNTIL]);
	}
	if (val[V_STATE]) {
		int st = rm_state_from_name(val[V_STATE]);

		if (st < 0)
			return bad(err, errlen, "invalid state '%s' (syn-sent, syn-recv, established, fin-wait, closing, closed)",
				   val[V_STATE]);
		o->has_state = true;
		o->filter_state = st;
	}
	if (o->json && (o->cmd == RM_CMD_CONFIG_SET || o->cmd == RM_CMD_METRICS ||
			o->cmd == RM_CMD_RESET_STATS || o->cmd == RM_CMD_ADVICE ||
			o->cmd == RM_CMD_TOP))
		return bad(err, errlen, "-j/--json is not an option of %s",
			   o->cmd == RM_CMD_METRICS ? "metrics" :
			   o->cmd == RM_CMD_TOP ? "top" :
			   o->cmd == RM_CMD_RESET_STATS ? "reset-stats" :
			   o->cmd == RM_CMD_ADVICE ? "advice" : "config set");
	return 0;
}
