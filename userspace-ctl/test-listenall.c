// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of metrics --listen -A (listenall.c): the exposition of
 * several namespaces as a scrape prints it (netns, netns_name, container,
 * pod; the scrape's own gauges), promtool-valid; its options.  Included
 * by test.c (its result() and CAPTURE()).
 */

/* promtool check metrics on @text: 1 passed, 0 failed, -1 no promtool. */
static int promtool_check(const char *text, char *out, size_t outlen)
{
	char path[] = "/tmp/rstmonctl-test-promXXXXXX", cmd[200];
	FILE *p;
	size_t got;
	int fd, rc;

	out[0] = '\0';
	if (system("command -v promtool >/dev/null 2>&1"))
		return -1;
	fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s 2>&1", path);
	p = popen(cmd, "r");
	if (!p) {
		unlink(path);
		return 0;
	}
	got = fread(out, 1, outlen - 1, p);
	out[got] = '\0';
	rc = pclose(p);
	unlink(path);
	return rc == 0;
}

static void test_listenall(void)
{
	static struct rm_prom_events ev;
	struct rm_status st[3];
	struct rm_prom_ns ns[3];
	struct rm_event e;
	struct rm_opts o;
	char err[256], pout[4096], *s, *p;
	char *argv[] = { "rstmonctl", "metrics", "--listen", ":9466", "-A", NULL };
	int n, rc;

	memset(&ev, 0, sizeof(ev));
	e = prom_ev(RSTMON_DIR_OUT, RSTMON_SENDER_LOCAL, RSTMON_CAUSE_REFUSED, 0);
	rm_prom_events_add(&ev, &e);
	status_example(&st[0]);
	status_example(&st[1]);
	status_example(&st[2]);
	st[1].netns_inum = 4026532301U;
	st[2].netns_inum = 4026532302U;
	memset(ns, 0, sizeof(ns));
	/* As expose_all() fills them: the host's, a named one, a pod's. */
	ns[0] = (struct rm_prom_ns){ .netns = st[0].netns_inum, .name = "host", .st = &st[0],
				     .ev = &ev };
	ns[1] = (struct rm_prom_ns){ .netns = st[1].netns_inum, .name = "we\"b", .st = &st[1],
				     .ev = &ev };
	ns[2] = (struct rm_prom_ns){ .netns = st[2].netns_inum, .container = "abc123",
				     .pod = "0f1e-uid", .st = &st[2] };
	CAPTURE(s, rm_print_metrics_ns(f, ns, 3, 10); rm_print_scrape_gauges(f, 4, 1));
	result(strstr(s, "rstmon_conns{netns=\"4026532288\",netns_name=\"host\"} ") &&
	       strstr(s, "rstmon_conns{netns=\"4026532301\",netns_name=\"we\\\"b\"} ") &&
	       strstr(s, "rstmon_conns{netns=\"4026532302\",container=\"abc123\",pod=\"0f1e-uid\"} "),
	       "listen -A: netns_name after netns, escaped; container and pod without a name",
	       "%s", s);
	result(strstr(s, "rstmon_kernel_resets_total{netns=\"4026532301\",netns_name=\"we\\\"b\",dir=\"out\",cause=\"refused\"} 1\n") != NULL,
	       "listen -A: the kernel's counts of a named namespace", "%s", s);
	result(strstr(s, "rstmon_resets_total{netns=\"4026532288\",netns_name=\"host\",dir=\"out\",sender=\"local\",cause=\"refused\"} 1\n") &&
	       strstr(s, "rstmon_resets_total{netns=\"4026532301\",netns_name=\"we\\\"b\",dir=\"out\",sender=\"local\",cause=\"refused\"} 1\n") &&
	       !strstr(s, "rstmon_resets_total{netns=\"4026532302\""),
	       "listen -A: event counts per namespace, none for one not subscribed", "%s", s);
	for (n = 0, p = s; (p = strstr(p, "# TYPE rstmon_conns ")); p++)
		n++;
	result(n == 1, "listen -A: each family once for three namespaces", "%d TYPE lines", n);
	result(strstr(s, "# TYPE rstmon_scrape_namespaces gauge\nrstmon_scrape_namespaces 4\n") &&
	       strstr(s, "# HELP rstmon_scrape_namespaces_skipped ") &&
	       strstr(s, "# TYPE rstmon_scrape_namespaces_skipped gauge\nrstmon_scrape_namespaces_skipped 1\n"),
	       "listen -A: the scrape's namespaces found and skipped", "%s", s);
	rc = promtool_check(s, pout, sizeof(pout));
	if (rc < 0) {
		total++;
		printf("ok - listen -A: promtool check metrics # SKIP promtool not installed\n");
	} else {
		result(rc == 1, "listen -A: promtool check metrics", "%s", pout);
	}
	free(s);

	/* No namespace read: the gauges alone. */
	CAPTURE(s, rm_print_metrics_ns(f, ns, 0, 10); rm_print_scrape_gauges(f, 2, 2));
	result(!strstr(s, "rstmon_conns") && strstr(s, "rstmon_scrape_namespaces_skipped 2\n"),
	       "listen -A: nothing read, the skips told", "%s", s);
	free(s);

	rc = rm_parse_args(5, argv, &o, err, sizeof(err));
	result(rc == 0 && o.cmd == RM_CMD_METRICS && o.all_ns && o.listen &&
	       !strcmp(o.listen, ":9466"),
	       "listen -A: metrics --listen :9466 -A (the DaemonSet's) parses", "rc %d: %s", rc, err);
}
