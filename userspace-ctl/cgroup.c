// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl: cgroup v2 ids to paths, for the events that come without
 * one (notifications never carry paths).  A cgroup v2 id is the inode
 * number of the cgroup's directory under the cgroup2 mount, so a bounded
 * walk of that tree finds it; answers are cached.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "rstmonctl.h"

/* mountinfo's octal escapes (\040 for a space) decoded in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

int rm_cgroup2_mount(const char *path, char *out, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER */
	while (ret < 0 && getline(&line, &cap, f) > 0) {
		char *fields[5], *save = NULL, *tok, *sep = strstr(line, " - ");
		int n = 0;

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
			continue;
		for (tok = strtok_r(line, " ", &save); tok && n < 5; tok = strtok_r(NULL, " ", &save))
			fields[n++] = tok;
		if (n < 5)
			continue;
		unescape(fields[4]);
		if (strlen(fields[4]) < len) {
			strcpy(out, fields[4]);
			ret = 0;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

struct walk {
	uint64_t id;
	unsigned int dirs;	/* directories opened so far */
	char *out;
	size_t len;
};

/* Search below @fd, whose path from the root is @rel ("" for the root). */
static bool walk_dir(struct walk *w, int fd, const char *rel, unsigned int depth)
{
	struct dirent *de;
	bool found = false;
	DIR *d;

	if (depth >= RM_CGROUP_WALK_DEPTH || ++w->dirs > RM_CGROUP_WALK_DIRS) {
		close(fd);
		return false;
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return false;
	}
	while (!found && (de = readdir(d))) {
		char sub[RM_CGROUP_PATH_MAX];
		int cfd;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name) >= sizeof(sub))
			continue;
		if ((uint64_t)de->d_ino == w->id) {
			if (strlen(sub) < w->len) {
				strcpy(w->out, sub);
				found = true;
			}
			break;
		}
		cfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (cfd >= 0)
			found = walk_dir(w, cfd, sub, depth + 1);
		if (w->dirs > RM_CGROUP_WALK_DIRS)
			break;
	}
	closedir(d);
	return found;
}

int rm_cgroup_find(const char *root, uint64_t id, char *out, size_t len)
{
	struct walk w = { id, 0, out, len };
	struct stat st;
	int fd;

	if (!id || len < 2)
		return -1;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && (uint64_t)st.st_ino == id) {
		close(fd);
		strcpy(out, "/");
		return 0;
	}
	return walk_dir(&w, fd, "", 0) ? 0 : -1;
}

#define CACHE_SIZE 64
#define CACHE_MISS_SECONDS 10	/* an id not found is looked for again after */

static struct {
	uint64_t id;
	time_t when;			/* of the walk */
	char path[RM_CGROUP_PATH_MAX];	/* "": not found */
} cache[CACHE_SIZE];
static unsigned int cache_next;

void rm_cgroup_resolve(uint64_t id, char *out, size_t len)
{
	static char mnt[RM_CGROUP_PATH_MAX];
	static int have_mnt = -2;	/* not looked up yet */
	unsigned int i, slot;

	out[0] = '\0';
	if (!id || !len)
		return;
	for (i = 0; i < CACHE_SIZE; i++) {
		if (cache[i].id != id)
			continue;
		if (cache[i].path[0] || time(NULL) - cache[i].when < CACHE_MISS_SECONDS) {
			snprintf(out, len, "%s", cache[i].path);
			return;
		}
		break;		/* a miss gone stale: walk again, in its slot */
	}
	if (have_mnt == -2)
		have_mnt = rm_cgroup2_mount("/proc/self/mountinfo", mnt, sizeof(mnt));
	slot = i < CACHE_SIZE ? i : cache_next++ % CACHE_SIZE;
	cache[slot].id = id;
	cache[slot].when = time(NULL);
	cache[slot].path[0] = '\0';
	if (have_mnt == 0)
		rm_cgroup_find(mnt, id, cache[slot].path, sizeof(cache[slot].path));
	snprintf(out, len, "%s", cache[slot].path);
}

/* ------------------------------------------- containers and pods */

static bool all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* A container id: 12 to 64 lower-case hex digits, the whole of @s (@n bytes). */
static bool container_id(const char *s, size_t n)
{
	return n >= 12 && n <= 64 && all_hex(s, n);
}

/* A pod uid: hex digits with '-' or (systemd's escape) '_'. */
static bool pod_uid(const char *s, size_t n)
{
	size_t i;

	if (!n || n >= RM_POD_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!all_hex(s + i, 1) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

static void set_pod(struct rm_container *c, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		c->pod[i] = s[i] == '_' ? '-' : s[i];
	c->pod[n] = '\0';
}

static void set_id(struct rm_container *c, const char *runtime, const char *s, size_t n)
{
	snprintf(c->runtime, sizeof(c->runtime), "%s", runtime);
	memcpy(c->id, s, n);
	c->id[n] = '\0';
}

/* "PREFIX<id>[.scope]" */
static bool scoped(const char *comp, size_t n, const char *prefix, const char **id, size_t *idn)
{
	size_t p = strlen(prefix);

	if (n <= p || strncmp(comp, prefix, p))
		return false;
	*id = comp + p;
	*idn = n - p;
	if (*idn > 6 && !strncmp(*id + *idn - 6, ".scope", 6))
		*idn -= 6;
	return container_id(*id, *idn);
}

int rm_cgroup_container(const char *path, struct rm_container *c)
{
	static const struct {
		const char *prefix, *runtime;
	} scopes[] = {
		{ "docker-", "docker" },
		{ "cri-containerd-", "containerd" },
		{ "crio-", "cri-o" },
		{ "libpod-", "podman" },
	};
	const char *comp = path, *prev = "", *id;
	size_t n, prevn = 0, idn, k;
	bool kubepods = false;

	memset(c, 0, sizeof(*c));
	/* Component by component; a deeper match wins (nested containers). */
	for (; *comp; comp += n, prev = comp - n, prevn = n) {
		while (*comp == '/')
			comp++;
		n = strcspn(comp, "/");
		if (!n)
			break;
		if (n >= 8 && !strncmp(comp, "kubepods", 8))
			kubepods = true;
		/* systemd: kubepods-burstable-pod<uid>.slice */
		if (kubepods && n > 6 && !strncmp(comp + n - 6, ".slice", 6)) {
			const char *p = memmem(comp, n, "-pod", 4);

			if (p && pod_uid(p + 4, comp + n - 6 - (p + 4)))
				set_pod(c, p + 4, comp + n - 6 - (p + 4));
			continue;
		}
		/* cgroupfs: /kubepods/burstable/pod<uid>/<id> */
		if (kubepods && n > 3 && !strncmp(comp, "pod", 3) && pod_uid(comp + 3, n - 3)) {
			set_pod(c, comp + 3, n - 3);
			continue;
		}
		for (k = 0; k < sizeof(scopes) / sizeof(scopes[0]); k++)
			if (scoped(comp, n, scopes[k].prefix, &id, &idn))
				break;
		if (k < sizeof(scopes) / sizeof(scopes[0])) {
			set_id(c, scopes[k].runtime, id, idn);
			continue;
		}
		/* cgroupfs: /docker/<id>, /kubepods/.../pod<uid>/<id> */
		if (n == 64 && all_hex(comp, n)) {
			if (prevn == 6 && !strncmp(prev, "docker", 6))
				set_id(c, "docker", comp, n);
			else if (kubepods)
				set_id(c, "cri", comp, n);
		}
	}
	return c->id[0] || c->pod[0] ? 0 : -1;
}

int rm_proc_container(const char *file, struct rm_container *c)
{
	char *line = NULL, *p;
	size_t cap = 0;
	int ret = -1;
	FILE *f = fopen(file, "re");

	memset(c, 0, sizeof(*c));
	if (!f)
		return -1;
	/* "0::/path" (v2) or "N:CONTROLLERS:/path" (v1): the first that names one. */
	while (ret < 0 && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		p = strchr(line, ':');
		p = p ? strchr(p + 1, ':') : NULL;
		if (p)
			ret = rm_cgroup_container(p + 1, c);
	}
	free(line);
	fclose(f);
	return ret;
}

int rm_cgroup_collect(const struct rm_cgroup *c, void *data)
{
	struct rm_cgroups *x = data;

	if (rm_grow((void **)&x->v, &x->cap, x->n, sizeof(*x->v), SIZE_MAX / sizeof(*x->v)))
		return RM_EXIT_ERR;
	x->v[x->n] = *c;
	if (!c->other && !c->path[0])
		rm_cgroup_resolve(c->id, x->v[x->n].path, sizeof(x->v[x->n].path));
	x->n++;
	return 0;
}
