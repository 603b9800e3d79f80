/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: the names of the uapi values, as /proc/net/rstmon and rstmonctl
 * print them.
 *
 * One copy for both worlds: the module (module/event.c, module/proc.c)
 * and rstmonctl (userspace-ctl/format.c) include this header, so their
 * output cannot drift apart.  It needs nothing but the uapi header.
 * Each table is indexed by its enum (the evidence names by the bit number
 * of their RSTMON_EV_* flag); its users check at build time that it
 * covers every value, and read a value outside it, or a hole, as "none".
 */
#ifndef _RSTMON_NAMES_H
#define _RSTMON_NAMES_H

#include <linux/rstmon.h>

/*
 * Each user reads only some of the tables: they are __maybe_unused, which
 * the kernel defines (compiler_attributes.h) and userspace must define
 * before including this header.
 */
#ifndef __maybe_unused
#error "define __maybe_unused before including names.h"
#endif

/* Bit number of a single RSTMON_EV_* flag, as a constant expression. */
#define RSTMON_EV_BIT(flag)	__builtin_ctz(flag)

static const char *const rstmon_dir_names[] __maybe_unused = {
	[RSTMON_DIR_IN] = "in",
	[RSTMON_DIR_OUT] = "out",
	[RSTMON_DIR_FWD] = "fwd",
};

static const char *const rstmon_sender_names[] __maybe_unused = {
	[RSTMON_SENDER_UNKNOWN] = "unknown",
	[RSTMON_SENDER_LOCAL] = "local",
	[RSTMON_SENDER_FIREWALL] = "firewall",
	[RSTMON_SENDER_PEER] = "peer",
	[RSTMON_SENDER_MIDDLEBOX] = "middlebox",
};

static const char *const rstmon_cause_names[] __maybe_unused = {
	[RSTMON_CAUSE_UNKNOWN] = "unknown",
	[RSTMON_CAUSE_REFUSED] = "refused",
	[RSTMON_CAUSE_NO_CONNECTION] = "no-connection",
	[RSTMON_CAUSE_DATA_AFTER_CLOSE] = "data-after-close",
	[RSTMON_CAUSE_UNREAD_DATA] = "unread-data",
	[RSTMON_CAUSE_LINGER_ABORT] = "linger-abort",
	[RSTMON_CAUSE_APP_ABORT] = "app-abort",
	[RSTMON_CAUSE_ACCEPT_OVERFLOW] = "accept-overflow",
	[RSTMON_CAUSE_TIME_WAIT] = "time-wait",
	[RSTMON_CAUSE_BAD_SEGMENT] = "bad-segment",
	[RSTMON_CAUSE_MEMORY] = "memory",
	[RSTMON_CAUSE_TIMEOUT] = "timeout",
	[RSTMON_CAUSE_IDLE_TIMEOUT] = "idle-timeout",
	[RSTMON_CAUSE_ABANDONED] = "abandoned",
	[RSTMON_CAUSE_INJECTED] = "injected",
	[RSTMON_CAUSE_NAT_INVALID] = "nat-invalid",
};

static const char *const rstmon_confidence_names[] __maybe_unused = {
	[RSTMON_CONF_SUSPECT] = "suspect",
	[RSTMON_CONF_LIKELY] = "likely",
	[RSTMON_CONF_CERTAIN] = "certain",
};

static const char *const rstmon_seqchk_names[] __maybe_unused = {
	[RSTMON_SEQ_NA] = "na",
	[RSTMON_SEQ_EXACT] = "exact",
	[RSTMON_SEQ_IN_WINDOW] = "in-window",
	[RSTMON_SEQ_OUT_OF_WINDOW] = "out-of-window",
};

/* An event's state 255 (untracked) is outside: its users name it. */
static const char *const rstmon_state_names[] __maybe_unused = {
	[RSTMON_ST_SYN_SENT] = "syn-sent",
	[RSTMON_ST_SYN_RECV] = "syn-recv",
	[RSTMON_ST_ESTABLISHED] = "established",
	[RSTMON_ST_FIN_WAIT] = "fin-wait",
	[RSTMON_ST_CLOSING] = "closing",
	[RSTMON_ST_CLOSED] = "closed",
};

static const char *const rstmon_side_names[] __maybe_unused = {
	[RSTMON_SIDE_CLIENT] = "client",
	[RSTMON_SIDE_SERVER] = "server",
	[RSTMON_SIDE_UNKNOWN] = "unknown",
};

static const char *const rstmon_sock_names[] __maybe_unused = {
	[RSTMON_SOCK_NOT_LOCAL] = "not-local",
	[RSTMON_SOCK_NONE] = "none",
	[RSTMON_SOCK_GONE] = "gone",
	[RSTMON_SOCK_FULL] = "full",
	[RSTMON_SOCK_REQUEST] = "request",
	[RSTMON_SOCK_LISTENER] = "listener",
	[RSTMON_SOCK_TIME_WAIT] = "time-wait",
};

static const char *const rstmon_evidence_names[] __maybe_unused = {
	[RSTMON_EV_BIT(RSTMON_EV_ACK)] = "ack",
	[RSTMON_EV_BIT(RSTMON_EV_TRACKED)] = "tracked",
	[RSTMON_EV_BIT(RSTMON_EV_MIDSTREAM)] = "midstream",
	[RSTMON_EV_BIT(RSTMON_EV_TTL_MISMATCH)] = "ttl-mismatch",
	[RSTMON_EV_BIT(RSTMON_EV_PAYLOAD)] = "payload",
	[RSTMON_EV_BIT(RSTMON_EV_DATA_AFTER)] = "data-after",
	[RSTMON_EV_BIT(RSTMON_EV_SOCKET)] = "socket",
	[RSTMON_EV_BIT(RSTMON_EV_CTL_SOCKET)] = "ctl-socket",
	[RSTMON_EV_BIT(RSTMON_EV_NO_SOCKET)] = "no-socket",
	[RSTMON_EV_BIT(RSTMON_EV_RAW_SOCKET)] = "raw-socket",
	[RSTMON_EV_BIT(RSTMON_EV_IDLE)] = "idle",
	[RSTMON_EV_BIT(RSTMON_EV_KREASON)] = "kreason",
	[RSTMON_EV_BIT(RSTMON_EV_KDISAGREE)] = "kernel-disagrees",
	[RSTMON_EV_BIT(RSTMON_EV_IPID_MISMATCH)] = "ipid-mismatch",
	[RSTMON_EV_BIT(RSTMON_EV_REPEATED)] = "repeated",
	[RSTMON_EV_BIT(RSTMON_EV_ZERO_HOP)] = "zero-hop",
	[RSTMON_EV_BIT(RSTMON_EV_RST_BURST)] = "rst-burst",
	[RSTMON_EV_BIT(RSTMON_EV_ONE_WAY)] = "one-way",
	[RSTMON_EV_BIT(RSTMON_EV_BYPASSED)] = "bypassed",
	[RSTMON_EV_BIT(RSTMON_EV_NAT)] = "nat",
	[RSTMON_EV_BIT(RSTMON_EV_CHALLENGE_ACK)] = "challenge-ack",
	[RSTMON_EV_BIT(RSTMON_EV_NEW_OWNER)] = "new-owner",
	[RSTMON_EV_BIT(RSTMON_EV_UNTRANSLATED)] = "untranslated",
	[RSTMON_EV_BIT(RSTMON_EV_STRAY)] = "stray",
};

static const char *const rstmon_idle_match_names[] __maybe_unused = {
	[RSTMON_IDLE_MATCH_NONE] = "none",
	[RSTMON_IDLE_MATCH_THRESHOLD] = "threshold",
	[RSTMON_IDLE_MATCH_RHYTHM] = "rhythm",
	[RSTMON_IDLE_MATCH_AZURE_LB_240] = "azure-lb-240",
	[RSTMON_IDLE_MATCH_AWS_350] = "aws-350",
	[RSTMON_IDLE_MATCH_CONNTRACK] = "conntrack",
};

/* Each table names every value of its enum (checked wherever included). */
#define RSTMON_NAMES_N(table)	(sizeof(table) / sizeof((table)[0]))
#define RSTMON_NAMES_COVER(table, n)	\
	static_assert(RSTMON_NAMES_N(table) == (n), #table " out of date")

RSTMON_NAMES_COVER(rstmon_dir_names, __RSTMON_DIR_MAX);
RSTMON_NAMES_COVER(rstmon_sender_names, __RSTMON_SENDER_MAX);
RSTMON_NAMES_COVER(rstmon_cause_names, __RSTMON_CAUSE_MAX);
RSTMON_NAMES_COVER(rstmon_confidence_names, __RSTMON_CONF_MAX);
RSTMON_NAMES_COVER(rstmon_seqchk_names, __RSTMON_SEQ_MAX);
RSTMON_NAMES_COVER(rstmon_state_names, __RSTMON_ST_MAX);
RSTMON_NAMES_COVER(rstmon_sock_names, __RSTMON_SOCK_MAX);
RSTMON_NAMES_COVER(rstmon_side_names, RSTMON_SIDE_UNKNOWN + 1);
RSTMON_NAMES_COVER(rstmon_idle_match_names, __RSTMON_IDLE_MATCH_MAX);
RSTMON_NAMES_COVER(rstmon_evidence_names, RSTMON_EV_BIT(RSTMON_EV_STRAY) + 1);

/*
 * rstmon_<table>_name(v): the name of value @v, or "none" for a value
 * outside the table or a hole in it.  The module and rstmonctl both use
 * these accessors, so neither has a copy of the lookup.  An event's state
 * 255 (untracked) is outside the state table: its users name it.
 */
static inline const char *rstmon_name_or(const char *const *table, unsigned int n,
					 unsigned int v, const char *fallback)
{
	return v < n && table[v] ? table[v] : fallback;
}

#define RSTMON_NAME_ACCESSOR(what)					\
static inline const char *rstmon_##what##_name(unsigned int v)		\
{									\
	return rstmon_name_or(rstmon_##what##_names,			\
			      RSTMON_NAMES_N(rstmon_##what##_names), v, "none"); \
}

RSTMON_NAME_ACCESSOR(dir)
RSTMON_NAME_ACCESSOR(sender)
RSTMON_NAME_ACCESSOR(cause)
RSTMON_NAME_ACCESSOR(confidence)
RSTMON_NAME_ACCESSOR(seqchk)
RSTMON_NAME_ACCESSOR(state)
RSTMON_NAME_ACCESSOR(sock)
RSTMON_NAME_ACCESSOR(idle_match)

#endif /* _RSTMON_NAMES_H */
