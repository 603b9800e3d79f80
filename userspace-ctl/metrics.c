// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl metrics: the Prometheus text exposition format (0.0.4).
 *
 * One-shot (rstmonctl metrics) prints the module's counters of the
 * namespace; --listen ADDR:PORT serves the same on GET /metrics with
 * libmicrohttpd, reading the module afresh on each scrape, and adds what
 * only the event stream tells: each reset by direction, sender and cause
 * (rstmon_resets_total), and the sender's silence before it
 * (rstmon_reset_silence_seconds).  The kernel counts by direction and
 * cause only (rstmon_kernel_resets_total).
 *
 * Every family but the module-wide gauges carries netns="INODE" (and
 * container, pod where known), so that the samples of several namespaces
 * go in one exposition (rm_print_metrics_ns()).
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "rstmonctl.h"
#include "http.h"

const unsigned int rm_silence_bounds[RM_SILENCE_BUCKETS] = {
	1, 5, 30, 60, 120, 240, 300, 350, 600, 900, 3600, 7200
};

/* A label value: backslash, double quote and newline escaped. */
void rm_prom_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void prom_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * NAME{netns="N"[,netns_name="M"][,container="C"][,pod="P"] -- the caller
 * closes the braces.
 */
static void sample(FILE *f, const char *name, const struct rm_prom_ns *ns)
{
	fprintf(f, "%s{netns=\"%u\"", name, ns->netns);
	if (ns->name) {
		fputs(",netns_name=\"", f);
		rm_prom_label(f, ns->name);
		fputc('"', f);
	}
	if (ns->container) {
		fputs(",container=\"", f);
		rm_prom_label(f, ns->container);
		fputc('"', f);
	}
	if (ns->pod) {
		fputs(",pod=\"", f);
		rm_prom_label(f, ns->pod);
		fputc('"', f);
	}
}

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

void rm_prom_events_add(struct rm_prom_events *e, const struct rm_event *ev)
{
	unsigned int s = ev->sender < __RSTMON_SENDER_MAX ? ev->sender : RSTMON_SENDER_UNKNOWN;
	unsigned int c = ev->cause < __RSTMON_CAUSE_MAX ? ev->cause : RSTMON_CAUSE_UNKNOWN;
	unsigned int d = ev->dir, b;

	if (d >= __RSTMON_DIR_MAX) {
		e->ignored++;
		return;
	}
	e->resets[d][s][c]++;
	for (b = 0; b < RM_SILENCE_BUCKETS; b++)
		if ((uint64_t)ev->idle_ms <= rm_silence_bounds[b] * 1000ULL)
			break;
	if (b < RM_SILENCE_BUCKETS)
		e->bucket[d][c][b]++;
	e->count[d][c]++;
	e->sum_ms[d][c] += ev->idle_ms;
}

/* The families of the kernel's counters (GET_STATUS). */
static void print_status(FILE *f, const struct rm_prom_ns *ns, size_t n)
{
	const struct rm_status *any = NULL;
	const char *help, *key;
	char name[80];
	bool labelled;
	size_t i;
	int c, d, fam;

	for (i = 0; i < n && !any; i++)
		any = ns[i].st;
	if (!any)
		return;

	prom_head(f, "rstmon_info", "gauge",
		  "The rstmon module's version, per network namespace (always 1).");
	for (i = 0; i < n; i++) {
		if (!ns[i].st)
			continue;
		sample(f, "rstmon_info", &ns[i]);
		fputs(",version=\"", f);
		rm_prom_label(f, ns[i].st->version);
		fputs("\"} 1\n", f);
	}
	/* Module-wide: once, without the namespace's labels. */
	prom_head(f, "rstmon_conns_limit", "gauge", "The connection table's limit (max_conns).");
	fprintf(f, "rstmon_conns_limit %u\n", any->conns_limit);
	for (i = 0; i < n; i++) {
		if (!ns[i].st || !ns[i].st->has_conns_total)
			continue;
		prom_head(f, "rstmon_conns_all_namespaces", "gauge",
			  "Connection table entries of all network namespaces.");
		fprintf(f, "rstmon_conns_all_namespaces %u\n", ns[i].st->conns_total);
		break;
	}

	prom_head(f, "rstmon_conns", "gauge", "Connection table entries of the network namespace.");
	for (i = 0; i < n; i++)
		if (ns[i].st) {
			sample(f, "rstmon_conns", &ns[i]);
			fprintf(f, "} %u\n", ns[i].st->conns);
		}
	prom_head(f, "rstmon_events_logged_total", "counter",
		  "Events logged in the network namespace's event ring.");
	for (i = 0; i < n; i++)
		if (ns[i].st) {
			sample(f, "rstmon_events_logged_total", &ns[i]);
			fprintf(f, "} %llu\n", ull(ns[i].st->events_logged));
		}
	prom_head(f, "rstmon_segments_total", "counter", "TCP segments seen, by direction.");
	for (i = 0; i < n; i++)
		for (d = 0; ns[i].st && d < __RSTMON_DIR_MAX; d++) {
			sample(f, "rstmon_segments_total", &ns[i]);
			fprintf(f, ",dir=\"%s\"} %llu\n", rstmon_dir_name(d),
				ull(ns[i].st->ctr[RSTMON_CTR_SEG_IN + d]));
		}
	prom_head(f, "rstmon_rst_segments_total", "counter",
		  "TCP segments with RST seen, classified or not, by address family and direction "
		  "(the same RSTs as rstmon_kernel_resets_total, split another way: do not add them).");
	for (i = 0; i < n; i++)
		for (fam = 0; ns[i].st && fam < 2; fam++)
			for (d = 0; d < __RSTMON_DIR_MAX; d++) {
				sample(f, "rstmon_rst_segments_total", &ns[i]);
				fprintf(f, ",family=\"%s\",dir=\"%s\"} %llu\n",
					fam ? "ipv6" : "ipv4", rstmon_dir_name(d),
					ull(ns[i].st->ctr[(fam ? RSTMON_CTR_RST6_IN :
							   RSTMON_CTR_RST4_IN) + d]));
			}
	prom_head(f, "rstmon_kernel_resets_total", "counter",
		  "Classified TCP RSTs by direction and cause, as the module counts them "
		  "(since it was loaded or reset-stats; no sender: see rstmon_resets_total).");
	for (i = 0; i < n; i++)
		for (d = 0; ns[i].st && d < __RSTMON_DIR_MAX; d++)
			for (c = 0; c < __RSTMON_CAUSE_MAX; c++) {
				sample(f, "rstmon_kernel_resets_total", &ns[i]);
				fprintf(f, ",dir=\"%s\",cause=\"%s\"} %llu\n", rstmon_dir_name(d),
					rstmon_cause_name(c), ull(ns[i].st->cause[c][d]));
			}
	for (c = 0; c < __RSTMON_CTR_MAX; c++) {
		key = rm_counter_key(c, &help, &labelled);
		if (!key || labelled)
			continue;
		snprintf(name, sizeof(name), "rstmon_%s_total", key);
		prom_head(f, name, "counter", help);
		for (i = 0; i < n; i++)
			if (ns[i].st) {
				sample(f, name, &ns[i]);
				fprintf(f, "} %llu\n", ull(ns[i].st->ctr[c]));
			}
	}
}

/*
 * The families of the event stream (--listen).  A series appears with
 * its first event (pre-created, 16 causes x 5 senders x 3 directions of
 * zeros per namespace would swamp the exposition).
 */
static void print_events(FILE *f, const struct rm_prom_ns *ns, size_t n)
{
	size_t i;
	int d, s, c, b;
	bool any = false;

	for (i = 0; i < n; i++)
		any |= !!ns[i].ev;
	if (!any)
		return;
	prom_head(f, "rstmon_resets_total", "counter",
		  "Classified TCP RSTs by direction, sender and cause, counted from the event "
		  "stream since this listener started.");
	for (i = 0; i < n; i++)
		for (d = 0; ns[i].ev && d < __RSTMON_DIR_MAX; d++)
			for (s = 0; s < __RSTMON_SENDER_MAX; s++)
				for (c = 0; c < __RSTMON_CAUSE_MAX; c++) {
					if (!ns[i].ev->resets[d][s][c])
						continue;
					sample(f, "rstmon_resets_total", &ns[i]);
					fprintf(f, ",dir=\"%s\",sender=\"%s\",cause=\"%s\"} %llu\n",
						rstmon_dir_name(d), rstmon_sender_name(s),
						rstmon_cause_name(c),
						ull(ns[i].ev->resets[d][s][c]));
				}
	prom_head(f, "rstmon_reset_silence_seconds", "histogram",
		  "The silence of the RST's sender before it (the event's idle time), by "
		  "direction and cause; a spike at 240 s or 350 s names a cloud load balancer's "
		  "idle timeout.");
	for (i = 0; i < n; i++)
		for (d = 0; ns[i].ev && d < __RSTMON_DIR_MAX; d++)
			for (c = 0; c < __RSTMON_CAUSE_MAX; c++) {
				const struct rm_prom_events *e = ns[i].ev;
				uint64_t cum = 0;

				if (!e->count[d][c])
					continue;
				for (b = 0; b < RM_SILENCE_BUCKETS; b++) {
					cum += e->bucket[d][c][b];
					sample(f, "rstmon_reset_silence_seconds_bucket", &ns[i]);
					fprintf(f, ",dir=\"%s\",cause=\"%s\",le=\"%u\"} %llu\n",
						rstmon_dir_name(d), rstmon_cause_name(c),
						rm_silence_bounds[b], ull(cum));
				}
				sample(f, "rstmon_reset_silence_seconds_bucket", &ns[i]);
				fprintf(f, ",dir=\"%s\",cause=\"%s\",le=\"+Inf\"} %llu\n",
					rstmon_dir_name(d), rstmon_cause_name(c), ull(e->count[d][c]));
				sample(f, "rstmon_reset_silence_seconds_sum", &ns[i]);
				fprintf(f, ",dir=\"%s\",cause=\"%s\"} %llu.%03llu\n", rstmon_dir_name(d),
					rstmon_cause_name(c), ull(e->sum_ms[d][c] / 1000),
					ull(e->sum_ms[d][c] % 1000));
				sample(f, "rstmon_reset_silence_seconds_count", &ns[i]);
				fprintf(f, ",dir=\"%s\",cause=\"%s\"} %llu\n", rstmon_dir_name(d),
					rstmon_cause_name(c), ull(e->count[d][c]));
			}
}

/* The label of an entry: its path, else its id ("id:N"). */
static void cgroup_label(FILE *f, const struct rm_cgroup *c)
{
	if (c->path[0])
		rm_prom_label(f, c->path);
	else
		fprintf(f, "id:%llu", ull(c->id));
}

static int cgroup_cmp(const void *a, const void *b)
{
	const struct rm_cgroup *x = a, *y = b;
	int r;

	if (x->other != y->other)
		return x->other ? 1 : -1;
	if (x->rsts != y->rsts)
		return x->rsts > y->rsts ? -1 : 1;
	r = strcmp(x->path, y->path);
	if (r)
		return r;
	return x->id < y->id ? -1 : x->id > y->id;
}

size_t rm_cgroup_top(struct rm_cgroup *v, size_t n, unsigned int top, uint64_t *other)
{
	size_t i, shown = 0;

	qsort(v, n, sizeof(*v), cgroup_cmp);
	*other = 0;
	for (i = 0; i < n; i++) {
		if (!v[i].other && shown < top && i == shown)
			shown++;
		else
			*other += v[i].rsts;
	}
	return shown;
}

static void print_cgroups(FILE *f, struct rm_prom_ns *ns, size_t n, unsigned int top)
{
	size_t i, j, shown;
	bool any = false;
	uint64_t other;

	for (i = 0; i < n; i++)
		any |= ns[i].has_cg;
	if (!any)
		return;
	prom_head(f, "rstmon_cgroup_resets_total", "counter",
		  "TCP RSTs by the cgroup of the local socket they involved: the top cgroups, then all others.");
	for (i = 0; i < n; i++) {
		if (!ns[i].has_cg)
			continue;
		shown = rm_cgroup_top(ns[i].cg, ns[i].ncg, top, &other);
		for (j = 0; j < shown; j++) {
			sample(f, "rstmon_cgroup_resets_total", &ns[i]);
			fputs(",cgroup=\"", f);
			cgroup_label(f, &ns[i].cg[j]);
			fprintf(f, "\"} %llu\n", ull(ns[i].cg[j].rsts));
		}
		sample(f, "rstmon_cgroup_resets_total", &ns[i]);
		fprintf(f, ",cgroup=\"other\"} %llu\n", ull(other));
	}
}

void rm_print_metrics_ns(FILE *f, struct rm_prom_ns *ns, size_t n, unsigned int top)
{
	print_status(f, ns, n);
	print_events(f, ns, n);
	print_cgroups(f, ns, n, top);
}

void rm_print_metrics(FILE *f, const struct rm_status *st)
{
	struct rm_prom_ns ns = { .netns = st->netns_inum, .st = st };

	rm_print_metrics_ns(f, &ns, 1, 0);
}

void rm_print_cgroup_metrics(FILE *f, uint32_t netns, struct rm_cgroup *v, size_t n,
			     unsigned int top)
{
	struct rm_prom_ns ns = { .netns = netns, .cg = v, .ncg = n, .has_cg = true };

	print_cgroups(f, &ns, 1, top);
}

bool rm_parse_listen(const char *s, struct sockaddr_storage *ss, unsigned int *len)
{
	struct addrinfo hints, *ai = NULL;
	char host[64];
	const char *colon = strrchr(s, ':');
	uint64_t port;
	size_t hl;

	if (!colon || !rm_parse_uint(colon + 1, 65535, &port) || !port)
		return false;
	hl = colon - s;
	if (hl && s[0] == '[') {
		if (hl < 2 || s[hl - 1] != ']')
			return false;
		s++;
		hl -= 2;
	}
	if (hl >= sizeof(host))
		return false;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (!hl || !strcmp(host, "*"))
		strcpy(host, "0.0.0.0");
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &ai) || !ai)
		return false;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return true;
}

/* ------------------------------------------------------------ the command */

struct cg_ctx {
	struct rm_cgroup *v;
	size_t n, cap;
};

static int cg_collect(const struct rm_cgroup *c, void *data)
{
	struct cg_ctx *x = data;

	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		void *r = realloc(x->v, cap * sizeof(*x->v));

		if (!r)
			return RM_EXIT_ERR;
		x->v = r;
		x->cap = cap;
	}
	x->v[x->n] = *c;
	if (!c->other && !c->path[0])
		rm_cgroup_resolve(c->id, x->v[x->n].path, sizeof(x->v[x->n].path));
	x->n++;
	return 0;
}

/*
 * One exposition of the namespace of @nl into @f: its status (required:
 * the exit code when it cannot be read), its cgroups (quiet: a module
 * without them, or no CAP_NET_ADMIN, leaves them out, with a line on
 * stderr), and @ev when not NULL.
 */
static int exposition(FILE *f, struct rm_nl *nl, const struct rm_prom_events *ev,
		      unsigned int top)
{
	struct cg_ctx x = { NULL, 0, 0 };
	struct rm_status st;
	struct rm_prom_ns ns = { .st = &st, .ev = ev };
	int err = 0, ret = rm_nl_get_status(nl, &st);

	if (ret)
		return ret;
	ns.netns = st.netns_inum;
	if (rm_nl_dump_cgroups(nl, cg_collect, &x, true, &err))
		fprintf(stderr, "rstmonctl: RSTs by cgroup left out: %s\n", strerror(err));
	else
		ns.has_cg = true;
	ns.cg = x.v;
	ns.ncg = x.n;
	rm_print_metrics_ns(f, &ns, 1, top);
	free(x.v);
	return 0;
}

/* The --listen process: the counts under @lock (the event thread adds, scrapes read). */
struct listener {
	struct rm_nl *nl;		/* requests, from the HTTP thread only */
	unsigned int top;
	pthread_mutex_t lock;
	struct rm_prom_events ev;
};

static int count_event(const struct rm_event *ev, void *data)
{
	struct listener *l = data;

	pthread_mutex_lock(&l->lock);
	rm_prom_events_add(&l->ev, ev);
	pthread_mutex_unlock(&l->lock);
	return 0;
}

#define RM_PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, char *body,
			     size_t len, const char *type, bool allow)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text_reply(struct MHD_Connection *conn, unsigned int status,
				  const char *msg, bool allow)
{
	char *body = strdup(msg);

	if (!body)
		return MHD_NO;
	return reply(conn, status, body, strlen(body), "text/plain; charset=utf-8", allow);
}

enum MHD_Result rm_http_metrics(struct MHD_Connection *conn, const char *url,
				const char *method, size_t *upload_size, void **req,
				int (*expose)(FILE *f, void *arg), void *arg,
				const char *unavailable)
{
	char *body = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	if (!*req) {		/* headers only so far: answer on the next call */
		*req = (void *)1;
		return MHD_YES;
	}
	if (*upload_size) {	/* a body: read and ignore it, answer when it is all in */
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return text_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "Only GET /metrics.\n", true);
	if (strcmp(url, "/metrics"))
		return text_reply(conn, MHD_HTTP_NOT_FOUND, "Not found: the metrics are at /metrics.\n",
				  false);
	f = open_memstream(&body, &len);
	if (!f)
		return MHD_NO;
	ret = expose(f, arg);
	if (fclose(f) || ret) {
		free(body);
		return text_reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, unavailable, false);
	}
	return reply(conn, MHD_HTTP_OK, body, len, RM_PROM_CONTENT_TYPE, false);
}

struct MHD_Daemon *rm_http_start(const struct sockaddr_storage *ss, const char *listen,
				 MHD_AccessHandlerCallback handle, void *arg)
{
	struct MHD_Daemon *d;

	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
			     (ss->ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
			     0, NULL, NULL, handle, arg,
			     MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)ss,
			     MHD_OPTION_CONNECTION_LIMIT, 64U,
			     MHD_OPTION_CONNECTION_TIMEOUT, 30U,
			     MHD_OPTION_END);
	if (!d)
		fprintf(stderr, "rstmonctl: cannot listen on %s: %s\n", listen,
			strerror(errno ? errno : EADDRINUSE));
	return d;
}

/* The namespace's exposition, with a copy of the listener's event counts. */
static int expose_one(FILE *f, void *arg)
{
	struct listener *l = arg;
	struct rm_prom_events snap;

	pthread_mutex_lock(&l->lock);
	snap = l->ev;
	pthread_mutex_unlock(&l->lock);
	return exposition(f, l->nl, &snap, l->top);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **req)
{
	(void)version;
	(void)upload;
	return rm_http_metrics(conn, url, method, upload_size, req, expose_one, cls,
			       "rstmon's counters could not be read (see rstmonctl's stderr).\n");
}

static volatile int stop_listen;

static void on_stop(int sig)
{
	(void)sig;
	stop_listen = 1;
}

static int listen_metrics(struct rm_nl *nl, const struct rm_opts *o)
{
	struct sockaddr_storage ss;
	struct listener l = { .nl = nl, .top = o->top };
	struct MHD_Daemon *d;
	struct rm_nl *evnl;
	unsigned int len;
	int ret;

	if (!rm_parse_listen(o->listen, &ss, &len)) {	/* args.c checked it */
		fprintf(stderr, "rstmonctl: invalid --listen '%s'\n", o->listen);
		return RM_EXIT_USAGE;
	}
	pthread_mutex_init(&l.lock, NULL);
	/* The events on a socket of their own: the scrapes' requests do not mix with them. */
	evnl = rm_nl_open(&ret);
	if (!evnl)
		return ret;
	ret = rm_nl_join_events(evnl);
	if (ret)
		goto out;

	/* SIGINT, SIGTERM: blocked in the HTTP thread, taken by the wait below. */
	rm_catch_stop(on_stop);

	d = rm_http_start(&ss, o->listen, handle, &l);
	if (!d) {
		ret = RM_EXIT_ERR;
		goto out;
	}
	fprintf(stderr, "rstmonctl: serving http://%s/metrics\n", o->listen);
	ret = rm_nl_watch(evnl, count_event, &l, &stop_listen);
	MHD_stop_daemon(d);
out:
	rm_nl_close(evnl);
	pthread_mutex_destroy(&l.lock);
	return ret;
}

int rm_cmd_metrics(struct rm_nl *nl, const struct rm_opts *o)
{
	int ret;

	if (o->listen)
		return listen_metrics(nl, o);
	ret = exposition(stdout, nl, NULL, o->top);
	if (ret)
		return ret;
	return fflush(stdout) ? RM_EXIT_ERR : 0;
}
