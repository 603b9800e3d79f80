// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the views (view.h): the table formatter (fixed events ->
 * exact lines: widths, IPv6, truncation) and top's aggregator (synthetic
 * events and counter samples -> rates, ordering, bounded slots).
 *
 *   ./rstmonctl-test-view
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "view.h"

static int failed, total;

static void check(bool ok, const char *name, const char *got, const char *want)
{
	total++;
	printf("%sok - %s\n", ok ? "" : "not ", name);
	if (!ok) {
		failed++;
		if (got)
			printf("#   got:  '%s'\n#   want: '%s'\n", got, want ? want : "");
	}
}

static void same(const char *name, const char *got, const char *want)
{
	check(!strcmp(got, want), name, got, want);
}

/* The output of @call on a memstream, into a string (free it). */
#define CAPTURE(var, call) do {						\
	size_t len_ = 0;						\
	FILE *f = open_memstream(&(var), &len_);			\
	call;								\
	fclose(f);							\
} while (0)

static void event(struct rm_event *ev, uint8_t family, const char *src, uint16_t sport,
		  const char *dst, uint16_t dport)
{
	memset(ev, 0, sizeof(*ev));
	ev->family = family;
	inet_pton(family, src, ev->src);
	inet_pton(family, dst, ev->dst);
	ev->sport = sport;
	ev->dport = dport;
	ev->time_ns = 1763729000123456789ULL;	/* 2025-11-21T12:43:20.123456789Z */
	ev->dir = RSTMON_DIR_OUT;
	ev->sender = RSTMON_SENDER_LOCAL;
	ev->cause = RSTMON_CAUSE_LINGER_ABORT;
	ev->confidence = RSTMON_CONF_CERTAIN;
	ev->state = RM_ST_ESTABLISHED;
	ev->idle_ms = 240000;
}

static void test_cells(void)
{
	char b[64];

	rm_cell(b, sizeof(b), "established", 11);
	same("cell: fits exactly", b, "established");
	rm_cell(b, sizeof(b), "data-after-close", 10);
	same("cell: cut, marked", b, "data-afte~");
	rm_addr_cell(b, sizeof(b), AF_INET, (const uint8_t *)"\x0a\x01\x00\x02", 8004, 21);
	same("addr cell: IPv4", b, "10.1.0.2:8004");
	{
		uint8_t a[16];

		inet_pton(AF_INET6, "fd00:1::2", a);
		rm_addr_cell(b, sizeof(b), AF_INET6, a, 9000, 21);
		same("addr cell: IPv6 bracketed", b, "[fd00:1::2]:9000");
		inet_pton(AF_INET6, "2001:db8:dead:beef:1:2:3:4", a);
		rm_addr_cell(b, sizeof(b), AF_INET6, a, 443, 21);
		same("addr cell: long IPv6 cut before the port", b, "[2001:db8:dead:~]:443");
		check(strlen(b) == 21, "addr cell: cut to the width", b, "21 characters");
		rm_addr_cell(b, sizeof(b), AF_INET6, a, 443, 47);
		same("addr cell: wide keeps it whole", b, "[2001:db8:dead:beef:1:2:3:4]:443");
	}
	rm_format_silence(b, sizeof(b), 0);
	same("silence: 0ms", b, "0ms");
	rm_format_silence(b, sizeof(b), 250);
	same("silence: 250ms", b, "250ms");
	rm_format_silence(b, sizeof(b), 12345);
	same("silence: 12.3s", b, "12.3s");
	rm_format_silence(b, sizeof(b), 240000);
	same("silence: 4m0s", b, "4m0s");
	rm_format_silence(b, sizeof(b), 3723000);
	same("silence: 1h2m", b, "1h2m");
	rm_format_silence(b, sizeof(b), 3 * 86400000U + 4 * 3600000U);
	same("silence: 3d4h", b, "3d4h");
}

static void test_table(void)
{
	struct rm_event ev;
	char *out;

	CAPTURE(out, rm_print_table_header(f, false));
	same("table: header",
	     out, "TIME         DIR SENDER    CAUSE            CONF    SRC                      "
		  "DST                   STATE       SILENCE\n");
	free(out);
	event(&ev, AF_INET, "10.1.0.2", 8004, "10.1.0.1", 40312);
	CAPTURE(out, rm_print_event_row(f, &ev, false));
	same("table: an IPv4 row",
	     out, "12:43:20.123 out local     linger-abort     certain 10.1.0.2:8004         -> "
		  "10.1.0.1:40312        established 4m0s\n");
	free(out);
	event(&ev, AF_INET6, "fd00:1::2", 9001, "fd00:1::1", 51000);
	ev.dir = RSTMON_DIR_IN;
	ev.sender = RSTMON_SENDER_MIDDLEBOX;
	ev.cause = RSTMON_CAUSE_DATA_AFTER_CLOSE;
	ev.confidence = RSTMON_CONF_SUSPECT;
	ev.state = RM_ST_UNTRACKED;
	CAPTURE(out, rm_print_event_row(f, &ev, false));
	same("table: an IPv6 row, untracked (no silence), the widest names",
	     out, "12:43:20.123 in  middlebox data-after-close suspect [fd00:1::2]:9001      -> "
		  "[fd00:1::1]:51000     untracked   -\n");
	free(out);
	event(&ev, AF_INET6, "2001:db8:dead:beef:1:2:3:4", 443, "2001:db8::1", 60000);
	CAPTURE(out, rm_print_event_row(f, &ev, false));
	same("table: a long IPv6 source cut, marked, its port kept",
	     out, "12:43:20.123 out local     linger-abort     certain [2001:db8:dead:~]:443 -> "
		  "[2001:db8::1]:60000   established 4m0s\n");
	free(out);
	CAPTURE(out, rm_print_table_header(f, true));
	same("table: wide header",
	     out, "TIME                             DIR SENDER    CAUSE            CONF    "
		  "SRC                                                DST                                             STATE       SILENCE\n");
	free(out);
	CAPTURE(out, rm_print_event_row(f, &ev, true));
	same("table: wide row: ISO time with the zone, whole addresses",
	     out, "2025-11-21T12:43:20.123456+00:00 out local     linger-abort     certain "
		  "[2001:db8:dead:beef:1:2:3:4]:443                -> [2001:db8::1]:60000                             "
		  "established 4m0s\n");
	free(out);
}

static void ev_simple(struct rm_event *ev, uint8_t sender, uint8_t cause, uint8_t dir,
		      const char *peer, uint16_t lport)
{
	if (dir == RSTMON_DIR_OUT)
		event(ev, AF_INET, "10.1.0.2", lport, peer, 40000);
	else
		event(ev, AF_INET, peer, 40000, "10.1.0.2", lport);
	ev->sender = sender;
	ev->cause = cause;
	ev->dir = dir;
}

static void feed(struct rm_top *t, int n, uint8_t sender, uint8_t cause, uint8_t dir,
		 const char *peer, uint16_t lport)
{
	struct rm_event ev;

	ev_simple(&ev, sender, cause, dir, peer, lport);
	while (n--)
		rm_top_event(t, &ev);
}

static void test_top(void)
{
	struct rm_top_row rows[__RSTMON_SENDER_MAX * __RSTMON_CAUSE_MAX];
	const struct rm_top_slot *best[RM_TOP_SHOW];
	struct rm_status st;
	struct rm_top t;
	char got[512], a[INET6_ADDRSTRLEN], *out;
	size_t n, i, off;

	rm_top_init(&t, RM_TOP_TRACK_MAX);
	memset(&st, 0, sizeof(st));
	st.ctr[RSTMON_CTR_RST4_OUT] = 100;
	rm_top_tick(&t, 0, &st);		/* the first sample: no rates */
	/* Interval 1 (1 s): 3 refused out from 8701, 1 linger-abort out from 8703. */
	feed(&t, 3, RSTMON_SENDER_LOCAL, RSTMON_CAUSE_REFUSED, RSTMON_DIR_OUT, "10.1.0.1", 8701);
	feed(&t, 1, RSTMON_SENDER_LOCAL, RSTMON_CAUSE_LINGER_ABORT, RSTMON_DIR_OUT, "10.1.0.1",
	     8703);
	st.ctr[RSTMON_CTR_RST4_OUT] = 104;
	st.ctr[RSTMON_CTR_RST6_IN] = 2;
	st.ctr[RSTMON_CTR_UNTRACKED] = 5;
	rm_top_tick(&t, 1000, &st);
	n = rm_top_rows(&t, rows);
	for (i = 0, off = 0, got[0] = '\0'; i < n; i++)
		off += snprintf(got + off, sizeof(got) - off, "%s/%s %.1f %llu;",
				rstmon_sender_name(rows[i].sender), rstmon_cause_name(rows[i].cause),
				rows[i].rate, (unsigned long long)rows[i].total);
	same("top: interval 1: rows by rate", got,
	     "local/refused 3.0 3;local/linger-abort 1.0 1;");
	snprintf(got, sizeof(got), "in %.1f out %.1f fwd %.1f untracked %.1f",
		 t.dir_rate[RSTMON_DIR_IN], t.dir_rate[RSTMON_DIR_OUT], t.dir_rate[RSTMON_DIR_FWD],
		 t.untracked_rate);
	same("top: interval 1: the counters' rates", got, "in 2.0 out 4.0 fwd 0.0 untracked 5.0");

	/* Interval 2 (2 s): 4 linger-aborts from a peer on 8703, none refused. */
	feed(&t, 4, RSTMON_SENDER_PEER, RSTMON_CAUSE_LINGER_ABORT, RSTMON_DIR_IN, "10.9.0.9",
	     8703);
	rm_top_tick(&t, 2000, NULL);
	n = rm_top_rows(&t, rows);
	for (i = 0, off = 0, got[0] = '\0'; i < n; i++)
		off += snprintf(got + off, sizeof(got) - off, "%s/%s %.1f %llu;",
				rstmon_sender_name(rows[i].sender), rstmon_cause_name(rows[i].cause),
				rows[i].rate, (unsigned long long)rows[i].total);
	same("top: interval 2: the new row first; an idle one keeps its total, rate 0", got,
	     "peer/linger-abort 2.0 4;local/refused 0.0 3;local/linger-abort 0.0 1;");
	n = rm_top_busiest(t.ports, t.nports, best, RM_TOP_SHOW);
	for (i = 0, off = 0, got[0] = '\0'; i < n; i++)
		off += snprintf(got + off, sizeof(got) - off, "%u %.1f %llu;", best[i]->port,
				best[i]->rate, (unsigned long long)best[i]->total);
	same("top: busiest local ports (in: the destination's; out: the source's)", got,
	     "8703 2.0 5;8701 0.0 3;");
	n = rm_top_busiest(t.peers, t.npeers, best, RM_TOP_SHOW);
	for (i = 0, off = 0, got[0] = '\0'; i < n; i++) {
		inet_ntop(best[i]->family, best[i]->addr, a, sizeof(a));
		off += snprintf(got + off, sizeof(got) - off, "%s %.1f %llu;", a, best[i]->rate,
				(unsigned long long)best[i]->total);
	}
	same("top: busiest peers", got, "10.9.0.9 2.0 4;10.1.0.1 0.0 4;");

	{
		struct rm_top_view v = { "srv", 2, "12:00:00", 0, false };

		CAPTURE(out, rm_top_render(f, &t, &v));
		same("top: the plain screen", out,
		     "rstmonctl top - namespace srv (netns 0) - every 2s - 12:00:00\n"
		     "resets/s  in 2.0  out 4.0  fwd 0.0    since start: in 2 out 4 fwd 0\n"
		     "untracked 5 (5.0/s)  events seen 8  events dropped 0\n"
		     "\n"
		     "SENDER    CAUSE                RATE/s      TOTAL\n"
		     "peer      linger-abort            2.0          4\n"
		     "local     refused                 0.0          3\n"
		     "local     linger-abort            0.0          1\n"
		     "\n"
		     "LOCAL PORT     RATE/s      TOTAL\n"
		     "8703              2.0          5\n"
		     "8701              0.0          3\n"
		     "\n"
		     "PEER                                        RATE/s      TOTAL\n"
		     "10.9.0.9                                       2.0          4\n"
		     "10.1.0.1                                       0.0          4\n");
		free(out);
	}
	rm_top_free(&t);

	/* Bounded: 3 slots; a fourth port takes the least recently seen one's place. */
	rm_top_init(&t, 3);
	feed(&t, 5, RSTMON_SENDER_LOCAL, RSTMON_CAUSE_REFUSED, RSTMON_DIR_OUT, "10.1.0.1", 1001);
	feed(&t, 1, RSTMON_SENDER_LOCAL, RSTMON_CAUSE_REFUSED, RSTMON_DIR_OUT, "10.1.0.1", 1002);
	feed(&t, 1, RSTMON_SENDER_LOCAL, RSTMON_CAUSE_REFUSED, RSTMON_DIR_OUT, "10.1.0.1", 1003);
	feed(&t, 1, RSTMON_SENDER_LOCAL, RSTMON_CAUSE_REFUSED, RSTMON_DIR_OUT, "10.1.0.1", 1001);
	feed(&t, 2, RSTMON_SENDER_LOCAL, RSTMON_CAUSE_REFUSED, RSTMON_DIR_OUT, "10.1.0.1", 1004);
	rm_top_tick(&t, 1000, NULL);
	n = rm_top_busiest(t.ports, t.nports, best, RM_TOP_SHOW);
	for (i = 0, off = 0, got[0] = '\0'; i < n; i++)
		off += snprintf(got + off, sizeof(got) - off, "%u %llu;", best[i]->port,
				(unsigned long long)best[i]->total);
	same("top: at most cap ports; the least recently seen (1002) evicted", got,
	     "1001 6;1004 2;1003 1;");
	check(t.nports == 3 && t.npeers == 1, "top: slots bounded", NULL, NULL);
	rm_top_free(&t);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	test_cells();
	test_table();
	test_top();
	printf("# %d tests, %d failed\n", total, failed);
	return failed ? 1 : 0;
}
