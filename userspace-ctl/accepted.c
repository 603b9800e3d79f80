// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl: the facts module/accept.c adds to an event: whether the
 * receiving stack accepted the RST, which side closed first on a
 * data-after-close, and the RST's payload, decoded, printed (as
 * /proc/net/rstmon does: module/accept_names.h) and explained.
 */
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "rstmonctl.h"

#ifndef __maybe_unused
#define __maybe_unused __attribute__((unused))
#endif
#include "../module/accept_names.h"

int rm_accept_parse(const struct nlattr *nest, struct rm_event *ev)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		uint16_t len = mnl_attr_get_payload_len(a);

		switch (mnl_attr_get_type(a)) {
		case RSTMON_E_ACCEPTED:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -1;
			ev->accepted = mnl_attr_get_u8(a);
			break;
		case RSTMON_E_CLOSED_FIRST:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -1;
			ev->has_closed_first = true;
			ev->closed_first = mnl_attr_get_u8(a);
			break;
		case RSTMON_E_RST_PAYLOAD:
			if (len > RSTMON_RST_PAYLOAD_MAX)
				return -1;
			memcpy(ev->rst_payload, mnl_attr_get_payload(a), len);
			ev->rst_payload_kept = len;
			break;
		case RSTMON_E_RST_PAYLOAD_LEN:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -1;
			ev->rst_payload_len = mnl_attr_get_u32(a);
			break;
		}
	}
	if (ev->rst_payload_kept > ev->rst_payload_len)
		ev->rst_payload_len = ev->rst_payload_kept;
	return 0;
}

static const char *closed_first_name(const struct rm_event *ev)
{
	if (!ev->has_closed_first)
		return "-";
	return ev->closed_first == RSTMON_SIDE_CLIENT ? "client" :
	       ev->closed_first == RSTMON_SIDE_SERVER ? "server" : "-";
}

void rm_accept_payload_text(char *out, size_t len, const struct rm_event *ev)
{
	char esc[RSTMON_PAYLOAD_ESC_LEN(RSTMON_RST_PAYLOAD_MAX)];

	rstmon_payload_escape(esc, ev->rst_payload, ev->rst_payload_kept);
	snprintf(out, len, "%s", esc);
}

void rm_accept_text(FILE *f, const struct rm_event *ev)
{
	char esc[RSTMON_PAYLOAD_ESC_LEN(RSTMON_RST_PAYLOAD_MAX)];

	/* Always, as every key of /proc's line; the payload only when there. */
	fprintf(f, " accepted=%s closed_first=%s", rstmon_accepted_name(ev->accepted),
		closed_first_name(ev));
	if (!ev->rst_payload_len)
		return;
	rm_accept_payload_text(esc, sizeof(esc), ev);
	fprintf(f, " rst_payload=\"%s\"%s rst_payload_len=%u", esc,
		ev->rst_payload_kept < ev->rst_payload_len ? "..." : "", ev->rst_payload_len);
}

void rm_accept_json(FILE *f, const struct rm_event *ev, bool *first)
{
	char esc[RSTMON_PAYLOAD_ESC_LEN(RSTMON_RST_PAYLOAD_MAX)];

	/* Always, null when not applicable (as the text's "-"). */
	rm_json_key(f, first, "accepted");
	if (ev->accepted)
		rm_json_str(f, rstmon_accepted_name(ev->accepted));
	else
		fputs("null", f);
	rm_json_key(f, first, "closed_first");
	if (ev->has_closed_first && ev->closed_first < RSTMON_SIDE_UNKNOWN)
		rm_json_str(f, closed_first_name(ev));
	else
		fputs("null", f);
	if (!ev->rst_payload_len)
		return;
	/* The payload as /proc shows it (\xNN escapes), inside a JSON string. */
	rm_json_key(f, first, "rst_payload");
	rm_accept_payload_text(esc, sizeof(esc), ev);
	rm_json_str(f, esc);
	rm_json_key(f, first, "rst_payload_len");
	fprintf(f, "%u", ev->rst_payload_len);
	rm_json_key(f, first, "rst_payload_truncated");
	fputs(ev->rst_payload_kept < ev->rst_payload_len ? "true" : "false", f);
}

/* Data after close, told by the side that closed first. */
static const struct rm_advice closed_first_advice[] = {
	{ RSTMON_CAUSE_DATA_AFTER_CLOSE, RSTMON_SIDE_CLIENT,
	  "data reached a socket whose application had already closed it: the client closed first (its FIN came first) while the server was still sending, and the server's further data hit the closed socket",
	  "On the client: read the response to its end before closing, or shutdown(SHUT_WR) and read until EOF, then close; the server is not at fault." },
	{ RSTMON_CAUSE_DATA_AFTER_CLOSE, RSTMON_SIDE_SERVER,
	  "data reached a socket whose application had already closed it: the server closed first (its FIN came first: its idle or keep-alive timeout fired) as the client sent on the connection: the HTTP keep-alive race",
	  "On the client: keep the connection pool's idle timeout below the server's (and load balancer's) keep-alive timeout, and retry idempotent requests; on the server: raise the keep-alive timeout above the clients'." },
};

const struct rm_advice *rm_event_advice(const struct rm_event *ev)
{
	if (ev->cause == RSTMON_CAUSE_DATA_AFTER_CLOSE && ev->has_closed_first &&
	    ev->closed_first < RSTMON_SIDE_UNKNOWN)
		return &closed_first_advice[ev->closed_first];
	return rm_advice_for(ev->cause, ev->sender);
}

void rm_accept_why(char *buf, size_t len, const struct rm_event *ev)
{
	char esc[RSTMON_PAYLOAD_ESC_LEN(RSTMON_RST_PAYLOAD_MAX)];
	size_t off = 0;
	int n = 0;

	if (len)
		buf[0] = '\0';
	switch (ev->accepted) {
	case RSTMON_ACCEPTED_YES:
		n = snprintf(buf, len, " Did it reset the connection: yes, the receiving stack accepted it: this is the reset its application saw (ECONNRESET, \"connection reset by peer\").");
		break;
	case RSTMON_ACCEPTED_NO:
		n = snprintf(buf, len, " Did it reset the connection: no, the receiving stack ignored it (outside the receive window, or nothing to reset): look for another RST if the application saw a reset.");
		break;
	case RSTMON_ACCEPTED_CHALLENGED:
		n = snprintf(buf, len, " Did it reset the connection: no, it was in the receive window but not at the next sequence number: the stack discarded it and answered with a challenge ACK (RFC 5961%s); a real peer answers that with an exact RST, a sender that carries on sending proves the RST forged.",
			     (ev->evidence & RSTMON_EV_CHALLENGE_ACK) ?
			     "; seen leaving this host" :
			     "; not seen: rate-limited, or the RST never reached TCP");
		break;
	}
	if (n > 0)
		off = (size_t)n < len ? (size_t)n : len;
	if (ev->rst_payload_len && off < len) {
		rm_accept_payload_text(esc, sizeof(esc), ev);
		snprintf(buf + off, len - off, " The RST carried %u bytes of payload (a reason text of some stacks and devices): \"%s\"%s.",
			 ev->rst_payload_len, esc,
			 ev->rst_payload_kept < ev->rst_payload_len ? "..." : "");
	}
}
