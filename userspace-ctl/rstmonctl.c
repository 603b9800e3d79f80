// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl: control utility of the rstmon kernel module.
 *
 * This first version reads /proc/net/rstmon of the current namespace; the
 * generic netlink interface arrives with the "rstmon" family.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/rstmon.h>

#define PROC_PATH "/proc/net/rstmon"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rstmonctl [-h|--help] COMMAND\n"
		"\n"
		"commands:\n"
		"  status    print this namespace's rstmon report\n");
}

static int cmd_status(void)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(PROC_PATH, "r");

	if (!f) {
		if (errno == ENOENT)
			fprintf(stderr, "rstmon is not loaded: run modprobe rstmon\n");
		else if (errno == EACCES || errno == EPERM)
			fprintf(stderr, "permission denied: reading rstmon needs root (CAP_NET_ADMIN) in this network namespace\n");
		else
			fprintf(stderr, "cannot open %s: %s\n", PROC_PATH, strerror(errno));
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "status") && argc == 2)
		return cmd_status();
	fprintf(stderr, "rstmonctl: unknown command or arguments: %s\n", argv[1]);
	usage(stderr);
	return 2;
}
