// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl: -A/--all-namespaces and the forms of -n.
 *
 * The namespaces are those of /run/netns and of every process in /proc,
 * one per inode.  Each is entered with setns(2) long enough to open a
 * generic netlink socket there (a socket stays in the namespace it was
 * made in), then the caller's namespace is entered again; the commands
 * then talk to every socket from the caller's namespace.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "rstmonctl.h"
#include "view.h"

/* ------------------------------------------------------ enumeration */

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

struct scan {
	struct rm_netns *v;
	size_t n, cap;
};

/* The entry of @st, added when new (NULL: out of memory or too many). */
static struct rm_netns *ns_entry(struct scan *s, const struct stat *st, const char *path,
				 bool *added)
{
	size_t i;

	*added = false;
	for (i = 0; i < s->n; i++)
		if (s->v[i].dev == (uint64_t)st->st_dev && s->v[i].ino == (uint64_t)st->st_ino)
			return &s->v[i];
	if (s->n >= RM_NETNS_MAX)
		return NULL;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct rm_netns *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	memset(&s->v[s->n], 0, sizeof(s->v[s->n]));
	s->v[s->n].dev = st->st_dev;
	s->v[s->n].ino = st->st_ino;
	snprintf(s->v[s->n].path, sizeof(s->v[s->n].path), "%s", path);
	*added = true;
	return &s->v[s->n++];
}

static int pid_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static uint64_t host_ino, host_dev;

static int ns_cmp(const void *a, const void *b)
{
	const struct rm_netns *x = a, *y = b;
	bool hx = x->ino == host_ino && x->dev == host_dev;
	bool hy = y->ino == host_ino && y->dev == host_dev;

	if (hx != hy)
		return hx ? -1 : 1;
	if (!!x->name[0] != !!y->name[0])
		return x->name[0] ? -1 : 1;
	if (x->name[0] && strcmp(x->name, y->name))
		return strcmp(x->name, y->name);
	return (x->ino > y->ino) - (x->ino < y->ino);
}

int rm_netns_scan(const char *root, struct rm_netns **v, size_t *n, unsigned int *denied)
{
	struct scan s = { NULL, 0, 0 };
	char path[300];
	struct dirent *de;
	struct stat st;
	int *pids = NULL;
	size_t npids = 0, cap = 0, i;
	bool added, host = false;
	DIR *d;

	*denied = 0;
	host_ino = host_dev = 0;
	snprintf(path, sizeof(path), "%s/proc/1/ns/net", root);
	if (!stat(path, &st)) {
		host = true;
		host_ino = st.st_ino;
		host_dev = st.st_dev;
	}
	snprintf(path, sizeof(path), "%s/run/netns", root);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		struct rm_netns *e;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(e->name))
			continue;
		snprintf(path, sizeof(path), "%s/run/netns/%s", root, de->d_name);
		if (stat(path, &st))	/* a name left by a namespace gone */
			continue;
		e = ns_entry(&s, &st, path, &added);
		if (!e)
			goto nomem;
		if (!e->name[0] || strcmp(de->d_name, e->name) < 0)
			strcpy(e->name, de->d_name);
	}
	if (d)
		closedir(d);

	/* The PIDs in order: the lowest PID of each namespace labels it. */
	snprintf(path, sizeof(path), "%s/proc", root);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		if (!all_digits(de->d_name) || strlen(de->d_name) > 9)
			continue;
		if (npids == cap) {
			int *p = realloc(pids, (cap ? 2 * cap : 256) * sizeof(*p));

			if (!p) {
				closedir(d);
				goto nomem;
			}
			pids = p;
			cap = cap ? 2 * cap : 256;
		}
		pids[npids++] = atoi(de->d_name);
	}
	if (d)
		closedir(d);
	if (npids)
		qsort(pids, npids, sizeof(*pids), pid_cmp);
	for (i = 0; i < npids; i++) {
		struct rm_netns *e;

		snprintf(path, sizeof(path), "%s/proc/%d/ns/net", root, pids[i]);
		if (stat(path, &st)) {
			if (errno == EACCES || errno == EPERM)
				(*denied)++;
			continue;	/* ENOENT: a kernel thread, or gone */
		}
		e = ns_entry(&s, &st, path, &added);
		if (!e)
			goto nomem;
		if (!e->pid)
			e->pid = pids[i];
	}
	free(pids);
	pids = NULL;

	for (i = 0; i < s.n; i++) {
		struct rm_netns *e = &s.v[i];

		if (host && e->ino == host_ino && e->dev == host_dev && !e->name[0])
			strcpy(e->name, "host");
		if (e->pid) {
			snprintf(path, sizeof(path), "%s/proc/%d/cgroup", root, e->pid);
			rm_proc_container(path, &e->ct);
		}
	}
	if (s.n)
		qsort(s.v, s.n, sizeof(*s.v), ns_cmp);
	*v = s.v;
	*n = s.n;
	return 0;

nomem:
	free(pids);
	free(s.v);
	*v = NULL;
	*n = 0;
	return -1;
}

/* --------------------------------------------------------------- -n */

void rm_netns_arg_path(const char *arg, char *path, size_t len)
{
	if (all_digits(arg))
		snprintf(path, len, "/proc/%s/ns/net", arg);
	else if (strchr(arg, '/'))
		snprintf(path, len, "%s", arg);
	else
		snprintf(path, len, "/run/netns/%s", arg);
}

/* The plain words of a failed -n ARG (@err: open's or setns's errno). */
static int netns_arg_error(const char *arg, const char *path, int err, bool opening)
{
	bool pid = all_digits(arg), name = !pid && !strchr(arg, '/');

	if (opening && err == ENOENT && pid)
		fprintf(stderr, "rstmonctl: no such process %s (no %s)\n", arg, path);
	else if (opening && err == ENOENT && name)
		fprintf(stderr, "rstmonctl: no network namespace named %s (/run/netns/%s)\n", arg,
			arg);
	else if (opening && err == ENOENT)
		fprintf(stderr, "rstmonctl: no such file %s\n", path);
	else if (opening && (err == EACCES || err == EPERM))
		fprintf(stderr, "rstmonctl: permission denied: opening %s needs root (or the process's own user)\n",
			path);
	else if (err == EINVAL)
		fprintf(stderr, "rstmonctl: %s is not a network namespace file\n", path);
	else if (err == EPERM || err == EACCES)
		fprintf(stderr, "rstmonctl: permission denied: entering network namespace %s needs CAP_SYS_ADMIN\n",
			path);
	else
		fprintf(stderr, "rstmonctl: entering network namespace %s: %s\n", path, strerror(err));
	return RM_EXIT_ERR;
}

int rm_enter_netns_arg(const char *arg)
{
	char path[4200];
	int fd, err;

	rm_netns_arg_path(arg, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return netns_arg_error(arg, path, errno, true);
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = errno;
		close(fd);
		return netns_arg_error(arg, path, err, false);
	}
	close(fd);
	return 0;
}

/* ----------------------------------------------------------- labels */

#define RM_SHORT_ID 12

void rm_netns_label_text(FILE *f, const struct rm_netns *ns)
{
	fprintf(f, "netns=%llu", (unsigned long long)ns->ino);
	if (ns->name[0])
		fprintf(f, " netns_name=%s", ns->name);
	if (ns->ct.id[0])
		fprintf(f, " container=%.*s", RM_SHORT_ID, ns->ct.id);
	if (ns->ct.pod[0])
		fprintf(f, " pod=%.*s", RM_SHORT_ID, ns->ct.pod);
	fputc(' ', f);
}

static void json_str_or_null(FILE *f, const char *s)
{
	if (s[0])
		rm_json_str(f, s);
	else
		fputs("null", f);
}

void rm_netns_label_json(FILE *f, const struct rm_netns *ns, bool *first, bool with_netns)
{
	if (with_netns) {
		rm_json_key(f, first, "netns");
		fprintf(f, "%llu", (unsigned long long)ns->ino);
	}
	rm_json_key(f, first, "netns_name");
	json_str_or_null(f, ns->name);
	rm_json_key(f, first, "container");
	json_str_or_null(f, ns->ct.id);
	rm_json_key(f, first, "pod");
	json_str_or_null(f, ns->ct.pod);
}

/*
 * @obj, one JSON object ("{...}\n" as format.c prints it), with the
 * labels first.
 */
static void json_with_labels(FILE *f, const char *obj, const struct rm_netns *ns,
			     bool with_netns)
{
	bool first = true;

	while (*obj && *obj != '{')
		obj++;
	if (!*obj)
		return;
	fputc('{', f);
	rm_netns_label_json(f, ns, &first, with_netns);
	obj++;
	if (*obj != '}')
		fputc(',', f);
	fputs(obj, f);
}

/* Print @print(@arg) into a string (free() it); NULL: out of memory. */
#define CAPTURE(buf, call) do {						\
		size_t len_;						\
		FILE *m_ = open_memstream(&(buf), &len_);		\
		(buf) = NULL;						\
		if (m_) {						\
			FILE *f = m_;					\
			call;						\
			fclose(m_);					\
		}							\
	} while (0)

static void prom_label(FILE *f, bool *first, const char *key, const char *val)
{
	if (!val[0])
		return;
	fprintf(f, "%s%s=\"", *first ? "" : ",", key);
	rm_prom_label(f, val);
	fputc('"', f);
	*first = false;
}

void rm_metrics_relabel(FILE *f, const char *line, const struct rm_netns *ns)
{
	size_t name = strcspn(line, "{ ");
	bool brace = line[name] == '{', first = true;
	char ino[24];

	snprintf(ino, sizeof(ino), "%llu", (unsigned long long)ns->ino);
	fwrite(line, 1, name, f);
	fputc('{', f);
	/* The sample's own netns="N" first (metrics.c's): ours after it. */
	if (brace && !strncmp(line + name + 1, "netns=\"", 7)) {
		const char *q = strchr(line + name + 8, '"');

		if (q) {
			fwrite(line + name + 1, 1, q + 1 - (line + name + 1), f);
			first = false;
			prom_label(f, &first, "netns_name", ns->name);
			prom_label(f, &first, "container", ns->ct.id);
			prom_label(f, &first, "pod", ns->ct.pod);
			fputs(q + 1, f);
			fputc('\n', f);
			return;
		}
	}
	/* rstmon_info has its own netns label, the same number. */
	if (!brace || !strstr(line + name, "netns=\""))
		prom_label(f, &first, "netns", ino);
	prom_label(f, &first, "netns_name", ns->name);
	prom_label(f, &first, "container", ns->ct.id);
	prom_label(f, &first, "pod", ns->ct.pod);
	if (brace) {
		if (line[name + 1] != '}' && !first)
			fputc(',', f);
		fputs(line + name + 1, f);
	} else {
		fputc('}', f);
		fputs(line + name, f);
	}
	fputc('\n', f);
}

/* --------------------------------------------------------- sockets */

struct ns_sock {
	struct rm_netns *ns;
	struct rm_nl *nl;
};

/*
 * Run @fn with stderr into a buffer: the messages of a namespace that is
 * skipped come out as one line, with the namespace's name.
 */
static char *quietly(int (*fn)(void *), void *arg, int *ret)
{
	char *buf = NULL;
	int fd, saved;
	off_t len;

	fflush(stderr);
	fd = memfd_create("rstmonctl-err", MFD_CLOEXEC);
	saved = fd >= 0 ? dup(2) : -1;
	if (saved < 0 || dup2(fd, 2) < 0) {
		if (fd >= 0)
			close(fd);
		if (saved >= 0)
			close(saved);
		*ret = fn(arg);
		return NULL;
	}
	*ret = fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	len = lseek(fd, 0, SEEK_END);
	if (len > 0 && len < 65536 && (buf = calloc(1, len + 1)) &&
	    pread(fd, buf, len, 0) != len) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	return buf;
}

void rm_netns_desc(char *buf, size_t len, const struct rm_netns *ns)
{
	if (ns->name[0])
		snprintf(buf, len, "netns %llu (%s)", (unsigned long long)ns->ino, ns->name);
	else if (ns->pid)
		snprintf(buf, len, "netns %llu (of PID %d)", (unsigned long long)ns->ino, ns->pid);
	else
		snprintf(buf, len, "netns %llu", (unsigned long long)ns->ino);
}

/* The captured messages of @ns, "rstmonctl: " dropped, on one line. */
static void report_ns(const struct rm_netns *ns, char *msg, const char *fallback,
		      const char *what)
{
	char desc[400], *p;

	rm_netns_desc(desc, sizeof(desc), ns);
	if (msg) {
		while ((p = strstr(msg, "rstmonctl: ")))
			memmove(p, p + 11, strlen(p + 11) + 1);
		for (p = msg; *p; p++)
			if (*p == '\n')
				*p = p[1] ? ';' : '\0';
	}
	fprintf(stderr, "rstmonctl: %s%s: %s\n", desc, what, msg && msg[0] ? msg : fallback);
	free(msg);
}

static void report_skip(const struct rm_netns *ns, char *msg, const char *fallback)
{
	report_ns(ns, msg, fallback, " skipped");
}

struct open_ctx {
	struct rm_nl *nl;
	bool join;
};

static int open_fn(void *arg)
{
	struct open_ctx *c = arg;
	int ret;

	c->nl = rm_nl_open(&ret);
	if (c->nl && c->join) {
		ret = rm_nl_join_events(c->nl);
		if (ret) {
			rm_nl_close(c->nl);
			c->nl = NULL;
		}
	}
	return c->nl ? 0 : ret;
}

/*
 * A socket in each namespace (@join: in its events group too); the
 * namespaces that cannot be used are told on stderr and left out.
 * Returns how many, or -1 with the error printed.
 */
static ssize_t open_all(struct rm_netns *v, size_t n, struct ns_sock *out, bool join)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct stat me;
	size_t i, k = 0;

	if (self < 0) {
		fprintf(stderr, "rstmonctl: opening /proc/self/ns/net: %s\n", strerror(errno));
		return -1;
	}
	if (fstat(self, &me) < 0)
		memset(&me, 0, sizeof(me));
	for (i = 0; i < n; i++) {
		struct open_ctx c = { NULL, join };
		/* The caller's own namespace needs no setns() (nor CAP_SYS_ADMIN). */
		bool own = v[i].ino == (uint64_t)me.st_ino && v[i].dev == (uint64_t)me.st_dev;
		int fd = own ? dup(self) : open(v[i].path, O_RDONLY | O_CLOEXEC), ret, err;
		char *msg;

		if (fd < 0 || (!own && setns(fd, CLONE_NEWNET) < 0)) {
			err = errno;
			if (fd >= 0)
				close(fd);
			report_skip(&v[i], NULL, err == EPERM || err == EACCES ?
				    "permission denied (entering it needs CAP_SYS_ADMIN)" :
				    err == ENOENT ? "it is gone" : strerror(err));
			continue;
		}
		close(fd);
		msg = quietly(open_fn, &c, &ret);
		if (!own && setns(self, CLONE_NEWNET) < 0) {
			fprintf(stderr, "rstmonctl: back to the caller's network namespace: %s\n",
				strerror(errno));
			free(msg);
			rm_nl_close(c.nl);
			close(self);
			return -1;
		}
		if (!c.nl) {
			report_skip(&v[i], msg, "rstmon cannot be reached there");
			continue;
		}
		free(msg);
		out[k].ns = &v[i];
		out[k].nl = c.nl;
		k++;
	}
	close(self);
	return k;
}

/* ------------------------------------------------------- commands */

struct tagged {
	struct rm_event ev;
	size_t ns;		/* index into the sockets */
	size_t seq;		/* order of arrival, for a stable sort */
};

struct collect {
	const struct rm_opts *o;
	struct tagged *v;
	size_t n, cap, cur;
};

static int collect_event(const struct rm_event *ev, void *data)
{
	struct collect *c = data;

	if (!rm_event_match(c->o, ev))
		return 0;
	if (rm_grow((void **)&c->v, &c->cap, c->n, sizeof(*c->v), SIZE_MAX / sizeof(*c->v)))
		return RM_EXIT_ERR;
	c->v[c->n].ev = *ev;
	c->v[c->n].ns = c->cur;
	c->v[c->n].seq = c->n;
	c->n++;
	return 0;
}

static int tagged_cmp(const void *a, const void *b)
{
	const struct tagged *x = a, *y = b;

	if (x->ev.time_ns != y->ev.time_ns)
		return x->ev.time_ns < y->ev.time_ns ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int out_check(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (errno == EPIPE)
		return -1;	/* the reader went away: done */
	fprintf(stderr, "rstmonctl: writing the output: %s\n", strerror(errno));
	return RM_EXIT_ERR;
}

/* The table's NETNS column: the name, else the container, else the inode. */
#define RM_NS_COL 16

static void table_label(FILE *f, const struct rm_netns *ns)
{
	char ino[24];

	snprintf(ino, sizeof(ino), "%llu", (unsigned long long)ns->ino);
	fprintf(f, "%-*.*s ", RM_NS_COL, RM_NS_COL,
		ns->name[0] ? ns->name : ns->ct.id[0] ? ns->ct.id : ino);
}

static int print_labelled_event(const struct rm_opts *o, const struct rm_netns *ns,
				const struct rm_event *ev)
{
	char *buf;

	if (!o->json && o->output == RM_OUT_TABLE) {
		table_label(stdout, ns);
		rm_print_event_row(stdout, ev, o->wide);
	} else if (o->json) {
		CAPTURE(buf, rm_print_event_json(f, ev));
		if (!buf)
			return RM_EXIT_ERR;
		/* The attribution has the namespace's inode as "netns" already. */
		json_with_labels(stdout, buf, ns, !ev->has_attr);
		free(buf);
	} else {
		rm_netns_label_text(stdout, ns);
		rm_print_event_text(stdout, ev);
	}
	return out_check();
}

static int print_why(const struct rm_opts *o, const struct rm_netns *ns, struct rm_event *ev)
{
	struct rm_why_extra x = { ns->name[0] && strcmp(ns->name, "host") ? ns->name : NULL,
				  NULL };
	char svc[64], *buf;

	rm_why_prepare(ev, &x, svc, sizeof(svc));
	if (o->json) {
		CAPTURE(buf, rm_print_why_json(f, ev, &x));
		if (!buf)
			return RM_EXIT_ERR;
		json_with_labels(stdout, buf, ns, !ev->has_attr);
		free(buf);
	} else {
		rm_netns_label_text(stdout, ns);
		fputc('\n', stdout);
		rm_print_why_text(stdout, ev, &x);
	}
	return 0;
}

/*
 * A request to one namespace, its errors said once with the namespace's
 * name: "rstmonctl: netns 4026532301 (web) skipped: permission denied...".
 */
struct req {
	struct rm_nl *nl;
	const struct rm_opts *o;
	struct collect *c;	/* events */
	struct rm_status *st;	/* status */
};

static int dump_fn(void *arg)
{
	struct req *r = arg;

	return rm_nl_dump_events(r->nl, r->o->cmd == RM_CMD_EVENTS ? r->o->from : 0,
				 collect_event, r->c);
}

static int status_fn(void *arg)
{
	struct req *r = arg;

	return rm_nl_get_status(r->nl, r->st);
}

static int ns_request(const struct ns_sock *s, int (*fn)(void *), struct req *r)
{
	int ret;
	char *msg = quietly(fn, r, &ret);

	if (ret)
		report_skip(s->ns, msg, "the request failed");
	else if (msg && msg[0])	/* a warning (events overwritten during the dump) */
		report_ns(s->ns, msg, "", "");
	else
		free(msg);
	return ret;
}

static int cmd_events(const struct rm_opts *o, struct ns_sock *s, size_t n)
{
	struct collect c = { o, NULL, 0, 0, 0 };
	size_t i, start = 0;
	int ret = 0, r;

	for (i = 0; i < n; i++) {
		struct req q = { s[i].nl, o, &c, NULL };

		c.cur = i;
		r = ns_request(&s[i], dump_fn, &q);
		if (r)
			ret = r;
	}
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), tagged_cmp);
	if (o->cmd == RM_CMD_EVENTS) {
		for (i = 0; i < c.n; i++) {
			r = print_labelled_event(o, s[c.v[i].ns].ns, &c.v[i].ev);
			if (r) {
				ret = r < 0 ? 0 : r;
				break;
			}
		}
		free(c.v);
		return ret;
	}
	/* why: the last o->last of them all. */
	if (c.n > o->last)
		start = c.n - o->last;
	/* -j: one object per line, as why's own. */
	for (i = start; i < c.n; i++)
		print_why(o, s[c.v[i].ns].ns, &c.v[i].ev);
	if (!o->json && c.n == start)
		fputs("No matching resets.\n", stdout);
	free(c.v);
	r = out_check();
	return r > 0 ? r : ret;
}

static int cmd_stats(const struct rm_opts *o, struct ns_sock *s, size_t n)
{
	int ret = 0, r;
	size_t i;

	for (i = 0; i < n; i++) {
		struct rm_status st;
		struct req q = { s[i].nl, o, NULL, &st };
		char *buf;

		r = ns_request(&s[i], status_fn, &q);
		if (r) {
			ret = r;
			continue;
		}
		if (o->json) {
			CAPTURE(buf, rm_print_stats_json(f, &st));
			if (!buf)
				return RM_EXIT_ERR;
			json_with_labels(stdout, buf, s[i].ns, true);
			free(buf);
		} else {
			if (i)
				fputc('\n', stdout);
			fputs("== ", stdout);
			rm_netns_label_text(stdout, s[i].ns);
			fputs("==\n", stdout);
			rm_print_stats_text(stdout, &st, o->all);
		}
		r = out_check();
		if (r)
			return r < 0 ? 0 : r;
	}
	return ret;
}

/* metrics -A: the families in order of first appearance, each once. */
struct family {
	char *name;
	char *head;		/* its HELP and TYPE lines */
	char *samples;
	size_t len;
	FILE *m;
};

/*
 * The family @name (@len bytes), added when new.  Each is allocated on
 * its own: its memstream keeps the addresses of @samples and @len.
 */
static struct family *family_of(struct family ***fams, size_t *nf, const char *name, size_t len)
{
	struct family **v, *f;
	size_t i;

	for (i = 0; i < *nf; i++)
		if (strlen((*fams)[i]->name) == len && !strncmp((*fams)[i]->name, name, len))
			return (*fams)[i];
	v = realloc(*fams, (*nf + 1) * sizeof(*v));
	if (!v)
		return NULL;
	*fams = v;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->name = strndup(name, len);
	f->m = open_memstream(&f->samples, &f->len);
	if (!f->name || !f->m) {
		if (f->m)
			fclose(f->m);
		free(f->samples);
		free(f->name);
		free(f);
		return NULL;
	}
	v[(*nf)++] = f;
	return f;
}

/* Add the text of one namespace's metrics to @fams. */
static int metrics_add(struct family ***fams, size_t *nf, char *text, const struct rm_netns *ns)
{
	struct family *cur = NULL;
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
			const char *name = line + 7;

			cur = family_of(fams, nf, name, strcspn(name, " "));
			if (!cur)
				return RM_EXIT_ERR;
			if (!cur->head || (!strstr(cur->head, line) &&
					   strlen(cur->head) < 4096)) {
				char *h = NULL;

				if (asprintf(&h, "%s%s\n", cur->head ? cur->head : "", line) < 0)
					return RM_EXIT_ERR;
				free(cur->head);
				cur->head = h;
			}
			continue;
		}
		if (line[0] == '#' || !line[0])
			continue;
		if (!cur || strncmp(line, cur->name, strlen(cur->name))) {
			cur = family_of(fams, nf, line, strcspn(line, "{ "));
			if (!cur)
				return RM_EXIT_ERR;
		}
		rm_metrics_relabel(cur->m, line, ns);
	}
	return 0;
}

static int cmd_metrics(const struct rm_opts *o, struct ns_sock *s, size_t n)
{
	struct family **fams = NULL;
	size_t nf = 0, i;
	int ret = 0, r;

	for (i = 0; i < n; i++) {
		struct rm_cgroups cg = { NULL, 0, 0 };
		struct rm_status st;
		struct req q = { s[i].nl, o, NULL, &st };
		char *buf;
		int err = 0;

		r = ns_request(&s[i], status_fn, &q);
		if (r) {
			ret = r;
			continue;
		}
		r = rm_nl_dump_cgroups(s[i].nl, rm_cgroup_collect, &cg, true, &err);
		CAPTURE(buf, rm_print_metrics(f, &st);
			if (!r) rm_print_cgroup_metrics(f, (uint32_t)s[i].ns->ino, cg.v, cg.n,
							 o->top));
		free(cg.v);
		if (!buf || metrics_add(&fams, &nf, buf, s[i].ns)) {
			free(buf);
			fprintf(stderr, "rstmonctl: out of memory\n");
			ret = RM_EXIT_ERR;
			break;
		}
		free(buf);
	}
	for (i = 0; i < nf; i++) {
		fclose(fams[i]->m);
		if (fams[i]->head)
			fputs(fams[i]->head, stdout);
		if (fams[i]->samples)
			fputs(fams[i]->samples, stdout);
		free(fams[i]->name);
		free(fams[i]->head);
		free(fams[i]->samples);
		free(fams[i]);
	}
	free(fams);
	r = out_check();
	return r > 0 ? r : ret;
}

static volatile int stop_watch;

static void on_signal(int sig)
{
	(void)sig;
	stop_watch = 1;
}

struct watch_ctx {
	const struct rm_opts *o;
	const struct rm_netns *ns;
};

static int watch_event(const struct rm_event *ev, void *data)
{
	struct watch_ctx *w = data;
	struct rm_event e = *ev;
	int r;

	if (e.cgroup_id && !e.cgroup[0])
		rm_cgroup_resolve(e.cgroup_id, e.cgroup, sizeof(e.cgroup));
	if (!rm_event_match(w->o, &e))
		return 0;
	r = print_labelled_event(w->o, w->ns, &e);
	return r < 0 ? 1000 : r;
}

static int cmd_watch(const struct rm_opts *o, struct ns_sock *s, size_t n)
{
	struct watch_ctx *w = calloc(n, sizeof(*w));
	struct rm_nl **nls = calloc(n, sizeof(*nls));
	void **data = calloc(n, sizeof(*data));
	size_t i;
	int ret;

	if (!w || !nls || !data) {
		free(w);
		free(nls);
		free(data);
		fprintf(stderr, "rstmonctl: out of memory\n");
		return RM_EXIT_ERR;
	}
	for (i = 0; i < n; i++) {
		w[i].o = o;
		w[i].ns = s[i].ns;
		nls[i] = s[i].nl;
		data[i] = &w[i];
	}
	ret = rm_nl_watch_many(nls, n, watch_event, data, &stop_watch);
	free(w);
	free(nls);
	free(data);
	return ret == 1000 ? 0 : ret;
}

int rm_allns_run(const struct rm_opts *opts)
{
	struct rm_opts oo = *opts, *o = &oo;
	struct rm_netns *v = NULL;
	struct ns_sock *s;
	unsigned int denied;
	size_t n, i;
	ssize_t k;
	int ret;

	if (o->cmd == RM_CMD_METRICS && o->listen)
		return rm_listen_all(o);	/* listenall.c */
	/* The table on a terminal, the line elsewhere, as without -A. */
	if (!o->json && o->output == RM_OUT_AUTO)
		o->output = isatty(STDOUT_FILENO) ? RM_OUT_TABLE : RM_OUT_LINE;
	if (o->cmd == RM_CMD_WATCH) {
		/* Before the sockets join: as cmd_watch() of rstmonctl.c. */
		rm_catch_stop(on_signal);
	}
	if (rm_netns_scan("", &v, &n, &denied)) {
		fprintf(stderr, "rstmonctl: out of memory\n");
		return RM_EXIT_ERR;
	}
	if (denied)
		fprintf(stderr, "rstmonctl: the network namespaces of %u process(es) could not be read (permission denied): run as root to see them all\n",
			denied);
	s = calloc(n ? n : 1, sizeof(*s));
	if (!s) {
		free(v);
		fprintf(stderr, "rstmonctl: out of memory\n");
		return RM_EXIT_ERR;
	}
	k = open_all(v, n, s, o->cmd == RM_CMD_WATCH);
	if (k == 0)
		fprintf(stderr, "rstmonctl: no network namespace could be queried\n");
	if (k <= 0) {
		ret = RM_EXIT_ERR;
		goto out;
	}
	if ((o->cmd == RM_CMD_EVENTS || o->cmd == RM_CMD_WATCH) && !o->json &&
	    o->output == RM_OUT_TABLE) {
		fprintf(stdout, "%-*s ", RM_NS_COL, "NETNS");
		rm_print_table_header(stdout, o->wide);
	}
	switch (o->cmd) {
	case RM_CMD_EVENTS:
	case RM_CMD_WHY:
		ret = cmd_events(o, s, k);
		break;
	case RM_CMD_STATS:
		ret = cmd_stats(o, s, k);
		break;
	case RM_CMD_METRICS:
		ret = cmd_metrics(o, s, k);
		break;
	case RM_CMD_WATCH:
		ret = cmd_watch(o, s, k);
		break;
	default:
		ret = RM_EXIT_USAGE;
		break;
	}
	for (i = 0; i < (size_t)k; i++)
		rm_nl_close(s[i].nl);
out:
	free(s);
	free(v);
	return ret;
}
