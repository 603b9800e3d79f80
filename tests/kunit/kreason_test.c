// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: KUnit tests of the map from the kernel's reset reasons (enum
 * sk_rst_reason, by name) to rstmon's causes, module/kreason.c.
 *
 * module/kreason.c is compiled into classify_test.c; this file calls its
 * functions there.  The first case fails on any reason of the running
 * kernel that the map lacks: a kernel that grows a reason must have it
 * mapped (tests/host/kreason-check.py does the same for every kernel tree
 * the suite has).  The second holds the verdict rows: for a reason and a
 * cause of rstmon's, whether they agree (no kernel-disagrees evidence).
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "../../module/compat.h"
#include "../../module/kreason.h"
#include "../../module/names.h"

/* The value (enum sk_rst_reason + 1) of the running kernel's reason @name, or 0. */
static u8 rstmon_test_kreason(const char *name)
{
	unsigned int i;
	const char *n;
	u32 causes;
	u8 kr;

	for (i = 0; i < rstmon_kreason_count(); i++) {
		kr = rstmon_kreason_nth(i, &n, &causes);
		if (kr && !strcmp(n, name))
			return kr;
	}
	return 0;
}

/* Every reason the running kernel has is in the map, and named back. */
static void rstmon_kreason_every_reason_mapped(struct kunit *test)
{
	unsigned int i, n = rstmon_kreason_count(), unmapped = 0;
	const char *name;
	u32 causes;
	u8 kr;

	if (!n)
		kunit_skip(test, "this kernel's tcp_send_reset tracepoint gives no reason");
	for (i = 0; i < n; i++) {
		kr = rstmon_kreason_nth(i, &name, &causes);
		KUNIT_ASSERT_NE_MSG(test, kr, 0, "reason %u out of range", i);
		KUNIT_EXPECT_STREQ(test, rstmon_kreason_name(kr), name);
		if (!causes) {
			KUNIT_FAIL(test, "the kernel's reason %s is not in rstmon_kreason_map[]",
				   name);
			unmapped++;
		}
	}
	KUNIT_EXPECT_EQ(test, rstmon_kreason_resolve(), unmapped);
	kunit_info(test, "%u reasons, %u unmapped\n", n, unmapped);
}

/**
 * struct rstmon_kreason_row - one verdict of the map.
 * @reason: the kernel's reason, by name
 * @cause: rstmon's cause
 * @agrees: whether they agree
 */
struct rstmon_kreason_row {
	const char *reason;
	u8 cause;
	bool agrees;
};

#define ROW(r, c, a)	{ #r, RSTMON_CAUSE_##c, a }

static const struct rstmon_kreason_row rstmon_kreason_rows[] = {
	ROW(NOT_SPECIFIED, INJECTED, true),
	ROW(NOT_SPECIFIED, UNKNOWN, true),
	ROW(ERROR, REFUSED, true),
	ROW(NO_SOCKET, REFUSED, true),
	ROW(NO_SOCKET, INJECTED, false),
	ROW(NO_SOCKET, NAT_INVALID, true),
	ROW(TCP_INVALID_ACK_SEQUENCE, BAD_SEGMENT, true),
	ROW(TCP_INVALID_ACK_SEQUENCE, ABANDONED, false),
	ROW(TCP_TIMEWAIT_SOCKET, DATA_AFTER_CLOSE, true),
	ROW(INVALID_SYN, ACCEPT_OVERFLOW, true),
	ROW(INVALID_SYN, BAD_SEGMENT, true),
	ROW(INVALID_SYN, REFUSED, false),
	/* close() with unread data; MPTCP's fastclose of a live subflow */
	ROW(TCP_ABORT_ON_CLOSE, UNREAD_DATA, true),
	ROW(TCP_ABORT_ON_CLOSE, APP_ABORT, true),
	ROW(TCP_ABORT_ON_CLOSE, TIMEOUT, false),
	/* TCP_LINGER2 < 0, not SO_LINGER 0 */
	ROW(TCP_ABORT_ON_LINGER, TIMEOUT, true),
	ROW(TCP_ABORT_ON_LINGER, LINGER_ABORT, false),
	ROW(TCP_ABORT_ON_MEMORY, MEMORY, true),
	ROW(TCP_ABORT_ON_MEMORY, TIMEOUT, false),
	ROW(TCP_STATE, LINGER_ABORT, true),
	ROW(TCP_STATE, TIMEOUT, true),
	ROW(TCP_STATE, MEMORY, false),
	ROW(TCP_KEEPALIVE_TIMEOUT, TIMEOUT, true),
	ROW(TCP_KEEPALIVE_TIMEOUT, IDLE_TIMEOUT, false),
	/* unsent data at a disconnect: not unread data */
	ROW(TCP_DISCONNECT_WITH_DATA, LINGER_ABORT, true),
	ROW(TCP_DISCONNECT_WITH_DATA, APP_ABORT, true),
	ROW(TCP_DISCONNECT_WITH_DATA, UNREAD_DATA, false),
	ROW(MPTCP_RST_EUNSPEC, APP_ABORT, true),
	ROW(MPTCP_RST_EUNSPEC, TIMEOUT, true),
	ROW(MPTCP_RST_EUNSPEC, UNREAD_DATA, false),
	ROW(MPTCP_RST_EMPTCP, BAD_SEGMENT, true),
	ROW(MPTCP_RST_EMPTCP, REFUSED, true),
	ROW(MPTCP_RST_EMPTCP, TIME_WAIT, false),
	ROW(MPTCP_RST_ERESOURCE, MEMORY, true),
	ROW(MPTCP_RST_EPROHIBIT, REFUSED, true),
	ROW(MPTCP_RST_EPROHIBIT, ACCEPT_OVERFLOW, false),
	ROW(MPTCP_RST_EWQ2BIG, ABANDONED, true),
	ROW(MPTCP_RST_EBADPERF, APP_ABORT, true),
	ROW(MPTCP_RST_EBADPERF, TIME_WAIT, false),
	ROW(MPTCP_RST_EMIDDLEBOX, BAD_SEGMENT, true),
	ROW(MPTCP_RST_EMIDDLEBOX, INJECTED, false),
};

#undef ROW

static void rstmon_kreason_row_desc(const struct rstmon_kreason_row *r, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s-%s", r->reason,
		 rstmon_cause_names[r->cause] ? rstmon_cause_names[r->cause] : "?");
}

KUNIT_ARRAY_PARAM(rstmon_kreason_row, rstmon_kreason_rows, rstmon_kreason_row_desc);

static void rstmon_kreason_verdict(struct kunit *test)
{
	const struct rstmon_kreason_row *r = test->param_value;
	u8 kr = rstmon_test_kreason(r->reason);

	if (!kr)
		kunit_skip(test, "this kernel has no reason %s", r->reason);
	KUNIT_EXPECT_EQ_MSG(test, rstmon_kreason_agrees(kr, r->cause), r->agrees,
			    "%s and cause %u", r->reason, r->cause);
}

/* No reason, or one past the kernel's list: unknown, agrees with anything. */
static void rstmon_kreason_unknown(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, rstmon_kreason_agrees(0, RSTMON_CAUSE_INJECTED));
	KUNIT_EXPECT_STREQ(test, rstmon_kreason_name(0), "none");
	if (rstmon_kreason_count() >= U8_MAX - 1)
		return;
	KUNIT_EXPECT_TRUE(test, rstmon_kreason_agrees(rstmon_kreason_count() + 1,
						      RSTMON_CAUSE_INJECTED));
	KUNIT_EXPECT_STREQ(test, rstmon_kreason_name(rstmon_kreason_count() + 1), "none");
}

static int rstmon_kreason_suite_init(struct kunit_suite *suite)
{
	rstmon_kreason_resolve();
	return 0;
}

static struct kunit_case rstmon_kreason_cases[] = {
	KUNIT_CASE(rstmon_kreason_every_reason_mapped),
	KUNIT_CASE_PARAM(rstmon_kreason_verdict, rstmon_kreason_row_gen_params),
	KUNIT_CASE(rstmon_kreason_unknown),
	{}
};

static struct kunit_suite rstmon_kreason_suite = {
	.name = "rstmon_kreason",
	.suite_init = rstmon_kreason_suite_init,
	.test_cases = rstmon_kreason_cases,
};

kunit_test_suite(rstmon_kreason_suite);
