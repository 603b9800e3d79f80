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

#include "rstmonctl.h"

#define MAX_POS 16

#define FILTER_HELP \
		"  --cgroup PATH  the local socket's cgroup is PATH or below it\n" \
		"  --port PORT    the local or listening port (either port of a\n" \
		"                 forwarded connection) is PORT (1..65535)\n"

static const char *const usages[] = {
	[RM_CMD_NONE] =
		"usage: rstmonctl [-j|--json] [-n|--netns NAME] COMMAND [ARGS]\n"
		"       rstmonctl -h|--help\n"
		"       rstmonctl COMMAND --help\n"
		"\n"
		"commands:\n"
		"  status                        module version, namespace, table fill\n"
		"  stats [-a|--all]              counters and RSTs by cause and direction\n"
		"  events [--from ID] [FILTER]   the namespace's recent events\n"
		"  watch [FILTER]                print each new event as it happens\n"
		"  why [FILTER] [--cause CAUSE] [--last N]\n"
		"                                the recent resets explained, with advice\n"
		"  config get                    the namespace's settings\n"
		"  config set KEY VALUE...       change them, all or none: idle-threshold N,\n"
		"                                event-ring N, ipv4 on|off, ipv6 on|off,\n"
		"                                notify-rate N\n"
		"  metrics [--top N]             counters in Prometheus text format\n"
		"  cgroups                       RSTs by cgroup\n"
		"  advice                        the advice table, as the documentation has it\n"
		"  conns [--addr ADDR] [--port PORT] [--state STATE] [--dir DIR]\n"
		"                                the tracked connections\n"
		"  reset                         zero the namespace's counters\n"
		"\n"
		"FILTER: --cgroup PATH (that cgroup or below), --port PORT (local or\n"
		"listening port; either port of a forwarded connection)\n"
		"\n"
		"options:\n"
		"  -j, --json          JSON output (read commands)\n"
		"  -n, --netns NAME    act in network namespace NAME (/run/netns/NAME)\n"
		"  -h, --help          this help\n",
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
		"usage: rstmonctl [-j] [-n NAME] events [--from ID] [--cgroup PATH] [--port PORT]\n"
		"Print the namespace's recent events, oldest first, one per line, as\n"
		"/proc/net/rstmon does (-j: one JSON object per line).  --from ID\n"
		"begins at event ID.  Filters, all of which must match:\n"
		FILTER_HELP
		"Needs CAP_NET_ADMIN.\n",
	[RM_CMD_WATCH] =
		"usage: rstmonctl [-j] [-n NAME] watch [--cgroup PATH] [--port PORT]\n"
		"Print each new event of the namespace as it is logged, until\n"
		"interrupted (SIGINT, SIGTERM); the filters are those of events.  A\n"
		"notification carries no cgroup path: rstmonctl looks the cgroup id up\n"
		"under the cgroup2 mount.  Needs CAP_NET_ADMIN.\n",
	[RM_CMD_WHY] =
		"usage: rstmonctl [-j] [-n NAME] why [--cgroup PATH] [--port PORT] [--cause CAUSE]\n"
		"                                   [--last N]\n"
		"Explain the namespace's recent resets in plain words, one paragraph\n"
		"each: the connection, who reset it, why, how sure, who was hit, and\n"
		"what to do about it (-j: a JSON array of the events with their\n"
		"\"explanation\" and \"advice\").  Filters, all of which must match:\n"
		FILTER_HELP
		"  --cause CAUSE  the cause (rstmonctl advice lists them)\n"
		"  --last N       the last N matching events (1..65536; default 10)\n"
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
		"usage: rstmonctl [-n NAME] metrics [--top N]\n"
		"Print the namespace's counters in the Prometheus text exposition\n"
		"format (for node_exporter's textfile collector), and its RSTs by cgroup:\n"
		"the N cgroups with the most (1..1000; default 10), then one \"other\".\n"
		"Needs CAP_NET_ADMIN.\n",
	[RM_CMD_CONNS] =
		"usage: rstmonctl [-j] [-n NAME] conns [--addr ADDR] [--port PORT] [--state STATE]\n"
		"                                      [--dir DIR]\n"
		"Print the namespace's tracked connections, one per line (-j: one JSON\n"
		"object per line).  Filters, all of which must match:\n"
		"  --addr ADDR    an IPv4 or IPv6 address at either end\n"
		"  --port PORT    a port (1..65535) at either end\n"
		"  --state STATE  syn-sent, syn-recv, established, fin-wait, closing\n"
		"                 or closed\n"
		"  --dir DIR      how its first segment was seen: in (opened by a remote\n"
		"                 client), out (opened by this host) or fwd (forwarded)\n"
		"Needs CAP_NET_ADMIN.\n",
	[RM_CMD_RESET] =
		"usage: rstmonctl [-n NAME] reset\n"
		"Zero the namespace's counters (those of stats, status and metrics);\n"
		"the events and the connection table stay.  Needs CAP_NET_ADMIN.\n",
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

/* The commands that read events and take --cgroup and --port. */
static bool filtered(enum rm_cmd cmd)
{
	return cmd == RM_CMD_EVENTS || cmd == RM_CMD_WATCH || cmd == RM_CMD_WHY;
}

static bool valid_netns_name(const char *s)
{
	return *s && strlen(s) < 256 && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/*
 * An option with a value (conns --addr, --port, --state, --dir; --cgroup,
 * --cause, --last, --top; or the same with "=VALUE"): where its value goes, with *@v set to the "=VALUE" part
 * (NULL when the value is the next argument); NULL when @a is none.
 */
static const char **conns_filter(const char *a, const char **v, const char **addr,
				 const char **port, const char **state, const char **dir,
				 const char **const more[4])
{
	static const char *const names[] = { "--addr", "--port", "--state", "--dir",
					     "--cgroup", "--cause", "--last", "--top" };
	const char **dsts[] = { addr, port, state, dir, more[0], more[1], more[2], more[3] };
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(a, names[i]) || (*v = long_value(a, names[i])))
			return dsts[i];
	}
	return NULL;
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

int rm_parse_args(int argc, char *const argv[], struct rm_opts *o, char *err, size_t errlen)
{
	const char *pos[MAX_POS], *from = NULL, *v = NULL;
	const char *addr = NULL, *port = NULL, *state = NULL, *dir = NULL, **dst;
	const char *cgroup = NULL, *cause = NULL, *last = NULL, *top = NULL;
	const char **const more[4] = { &cgroup, &cause, &last, &top };
	bool opts_done = false, all = false;
	int npos = 0, i;
	uint64_t n;

	memset(o, 0, sizeof(*o));
	if (errlen)
		err[0] = '\0';
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		v = NULL;
		if (opts_done || a[0] != '-' || !a[1]) {
			if (npos == MAX_POS)
				return bad(err, errlen, "too many arguments");
			pos[npos++] = a;
		} else if (!strcmp(a, "--")) {
			opts_done = true;
		} else if (is_opt(a, "-h", "--help")) {
			o->help = true;
		} else if (is_opt(a, "-j", "--json")) {
			o->json = true;
		} else if (is_opt(a, "-a", "--all")) {
			all = true;
		} else if (is_opt(a, "-n", "--netns") || (v = long_value(a, "--netns"))) {
			if (a[1] != '-' || !strcmp(a, "--netns")) {
				if (i + 1 >= argc)
					return bad(err, errlen, "%s needs a namespace name", a);
				v = argv[++i];
			}
			if (!valid_netns_name(v))
				return bad(err, errlen, "invalid namespace name '%s'", v);
			o->netns = v;
		} else if (!strcmp(a, "--from") || (v = long_value(a, "--from"))) {
			if (!strcmp(a, "--from")) {
				if (i + 1 >= argc)
					return bad(err, errlen, "--from needs an event id");
				v = argv[++i];
			}
			from = v;
		} else if ((dst = conns_filter(a, &v, &addr, &port, &state, &dir, more))) {
			if (!v) {
				if (i + 1 >= argc)
					return bad(err, errlen, "%s needs a value", a);
				v = argv[++i];
			}
			*dst = v;
		} else {
			return bad(err, errlen, "unknown option '%s'", a);
		}
	}

	if (!npos) {
		if (o->help)
			return 0;
		return bad(err, errlen, "no command given");
	}
	if (!strcmp(pos[0], "status")) {
		o->cmd = RM_CMD_STATUS;
	} else if (!strcmp(pos[0], "stats")) {
		o->cmd = RM_CMD_STATS;
	} else if (!strcmp(pos[0], "events")) {
		o->cmd = RM_CMD_EVENTS;
	} else if (!strcmp(pos[0], "watch")) {
		o->cmd = RM_CMD_WATCH;
	} else if (!strcmp(pos[0], "metrics")) {
		o->cmd = RM_CMD_METRICS;
	} else if (!strcmp(pos[0], "conns")) {
		o->cmd = RM_CMD_CONNS;
	} else if (!strcmp(pos[0], "reset")) {
		o->cmd = RM_CMD_RESET;
	} else if (!strcmp(pos[0], "why")) {
		o->cmd = RM_CMD_WHY;
	} else if (!strcmp(pos[0], "cgroups")) {
		o->cmd = RM_CMD_CGROUPS;
	} else if (!strcmp(pos[0], "advice")) {
		o->cmd = RM_CMD_ADVICE;
	} else if (!strcmp(pos[0], "config")) {
		o->cmd = RM_CMD_CONFIG;
		if (npos >= 2 && !strcmp(pos[1], "get"))
			o->cmd = RM_CMD_CONFIG_GET;
		else if (npos >= 2 && !strcmp(pos[1], "set"))
			o->cmd = RM_CMD_CONFIG_SET;
		else if (npos >= 2)
			return bad(err, errlen, "unknown config command '%s'", pos[1]);
	} else {
		return bad(err, errlen, "unknown command '%s'", pos[0]);
	}
	if (o->help)
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

	if (all && o->cmd != RM_CMD_STATS)
		return bad(err, errlen, "-a/--all is an option of stats only");
	o->all = all;
	if (from) {
		if (o->cmd != RM_CMD_EVENTS)
			return bad(err, errlen, "--from is an option of events only");
		if (!rm_parse_uint(from, UINT64_MAX, &o->from))
			return bad(err, errlen, "invalid event id '%s'", from);
	}
	if ((addr || state || dir) && o->cmd != RM_CMD_CONNS)
		return bad(err, errlen, "--%s is an option of conns only",
			   addr ? "addr" : state ? "state" : "dir");
	if (port && o->cmd != RM_CMD_CONNS && !filtered(o->cmd))
		return bad(err, errlen, "--port is an option of conns, events, watch and why only");
	if (cgroup && !filtered(o->cmd))
		return bad(err, errlen, "--cgroup is an option of events, watch and why only");
	if ((cause || last) && o->cmd != RM_CMD_WHY)
		return bad(err, errlen, "--%s is an option of why only", cause ? "cause" : "last");
	if (top && o->cmd != RM_CMD_METRICS)
		return bad(err, errlen, "--top is an option of metrics only");
	if (cgroup) {
		size_t n = strlen(cgroup);

		while (n > 1 && cgroup[n - 1] == '/')
			n--;
		if (cgroup[0] != '/' || n >= sizeof(o->filter_cgroup))
			return bad(err, errlen, "invalid cgroup '%s': a path from the cgroup root, such as /system.slice",
				   cgroup);
		memcpy(o->filter_cgroup, cgroup, n);
		o->filter_cgroup[n] = '\0';
	}
	if (cause) {
		int c = rm_cause_from_name(cause);

		if (c < 0)
			return bad(err, errlen, "invalid cause '%s' (rstmonctl advice lists them)", cause);
		o->has_cause = true;
		o->filter_cause = c;
	}
	if (count("--last", last, RM_WHY_LAST_DEFAULT, RM_WHY_LAST_MAX, &o->last, err, errlen) ||
	    count("--top", top, RM_TOP_DEFAULT, RM_TOP_MAX, &o->top, err, errlen))
		return RM_EXIT_USAGE;
	if (addr) {
		if (inet_pton(AF_INET, addr, o->filter_addr) == 1)
			o->filter_family = AF_INET;
		else if (inet_pton(AF_INET6, addr, o->filter_addr) == 1)
			o->filter_family = AF_INET6;
		else
			return bad(err, errlen, "invalid address '%s': an IPv4 or IPv6 address",
				   addr);
	}
	if (port) {
		if (!rm_parse_uint(port, 65535, &n) || !n)
			return bad(err, errlen, "invalid port '%s': a number 1..65535", port);
		o->filter_port = n;
	}
	if (state) {
		int st = rm_state_from_name(state);

		if (st < 0)
			return bad(err, errlen, "invalid state '%s' (syn-sent, syn-recv, established, fin-wait, closing, closed)",
				   state);
		o->has_state = true;
		o->filter_state = st;
	}
	if (dir) {
		int d = rm_dir_from_name(dir);

		if (d < 0)
			return bad(err, errlen, "invalid direction '%s' (in, out, fwd)", dir);
		o->has_dir = true;
		o->filter_dir = d;
	}
	if (o->json && (o->cmd == RM_CMD_CONFIG_SET || o->cmd == RM_CMD_METRICS ||
			o->cmd == RM_CMD_RESET || o->cmd == RM_CMD_ADVICE))
		return bad(err, errlen, "-j/--json is not an option of %s",
			   o->cmd == RM_CMD_METRICS ? "metrics" :
			   o->cmd == RM_CMD_RESET ? "reset" :
			   o->cmd == RM_CMD_ADVICE ? "advice" : "config set");
	return 0;
}
