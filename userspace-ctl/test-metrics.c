// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of metrics.c beyond test_metrics(): the event counts, the
 * silence histogram, several namespaces in one exposition, --listen's
 * ADDR:PORT.  Included by test.c (its helpers); with RSTMON_PROM_FIXTURE
 * set, the full exposition is also written to that file for
 * tests/run.sh to run promtool check metrics and the dashboard check on.
 */

static struct rm_event prom_ev(int dir, int sender, int cause, uint32_t idle_ms)
{
	struct rm_event e;

	memset(&e, 0, sizeof(e));
	e.family = AF_INET;
	e.dir = dir;
	e.sender = sender;
	e.cause = cause;
	e.idle_ms = idle_ms;
	return e;
}

static void test_prom(void)
{
	static struct rm_prom_events ev, ev2;
	struct rm_status st, st2;
	struct rm_cgroup cg[2];
	struct rm_prom_ns ns[2];
	struct rm_event e;
	struct sockaddr_storage ss;
	unsigned int len, i;
	const char *fixture = getenv("RSTMON_PROM_FIXTURE");
	char *s, *p;
	int n;

	memset(&ev, 0, sizeof(ev));
	memset(&ev2, 0, sizeof(ev2));
	/* Three refused (no silence), one idle-timeout after 350 s, one after 240.5 s. */
	for (i = 0; i < 3; i++) {
		e = prom_ev(RSTMON_DIR_OUT, RSTMON_SENDER_LOCAL, RSTMON_CAUSE_REFUSED, 0);
		rm_prom_events_add(&ev, &e);
	}
	e = prom_ev(RSTMON_DIR_IN, RSTMON_SENDER_MIDDLEBOX, RSTMON_CAUSE_IDLE_TIMEOUT, 350000);
	rm_prom_events_add(&ev, &e);
	e = prom_ev(RSTMON_DIR_IN, RSTMON_SENDER_MIDDLEBOX, RSTMON_CAUSE_IDLE_TIMEOUT, 240500);
	rm_prom_events_add(&ev, &e);
	/* Outside the tables: sender and cause unknown; a direction: not counted. */
	e = prom_ev(RSTMON_DIR_FWD, 200, 200, 9000000);
	rm_prom_events_add(&ev, &e);
	e = prom_ev(200, RSTMON_SENDER_PEER, RSTMON_CAUSE_LINGER_ABORT, 0);
	rm_prom_events_add(&ev, &e);
	e = prom_ev(RSTMON_DIR_OUT, RSTMON_SENDER_LOCAL, RSTMON_CAUSE_LINGER_ABORT, 1500);
	rm_prom_events_add(&ev2, &e);

	result(ev.ignored == 1 &&
	       ev.resets[RSTMON_DIR_OUT][RSTMON_SENDER_LOCAL][RSTMON_CAUSE_REFUSED] == 3 &&
	       ev.resets[RSTMON_DIR_FWD][RSTMON_SENDER_UNKNOWN][RSTMON_CAUSE_UNKNOWN] == 1,
	       "prom: events counted by dir, sender, cause; out-of-table values as unknown", NULL);

	status_example(&st);
	status_example(&st2);
	st2.netns_inum = 4026532999U;
	cg[0] = cgv(1, "/kubepods/pod\"x", 4, false);
	cg[1] = cgv(0, "", 1, true);
	memset(ns, 0, sizeof(ns));
	ns[0] = (struct rm_prom_ns){ .netns = st.netns_inum, .st = &st, .ev = &ev,
				     .cg = cg, .ncg = 2, .has_cg = true };
	ns[1] = (struct rm_prom_ns){ .netns = st2.netns_inum, .container = "web\\1",
				     .pod = "default/web-0", .st = &st2, .ev = &ev2 };
	CAPTURE(s, rm_print_metrics_ns(f, ns, 2, 10));
	result(strstr(s, "rstmon_reset_silence_seconds_bucket{netns=\"4026532288\",dir=\"in\",cause=\"idle-timeout\",le=\"240\"} 0\n"
		   "rstmon_reset_silence_seconds_bucket{netns=\"4026532288\",dir=\"in\",cause=\"idle-timeout\",le=\"300\"} 1\n"
		   "rstmon_reset_silence_seconds_bucket{netns=\"4026532288\",dir=\"in\",cause=\"idle-timeout\",le=\"350\"} 2\n"
		   "rstmon_reset_silence_seconds_bucket{netns=\"4026532288\",dir=\"in\",cause=\"idle-timeout\",le=\"600\"} 2\n"
		   "rstmon_reset_silence_seconds_bucket{netns=\"4026532288\",dir=\"in\",cause=\"idle-timeout\",le=\"900\"} 2\n"
		   "rstmon_reset_silence_seconds_bucket{netns=\"4026532288\",dir=\"in\",cause=\"idle-timeout\",le=\"3600\"} 2\n"
		   "rstmon_reset_silence_seconds_bucket{netns=\"4026532288\",dir=\"in\",cause=\"idle-timeout\",le=\"7200\"} 2\n"
		   "rstmon_reset_silence_seconds_bucket{netns=\"4026532288\",dir=\"in\",cause=\"idle-timeout\",le=\"+Inf\"} 2\n"
		   "rstmon_reset_silence_seconds_sum{netns=\"4026532288\",dir=\"in\",cause=\"idle-timeout\"} 590.500\n"
		   "rstmon_reset_silence_seconds_count{netns=\"4026532288\",dir=\"in\",cause=\"idle-timeout\"} 2\n") != NULL,
	       "prom: the histogram of idle-timeout, cumulative, 240.5 s in le=300, 350 s in le=350",
	       "%s", s);
	result(strstr(s, "rstmon_resets_total{netns=\"4026532288\",dir=\"out\",sender=\"local\",cause=\"refused\"} 3\n") &&
	       strstr(s, "rstmon_resets_total{netns=\"4026532288\",dir=\"in\",sender=\"middlebox\",cause=\"idle-timeout\"} 2\n") &&
	       strstr(s, "rstmon_resets_total{netns=\"4026532288\",dir=\"fwd\",sender=\"unknown\",cause=\"unknown\"} 1\n"),
	       "prom: rstmon_resets_total by dir, sender, cause", "%s", s);
	result(strstr(s, "rstmon_reset_silence_seconds_bucket{netns=\"4026532288\",dir=\"fwd\",cause=\"unknown\",le=\"7200\"} 0\n") &&
	       strstr(s, "rstmon_reset_silence_seconds_bucket{netns=\"4026532288\",dir=\"fwd\",cause=\"unknown\",le=\"+Inf\"} 1\n"),
	       "prom: a silence above the last bound only in +Inf", NULL);
	result(strstr(s, "rstmon_reset_silence_seconds_bucket{netns=\"4026532288\",dir=\"out\",cause=\"refused\",le=\"1\"} 3\n") != NULL,
	       "prom: no silence in the first bucket", NULL);
	result(strstr(s, "rstmon_resets_total{netns=\"4026532999\",container=\"web\\\\1\",pod=\"default/web-0\",dir=\"out\",sender=\"local\",cause=\"linger-abort\"} 1\n") != NULL,
	       "prom: a second namespace with container and pod labels, escaped", "%s", s);
	for (n = 0, p = s; (p = strstr(p, "# TYPE ")); p++)
		n++;
	result(n > 0 && !strstr(strstr(s, "# TYPE rstmon_conns_limit") + 1, "# TYPE rstmon_conns_limit") &&
	       strstr(s, "rstmon_conns_limit 262144\n") &&
	       !strstr(strstr(s, "# TYPE rstmon_kernel_resets_total") + 1, "# TYPE rstmon_kernel_resets_total") &&
	       strstr(s, "rstmon_kernel_resets_total{netns=\"4026532999\",container=\"web\\\\1\",pod=\"default/web-0\",dir=\"out\",cause=\"refused\"} 1\n"),
	       "prom: each family once for two namespaces; module-wide gauges unlabelled", "%s", s);
	result(strstr(s, "rstmon_cgroup_resets_total{netns=\"4026532288\",cgroup=\"/kubepods/pod\\\"x\"} 4\n") &&
	       !strstr(s, "rstmon_cgroup_resets_total{netns=\"4026532999\""),
	       "prom: cgroups of the namespaces that have them", "%s", s);
	if (fixture) {
		FILE *out = fopen(fixture, "w");

		result(out && fputs(s, out) >= 0 && !fclose(out), "prom: fixture written", "%s", fixture);
	}
	free(s);

	/* One-shot: no event families (they need --listen). */
	ns[0].ev = NULL;
	ns[1].ev = NULL;
	CAPTURE(s, rm_print_metrics_ns(f, ns, 2, 10));
	result(!strstr(s, "\nrstmon_resets_total") && !strstr(s, "\nrstmon_reset_silence"),
	       "prom: without the event stream, no sender families", NULL);
	free(s);

	result(rm_parse_listen("127.0.0.1:9466", &ss, &len) && ss.ss_family == AF_INET &&
	       ntohs(((struct sockaddr_in *)&ss)->sin_port) == 9466,
	       "prom: --listen 127.0.0.1:9466", NULL);
	result(rm_parse_listen("[::1]:80", &ss, &len) && ss.ss_family == AF_INET6,
	       "prom: --listen [::1]:80", NULL);
	result(rm_parse_listen(":9466", &ss, &len) && ss.ss_family == AF_INET &&
	       ((struct sockaddr_in *)&ss)->sin_addr.s_addr == htonl(INADDR_ANY),
	       "prom: --listen :9466, all addresses", NULL);
	result(!rm_parse_listen("9466", &ss, &len) && !rm_parse_listen("1.2.3.4:0", &ss, &len) &&
	       !rm_parse_listen("1.2.3.4:65536", &ss, &len) && !rm_parse_listen("host:80", &ss, &len) &&
	       !rm_parse_listen("[::1:80", &ss, &len) && !rm_parse_listen("::1:80x", &ss, &len),
	       "prom: --listen rejects no port, port 0 or too big, names, bad brackets", NULL);
}
