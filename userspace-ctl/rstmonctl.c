// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl: control utility of the rstmon kernel module, over its
 * generic netlink family "rstmon".  See rstmonctl(8).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "rstmonctl.h"

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

	if (o->json)
		rm_print_event_json(stdout, ev);
	else
		rm_print_event_text(stdout, ev);
	return out_check();
}

static int print_conn(const struct rm_conn *c, void *data)
{
	const struct rm_opts *o = data;

	if (o->json)
		rm_print_conn_json(stdout, c);
	else
		rm_print_conn_text(stdout, c);
	return out_check();
}

static int cmd_watch(struct rm_nl *nl, const struct rm_opts *o)
{
	struct sigaction sa;
	sigset_t block;
	int ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: the wait returns */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	ret = rm_nl_join_events(nl);
	if (ret)
		return ret;
	return rm_nl_watch(nl, print_event, (void *)o, &stop_watch);
}

static int run(struct rm_nl *nl, const struct rm_opts *o)
{
	struct rm_status st;
	struct rm_config c;
	int ret;

	switch (o->cmd) {
	case RM_CMD_STATUS:
	case RM_CMD_STATS:
	case RM_CMD_METRICS:
		ret = rm_nl_get_status(nl, &st);
		if (ret)
			return ret;
		if (o->cmd == RM_CMD_METRICS)
			rm_print_metrics(stdout, &st);
		else if (o->cmd == RM_CMD_STATUS)
			(o->json ? rm_print_status_json : rm_print_status_text)(stdout, &st);
		else if (o->json)
			rm_print_stats_json(stdout, &st);
		else
			rm_print_stats_text(stdout, &st, o->all);
		return out_check();
	case RM_CMD_EVENTS:
		return rm_nl_dump_events(nl, o->from, print_event, (void *)o);
	case RM_CMD_WATCH:
		return cmd_watch(nl, o);
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
	case RM_CMD_RESET:
		return rm_nl_reset_stats(nl);
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
		fprintf(stderr, "rstmonctl: %s\n", err);
		rm_usage(stderr, o.cmd);
		return RM_EXIT_USAGE;
	}
	if (o.help) {
		rm_usage(stdout, o.cmd);
		return RM_EXIT_OK;
	}
	signal(SIGPIPE, SIG_IGN);	/* EPIPE instead, handled by out_check() */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (o.netns) {
		ret = rm_enter_netns(o.netns);
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
