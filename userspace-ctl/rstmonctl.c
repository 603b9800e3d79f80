// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl: control utility of the rstmon kernel module, over its
 * generic netlink family "rstmon".  See rstmonctl(8).
 */
#include <dirent.h>
#include <stdint.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "rstmonctl.h"
#include "view.h"

#ifndef RM_VERSION
#define RM_VERSION "unknown"
#endif

/* A callback's "stop, the reader went away" (exit 0). */
#define RM_STOP_EPIPE	1000

static volatile int stop_watch;

static void on_signal(int sig)
{
	(void)sig;
	stop_watch = 1;
}

/*
 * After each record: flush, and tell a reader that went away (EPIPE: exit
 * 0, as "rstmonctl watch | head -n 1" expects) from a real write error.
 */
static int out_check(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (errno == EPIPE)
		return RM_STOP_EPIPE;
	fprintf(stderr, "rstmonctl: writing the output: %s\n", strerror(errno));
	return RM_EXIT_ERR;
}

static int print_event(const struct rm_event *ev, void *data)
{
	const struct rm_opts *o = data;

	if (!rm_event_match(o, ev))
		return 0;
	if (o->json)
		rm_print_event_json(stdout, ev);
	else if (o->output == RM_OUT_TABLE)
		rm_print_event_row(stdout, ev, o->wide);
	else
		rm_print_event_text(stdout, ev);
	return out_check();
}

static int print_conn(const struct rm_conn *c, void *data)
{
	const struct rm_opts *o = data;

	if (!rm_conn_match(o, c))
		return 0;
	if (o->json)
		rm_print_conn_json(stdout, c);
	else
		rm_print_conn_text(stdout, c);
	return out_check();
}

/* Notifications carry no cgroup path: look the id up here. */
static int watch_event(const struct rm_event *ev, void *data)
{
	struct rm_event e;

	if (!ev->cgroup_id || ev->cgroup[0])
		return print_event(ev, data);
	e = *ev;
	rm_cgroup_resolve(e.cgroup_id, e.cgroup, sizeof(e.cgroup));
	return print_event(&e, data);
}

/* why: the last o->last matching events, in a ring grown as needed. */
struct why_ctx {
	const struct rm_opts *o;
	struct rm_event *ring;
	size_t cap, n, next;
};

static int why_collect(const struct rm_event *ev, void *data)
{
	struct why_ctx *w = data;

	if (!rm_event_match(w->o, ev))
		return 0;
	if (w->n < w->o->last && rm_grow((void **)&w->ring, &w->cap, w->n, sizeof(*w->ring),
				     w->o->last))
		return RM_EXIT_ERR;
	w->ring[w->next] = *ev;
	w->next = (w->next + 1) % w->o->last;
	if (w->n < w->o->last)
		w->n++;
	return 0;
}

/* The ip netns name of network namespace @inum: /run/netns/NAME's inode. */
static const char *netns_name(uint32_t inum, char *buf, size_t len)
{
	DIR *d = opendir("/run/netns");
	const char *ret = NULL;
	struct dirent *de;

	if (!d)
		return NULL;
	while (!ret && (de = readdir(d))) {
		char path[300];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
		if (!stat(path, &st) && st.st_ino == inum && strlen(de->d_name) < len) {
			strcpy(buf, de->d_name);
			ret = buf;
		}
	}
	closedir(d);
	return ret;
}

static int cmd_why(struct rm_nl *nl, const struct rm_opts *o)
{
	struct why_ctx w = { o, NULL, 0, 0, 0 };
	size_t i;
	int ret = rm_nl_dump_events(nl, 0, why_collect, &w);

	if (ret) {
		free(w.ring);
		return ret;
	}
	/* -j: one object per line, as every other command's. */
	for (i = 0; i < w.n; i++) {
		struct rm_event *ev = &w.ring[(w.next + w.cap - w.n + i) % w.cap];
		char ns[256], svc[64];
		struct rm_why_extra x = { NULL, NULL };

		if (w.n < o->last)
			ev = &w.ring[i];
		rm_why_prepare(ev, &x, svc, sizeof(svc));
		if (ev->has_attr)
			x.netns_name = netns_name(ev->netns_inum, ns, sizeof(ns));
		if (o->json)
			rm_print_why_json(stdout, ev, &x);
		else
			rm_print_why_text(stdout, ev, &x);
	}
	if (!o->json && !w.n)
		fputs("No matching resets.\n", stdout);
	free(w.ring);
	return out_check();
}

/* The cgroups command (metrics has its own, metrics.c). */
static int cmd_cgroups(struct rm_nl *nl, const struct rm_opts *o)
{
	struct rm_cgroups x = { NULL, 0, 0 };
	size_t i;
	int ret = rm_nl_dump_cgroups(nl, rm_cgroup_collect, &x, false, NULL);

	if (!ret) {
		for (i = 0; i < x.n; i++)
			(o->json ? rm_print_cgroup_json : rm_print_cgroup_text)(stdout, &x.v[i]);
	}
	free(x.v);
	return ret ? ret : out_check();
}

static int cmd_watch(struct rm_nl *nl, const struct rm_opts *o)
{
	int ret;

	rm_catch_stop(on_signal);

	ret = rm_nl_join_events(nl);
	if (ret)
		return ret;
	if (o->journal)
		return rm_journal_watch(nl, o, &stop_watch);
	return rm_nl_watch(nl, watch_event, (void *)o, &stop_watch);
}

static int run(struct rm_nl *nl, struct rm_opts *o)
{
	struct rm_status st;
	struct rm_config c;
	int ret;

	switch (o->cmd) {
	case RM_CMD_METRICS:
		return rm_cmd_metrics(nl, o);
	case RM_CMD_STATUS:
	case RM_CMD_STATS:
		ret = rm_nl_get_status(nl, &st);
		if (ret)
			return ret;
		if (o->cmd == RM_CMD_STATUS)
			(o->json ? rm_print_status_json : rm_print_status_text)(stdout, &st);
		else if (o->json)
			rm_print_stats_json(stdout, &st);
		else
			rm_print_stats_text(stdout, &st, o->all);
		return out_check();
	case RM_CMD_EVENTS:
	case RM_CMD_WATCH:
		/* The table on a terminal, the line elsewhere (view.h). */
		if (!o->json && o->output == RM_OUT_AUTO)
			o->output = isatty(STDOUT_FILENO) ? RM_OUT_TABLE : RM_OUT_LINE;
		if (o->output == RM_OUT_TABLE) {
			rm_print_table_header(stdout, o->wide);
			ret = out_check();
			if (ret)
				return ret;
		}
		if (o->cmd == RM_CMD_WATCH)
			return cmd_watch(nl, o);
		return rm_nl_dump_events(nl, o->from, print_event, (void *)o);
	case RM_CMD_TOP:
		return rm_cmd_top(nl, o);
	case RM_CMD_CONFIG_GET:
		ret = rm_nl_get_config(nl, &c);
		if (ret)
			return ret;
		(o->json ? rm_print_config_json : rm_print_config_text)(stdout, &c);
		return out_check();
	case RM_CMD_CONFIG_SET:
		return rm_nl_set_config(nl, o->set, &o->cfg);
	case RM_CMD_CONNS:
		return rm_nl_dump_conns(nl, o, print_conn, (void *)o);
	case RM_CMD_RESET_STATS:
		return rm_nl_reset_stats(nl);
	case RM_CMD_WHY:
		return cmd_why(nl, o);
	case RM_CMD_CGROUPS:
		return cmd_cgroups(nl, o);
	default:
		rm_usage(stderr, RM_CMD_NONE);
		return RM_EXIT_USAGE;
	}
}

int main(int argc, char **argv)
{
	struct rm_opts o;
	struct rm_nl *nl;
	char err[256];
	int ret;

	ret = rm_parse_args(argc, argv, &o, err, sizeof(err));
	if (ret) {
		/* The reason and one usage line: --help has the rest. */
		fprintf(stderr, "rstmonctl: %s\n", err);
		rm_usage_line(stderr, o.cmd);
		return RM_EXIT_USAGE;
	}
	if (o.version) {
		printf("rstmonctl %s\n", RM_VERSION);
		return RM_EXIT_OK;
	}
	if (o.notice && !o.help)
		fprintf(stderr, "rstmonctl: %s\n", o.notice);
	if (o.help) {
		rm_usage(stdout, o.cmd);
		return RM_EXIT_OK;
	}
	signal(SIGPIPE, SIG_IGN);	/* EPIPE instead, handled by out_check() */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o.cmd == RM_CMD_ADVICE) {
		rm_print_advice_table(stdout);
		ret = out_check();
		return ret == RM_STOP_EPIPE ? RM_EXIT_OK : ret;
	}

	if (o.all_ns) {
		ret = rm_allns_run(&o);
		return ret < 0 ? RM_EXIT_OK : ret;
	}
	if (o.netns) {
		ret = rm_enter_netns_arg(o.netns);
		if (ret)
			return ret;
	}
	nl = rm_nl_open(&ret);
	if (!nl)
		return ret;
	ret = run(nl, &o);
	rm_nl_close(nl);
	if (ret == RM_STOP_EPIPE)
		return RM_EXIT_OK;
	if (!ret)
		ret = out_check();
	return ret == RM_STOP_EPIPE ? RM_EXIT_OK : ret;
}
