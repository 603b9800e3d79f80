// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl top: a live view of a namespace's resets, like nstat or htop.
 * It joins the events group (each classified RST), samples the counters
 * (GET_STATUS, on a second socket) every interval, and redraws: resets
 * per second by direction, sender x cause by rate, the busiest local ports
 * and peers.  On a terminal the screen is redrawn in place (ANSI escapes,
 * the alternate screen; q or Ctrl-C quits and gives the terminal back as
 * it was); otherwise one plain snapshot per interval is printed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "view.h"

/* ------------------------------------------------------ the aggregator */

int rm_top_init(struct rm_top *t, size_t cap)
{
	memset(t, 0, sizeof(*t));
	t->cap = cap ? cap : 1;
	t->ports = calloc(t->cap, sizeof(*t->ports));
	t->peers = calloc(t->cap, sizeof(*t->peers));
	if (!t->ports || !t->peers) {
		rm_top_free(t);
		return -1;
	}
	return 0;
}

void rm_top_free(struct rm_top *t)
{
	free(t->ports);
	free(t->peers);
	t->ports = t->peers = NULL;
}

static bool slot_is(const struct rm_top_slot *s, uint8_t family, const uint8_t *addr,
		    uint16_t port)
{
	return s->family == family && s->port == port && (!family || !memcmp(s->addr, addr, 16));
}

/* The slot of a key in @v (*@n of @cap), made when new (the least recently seen makes room). */
static void slot_count(struct rm_top_slot *v, size_t *n, size_t cap, uint64_t clock,
		       uint8_t family, const uint8_t *addr, uint16_t port)
{
	struct rm_top_slot *s = NULL;
	size_t i;

	for (i = 0; i < *n; i++) {
		if (slot_is(&v[i], family, addr, port)) {
			s = &v[i];
			break;
		}
	}
	if (!s) {
		if (*n < cap) {
			s = &v[(*n)++];
		} else {
			s = &v[0];
			for (i = 1; i < *n; i++)
				if (v[i].used < s->used)
					s = &v[i];
		}
		memset(s, 0, sizeof(*s));
		s->family = family;
		if (family)
			memcpy(s->addr, addr, 16);
		s->port = port;
	}
	s->total++;
	s->used = clock;
}

/*
 * The local end of the RST's connection: its socket's port when the module
 * said; else out: the source, in: the destination, fwd: the lower port (a
 * server's, most often).  The peer: the other end's address.
 */
static void event_ends(const struct rm_event *ev, uint16_t *lport, const uint8_t **peer)
{
	bool local_src = ev->dir == RSTMON_DIR_OUT ||
			 (ev->dir == RSTMON_DIR_FWD && ev->sport <= ev->dport);

	*lport = local_src ? ev->sport : ev->dport;
	*peer = ev->dir == RSTMON_DIR_OUT ? ev->dst : ev->src;
	if (ev->has_attr && ev->lport)
		*lport = ev->lport;
}

void rm_top_event(struct rm_top *t, const struct rm_event *ev)
{
	unsigned int s = ev->sender < __RSTMON_SENDER_MAX ? ev->sender : RSTMON_SENDER_UNKNOWN;
	unsigned int c = ev->cause < __RSTMON_CAUSE_MAX ? ev->cause : RSTMON_CAUSE_UNKNOWN;
	uint8_t addr[16] = { 0 };
	const uint8_t *peer;
	uint16_t lport;

	t->sc[s][c]++;
	t->events++;
	t->clock++;
	event_ends(ev, &lport, &peer);
	memcpy(addr, peer, ev->family == AF_INET ? 4 : 16);
	slot_count(t->ports, &t->nports, t->cap, t->clock, 0, NULL, lport);
	slot_count(t->peers, &t->npeers, t->cap, t->clock, ev->family, addr, 0);
}

static double rate(uint64_t now, uint64_t before, uint64_t ms)
{
	return ms && now >= before ? (double)(now - before) * 1000.0 / ms : 0.0;
}

static void slots_tick(struct rm_top_slot *v, size_t n, uint64_t ms)
{
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].rate = rate(v[i].total, v[i].prev, ms);
		v[i].prev = v[i].total;
	}
}

void rm_top_tick(struct rm_top *t, uint64_t elapsed_ms, const struct rm_status *st)
{
	unsigned int s, c, d;

	t->elapsed_ms = elapsed_ms;
	for (s = 0; s < __RSTMON_SENDER_MAX; s++) {
		for (c = 0; c < __RSTMON_CAUSE_MAX; c++) {
			t->sc_rate[s][c] = rate(t->sc[s][c], t->sc_prev[s][c], elapsed_ms);
			t->sc_prev[s][c] = t->sc[s][c];
		}
	}
	slots_tick(t->ports, t->nports, elapsed_ms);
	slots_tick(t->peers, t->npeers, elapsed_ms);
	if (!st)
		return;
	if (!t->samples)
		t->first = *st;
	t->prev = t->samples ? t->cur : *st;
	t->cur = *st;
	t->samples++;
	for (d = 0; d < __RSTMON_DIR_MAX; d++)
		t->dir_rate[d] = rate(t->cur.ctr[RSTMON_CTR_RST4_IN + d] +
				      t->cur.ctr[RSTMON_CTR_RST6_IN + d],
				      t->prev.ctr[RSTMON_CTR_RST4_IN + d] +
				      t->prev.ctr[RSTMON_CTR_RST6_IN + d], elapsed_ms);
	t->untracked_rate = rate(t->cur.ctr[RSTMON_CTR_UNTRACKED],
				 t->prev.ctr[RSTMON_CTR_UNTRACKED], elapsed_ms);
}

static int row_cmp(const void *a, const void *b)
{
	const struct rm_top_row *x = a, *y = b;

	if (x->rate != y->rate)
		return x->rate > y->rate ? -1 : 1;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	if (x->sender != y->sender)
		return x->sender < y->sender ? -1 : 1;
	return x->cause < y->cause ? -1 : x->cause > y->cause;
}

size_t rm_top_rows(const struct rm_top *t, struct rm_top_row *rows)
{
	unsigned int s, c;
	size_t n = 0;

	for (s = 0; s < __RSTMON_SENDER_MAX; s++) {
		for (c = 0; c < __RSTMON_CAUSE_MAX; c++) {
			if (!t->sc[s][c])
				continue;
			rows[n].sender = s;
			rows[n].cause = c;
			rows[n].total = t->sc[s][c];
			rows[n].rate = t->sc_rate[s][c];
			n++;
		}
	}
	qsort(rows, n, sizeof(*rows), row_cmp);
	return n;
}

/* Busier first; ties: the lower port, then the lower address. */
static bool busier(const struct rm_top_slot *x, const struct rm_top_slot *y)
{
	int r;

	if (x->rate != y->rate)
		return x->rate > y->rate;
	if (x->total != y->total)
		return x->total > y->total;
	if (x->port != y->port)
		return x->port < y->port;
	if (x->family != y->family)
		return x->family < y->family;
	r = memcmp(x->addr, y->addr, 16);
	return r < 0;
}

size_t rm_top_busiest(const struct rm_top_slot *v, size_t n, const struct rm_top_slot **out,
		      size_t max)
{
	size_t i, k = 0, j;

	/* Insertion into the @max best: n is at most RM_TOP_TRACK_MAX. */
	for (i = 0; i < n; i++) {
		size_t m, end;

		for (j = k; j > 0 && busier(&v[i], out[j - 1]); j--)
			;
		if (j >= max)
			continue;
		end = k < max ? k : max - 1;
		for (m = end; m > j; m--)
			out[m] = out[m - 1];
		out[j] = &v[i];
		if (k < max)
			k++;
	}
	return k;
}

/* ------------------------------------------------------------ the screen */

/* One line of the screen; on a terminal its rest erased. */
__attribute__((format(printf, 3, 4)))
static void line(FILE *f, const struct rm_top_view *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputs(v->ansi ? "\033[K\n" : "\n", f);
}

static unsigned long long since(const struct rm_top *t, int c)
{
	return t->samples ? (unsigned long long)(t->cur.ctr[c] - t->first.ctr[c]) : 0;
}

void rm_top_render(FILE *f, const struct rm_top *t, const struct rm_top_view *v)
{
	struct rm_top_row rows[__RSTMON_SENDER_MAX * __RSTMON_CAUSE_MAX];
	const struct rm_top_slot *best[RM_TOP_SHOW];
	size_t n = rm_top_rows(t, rows), i, k, room;
	unsigned long long dropped = since(t, RSTMON_CTR_NOTIFY_DROPPED);
	unsigned long long rsts[__RSTMON_DIR_MAX];
	char a[INET6_ADDRSTRLEN];
	int d;

	for (d = 0; d < __RSTMON_DIR_MAX; d++)
		rsts[d] = since(t, RSTMON_CTR_RST4_IN + d) + since(t, RSTMON_CTR_RST6_IN + d);
	if (v->ansi)
		fputs("\033[H", f);
	line(f, v, "rstmonctl top - namespace %s (netns %u) - every %us - %s%s",
	     v->netns ? v->netns : "(own)", t->cur.netns_inum, v->interval,
	     v->clock ? v->clock : "", v->ansi ? "   q: quit" : "");
	line(f, v, "resets/s  in %.1f  out %.1f  fwd %.1f    since start: in %llu out %llu fwd %llu",
	     t->dir_rate[RSTMON_DIR_IN], t->dir_rate[RSTMON_DIR_OUT], t->dir_rate[RSTMON_DIR_FWD],
	     rsts[RSTMON_DIR_IN], rsts[RSTMON_DIR_OUT], rsts[RSTMON_DIR_FWD]);
	line(f, v, "untracked %llu (%.1f/s)  events seen %llu  events dropped %llu",
	     since(t, RSTMON_CTR_UNTRACKED), t->untracked_rate, (unsigned long long)t->events,
	     dropped);
	line(f, v, "%s", "");
	line(f, v, "%-9s %-16s %10s %10s", "SENDER", "CAUSE", "RATE/s", "TOTAL");
	/* Room for the rows: the screen less the header, the ports and the peers. */
	room = v->rows > 4 + 1 + 2 * (RM_TOP_SHOW + 2) + 3 ?
	       v->rows - (4 + 1 + 2 * (RM_TOP_SHOW + 2)) - 1 : 3;
	if (!v->rows)
		room = n;
	for (i = 0; i < n && i < room; i++)
		line(f, v, "%-9s %-16s %10.1f %10llu", rstmon_sender_name(rows[i].sender),
		     rstmon_cause_name(rows[i].cause), rows[i].rate,
		     (unsigned long long)rows[i].total);
	if (i < n)
		line(f, v, "(%zu more)", n - i);
	if (!n)
		line(f, v, "(no resets yet)");
	line(f, v, "%s", "");
	line(f, v, "%-10s %10s %10s", "LOCAL PORT", "RATE/s", "TOTAL");
	k = rm_top_busiest(t->ports, t->nports, best, RM_TOP_SHOW);
	for (i = 0; i < k; i++)
		line(f, v, "%-10u %10.1f %10llu", best[i]->port, best[i]->rate,
		     (unsigned long long)best[i]->total);
	line(f, v, "%s", "");
	line(f, v, "%-39s %10s %10s", "PEER", "RATE/s", "TOTAL");
	k = rm_top_busiest(t->peers, t->npeers, best, RM_TOP_SHOW);
	for (i = 0; i < k; i++) {
		inet_ntop(best[i]->family, best[i]->addr, a, sizeof(a));
		line(f, v, "%-39s %10.1f %10llu", a, best[i]->rate,
		     (unsigned long long)best[i]->total);
	}
	if (v->ansi)
		fputs("\033[J", f);
}

/* ------------------------------------------------------------ the loop */

static volatile sig_atomic_t top_stop;
static struct termios saved_tty;
static bool tty_raw, screen_alt;

static void top_signal(int sig)
{
	(void)sig;
	top_stop = 1;
}

/* The terminal as it was: its modes, the cursor, the main screen. */
static void restore_terminal(void)
{
	if (screen_alt) {
		fputs("\033[?25h\033[?1049l", stdout);
		fflush(stdout);
		screen_alt = false;
	}
	if (tty_raw) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
		tty_raw = false;
	}
}

/* Keys one at a time, not echoed (signals stay: Ctrl-C is SIGINT). */
static void setup_terminal(void)
{
	struct termios raw;

	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &saved_tty)) {
		raw = saved_tty;
		raw.c_lflag &= ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (!tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw))
			tty_raw = true;
	}
	fputs("\033[?1049h\033[?25l\033[H\033[2J", stdout);
	fflush(stdout);
	screen_alt = true;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int top_count(const struct rm_event *ev, void *data)
{
	rm_top_event(data, ev);
	return 0;
}

/* Draw @t: in place on a terminal, a snapshot and a blank line elsewhere. */
static int draw(const struct rm_top *t, const struct rm_opts *o, bool ansi)
{
	struct rm_top_view v = { o->netns, o->interval, NULL, 0, ansi };
	char clock[16], *buf = NULL;
	size_t len = 0;
	struct winsize ws;
	time_t now = time(NULL);
	struct tm tm;
	FILE *m;

	if (localtime_r(&now, &tm))
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	else
		clock[0] = '\0';
	v.clock = clock;
	if (ansi && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row)
		v.rows = ws.ws_row;
	m = open_memstream(&buf, &len);
	if (!m)
		return RM_EXIT_ERR;
	rm_top_render(m, t, &v);
	if (!ansi)
		fputc('\n', m);
	fclose(m);
	/* One write per screen: no half-drawn frame. */
	fwrite(buf, 1, len, stdout);
	free(buf);
	if (fflush(stdout) || ferror(stdout))
		return errno == EPIPE ? -1 : RM_EXIT_ERR;
	return 0;
}

static int sample(struct rm_nl *st_nl, struct rm_top *t, uint64_t *last)
{
	struct rm_status st;
	uint64_t now = mono_ms();
	int ret = rm_nl_get_status(st_nl, &st);

	if (ret)
		return ret;
	rm_top_tick(t, now - *last, &st);
	*last = now;
	return 0;
}

int rm_cmd_top(struct rm_nl *nl, const struct rm_opts *o)
{
	bool ansi = isatty(STDOUT_FILENO);
	struct rm_nl *st_nl;
	struct sigaction sa;
	struct rm_top t;
	sigset_t block, waitmask;
	uint64_t last, next;
	int ret, efd, cfd;

	if (rm_top_init(&t, RM_TOP_TRACK_MAX)) {
		fprintf(stderr, "rstmonctl: out of memory\n");
		return RM_EXIT_ERR;
	}
	/* The counters on a socket of their own: the events one gets notices. */
	st_nl = rm_nl_open(&ret);
	if (!st_nl)
		goto out_free;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = top_signal;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGHUP);

	ret = rm_nl_join_events(nl);
	last = mono_ms();
	if (!ret)
		ret = sample(st_nl, &t, &last);
	if (ret)
		goto out;
	rm_nl_watch_fds(nl, &efd, &cfd);
	if (ansi)
		setup_terminal();
	ret = draw(&t, o, ansi);
	next = last + o->interval * 1000ULL;
	while (!ret && !top_stop) {
		struct pollfd pfd[3] = {
			{ .fd = efd, .events = POLLIN },
			{ .fd = cfd, .events = POLLIN },
			{ .fd = tty_raw ? STDIN_FILENO : -1, .events = POLLIN },
		};
		uint64_t now = mono_ms();
		struct timespec ts = { 0, 0 };

		if (now < next) {
			ts.tv_sec = (next - now) / 1000;
			ts.tv_nsec = (next - now) % 1000 * 1000000;
		}
		if (ppoll(pfd, 3, &ts, &waitmask) < 0) {
			if (errno == EINTR)
				continue;
			ret = rm_report_error(stderr, RM_PHASE_WATCH, errno, NULL, "waiting");
			break;
		}
		if (pfd[0].revents)
			ret = rm_nl_read_queued(nl, top_count, &t);
		if (!ret && pfd[1].revents && rm_nl_family_gone(nl)) {
			rm_nl_read_queued(nl, top_count, &t);
			restore_terminal();
			ret = rm_report_error(stderr, RM_PHASE_WATCH, ENOENT, NULL, NULL);
			break;
		}
		if (!ret && pfd[2].revents) {
			char c[16];
			ssize_t n = read(STDIN_FILENO, c, sizeof(c));

			if (n <= 0 || memchr(c, 'q', n) || memchr(c, 'Q', n))
				break;
		}
		if (!ret && mono_ms() >= next) {
			ret = sample(st_nl, &t, &last);
			if (!ret)
				ret = draw(&t, o, ansi);
			next += o->interval * 1000ULL;
			if (next < last)	/* suspended for a while: no catching up */
				next = last + o->interval * 1000ULL;
		}
	}
	if (ret < 0)	/* the reader went away */
		ret = 0;
out:
	restore_terminal();
	rm_nl_close(st_nl);
out_free:
	rm_top_free(&t);
	return ret;
}
