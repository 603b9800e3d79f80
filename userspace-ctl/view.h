/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmonctl: the views for a person at a terminal (issue 21, "finding the
 * event"):
 *
 *   table.c  one fixed-width line per event (events, watch: the default on
 *            a terminal, -o table)
 *   top.c    rstmonctl top: resets per second by sender x cause, the
 *            busiest local ports and peers, redrawn each interval
 *
 * Pure parts (the formatter, the aggregator and its rendering) are what
 * test-view.c checks without a kernel.
 */
#ifndef RSTMONCTL_VIEW_H
#define RSTMONCTL_VIEW_H

#include "rstmonctl.h"

/* ----------------------------------------------------------- table.c */

/* Column widths of the table (the wide table's in brackets). */
#define RM_TW_TIME	12	/* HH:MM:SS.mmm (32: ISO 8601 with the zone) */
#define RM_TW_TIME_WIDE	32
#define RM_TW_DIR	3
#define RM_TW_SENDER	9
#define RM_TW_CAUSE	16
#define RM_TW_CONF	7
#define RM_TW_ADDR	21	/* 255.255.255.255:65535 (47: any IPv6 with its port) */
#define RM_TW_ADDR_WIDE	47
#define RM_TW_STATE	11
#define RM_TRUNC	'~'	/* the mark of a truncated cell */

/*
 * @s into @buf, at most @width characters: longer, it is cut and its last
 * character is RM_TRUNC.
 */
void rm_cell(char *buf, size_t len, const char *s, unsigned int width);
/*
 * ADDR:PORT into at most @width characters: the port is always kept;
 * a longer address is cut before it, RM_TRUNC marking the cut
 * ("[fd00:dead:beef:~]:443").
 */
void rm_addr_cell(char *buf, size_t len, uint8_t family, const uint8_t *addr, uint16_t port,
		  unsigned int width);
/* A silence in ms, in words: 250ms, 12.3s, 4m0s, 1h2m, 3d4h. */
void rm_format_silence(char *buf, size_t len, uint32_t ms);
/* An event's time, local: HH:MM:SS.mmm (@wide: rm_format_time()). */
void rm_format_clock(char *buf, size_t len, uint64_t ns, bool wide);
/* The header line of the table, with its newline. */
void rm_print_table_header(FILE *f, bool wide);
/* One event's row, with its newline. */
void rm_print_event_row(FILE *f, const struct rm_event *ev, bool wide);

/* ------------------------------------------------------------- top.c */

#define RM_TOP_TRACK_MAX	4096	/* distinct ports, and peers, kept */
#define RM_TOP_SHOW		5	/* busiest ports and peers shown */
#define RM_TOP_INTERVAL_MAX	3600

/* A local port or a peer address, with its counts. */
struct rm_top_slot {
	uint8_t family;		/* peers: AF_INET or AF_INET6; ports: 0 */
	uint8_t addr[16];
	uint16_t port;
	uint64_t total;		/* since top started */
	uint64_t prev;		/* @total at the last tick */
	double rate;		/* per second over the last interval */
	uint64_t used;		/* the aggregator's clock at its last event */
};

/* One sender x cause row. */
struct rm_top_row {
	uint8_t sender, cause;
	uint64_t total;
	double rate;
};

/**
 * struct rm_top - what top counts.
 * @sc, @sc_prev, @sc_rate: RSTs by sender x cause: since start, at the
 *	last tick, per second over the last interval
 * @ports, @peers: at most @cap each; a new one when full takes the place
 *	of the least recently seen
 * @events: events seen since start
 * @clock: one tick per event (for least-recently-seen)
 * @first, @prev, @cur: counter samples (the first, the one before, the last)
 * @samples: how many counter samples were taken
 * @elapsed_ms: the last interval's length
 * @dir_rate: resets per second by direction (the counters, both families)
 * @untracked_rate: new connections not tracked per second
 */
struct rm_top {
	uint64_t sc[__RSTMON_SENDER_MAX][__RSTMON_CAUSE_MAX];
	uint64_t sc_prev[__RSTMON_SENDER_MAX][__RSTMON_CAUSE_MAX];
	double sc_rate[__RSTMON_SENDER_MAX][__RSTMON_CAUSE_MAX];
	struct rm_top_slot *ports, *peers;
	size_t nports, npeers, cap;
	uint64_t events, clock;
	struct rm_status first, prev, cur;
	unsigned int samples;
	uint64_t elapsed_ms;
	double dir_rate[__RSTMON_DIR_MAX];
	double untracked_rate;
};

/* Set up @t to keep at most @cap ports and @cap peers; 0, or -1 (memory). */
int rm_top_init(struct rm_top *t, size_t cap);
void rm_top_free(struct rm_top *t);
/* Count one event. */
void rm_top_event(struct rm_top *t, const struct rm_event *ev);
/*
 * The end of an interval of @elapsed_ms: the rates over it, from the
 * events and from the counter sample @st (NULL: none this time).
 */
void rm_top_tick(struct rm_top *t, uint64_t elapsed_ms, const struct rm_status *st);
/*
 * The sender x cause rows with an RST since start, into @rows (room for
 * __RSTMON_SENDER_MAX * __RSTMON_CAUSE_MAX): by rate, then total, most
 * first (ties: sender, then cause); returns how many.
 */
size_t rm_top_rows(const struct rm_top *t, struct rm_top_row *rows);
/* The busiest of @v (@n slots) into @out (room for @max): by rate, then total; how many. */
size_t rm_top_busiest(const struct rm_top_slot *v, size_t n, const struct rm_top_slot **out,
		      size_t max);

/* What the screen's header says besides the counts. */
struct rm_top_view {
	const char *netns;	/* -n NAME, or NULL: rstmonctl's own */
	unsigned int interval;	/* seconds */
	const char *clock;	/* the time of the sample, HH:MM:SS */
	unsigned int rows;	/* the screen's height (0: no limit) */
	bool ansi;		/* a terminal: erase each line's rest */
};

/* The screen: header, sender x cause, busiest local ports and peers. */
void rm_top_render(FILE *f, const struct rm_top *t, const struct rm_top_view *v);

/* rstmonctl top, over @nl (its events); 0 or the exit code. */
int rm_cmd_top(struct rm_nl *nl, const struct rm_opts *o);

#endif /* RSTMONCTL_VIEW_H */
