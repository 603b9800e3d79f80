// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl: the kernel's own reset reasons (enum sk_rst_reason, as the
 * tcp_send_reset tracepoint names them, 6.10+) in an operator's words, for
 * why.  Every name of module/kreason.c's rstmon_kreason_map[] has its words
 * here (tests/host/kreason-check.py checks it).
 */
#include <string.h>

#include "rstmonctl.h"

static const struct {
	const char *name;
	const char *words;
} rm_kreasons[] = {
	{ "NOT_SPECIFIED", "the kernel gave no specific reason" },
	{ "NO_SOCKET", "no socket matched the segment" },
	{ "TCP_INVALID_ACK_SEQUENCE", "the segment acknowledged data outside what was sent" },
	{ "TCP_RFC7323_PAWS", "the segment's timestamp was older than the connection's (PAWS)" },
	{ "TCP_TOO_OLD_ACK", "the segment's acknowledgment was too old" },
	{ "TCP_ACK_UNSENT_DATA", "the segment acknowledged data never sent" },
	{ "TCP_FLAGS", "the segment's flags were invalid for the connection's state" },
	{ "TCP_OLD_ACK", "the segment's acknowledgment was old but in the window" },
	{ "TCP_ABORT_ON_DATA", "data arrived after the application had closed the socket" },
	{ "TCP_TIMEWAIT_SOCKET", "a TIME_WAIT socket answered" },
	{ "INVALID_SYN",
	  "the handshake failed at the listener (accept queue full with tcp_abort_on_overflow, or a SYN where none belonged)" },
	{ "TCP_ABORT_ON_CLOSE", "the socket was closed with received data unread (or MPTCP closed its subflows at once)" },
	{ "TCP_ABORT_ON_LINGER", "closed in FIN_WAIT2 with TCP_LINGER2 below zero" },
	{ "TCP_ABORT_ON_MEMORY", "too many orphaned sockets or TCP memory exhausted" },
	{ "TCP_STATE", "the socket was aborted (SO_LINGER 0, a disconnect, ss -K, or the FIN_WAIT2 timer)" },
	{ "TCP_KEEPALIVE_TIMEOUT", "keepalive probes (or TCP_USER_TIMEOUT) went unanswered" },
	{ "TCP_DISCONNECT_WITH_DATA",
	  "the socket was disconnected (SO_LINGER 0 or connect(AF_UNSPEC)) with data it had not sent yet" },
	{ "MPTCP_RST_EUNSPEC", "MPTCP gave up a subflow (no specific code)" },
	{ "MPTCP_RST_EMPTCP", "MPTCP found an error in the MPTCP options of the subflow" },
	{ "MPTCP_RST_ERESOURCE", "MPTCP lacked resources for the subflow" },
	{ "MPTCP_RST_EPROHIBIT", "MPTCP's path manager limits or policy prohibit the subflow" },
	{ "MPTCP_RST_EWQ2BIG", "MPTCP reset a subflow with too much outstanding data" },
	{ "MPTCP_RST_EBADPERF", "MPTCP reset a subflow that performed too poorly" },
	{ "MPTCP_RST_EMIDDLEBOX", "MPTCP detected middlebox interference (bad DSS checksum or mapping)" },
	{ "ERROR", "MPTCP reset a subflow with a code the kernel does not know" },
};

/* The words for the kernel's reason @name, or NULL for one rstmonctl does not know. */
const char *rm_kreason_words(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(rm_kreasons) / sizeof(rm_kreasons[0]); i++)
		if (!strcmp(rm_kreasons[i].name, name))
			return rm_kreasons[i].words;
	return NULL;
}
