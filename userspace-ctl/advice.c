// SPDX-License-Identifier: GPL-2.0
/*
 * rstmonctl: what each cause means and what an operator does about it
 * (the table of "rstmonctl why", which Documentation/rstmon.rst repeats:
 * tests/host/advice-check.sh compares the two), and the plain-words
 * explanation of one event.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#include "rstmonctl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * One row per cause, in the order of enum rstmon_cause, each followed by
 * the rows for senders whose advice differs.
 */
static const struct rm_advice table[] = {
	{ RSTMON_CAUSE_UNKNOWN, -1,
	  "none of rstmon's rules fit; the evidence is still recorded",
	  "Read the evidence and capture the connection (tcpdump) to see what the sender answered." },
	{ RSTMON_CAUSE_REFUSED, -1,
	  "it answered a connection attempt (a SYN): nothing listened on the port, or a reject rule refused it",
	  "Start the service, or fix the address or port the client uses, or the rule that rejects it." },
	{ RSTMON_CAUSE_REFUSED, RSTMON_SENDER_FIREWALL,
	  "a reject rule of this host's firewall refused a connection attempt (a SYN)",
	  "Find the reject rule that matches (nft list ruleset) and allow the traffic, or fix the client." },
	{ RSTMON_CAUSE_NO_CONNECTION, -1,
	  "it answered a segment of a connection the sender had no state for: it restarted, the address moved to another host, or a NAT or load balancer lost the mapping",
	  "Drain connections before moving a virtual IP or restarting a server; check the state timeouts and failovers of NATs and load balancers on the path. Behind a DNAT service address (a Kubernetes Service), see whether the NAT host's rstmon logged nat-invalid for the connection." },
	{ RSTMON_CAUSE_DATA_AFTER_CLOSE, -1,
	  "data reached a socket whose application had already closed it (the side that closed first, closed_first, tells which race)",
	  "If the server closed first (the keep-alive race): keep the client pool's idle timeout below the server's keep-alive timeout and retry idempotent requests; if the client closed first while the server sent: read the response fully, or shutdown(SHUT_WR) and drain, before close." },
	{ RSTMON_CAUSE_UNREAD_DATA, -1,
	  "the application closed its socket with received data still unread, which makes the kernel reset instead of closing",
	  "Make the application read what it was sent (or shut down and drain) before it closes the socket." },
	{ RSTMON_CAUSE_LINGER_ABORT, -1,
	  "the application closed its socket with SO_LINGER set to zero: an abortive close",
	  "Expected when the application means it; otherwise remove SO_LINGER 0 and close normally." },
	{ RSTMON_CAUSE_APP_ABORT, -1,
	  "the connection was aborted on purpose: an application's abort, ss -K (SOCK_DESTROY) or connect(AF_UNSPEC)",
	  "Find who aborts it (the application's error handling, an operator's ss -K); the network is not at fault." },
	{ RSTMON_CAUSE_ACCEPT_OVERFLOW, -1,
	  "the listener's accept queue was full (net.ipv4.tcp_abort_on_overflow set), or the server never took the finished handshake",
	  "Raise the listen backlog and net.core.somaxconn, make the application accept faster, or add capacity." },
	{ RSTMON_CAUSE_TIME_WAIT, -1,
	  "a TIME_WAIT or FIN_WAIT2 socket answered a segment that was not new data of the old connection (a stray segment, a SYN inside its window)",
	  "Usually harmless; if new connections hit it, let clients use fresh source ports instead of reusing them quickly." },
	{ RSTMON_CAUSE_BAD_SEGMENT, -1,
	  "the sender found the segment invalid (an unacceptable ACK to its SYN-ACK, bad flags)",
	  "Capture the handshake: look for a device that rewrites segments or a broken client stack." },
	{ RSTMON_CAUSE_MEMORY, -1,
	  "the sender's kernel reset for lack of memory or because too many sockets were orphaned",
	  "Raise net.ipv4.tcp_max_orphans or tcp_mem, or find the application that leaves sockets orphaned." },
	{ RSTMON_CAUSE_TIMEOUT, -1,
	  "a TCP timer gave up: keepalive probes went unanswered, or a FIN_WAIT2 socket timed out",
	  "Check the path to the peer, which stopped answering; lengthen tcp_keepalive_* or tcp_fin_timeout if they are too short." },
	{ RSTMON_CAUSE_IDLE_TIMEOUT, -1,
	  "the connection was silent (longer than idle_threshold, a well-known idle timeout or its own rhythm) and the sender had expired its state",
	  "Enable TCP keepalives below the middlebox's idle timeout, or raise that timeout." },
	{ RSTMON_CAUSE_IDLE_TIMEOUT, RSTMON_SENDER_FIREWALL,
	  "the connection was silent (longer than idle_threshold or conntrack's established timeout) and this host's firewall had expired its state",
	  "Enable TCP keepalives below the firewall's idle timeout (nf_conntrack_tcp_timeout_established), or raise that timeout." },
	{ RSTMON_CAUSE_IDLE_TIMEOUT, RSTMON_SENDER_PEER,
	  "the connection was silent (longer than idle_threshold or a well-known idle timeout) and the peer had dropped it",
	  "Enable TCP keepalives (or application pings) below the peer's idle timeout, or raise that timeout on the peer." },
	{ RSTMON_CAUSE_ABANDONED, -1,
	  "it came right after the handshake with no data either way: the loser of a parallel connect (SMB 139/445, happy eyeballs)",
	  "Usually harmless: nothing to do unless the client never gets a connection." },
	{ RSTMON_CAUSE_INJECTED, -1,
	  "it was forged by a third party: the real endpoint did not reset (it sent data after the RST, or a burst of RSTs, TTL or sequence numbers not its own)",
	  "Find the device on the path that injects RSTs (an IPS, a DPI or censorship box) and exempt the traffic, or use TLS or a VPN it cannot inspect." },
	{ RSTMON_CAUSE_INJECTED, RSTMON_SENDER_LOCAL,
	  "a process on this host forged it through a raw socket",
	  "Find the process with the raw socket (ss -w -p) and stop it unless it is a wanted tool." },
	{ RSTMON_CAUSE_NAT_INVALID, -1,
	  "a NAT host (DNAT of a service address, as kube-proxy sets up) forwarded a segment of the connection without its translation, because conntrack marked it INVALID (out of its TCP window) or had lost the mapping; the other end's stack knew no connection with that real address and answered it with this RST, which killed the real connection",
	  "On the NAT host, let conntrack accept such segments (sysctl net.netfilter.nf_conntrack_tcp_be_liberal=1) or drop INVALID segments before they leak (nft add rule inet filter forward ct state invalid drop; iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP). kube-proxy sets the sysctl with --conntrack-tcp-be-liberal (conntrack.tcpBeLiberal); its iptables mode adds the INVALID drop rule only while the sysctl is 0, its nftables mode never does. Any other NAT of service addresses (a CNI's) needs the same." },
};

const struct rm_advice *rm_advice_for(unsigned int cause, unsigned int sender)
{
	const struct rm_advice *any = &table[0];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(table); i++) {
		if (table[i].cause != cause)
			continue;
		if (table[i].sender == (int)sender)
			return &table[i];
		if (table[i].sender < 0)
			any = &table[i];
	}
	return any;
}

/* @s word-wrapped at 76 columns, each line indented by four spaces. */
static void wrap(FILE *f, const char *s)
{
	const char *w = s;
	unsigned int col = 0;

	while (*w) {
		size_t n = strcspn(w, " ");

		if (col && col + 1 + n > 72) {
			fputc('\n', f);
			col = 0;
		}
		fputs(col ? " " : "    ", f);
		fwrite(w, 1, n, f);
		col += n + (col ? 1 : 0);
		w += n;
		w += strspn(w, " ");
	}
	fputc('\n', f);
}

void rm_print_advice_table(FILE *f)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(table); i++) {
		const struct rm_advice *a = &table[i];

		if (i)
			fputc('\n', f);
		fprintf(f, "``%s``", rstmon_cause_name(a->cause));
		if (a->sender >= 0)
			fprintf(f, " from ``%s``", rstmon_sender_name(a->sender));
		fputc('\n', f);
		wrap(f, a->advice);
	}
}

/* ---------------------------------------------------------------- why */

/* A growing string in a fixed buffer. */
struct sbuf {
	char *b;
	size_t len, off;
};

__attribute__((format(printf, 2, 3)))
static void put(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->off >= s->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->b + s->off, s->len - s->off, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->off += (size_t)n < s->len - s->off ? (size_t)n : s->len - s->off - 1;
}

/* @v's entry of @table (@n entries), or "unknown". */
/* The words for value @v of @table (names.h's lookup), "unknown" outside it. */
#define WORDS(table, v) rstmon_name_or(table, ARRAY_SIZE(table), v, "unknown")

static const char *const sender_words[] = {
	[RSTMON_SENDER_UNKNOWN] = "unknown: nothing tells",
	[RSTMON_SENDER_LOCAL] = "this host's TCP stack",
	[RSTMON_SENDER_FIREWALL] = "this host's firewall (a reject rule)",
	[RSTMON_SENDER_PEER] = "the remote peer",
	[RSTMON_SENDER_MIDDLEBOX] = "a device in between (middlebox)",
};

static const char *const dir_words[] = {
	[RSTMON_DIR_IN] = "came in to this host",
	[RSTMON_DIR_OUT] = "left this host",
	[RSTMON_DIR_FWD] = "was forwarded by this host",
};

static const char *const confidence_words[] = {
	[RSTMON_CONF_SUSPECT] = "suspect: a guess, part of the connection was not seen",
	[RSTMON_CONF_LIKELY] = "likely: inferred from what the connection showed",
	[RSTMON_CONF_CERTAIN] = "certain: the sending stack's own state proves it",
};

static const char *const sock_words[] = {
	[RSTMON_SOCK_NOT_LOCAL] = "no socket of this host: the connection was forwarded through it",
	[RSTMON_SOCK_NONE] = "no local socket existed (a stateless reply: nothing listened, or the connection was unknown)",
	[RSTMON_SOCK_GONE] = "the local socket, already closed and gone",
	[RSTMON_SOCK_FULL] = "a connected local socket",
	[RSTMON_SOCK_REQUEST] = "a connection still in its handshake (owner: its listener)",
	[RSTMON_SOCK_LISTENER] = "the listening socket itself",
	[RSTMON_SOCK_TIME_WAIT] = "a TIME_WAIT socket, which keeps no owner",
};

static const char *sender_of(const struct rm_event *ev)
{
	if (ev->sender == RSTMON_SENDER_PEER && ev->dir == RSTMON_DIR_FWD)
		return "one of the endpoints";
	return WORDS(sender_words, ev->sender);
}

/* The key evidence, in words. */
static void evidence_words(struct sbuf *s, const struct rm_event *ev)
{
	unsigned int i;
	bool first = true;

	put(s, " Evidence: the sender had sent %u bytes and the receiver %u", ev->bytes_sender,
	    ev->bytes_receiver);
	/* The silence, always: a timeout on the path shows in it. */
	if (ev->state == RM_ST_UNTRACKED)
		put(s, "; the silence before the RST is not known (the connection was not tracked)");
	else if (!ev->segs_sender)
		put(s, "; the sender was silent for %u.%03u s before the RST (it had sent nothing since the connection was first seen)",
		    ev->idle_ms / 1000, ev->idle_ms % 1000);
	else
		put(s, "; the sender was silent for %u.%03u s before the RST", ev->idle_ms / 1000,
		    ev->idle_ms % 1000);
	if (ev->fin_sender)
		put(s, "; the sender's FIN came %u ms before", ev->fin_sender_ago_ms);
	if (ev->fin_receiver)
		put(s, "; the receiver's FIN came %u ms before", ev->fin_receiver_ago_ms);
	if (ev->evidence & RSTMON_EV_TTL_MISMATCH)
		put(s, "; its TTL %u does not match the sender's %u", ev->ttl, ev->ttl_base);
	if (ev->kreason[0]) {
		const char *w = rm_kreason_words(ev->kreason);

		put(s, "; the kernel's reason: %s", ev->kreason);
		if (w)
			put(s, " (%s)", w);
		if (ev->evidence & RSTMON_EV_KDISAGREE)
			put(s, ", which does not fit %s", rstmon_cause_name(ev->cause));
	}
	put(s, "; flags:");
	for (i = 0; i < 32; i++) {
		if (ev->evidence & (1U << i)) {
			const char *n = rm_evidence_name(i);

			put(s, "%s%s", first ? " " : ",", n ? n : "?");
			first = false;
		}
	}
	if (first)
		put(s, " none");
	put(s, ".");
}

static void hit_words(struct sbuf *s, const struct rm_event *ev, const struct rm_why_extra *x)
{
	put(s, " Who was hit: ");
	if (!ev->has_attr) {
		put(s, "not known (the module gives no attribution).");
		return;
	}
	put(s, "%s", WORDS(sock_words, ev->sock));
	if (ev->lport)
		put(s, ", local port %u", ev->lport);
	if (ev->listen_port) {
		put(s, ", accepted on listening port %u", ev->listen_port);
		if (x && x->service)
			put(s, " (%s)", x->service);
	}
	if (ev->cgroup_id)
		put(s, ", cgroup %s", ev->cgroup[0] ? ev->cgroup : "unknown (gone)");
	if (ev->has_uid)
		put(s, ", uid %u", ev->uid);
	put(s, ", network namespace %u", ev->netns_inum);
	if (x && x->netns_name)
		put(s, " (ip netns %s)", x->netns_name);
	put(s, ".");
}

static const char *const idle_match_words[] = {
	[RSTMON_IDLE_MATCH_NONE] = "nothing",
	[RSTMON_IDLE_MATCH_THRESHOLD] = "idle_threshold",
	[RSTMON_IDLE_MATCH_RHYTHM] = "nothing the connection had survived before (its longest silence was under",
	[RSTMON_IDLE_MATCH_AZURE_LB_240] = "Azure Load Balancer's default idle timeout",
	[RSTMON_IDLE_MATCH_AWS_350] = "AWS NLB's and NAT gateway's idle timeout",
	[RSTMON_IDLE_MATCH_CONNTRACK] = "this namespace's conntrack established timeout (net.netfilter.nf_conntrack_tcp_timeout_established)",
};

/* What the silence matched, and the other candidate. */
static void idle_words(struct sbuf *s, const struct rm_event *ev)
{
	if (ev->idle_match == RSTMON_IDLE_MATCH_RHYTHM)
		put(s, " The silence of %u s was well above %s %u s).", ev->idle_ms / 1000,
		    WORDS(idle_match_words, ev->idle_match), ev->idle_match_s);
	else if (ev->idle_match)
		put(s, " The silence of %u s matches %s of %u s.", ev->idle_ms / 1000,
		    WORDS(idle_match_words, ev->idle_match), ev->idle_match_s);
	if (ev->evidence & RSTMON_EV_NEW_OWNER)
		put(s, " A host with no socket for the connection answered from the peer's address, farther away than the peer was (TTL %u, the peer's %u): the address has a new owner (a VRRP/keepalived failover, a replaced or rebooted host).",
		    ev->ttl, ev->ttl_base);
	if (ev->alt_cause)
		put(s, " The evidence also fits %s: %s.", rstmon_cause_name(ev->alt_cause),
		    rm_advice_for(ev->alt_cause, ev->sender)->why);
}

/* Advice beyond the cause's: the timeout to stay under, the failover. */
static void idle_advice(char *buf, size_t len, const struct rm_event *ev)
{
	struct sbuf s = { buf, len, 0 };
	bool idle = ev->cause == RSTMON_CAUSE_IDLE_TIMEOUT ||
		    ev->alt_cause == RSTMON_CAUSE_IDLE_TIMEOUT;
	bool moved = ev->evidence & RSTMON_EV_NEW_OWNER ||
		     (ev->cause == RSTMON_CAUSE_NO_CONNECTION && ev->alt_cause) ||
		     ev->alt_cause == RSTMON_CAUSE_NO_CONNECTION;

	if (len)
		buf[0] = '\0';
	if (idle && ev->idle_match && ev->idle_match != RSTMON_IDLE_MATCH_RHYTHM &&
	    ev->idle_match_s > 1)
		put(&s, " Keep the connection's keepalive interval (net.ipv4.tcp_keepalive_time, TCP_KEEPIDLE, or application pings) below %u s, %s.",
		    ev->idle_match_s, ev->idle_match == RSTMON_IDLE_MATCH_CONNTRACK ?
		    "or raise nf_conntrack_tcp_timeout_established" :
		    "or raise the idle timeout of the device");
	else if (idle && ev->idle_match == RSTMON_IDLE_MATCH_RHYTHM)
		put(&s, " Some device on the path timed out between %u s and %u s of silence: keep the keepalive interval below %u s.",
		    ev->idle_match_s, ev->idle_ms / 1000, ev->idle_match_s > 1 ? ev->idle_match_s : 1);
	if (moved)
		put(&s, " If the address failed over or its host restarted, the client must reconnect (make it retry on a reset): check the VRRP/keepalived logs and the peer's uptime at that time.");
}

void rm_why_explain(char *buf, size_t len, const struct rm_event *ev,
		    const struct rm_why_extra *x)
{
	struct sbuf s = { buf, len, 0 };
	char src[INET6_ADDRSTRLEN + 10], dst[INET6_ADDRSTRLEN + 10];
	const struct rm_advice *a = rm_event_advice(ev);
	char acc[512];

	if (len)
		buf[0] = '\0';
	rm_format_addr(src, sizeof(src), ev->family, ev->src, ev->sport);
	rm_format_addr(dst, sizeof(dst), ev->family, ev->dst, ev->dport);
	put(&s, "Event %llu: the RST from %s to %s %s; the connection was %s.",
	    (unsigned long long)ev->id, src, dst, WORDS(dir_words, ev->dir), rm_state_name(ev->state));
	put(&s, " Who reset it: %s.", sender_of(ev));
	put(&s, " Why: %s: %s.", rstmon_cause_name(ev->cause), a->why);
	rm_accept_why(acc, sizeof(acc), ev);
	put(&s, "%s", acc);
	evidence_words(&s, ev);
	idle_words(&s, ev);
	if (ev->evidence & RSTMON_EV_UNTRANSLATED)
		put(&s, " This host forwarded a segment of the connection without its NAT translation (conntrack found it INVALID), and this RST, untranslated too, answers it: the end that got the segment never had a connection with that real address.");
	if (ev->cause == RSTMON_CAUSE_NAT_INVALID && ev->dir == RSTMON_DIR_IN)
		put(&s, " The peer's stack answered without a connection (no ACK, exactly at this host's next sequence number, its own TTL) and its connection then went on: it did not know the connection under these addresses, which a NAT between left untranslated; the NAT host's rstmon names the segment (nat-invalid).");
	if (ev->evidence & RSTMON_EV_STRAY)
		put(&s, " The segment it answered was the first this host ever saw from %s: it had no connection with that address since rstmon was loaded (or a restart lost it). If this host reaches that address's service only through a DNAT service address (a Kubernetes Service), it is a backend's real address on a segment the NAT host forwarded untranslated (its rstmon says nat-invalid), and this RST reset the backend's connection.",
		    dst);
	put(&s, " How sure: %s.", WORDS(confidence_words, ev->confidence));
	hit_words(&s, ev, x);
}

void rm_why_prepare(struct rm_event *ev, struct rm_why_extra *x, char *svc, size_t svclen)
{
	struct servent *se;

	if (ev->cgroup_id && !ev->cgroup[0])
		rm_cgroup_resolve(ev->cgroup_id, ev->cgroup, sizeof(ev->cgroup));
	se = ev->listen_port ? getservbyport(htons(ev->listen_port), "tcp") : NULL;
	if (se && strlen(se->s_name) < svclen) {
		strcpy(svc, se->s_name);
		x->service = svc;
	}
}

void rm_print_why_text(FILE *f, const struct rm_event *ev, const struct rm_why_extra *x)
{
	char buf[2048], t[64], more[512];

	/* Its wall-clock time first, to line it up with the applications' logs. */
	rm_format_time(t, sizeof(t), ev->time_ns);
	rm_why_explain(buf, sizeof(buf), ev, x);
	idle_advice(more, sizeof(more), ev);
	fprintf(f, "%s %s What to do: %s%s\n\n", t, buf, rm_event_advice(ev)->advice, more);
}

void rm_print_why_json(FILE *f, const struct rm_event *ev, const struct rm_why_extra *x)
{
	char buf[2048], adv[1024];
	bool first = true;
	size_t n;

	/* The event's keys ("time" ISO 8601 among them), then why's own two. */
	rm_why_explain(buf, sizeof(buf), ev, x);
	n = (size_t)snprintf(adv, sizeof(adv), "%s", rm_event_advice(ev)->advice);
	if (n < sizeof(adv))
		idle_advice(adv + n, sizeof(adv) - n, ev);
	fputc('{', f);
	rm_print_event_json_fields(f, ev, &first);
	rm_json_key(f, &first, "explanation");
	rm_json_str(f, buf);
	rm_json_key(f, &first, "advice");
	rm_json_str(f, adv);
	fputs("}\n", f);
}
