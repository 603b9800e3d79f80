// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl watch --journal: each event to the systemd journal with
 * sd_journal_sendv(3), as structured fields, at a bounded rate.
 *
 * rm_journal_fields() (the fields of one event) and rm_ratelimit_allow()
 * (the limiter) are pure: the unit tests check them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include <systemd/sd-journal.h>

#include "rstmonctl.h"

/*
 * MESSAGE_ID of each kind of entry: one per sender of the RST, one for
 * the limiter's summary.  Fixed: journalctl MESSAGE_ID=... finds them
 * (rstmonctl(8), JOURNAL).
 */
static const char *const sender_msgid[__RSTMON_SENDER_MAX] = {
	[RSTMON_SENDER_UNKNOWN] = "f7a2eb0f52914567aaf20a00abbcc194",
	[RSTMON_SENDER_LOCAL] = "25fc3e46eb5e407fb68b424f954fa210",
	[RSTMON_SENDER_FIREWALL] = "455afea7cf6a47af8a544797c44f9a9b",
	[RSTMON_SENDER_PEER] = "d0a7911208b94fb9a1f549cd41110dd9",
	[RSTMON_SENDER_MIDDLEBOX] = "0de1628ae6ef42ef84c64be42324616c",
};
#define RM_JOURNAL_MSGID_SUPPRESSED "ae33c567958a4c679028038f8aeb9233"

const char *rm_journal_msgid(unsigned int sender)
{
	if (sender < __RSTMON_SENDER_MAX && sender_msgid[sender])
		return sender_msgid[sender];
	return sender_msgid[RSTMON_SENDER_UNKNOWN];
}

int rm_journal_priority(const struct rm_event *ev)
{
	if (ev->sender == RSTMON_SENDER_MIDDLEBOX || ev->cause == RSTMON_CAUSE_INJECTED)
		return 4;	/* LOG_WARNING */
	if (ev->sender == RSTMON_SENDER_LOCAL)
		return 6;	/* LOG_INFO */
	return 5;		/* LOG_NOTICE: peer, firewall, unknown */
}

/* The address alone, IPv6 without brackets. */
static void addr_only(char *buf, size_t len, uint8_t family, const uint8_t *addr)
{
	if (!inet_ntop(family == AF_INET ? AF_INET : AF_INET6, addr, buf, len))
		snprintf(buf, len, "?");
}

#define FIELD(...) do { \
		if (n < RM_JOURNAL_FIELDS) \
			snprintf(f->s[n++], sizeof(f->s[0]), __VA_ARGS__); \
	} while (0)

int rm_journal_fields(const struct rm_event *ev, uint32_t netns, struct rm_journal_fields *f)
{
	char src[INET6_ADDRSTRLEN + 10], dst[INET6_ADDRSTRLEN + 10], ev_list[512];
	char sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN];
	unsigned int i, n = 0;
	size_t el = 0;

	rm_format_addr(src, sizeof(src), ev->family, ev->src, ev->sport);
	rm_format_addr(dst, sizeof(dst), ev->family, ev->dst, ev->dport);
	addr_only(sa, sizeof(sa), ev->family, ev->src);
	addr_only(da, sizeof(da), ev->family, ev->dst);
	ev_list[0] = '\0';
	for (i = 0; i < 32; i++) {
		const char *name = rm_evidence_name(i);
		char bit[8];

		if (!(ev->evidence & (1U << i)))
			continue;
		if (!name) {
			snprintf(bit, sizeof(bit), "bit%u", i);
			name = bit;
		}
		el += snprintf(ev_list + el, sizeof(ev_list) - el, "%s%s", el ? "," : "", name);
		if (el >= sizeof(ev_list))
			el = sizeof(ev_list) - 1;
	}
	FIELD("MESSAGE=RST %s %s -> %s: %s by %s (%s)", rstmon_dir_name(ev->dir), src, dst,
	      rstmon_cause_name(ev->cause), rstmon_sender_name(ev->sender),
	      rstmon_confidence_name(ev->confidence));
	FIELD("PRIORITY=%d", rm_journal_priority(ev));
	FIELD("MESSAGE_ID=%s", rm_journal_msgid(ev->sender));
	FIELD("SYSLOG_IDENTIFIER=rstmon");
	FIELD("RSTMON_EVENT_ID=%llu", (unsigned long long)ev->id);
	FIELD("RSTMON_TIME_US=%llu", (unsigned long long)(ev->time_ns / 1000));
	FIELD("RSTMON_CAUSE=%s", rstmon_cause_name(ev->cause));
	FIELD("RSTMON_SENDER=%s", rstmon_sender_name(ev->sender));
	FIELD("RSTMON_DIR=%s", rstmon_dir_name(ev->dir));
	FIELD("RSTMON_CONFIDENCE=%s", rstmon_confidence_name(ev->confidence));
	FIELD("RSTMON_SRC=%s", sa);
	FIELD("RSTMON_SRC_PORT=%u", ev->sport);
	FIELD("RSTMON_DST=%s", da);
	FIELD("RSTMON_DST_PORT=%u", ev->dport);
	FIELD("RSTMON_NETNS=%u", ev->has_attr ? ev->netns_inum : netns);
	FIELD("RSTMON_STATE=%s", rm_state_name(ev->state));
	FIELD("RSTMON_EVIDENCE=%s", el ? ev_list : "none");
	if (ev->kreason[0])
		FIELD("RSTMON_KREASON=%s", ev->kreason);
	if (ev->cgroup[0])
		FIELD("RSTMON_CGROUP=%s", ev->cgroup);
	f->n = n;
	return n;
}

bool rm_ratelimit_allow(struct rm_ratelimit *rl, uint64_t now_ns, uint32_t rate,
			uint64_t *suppressed)
{
	*suppressed = 0;
	if (!rate)
		return true;
	if (!rl->started || now_ns - rl->window_ns >= 1000000000ULL) {
		*suppressed = rl->suppressed;
		rl->started = true;
		rl->window_ns = now_ns;
		rl->n = 0;
		rl->suppressed = 0;
	}
	if (rl->n < rate) {
		rl->n++;
		return true;
	}
	rl->suppressed++;
	return false;
}

struct journal_ctx {
	const struct rm_opts *o;
	uint32_t netns;
	struct rm_ratelimit rl;
	bool warned;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* A failed send is said once on stderr (the unit's stderr is the journal too). */
static void sent(struct journal_ctx *j, int r)
{
	if (r < 0 && !j->warned) {
		fprintf(stderr, "rstmonctl: sending to the journal: %s\n", strerror(-r));
		j->warned = true;
	}
}

static void send_suppressed(struct journal_ctx *j, uint64_t k)
{
	if (!k)
		return;
	sent(j, sd_journal_send("MESSAGE=rstmon: suppressed %llu events (more than %u per second)",
				(unsigned long long)k, j->o->rate,
				"PRIORITY=4", "MESSAGE_ID=" RM_JOURNAL_MSGID_SUPPRESSED,
				"SYSLOG_IDENTIFIER=rstmon", "RSTMON_SUPPRESSED=%llu",
				(unsigned long long)k, NULL));
}

static int journal_event(const struct rm_event *ev, void *data)
{
	struct journal_ctx *j = data;
	struct rm_journal_fields f;
	struct iovec iov[RM_JOURNAL_FIELDS];
	struct rm_event e;
	uint64_t k;
	int i;

	if (!rm_event_match(j->o, ev))
		return 0;
	/* A new second's first event says what the last one suppressed. */
	if (!rm_ratelimit_allow(&j->rl, mono_ns(), j->o->rate, &k))
		return 0;
	send_suppressed(j, k);
	e = *ev;
	if (e.cgroup_id && !e.cgroup[0])
		rm_cgroup_resolve(e.cgroup_id, e.cgroup, sizeof(e.cgroup));
	rm_journal_fields(&e, j->netns, &f);
	for (i = 0; i < f.n; i++) {
		iov[i].iov_base = f.s[i];
		iov[i].iov_len = strlen(f.s[i]);
	}
	sent(j, sd_journal_sendv(iov, f.n));
	return 0;
}

int rm_journal_watch(struct rm_nl *nl, const struct rm_opts *o, volatile int *stop)
{
	struct journal_ctx j = { .o = o };
	struct stat sb;
	int ret;

	/* The events are those of this namespace: its inode, for RSTMON_NETNS. */
	if (stat("/proc/self/ns/net", &sb) == 0)
		j.netns = sb.st_ino;
	ret = rm_nl_watch(nl, journal_event, &j, stop);
	send_suppressed(&j, j.rl.suppressed);
	return ret;
}
