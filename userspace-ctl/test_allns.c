// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of -A/--all-namespaces and -n PID|PATH: the cgroup path
 * parser, the namespace enumeration on a fake /proc tree, the labels.
 * Included by test.c (its result() and CAPTURE()).
 */
#include <fcntl.h>

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX64B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static void test_container_paths(void)
{
	static const struct {
		const char *path, *runtime, *id, *pod;
	} cases[] = {
		/* docker, cgroupfs driver (v1 or v2) and systemd driver */
		{ "/docker/" HEX64, "docker", HEX64, "" },
		{ "/system.slice/docker-" HEX64 ".scope", "docker", HEX64, "" },
		/* kubelet + containerd, systemd driver, each QoS class */
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8f2a1c3e_5b4d_4e6f_9a7b_0c1d2e3f4a5b.slice/cri-containerd-" HEX64 ".scope",
		  "containerd", HEX64, "8f2a1c3e-5b4d-4e6f-9a7b-0c1d2e3f4a5b" },
		{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod11111111_2222_3333_4444_555555555555.slice/cri-containerd-" HEX64B ".scope",
		  "containerd", HEX64B, "11111111-2222-3333-4444-555555555555" },
		{ "/kubepods.slice/kubepods-pod1234abcd.slice/cri-containerd-" HEX64 ".scope",
		  "containerd", HEX64, "1234abcd" },
		/* kubelet + cri-o */
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podaabbccdd_0011_2233_4455_66778899aabb.slice/crio-" HEX64 ".scope",
		  "cri-o", HEX64, "aabbccdd-0011-2233-4455-66778899aabb" },
		/* kubelet, cgroupfs driver */
		{ "/kubepods/burstable/pod8f2a1c3e-5b4d-4e6f-9a7b-0c1d2e3f4a5b/" HEX64,
		  "cri", HEX64, "8f2a1c3e-5b4d-4e6f-9a7b-0c1d2e3f4a5b" },
		{ "/kubepods/pod8f2a1c3e-5b4d-4e6f-9a7b-0c1d2e3f4a5b/" HEX64B,
		  "cri", HEX64B, "8f2a1c3e-5b4d-4e6f-9a7b-0c1d2e3f4a5b" },
		/* podman, rootful and rootless */
		{ "/machine.slice/libpod-" HEX64 ".scope", "podman", HEX64, "" },
		{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" HEX64 ".scope/container",
		  "podman", HEX64, "" },
		/* docker in docker: the innermost */
		{ "/docker/" HEX64 "/docker/" HEX64B, "docker", HEX64B, "" },
		/* a pod's slice alone (its sandbox not yet running) */
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8f2a1c3e_5b4d.slice",
		  "", "", "8f2a1c3e-5b4d" },
		/* nothing */
		{ "/", "", "", "" },
		{ "/init.scope", "", "", "" },
		{ "/system.slice/sshd.service", "", "", "" },
		{ "/user.slice/user-1000.slice/session-3.scope", "", "", "" },
		{ "/docker", "", "", "" },
		{ "/docker/notanid", "", "", "" },
		{ "/system.slice/docker-short.scope", "", "", "" },
		{ "/system.slice/docker.service", "", "", "" },
		{ "/mypod1234/" HEX64, "", "", "" },
		{ "", "", "", "" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rm_container c;
		int ret = rm_cgroup_container(cases[i].path, &c);
		bool want = cases[i].id[0] || cases[i].pod[0];
		char name[600];

		snprintf(name, sizeof(name), "container: %s", cases[i].path[0] ? cases[i].path : "(empty)");
		result(ret == (want ? 0 : -1) && !strcmp(c.runtime, cases[i].runtime) &&
		       !strcmp(c.id, cases[i].id) && !strcmp(c.pod, cases[i].pod), name,
		       "ret %d runtime '%s' id '%s' pod '%s'", ret, c.runtime, c.id, c.pod);
	}
}

static void put_file(const char *root, const char *rel, const char *text)
{
	char path[600], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void put_link(const char *root, const char *target, const char *rel)
{
	char a[600], b[600];

	snprintf(a, sizeof(a), "%s/%s", root, target);
	snprintf(b, sizeof(b), "%s/%s", root, rel);
	if (link(a, b))
		result(false, "allns: hard link", "%s -> %s: %s", b, a, strerror(errno));
}

static uint64_t ino_of(const char *root, const char *rel)
{
	char path[600];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return stat(path, &st) ? 0 : st.st_ino;
}

/*
 * A fake tree: namespace files are plain files, one inode per namespace;
 * the processes sharing one are hard links to it.
 *   host: PID 1 and 7;  "blue" (/run/netns): PID 30 (a docker container);
 *   "red": no process;  an unnamed one: PIDs 12 and 9 (a pod; 9 labels it);
 *   PID 20: unreadable (a directory without ns/net is "gone" instead).
 */
static void test_netns_scan(void)
{
	char root[] = "/tmp/rstmonctl-allns-XXXXXX", cmd[700];
	struct rm_netns *v = NULL;
	unsigned int denied = 9;
	size_t n = 0;
	uint64_t host, blue, red, pod;
	char *text;

	if (!mkdtemp(root)) {
		result(false, "allns: temporary tree", "mkdtemp: %s", strerror(errno));
		return;
	}
	put_file(root, "proc/1/ns/net", "");
	put_file(root, "proc/1/cgroup", "0::/init.scope\n");
	put_file(root, "proc/7/cgroup", "0::/system.slice/sshd.service\n");
	put_file(root, "proc/7/ns/.keep", "");
	put_link(root, "proc/1/ns/net", "proc/7/ns/net");
	put_file(root, "run/netns/blue", "");
	put_file(root, "proc/30/ns/.keep", "");
	put_link(root, "run/netns/blue", "proc/30/ns/net");
	put_file(root, "proc/30/cgroup", "12:pids:/docker/" HEX64 "\n0::/\n");
	put_file(root, "run/netns/red", "");
	put_file(root, "proc/12/ns/net", "");
	put_file(root, "proc/12/cgroup", "0::/kubepods.slice/kubepods-pod1234abcd.slice/cri-containerd-" HEX64B ".scope\n");
	put_file(root, "proc/9/ns/.keep", "");
	put_link(root, "proc/12/ns/net", "proc/9/ns/net");
	put_file(root, "proc/9/cgroup", "0::/kubepods.slice/kubepods-pod1234abcd.slice/cri-containerd-" HEX64 ".scope\n");
	put_file(root, "proc/self/ns/net", "");	/* not a PID: not looked at */
	put_file(root, "proc/44/cgroup", "0::/\n");	/* no ns/net: a kernel thread, or gone */
	host = ino_of(root, "proc/1/ns/net");
	blue = ino_of(root, "run/netns/blue");
	red = ino_of(root, "run/netns/red");
	pod = ino_of(root, "proc/12/ns/net");

	result(!rm_netns_scan(root, &v, &n, &denied), "allns: scan of a fake tree", NULL);
	result(n == 4, "allns: one entry per namespace (by inode), hard links and names deduplicated",
	       "%zu entries", n);
	if (n == 4) {
		result(v[0].ino == host && !strcmp(v[0].name, "host") && v[0].pid == 1 &&
		       !v[0].ct.id[0], "allns: PID 1's namespace first, named host, no container",
		       "ino %llu name %s pid %d", (unsigned long long)v[0].ino, v[0].name, v[0].pid);
		result(v[1].ino == blue && !strcmp(v[1].name, "blue") && v[1].pid == 30 &&
		       !strcmp(v[1].ct.id, HEX64) && !strcmp(v[1].ct.runtime, "docker") &&
		       !v[1].ct.pod[0], "allns: a named namespace with a docker container (v1 line)",
		       "ino %llu name %s pid %d id %s", (unsigned long long)v[1].ino, v[1].name,
		       v[1].pid, v[1].ct.id);
		result(v[2].ino == red && !strcmp(v[2].name, "red") && !v[2].pid && !v[2].ct.id[0],
		       "allns: a named namespace without a process", "ino %llu name %s pid %d",
		       (unsigned long long)v[2].ino, v[2].name, v[2].pid);
		result(v[3].ino == pod && !v[3].name[0] && v[3].pid == 9 &&
		       !strcmp(v[3].ct.id, HEX64) && !strcmp(v[3].ct.pod, "1234abcd"),
		       "allns: an unnamed namespace, labelled by its lowest PID's cgroup",
		       "ino %llu name %s pid %d id %s pod %s", (unsigned long long)v[3].ino,
		       v[3].name, v[3].pid, v[3].ct.id, v[3].ct.pod);
		result(strstr(v[3].path, "/proc/9/ns/net") != NULL,
		       "allns: an unnamed namespace is entered through its process", "%s", v[3].path);
		result(strstr(v[1].path, "/run/netns/blue") != NULL,
		       "allns: a named namespace is entered through its name", "%s", v[1].path);

		CAPTURE(text, rm_netns_label_text(f, &v[3]));
		{
			char want[200];

			snprintf(want, sizeof(want), "netns=%llu container=0123456789ab pod=1234abcd ",
				 (unsigned long long)pod);
			expect_str("allns: text labels, ids cut to 12", text, want);
		}
		free(text);
		CAPTURE(text, { bool first = true; rm_netns_label_json(f, &v[3], &first, true); });
		{
			char want[300];

			snprintf(want, sizeof(want),
				 "\"netns\":%llu,\"netns_name\":null,\"container\":\"%s\",\"pod\":\"1234abcd\"",
				 (unsigned long long)pod, HEX64);
			expect_str("allns: JSON labels, full ids", text, want);
		}
		free(text);
		CAPTURE(text, rm_metrics_relabel(f, "rstmon_conns 3", &v[1]));
		{
			char want[300];

			snprintf(want, sizeof(want),
				 "rstmon_conns{netns=\"%llu\",netns_name=\"blue\",container=\"%s\"} 3\n",
				 (unsigned long long)blue, HEX64);
			expect_str("allns: metrics: labels on a bare sample", text, want);
		}
		free(text);
		CAPTURE(text, rm_metrics_relabel(f, "rstmon_rsts_total{family=\"ipv4\",dir=\"in\"} 5",
						 &v[2]));
		{
			char want[300];

			snprintf(want, sizeof(want),
				 "rstmon_rsts_total{netns=\"%llu\",netns_name=\"red\",family=\"ipv4\",dir=\"in\"} 5\n",
				 (unsigned long long)red);
			expect_str("allns: metrics: labels before a sample's own", text, want);
		}
		free(text);
		CAPTURE(text, rm_metrics_relabel(f, "rstmon_info{version=\"0.3\",netns=\"77\"} 1",
						 &v[0]));
		expect_str("allns: metrics: rstmon_info keeps its one netns label", text,
			   "rstmon_info{netns_name=\"host\",version=\"0.3\",netns=\"77\"} 1\n");
		free(text);
		/* metrics.c's samples lead with netns: the labels follow it. */
		CAPTURE(text, rm_metrics_relabel(f, "rstmon_info{netns=\"77\",version=\"0.3\"} 1",
						 &v[0]));
		expect_str("allns: metrics: labels after a leading netns", text,
			   "rstmon_info{netns=\"77\",netns_name=\"host\",version=\"0.3\"} 1\n");
		free(text);
		CAPTURE(text, rm_metrics_relabel(f, "rstmon_conns{netns=\"77\"} 3", &v[1]));
		{
			char want[300];

			snprintf(want, sizeof(want),
				 "rstmon_conns{netns=\"77\",netns_name=\"blue\",container=\"%s\"} 3\n",
				 HEX64);
			expect_str("allns: metrics: labels after netns alone", text, want);
		}
		free(text);
	}
	result(denied == 0, "allns: nothing denied in a readable tree", "%u", denied);
	free(v);
	v = NULL;

	/* An empty root: no namespace, no error. */
	snprintf(cmd, sizeof(cmd), "%s/empty", root);
	mkdir(cmd, 0755);
	result(!rm_netns_scan(cmd, &v, &n, &denied) && n == 0, "allns: an empty tree, no namespace",
	       "%zu", n);
	free(v);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		result(false, "allns: removing the tree", NULL);
}

static void test_netns_arg(void)
{
	char path[300];

	rm_netns_arg_path("blue", path, sizeof(path));
	expect_str("-n NAME: /run/netns/NAME", path, "/run/netns/blue");
	rm_netns_arg_path("4242", path, sizeof(path));
	expect_str("-n PID: /proc/PID/ns/net", path, "/proc/4242/ns/net");
	rm_netns_arg_path("/var/run/docker/netns/abc", path, sizeof(path));
	expect_str("-n PATH: the file", path, "/var/run/docker/netns/abc");
	rm_netns_arg_path("./ns", path, sizeof(path));
	expect_str("-n ./PATH: the file", path, "./ns");
}

/* The binary's words and exit codes of a bad -n (no kernel needed). */
static void test_netns_arg_errors(const char *bin)
{
	static const struct {
		const char *arg, *want;
	} cases[] = {
		{ "999999999", "rstmonctl: no such process 999999999 (no /proc/999999999/ns/net)" },
		{ "/etc/hostname", "rstmonctl: /etc/hostname is not a network namespace file" },
		{ "/nonexistent/ns", "rstmonctl: no such file /nonexistent/ns" },
		{ "nosuchname", "rstmonctl: no network namespace named nosuchname (/run/netns/nosuchname)" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[600], line[400] = "", name[300];
		FILE *p;
		int st;

		snprintf(cmd, sizeof(cmd), "%s -n %s stats 2>&1 >/dev/null", bin, cases[i].arg);
		p = popen(cmd, "r");
		if (!p)
			continue;
		if (!fgets(line, sizeof(line), p))
			line[0] = '\0';
		line[strcspn(line, "\n")] = '\0';
		st = pclose(p);
		snprintf(name, sizeof(name), "binary: -n %s: plain words, exit 1", cases[i].arg);
		/* /etc/hostname: setns() needs root to say EINVAL; EPERM otherwise. */
		if (i == 1 && geteuid())
			continue;
		result(WIFEXITED(st) && WEXITSTATUS(st) == 1 && !strcmp(line, cases[i].want), name,
		       "exit %d, '%s'", WIFEXITED(st) ? WEXITSTATUS(st) : -1, line);
	}
}

static void test_allns(void)
{
	test_container_paths();
	test_netns_scan();
	test_netns_arg();
}
