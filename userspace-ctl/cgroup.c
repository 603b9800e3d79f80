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
