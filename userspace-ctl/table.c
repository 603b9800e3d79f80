// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl: the table view of events, one fixed-width line per event, the
 * columns an operator reads first.  The default of events and watch on a
 * terminal (-o table); the line format of /proc/net/rstmon stays the
 * default elsewhere (-o line).
 */
#include <arpa/inet.h>
#include <sys/socket.h>
#include <string.h>
#include <time.h>

#include "view.h"

void rm_cell(char *buf, size_t len, const char *s, unsigned int width)
{
	size_t n = strlen(s);

	if (!len)
		return;
	if (width >= len)
		width = len - 1;
	if (n <= width) {
		memcpy(buf, s, n + 1);
		return;
	}
	if (!width) {
		buf[0] = '\0';
		return;
	}
	memcpy(buf, s, width - 1);
	buf[width - 1] = RM_TRUNC;
	buf[width] = '\0';
}

void rm_addr_cell(char *buf, size_t len, uint8_t family, const uint8_t *addr, uint16_t port,
		  unsigned int width)
{
	char a[INET6_ADDRSTRLEN + 2], p[8], head[INET6_ADDRSTRLEN + 2];
	size_t plen, room;

	inet_ntop(family == AF_INET ? AF_INET : AF_INET6, addr, a + 1, sizeof(a) - 1);
	if (family == AF_INET) {
		memmove(a, a + 1, strlen(a + 1) + 1);
		snprintf(p, sizeof(p), ":%u", port);
	} else {
		a[0] = '[';
		snprintf(p, sizeof(p), "]:%u", port);
	}
	plen = strlen(p);
	if (strlen(a) + plen <= width || width <= plen + 1) {
		char all[sizeof(a) + sizeof(p)];

		snprintf(all, sizeof(all), "%s%s", a, p);
		rm_cell(buf, len, all, width);
		return;
	}
	room = width - plen;		/* the address's share, its mark included */
	rm_cell(head, sizeof(head), a, room);
	snprintf(buf, len, "%s%s", head, p);
}

void rm_format_silence(char *buf, size_t len, uint32_t ms)
{
	uint32_t s = ms / 1000;

	if (ms < 1000)
		snprintf(buf, len, "%ums", ms);
	else if (s < 60)
		snprintf(buf, len, "%u.%us", s, ms % 1000 / 100);
	else if (s < 3600)
		snprintf(buf, len, "%um%us", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%uh%um", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%ud%uh", s / 86400, s % 86400 / 3600);
}

void rm_format_clock(char *buf, size_t len, uint64_t ns, bool wide)
{
	time_t t = ns / 1000000000ULL;
	struct tm tm;

	if (wide) {
		rm_format_time(buf, len, ns);
		return;
	}
	if (!localtime_r(&t, &tm)) {
		snprintf(buf, len, "@%llu", (unsigned long long)t);
		return;
	}
	snprintf(buf, len, "%02d:%02d:%02d.%03llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned long long)(ns % 1000000000ULL / 1000000));
}

#define ROW_FMT "%-*s %-*s %-*s %-*s %-*s %-*s %s %-*s %-*s %s\n"

void rm_print_table_header(FILE *f, bool wide)
{
	int tw = wide ? RM_TW_TIME_WIDE : RM_TW_TIME, aw = wide ? RM_TW_ADDR_WIDE : RM_TW_ADDR;

	fprintf(f, ROW_FMT, tw, "TIME", RM_TW_DIR, "DIR", RM_TW_SENDER, "SENDER", RM_TW_CAUSE,
		"CAUSE", RM_TW_CONF, "CONF", aw, "SRC", "  ", aw, "DST", RM_TW_STATE, "STATE",
		"SILENCE");
}

void rm_print_event_row(FILE *f, const struct rm_event *ev, bool wide)
{
	unsigned int tw = wide ? RM_TW_TIME_WIDE : RM_TW_TIME;
	unsigned int aw = wide ? RM_TW_ADDR_WIDE : RM_TW_ADDR;
	char tm[48], t[48], dir[8], snd[16], cause[24], conf[16], src[64], dst[64], st[16];
	char sil[24];

	rm_format_clock(tm, sizeof(tm), ev->time_ns, wide);
	rm_cell(t, sizeof(t), tm, tw);
	rm_cell(dir, sizeof(dir), rstmon_dir_name(ev->dir), RM_TW_DIR);
	rm_cell(snd, sizeof(snd), rstmon_sender_name(ev->sender), RM_TW_SENDER);
	rm_cell(cause, sizeof(cause), rstmon_cause_name(ev->cause), RM_TW_CAUSE);
	rm_cell(conf, sizeof(conf), rstmon_confidence_name(ev->confidence), RM_TW_CONF);
	rm_addr_cell(src, sizeof(src), ev->family, ev->src, ev->sport, aw);
	rm_addr_cell(dst, sizeof(dst), ev->family, ev->dst, ev->dport, aw);
	rm_cell(st, sizeof(st), rm_state_name(ev->state), RM_TW_STATE);
	if (ev->state == RM_ST_UNTRACKED)
		strcpy(sil, "-");
	else
		rm_format_silence(sil, sizeof(sil), ev->idle_ms);
	fprintf(f, ROW_FMT, tw, t, RM_TW_DIR, dir, RM_TW_SENDER, snd, RM_TW_CAUSE, cause,
		RM_TW_CONF, conf, aw, src, "->", aw, dst, RM_TW_STATE, st, sil);
}
