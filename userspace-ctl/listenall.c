// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl metrics --listen ADDR:PORT -A: one listener for every network
 * namespace.
 *
 * The HTTP socket is bound in the namespace rstmonctl started in, before
 * any other is entered.  Two threads then enter namespaces, each on its
 * own (setns(2) of a network namespace changes the calling thread only),
 * and each returns to its own namespace through a file it opened first:
 *
 * - the HTTP thread (libmicrohttpd's): each scrape scans the namespaces
 *   afresh (rm_netns_scan(): /run/netns and /proc), enters each, opens a
 *   generic netlink socket there, reads the status and the RSTs by cgroup,
 *   closes it, and leaves.  A namespace that cannot be entered, or where
 *   rstmon cannot be queried, is left out of that scrape and counted in
 *   rstmon_scrape_namespaces_skipped.
 * - the main thread: one socket in the events group of each namespace,
 *   counting rstmon_resets_total and rstmon_reset_silence_seconds per
 *   namespace.  It rescans at each scrape (the scrape wakes it) and every
 *   RM_RESCAN_SECONDS: new namespaces are subscribed, the sockets of those
 *   gone are closed (a socket pins its namespace: kept, it would keep a
 *   dead pod's namespace alive).  So the event families of a namespace
 *   count from the rescan that found it, at most RM_NETNS_MAX namespaces.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <microhttpd.h>

#include "rstmonctl.h"
#include "http.h"

#define RM_RESCAN_SECONDS 10

/* A namespace whose events are counted: the main thread's list. */
struct sub {
	uint64_t dev, ino;
	struct rm_nl *nl;		/* NULL: could not be subscribed (not retried) */
	struct rm_prom_events ev;	/* under ev_lock */
	bool seen;			/* in the last scan */
};

struct listen_all {
	const struct rm_opts *o;
	int self;			/* the starting namespace */
	struct stat self_st;
	struct sub **subs;		/* changed by the main thread under ev_lock */
	size_t nsubs, cap;
	int wake[2];			/* a scrape asks the main thread to rescan */
	uint64_t *said;			/* the HTTP thread's: skips already told */
	size_t nsaid, capsaid;
};

/* The counts and the list of subs, between the main and the HTTP thread. */
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
/* rm_netns_scan() sorts with statics: one scan at a time. */
static pthread_mutex_t scan_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop_all;

static void on_stop(int sig)
{
	(void)sig;
	stop_all = 1;
}

static int scan(struct rm_netns **v, size_t *n, unsigned int *denied)
{
	int r;

	pthread_mutex_lock(&scan_lock);
	r = rm_netns_scan("", v, n, denied);
	pthread_mutex_unlock(&scan_lock);
	return r;
}

/*
 * Enter @ns from the calling thread, whose own namespace is @me: 0 (with
 * *@own when it is that one: nothing to enter), else an errno.  The file
 * must still be the namespace the scan saw (not a PID reused since).
 */
static int enter(const struct rm_netns *ns, const struct stat *me, bool *own)
{
	struct stat st;
	int fd, err = 0;

	*own = ns->ino == (uint64_t)me->st_ino && ns->dev == (uint64_t)me->st_dev;
	if (*own)
		return 0;
	fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != ns->ino || (uint64_t)st.st_dev != ns->dev)
		err = ENOENT;
	else if (setns(fd, CLONE_NEWNET) < 0)
		err = errno;
	close(fd);
	return err;
}

/* Back to the thread's own namespace: a thread left elsewhere would serve lies. */
static void leave(int self)
{
	if (!setns(self, CLONE_NEWNET))
		return;
	fprintf(stderr, "rstmonctl: back to the listener's network namespace: %s\n",
		strerror(errno));
	_exit(RM_EXIT_ERR);
}

static const char *enter_error(int err)
{
	if (err == EPERM || err == EACCES)
		return "permission denied (entering it needs CAP_SYS_ADMIN)";
	if (err == ENOENT)
		return "it is gone";
	return strerror(err);
}


/* ------------------------------------------------ the event stream */

static struct sub *find_sub(struct listen_all *la, uint64_t dev, uint64_t ino)
{
	size_t i;

	for (i = 0; i < la->nsubs; i++)
		if (la->subs[i]->dev == dev && la->subs[i]->ino == ino)
			return la->subs[i];
	return NULL;
}

static int count_event(const struct rm_event *ev, void *data)
{
	struct sub *s = data;

	pthread_mutex_lock(&ev_lock);
	rm_prom_events_add(&s->ev, ev);
	pthread_mutex_unlock(&ev_lock);
	return 0;
}

/* A new sub for @ns: its socket joined in its namespace, or NULL said once. */
static struct sub *subscribe(struct listen_all *la, const struct rm_netns *ns)
{
	struct sub *s = calloc(1, sizeof(*s));
	char desc[400];
	bool own;
	int err, ret;

	if (!s)
		return NULL;
	s->dev = ns->dev;
	s->ino = ns->ino;
	s->seen = true;
	err = enter(ns, &la->self_st, &own);
	if (err) {
		rm_netns_desc(desc, sizeof(desc), ns);
		fprintf(stderr, "rstmonctl: %s: its events are not counted: %s\n", desc,
			enter_error(err));
		return s;
	}
	s->nl = rm_nl_open(&ret);
	if (s->nl && rm_nl_join_events(s->nl)) {
		rm_nl_close(s->nl);
		s->nl = NULL;
	}
	if (!own)
		leave(la->self);
	if (!s->nl) {
		rm_netns_desc(desc, sizeof(desc), ns);
		fprintf(stderr, "rstmonctl: %s: its events are not counted (see above)\n", desc);
	}
	return s;
}

/*
 * Subscribe the namespaces new since the last scan, close the sockets of
 * those gone.  0, or -1 (out of memory: the list stays as it was).
 */
static int rescan(struct listen_all *la, bool first)
{
	struct rm_netns *v = NULL;
	unsigned int denied;
	size_t n, i, k;
	bool full;

	if (scan(&v, &n, &denied))
		return -1;
	if (first && denied)
		fprintf(stderr, "rstmonctl: the network namespaces of %u process(es) could not be read (permission denied): run as root to see them all\n",
			denied);
	for (i = 0; i < la->nsubs; i++)
		la->subs[i]->seen = false;
	for (i = 0; i < n; i++) {
		struct sub *s = find_sub(la, v[i].dev, v[i].ino);

		if (s) {
			s->seen = true;
			continue;
		}
		/* Under the lock: the HTTP thread reads the list. */
		pthread_mutex_lock(&ev_lock);
		full = rm_grow((void **)&la->subs, &la->cap, la->nsubs, sizeof(*la->subs),
			       RM_NETNS_MAX) || la->nsubs >= la->cap;	/* RM_NETNS_MAX */
		pthread_mutex_unlock(&ev_lock);
		if (full)
			break;
		s = subscribe(la, &v[i]);
		if (!s)
			break;
		pthread_mutex_lock(&ev_lock);
		la->subs[la->nsubs++] = s;
		pthread_mutex_unlock(&ev_lock);
	}
	free(v);
	pthread_mutex_lock(&ev_lock);
	for (i = k = 0; i < la->nsubs; i++) {
		if (la->subs[i]->seen) {
			la->subs[k++] = la->subs[i];
			continue;
		}
		rm_nl_close(la->subs[i]->nl);
		free(la->subs[i]);
	}
	la->nsubs = k;
	pthread_mutex_unlock(&ev_lock);
	return 0;
}

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * Until SIGINT/SIGTERM (blocked but in ppoll()) or rstmon unloaded: the
 * events of every sub, a rescan when a scrape asks and every
 * RM_RESCAN_SECONDS.
 */
static int event_loop(struct listen_all *la)
{
	struct pollfd *pfd = NULL;
	struct sub **idx = NULL;
	size_t cap = 0, np, i;
	sigset_t waitmask;
	time_t next = now_s() + RM_RESCAN_SECONDS;
	bool asked = false, gone = false;
	int ret = 0;

	sigprocmask(SIG_SETMASK, NULL, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	while (!stop_all && !ret && !gone) {
		struct timespec ts = { 0, 0 };
		time_t now = now_s();
		char buf[64];

		if (asked || now >= next) {
			if (rescan(la, false))
				fprintf(stderr, "rstmonctl: out of memory: namespaces not rescanned\n");
			asked = false;
			next = now + RM_RESCAN_SECONDS;
		}
		if (cap < 1 + 2 * la->nsubs) {
			size_t c = 1 + 2 * la->nsubs;
			struct pollfd *p = realloc(pfd, c * sizeof(*p));
			struct sub **x = p ? realloc(idx, c * sizeof(*x)) : NULL;

			if (p)
				pfd = p;
			if (!p || !x) {
				ret = rm_report_error(stderr, RM_PHASE_WATCH, ENOMEM, NULL, "waiting");
				break;
			}
			idx = x;
			cap = c;
		}
		pfd[0] = (struct pollfd){ .fd = la->wake[0], .events = POLLIN };
		for (i = 0, np = 1; i < la->nsubs; i++) {
			int efd, cfd;

			if (!la->subs[i]->nl)
				continue;
			rm_nl_watch_fds(la->subs[i]->nl, &efd, &cfd);
			idx[np] = la->subs[i];
			pfd[np++] = (struct pollfd){ .fd = efd, .events = POLLIN };
			idx[np] = la->subs[i];
			pfd[np++] = (struct pollfd){ .fd = cfd, .events = POLLIN };
		}
		ts.tv_sec = next > now ? next - now : 0;
		if (ppoll(pfd, np, &ts, &waitmask) < 0) {
			if (errno == EINTR)
				continue;
			ret = rm_report_error(stderr, RM_PHASE_WATCH, errno, NULL, "waiting");
			break;
		}
		if (pfd[0].revents) {
			while (read(la->wake[0], buf, sizeof(buf)) > 0)
				;
			asked = true;
		}
		for (i = 1; i < np && !ret; i += 2) {
			if (pfd[i].revents) {
				int r = rm_nl_read_queued(idx[i]->nl, count_event, idx[i]);

				if (r > 0)
					ret = r;
			}
			if (pfd[i + 1].revents && rm_nl_family_gone(idx[i]->nl))
				gone = true;
		}
	}
	if (gone && !ret) {
		/* Gone in every namespace at once: count what was queued, then say so. */
		for (i = 0; i < la->nsubs; i++)
			if (la->subs[i]->nl)
				rm_nl_read_queued(la->subs[i]->nl, count_event, la->subs[i]);
		ret = rm_report_error(stderr, RM_PHASE_WATCH, ENOENT, NULL, NULL);
	}
	free(pfd);
	free(idx);
	return ret;
}

/* ------------------------------------------------------ a scrape */

void rm_print_scrape_gauges(FILE *f, size_t found, size_t skipped)
{
	fputs("# HELP rstmon_scrape_namespaces Network namespaces found by this scrape (-A).\n"
	      "# TYPE rstmon_scrape_namespaces gauge\n", f);
	fprintf(f, "rstmon_scrape_namespaces %zu\n", found);
	fputs("# HELP rstmon_scrape_namespaces_skipped Network namespaces found but left out of "
	      "this scrape: they could not be entered, or rstmon could not be queried there.\n"
	      "# TYPE rstmon_scrape_namespaces_skipped gauge\n", f);
	fprintf(f, "rstmon_scrape_namespaces_skipped %zu\n", skipped);
}

/* A skip on stderr, once per namespace (every scrape would repeat it). */
static void say_skip(struct listen_all *la, const struct rm_netns *ns, const char *why)
{
	char desc[400];
	size_t i;

	for (i = 0; i < la->nsaid; i++)
		if (la->said[i] == ns->ino)
			return;
	if (!rm_grow((void **)&la->said, &la->capsaid, la->nsaid, sizeof(*la->said),
		     RM_NETNS_MAX) && la->nsaid < la->capsaid)
		la->said[la->nsaid++] = ns->ino;
	rm_netns_desc(desc, sizeof(desc), ns);
	fprintf(stderr, "rstmonctl: %s left out of the scrapes: %s\n", desc, why);
}

/*
 * The exposition of every namespace into @f (the HTTP thread): how many
 * could be read, or -1 (out of memory, or the thread's namespace unknown).
 */
static ssize_t expose_all(FILE *f, struct listen_all *la)
{
	struct rm_netns *v = NULL;
	struct rm_prom_ns *p = NULL;
	struct rm_status *st = NULL;
	struct rm_cgroups *cg = NULL;
	struct rm_prom_events *ev = NULL;
	unsigned int denied;
	struct stat me;
	size_t n = 0, i, k = 0, skipped = 0;
	ssize_t ret = -1;
	int self;

	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0 || fstat(self, &me) < 0) {
		fprintf(stderr, "rstmonctl: opening /proc/thread-self/ns/net: %s\n", strerror(errno));
		goto out;
	}
	if (scan(&v, &n, &denied))
		goto out;
	p = calloc(n ? n : 1, sizeof(*p));
	st = calloc(n ? n : 1, sizeof(*st));
	cg = calloc(n ? n : 1, sizeof(*cg));
	ev = calloc(n ? n : 1, sizeof(*ev));
	if (!p || !st || !cg || !ev)
		goto out;
	for (i = 0; i < n; i++) {
		struct rm_nl *nl = NULL;
		struct sub *s;
		bool own;
		int err = enter(&v[i], &me, &own), r = 0;

		if (err) {
			skipped++;
			say_skip(la, &v[i], enter_error(err));
			continue;
		}
		nl = rm_nl_open(&r);
		if (nl)
			r = rm_nl_get_status(nl, &st[k]);
		if (nl && !r && !rm_nl_dump_cgroups(nl, rm_cgroup_collect, &cg[k], true, &err))
			p[k].has_cg = true;
		rm_nl_close(nl);
		if (!own)
			leave(self);
		if (!nl || r) {
			free(cg[k].v);
			memset(&cg[k], 0, sizeof(cg[k]));
			skipped++;
			say_skip(la, &v[i], "rstmon could not be queried there (see above)");
			continue;
		}
		p[k].netns = (uint32_t)v[i].ino;
		p[k].name = v[i].name[0] ? v[i].name : NULL;
		p[k].container = v[i].ct.id[0] ? v[i].ct.id : NULL;
		p[k].pod = v[i].ct.pod[0] ? v[i].ct.pod : NULL;
		p[k].st = &st[k];
		p[k].cg = cg[k].v;
		p[k].ncg = cg[k].n;
		pthread_mutex_lock(&ev_lock);
		s = find_sub(la, v[i].dev, v[i].ino);
		if (s && s->nl) {
			ev[k] = s->ev;
			p[k].ev = &ev[k];
		}
		pthread_mutex_unlock(&ev_lock);
		k++;
	}
	rm_print_metrics_ns(f, p, k, la->o->top);
	rm_print_scrape_gauges(f, n, skipped);
	ret = k;
out:
	/* New namespaces: their events from now on. */
	if (write(la->wake[1], "r", 1) < 0 && errno != EAGAIN)
		fprintf(stderr, "rstmonctl: waking the event thread: %s\n", strerror(errno));
	for (i = 0; cg && i < n; i++)
		free(cg[i].v);
	free(cg);
	free(ev);
	free(st);
	free(p);
	free(v);
	if (self >= 0)
		close(self);
	return ret;
}

/* ------------------------------------------------------ HTTP */

/* expose_all() as rm_http_metrics() wants it: 0 when a namespace was read. */
static int expose_any(FILE *f, void *arg)
{
	return expose_all(f, arg) > 0 ? 0 : -1;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **req)
{
	(void)version;
	(void)upload;
	return rm_http_metrics(conn, url, method, upload_size, req, expose_any, cls,
			       "rstmon's counters could not be read in any network namespace (see rstmonctl's stderr).\n");
}

/* ------------------------------------------------------ the command */

int rm_listen_all(const struct rm_opts *o)
{
	struct listen_all la = { .o = o, .self = -1, .wake = { -1, -1 } };
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	struct rlimit rl;
	unsigned int len;
	size_t i;
	int ret = RM_EXIT_ERR;

	if (!rm_parse_listen(o->listen, &ss, &len)) {	/* args.c checked it */
		fprintf(stderr, "rstmonctl: invalid --listen '%s'\n", o->listen);
		return RM_EXIT_USAGE;
	}
	/* Two sockets per namespace: up to the hard limit of open files. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	la.self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (la.self < 0 || fstat(la.self, &la.self_st) < 0) {
		fprintf(stderr, "rstmonctl: opening /proc/thread-self/ns/net: %s\n", strerror(errno));
		goto out;
	}
	if (pipe2(la.wake, O_NONBLOCK | O_CLOEXEC) < 0) {
		fprintf(stderr, "rstmonctl: pipe: %s\n", strerror(errno));
		goto out;
	}
	/* SIGINT, SIGTERM: blocked in the HTTP thread, taken by the event loop's wait. */
	rm_catch_stop(on_stop);

	/* Bound here, in the starting namespace: nothing was entered yet. */
	d = rm_http_start(&ss, o->listen, handle, &la);
	if (!d)
		goto out;
	fprintf(stderr, "rstmonctl: serving http://%s/metrics (all network namespaces)\n",
		o->listen);
	if (rescan(&la, true))
		fprintf(stderr, "rstmonctl: out of memory: namespaces not scanned\n");
	ret = event_loop(&la);
	MHD_stop_daemon(d);
out:
	for (i = 0; i < la.nsubs; i++) {
		rm_nl_close(la.subs[i]->nl);
		free(la.subs[i]);
	}
	free(la.subs);
	free(la.said);
	if (la.wake[0] >= 0) {
		close(la.wake[0]);
		close(la.wake[1]);
	}
	if (la.self >= 0)
		close(la.self);
	return ret;
}
