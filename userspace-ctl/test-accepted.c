// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl unit tests of accepted.c (included by test.c): an event's
 * accepted, closed_first and RST payload, decoded from netlink, printed as
 * /proc/net/rstmon prints them, in JSON, and in why's words and advice.
 */

static void test_accepted(void)
{
	static const unsigned char bin[] = { 'R', 'S', 'T', ' ', '"', '\\', 0, 1, 0x7f, 0xff };
	char buf[4096], *s;
	struct rm_event in, out;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	/* A challenged RST with a reason text, through netlink. */
	event_v4(&in);
	nlh = genl_msg(buf, RSTMON_CMD_EVENT);
	put_event(nlh, &in);
	nest = (struct nlattr *)event_nest(nlh);
	{
		/* Appended to the event's nest, the message's last attribute. */
		size_t before = nlh->nlmsg_len;

		mnl_attr_put_u8(nlh, RSTMON_E_ACCEPTED, RSTMON_ACCEPTED_CHALLENGED);
		mnl_attr_put(nlh, RSTMON_E_RST_PAYLOAD, sizeof(bin), bin);
		mnl_attr_put_u32(nlh, RSTMON_E_RST_PAYLOAD_LEN, 200);
		nest->nla_len += nlh->nlmsg_len - before;
	}
	result(!rm_parse_event(nest, &out) && out.accepted == RSTMON_ACCEPTED_CHALLENGED &&
	       out.rst_payload_kept == sizeof(bin) && out.rst_payload_len == 200 &&
	       !out.has_closed_first, "accepted: netlink attributes parse", NULL);
	CAPTURE(s, rm_print_event_text(f, &out));
	result(strstr(s, " kreason=none accepted=challenged closed_first=- rst_payload=\"RST\\x20\\\"\\\\\\x00\\x01\\x7f\\xff\"... rst_payload_len=200 evidence=") != NULL,
	       "accepted: text: accepted=, the payload escaped, cut, its length", "%s", s);
	free(s);
	CAPTURE(s, rm_print_event_json(f, &out));
	result(strstr(s, ",\"accepted\":\"challenged\",\"closed_first\":null,\"rst_payload\":\"RST\\\\x20\\\\\\\"\\\\\\\\\\\\x00\\\\x01\\\\x7f\\\\xff\",\"rst_payload_len\":200,\"rst_payload_truncated\":true,\"evidence\":") != NULL,
	       "accepted: JSON: the payload a JSON string of the escaped text", "%s", s);
	free(s);
	expect_why("why: a challenged RST did not reset", &out, NULL,
		   "Did it reset the connection: no, it was in the receive window but not at the next sequence number",
		   "challenge ACK (RFC 5961; not seen",
		   "The RST carried 200 bytes of payload", NULL);
	out.evidence |= RSTMON_EV_CHALLENGE_ACK;
	expect_why("why: a challenged RST, its challenge ACK seen", &out, NULL,
		   "challenge ACK (RFC 5961; seen leaving this host)", NULL);
	out.evidence &= ~RSTMON_EV_CHALLENGE_ACK;

	/* A payload longer than RSTMON_RST_PAYLOAD_MAX bytes is refused. */
	nlh = genl_msg(buf, RSTMON_CMD_EVENT);
	put_event(nlh, &in);
	nest = (struct nlattr *)event_nest(nlh);
	{
		unsigned char big[RSTMON_RST_PAYLOAD_MAX + 1] = { 0 };
		size_t before = nlh->nlmsg_len;

		mnl_attr_put(nlh, RSTMON_E_RST_PAYLOAD, sizeof(big), big);
		nest->nla_len += nlh->nlmsg_len - before;
	}
	result(rm_parse_event(nest, &out) < 0, "accepted: a payload over 40 bytes refused", NULL);

	/* Accepted: the reset that mattered. */
	event_v4(&out);
	out.accepted = RSTMON_ACCEPTED_YES;
	expect_why("why: an accepted RST is the reset the application saw", &out, NULL,
		   "Did it reset the connection: yes", "ECONNRESET", NULL);
	out.accepted = RSTMON_ACCEPTED_NO;
	expect_why("why: an ignored RST", &out, NULL, "Did it reset the connection: no, the receiving stack ignored it", NULL);

	/* Data after close, each side first. */
	event_v4(&out);
	out.cause = RSTMON_CAUSE_DATA_AFTER_CLOSE;
	out.has_closed_first = true;
	out.closed_first = RSTMON_SIDE_SERVER;
	CAPTURE(s, rm_print_event_text(f, &out));
	result(strstr(s, " kreason=none accepted=- closed_first=server evidence=") != NULL,
	       "closed_first: text", "%s", s);
	free(s);
	CAPTURE(s, rm_print_event_json(f, &out));
	result(strstr(s, ",\"accepted\":null,\"closed_first\":\"server\",\"evidence\":") != NULL,
	       "closed_first: JSON", "%s", s);
	free(s);
	expect_why("why: data-after-close, the server first: the keep-alive race", &out, NULL,
		   "the server closed first", "the HTTP keep-alive race",
		   "What to do: On the client: keep the connection pool's idle timeout below the server's",
		   "retry idempotent requests", "on the server: raise the keep-alive timeout", NULL);
	out.closed_first = RSTMON_SIDE_CLIENT;
	expect_why("why: data-after-close, the client first: drain before close", &out, NULL,
		   "the client closed first", "while the server was still sending",
		   "What to do: On the client: read the response to its end before closing, or shutdown(SHUT_WR)",
		   NULL);
	out.has_closed_first = false;
	expect_why("why: data-after-close, sides unknown: both pieces of advice", &out, NULL,
		   "If the server closed first (the keep-alive race)", NULL);
}
