/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * rstmon: who sent this TCP RST, and why.
 *
 * User-visible constants shared by the kernel module, /proc/net/rstmon and
 * the rstmonctl utility.
 */
#ifndef _UAPI_LINUX_RSTMON_H
#define _UAPI_LINUX_RSTMON_H

#define RSTMON_GENL_NAME	"rstmon"
#define RSTMON_GENL_VERSION	1

/**
 * enum rstmon_dir - where a segment was seen, relative to this host.
 * @RSTMON_DIR_IN: received for local delivery (netfilter LOCAL_IN)
 * @RSTMON_DIR_OUT: sent by this host: its TCP stack, or a reject rule
 *	(netfilter LOCAL_OUT)
 * @RSTMON_DIR_FWD: forwarded by this host (netfilter FORWARD)
 * @__RSTMON_DIR_MAX: number of directions
 */
enum rstmon_dir {
	RSTMON_DIR_IN,
	RSTMON_DIR_OUT,
	RSTMON_DIR_FWD,
	__RSTMON_DIR_MAX
};

/**
 * enum rstmon_sender - who sent an RST.
 * @RSTMON_SENDER_UNKNOWN: nothing says
 * @RSTMON_SENDER_LOCAL: this host's TCP stack
 * @RSTMON_SENDER_FIREWALL: a netfilter reject rule on this host
 * @RSTMON_SENDER_PEER: the remote endpoint
 * @RSTMON_SENDER_MIDDLEBOX: a device between this host and the peer
 * @__RSTMON_SENDER_MAX: number of senders
 */
enum rstmon_sender {
	RSTMON_SENDER_UNKNOWN,
	RSTMON_SENDER_LOCAL,
	RSTMON_SENDER_FIREWALL,
	RSTMON_SENDER_PEER,
	RSTMON_SENDER_MIDDLEBOX,
	__RSTMON_SENDER_MAX
};

/**
 * enum rstmon_cause - why an RST was sent: the reason at its sender, so
 * both ends of a connection name the same cause.
 * @RSTMON_CAUSE_UNKNOWN: nothing fits; the evidence is still recorded
 * @RSTMON_CAUSE_REFUSED: answer to a SYN: no listener, or a reject rule
 * @RSTMON_CAUSE_NO_CONNECTION: answer to a non-SYN segment of a connection
 *	the sender has no state for (it restarted, the address moved, a NAT
 *	or load balancer lost the mapping)
 * @RSTMON_CAUSE_DATA_AFTER_CLOSE: data reached a socket whose application
 *	had already closed it (the keep-alive race)
 * @RSTMON_CAUSE_UNREAD_DATA: the application closed its socket with
 *	received data unread
 * @RSTMON_CAUSE_LINGER_ABORT: abortive close (SO_LINGER with zero timeout)
 * @RSTMON_CAUSE_APP_ABORT: another deliberate abort (SOCK_DESTROY,
 *	connect(AF_UNSPEC), ...)
 * @RSTMON_CAUSE_ACCEPT_OVERFLOW: the listener's accept queue was full and
 *	net.ipv4.tcp_abort_on_overflow is set
 * @RSTMON_CAUSE_TIME_WAIT: sent from a TIME_WAIT socket for a reason other
 *	than new data
 * @RSTMON_CAUSE_BAD_SEGMENT: the sender found the triggering segment
 *	invalid (unacceptable ACK, SYN in window, bad flags)
 * @RSTMON_CAUSE_MEMORY: orphan limit or memory pressure
 * @RSTMON_CAUSE_TIMEOUT: a timer gave up (keepalive, FIN_WAIT2)
 * @RSTMON_CAUSE_IDLE_TIMEOUT: the connection was silent and its state had
 *	expired at the sender
 * @RSTMON_CAUSE_ABANDONED: reset right after the handshake with no data
 *	(a parallel connect discarded)
 * @RSTMON_CAUSE_INJECTED: forged by a third party
 * @RSTMON_CAUSE_NAT_INVALID: a NAT host forwarded a segment of a translated
 *	connection without its translation (conntrack marked it INVALID, e.g.
 *	out of its window, or lost the mapping); the other end's stack, which
 *	knows no connection with that untranslated address, answered it with
 *	this RST, and the RST kills the real connection
 * @__RSTMON_CAUSE_MAX: number of causes
 */
enum rstmon_cause {
	RSTMON_CAUSE_UNKNOWN,
	RSTMON_CAUSE_REFUSED,
	RSTMON_CAUSE_NO_CONNECTION,
	RSTMON_CAUSE_DATA_AFTER_CLOSE,
	RSTMON_CAUSE_UNREAD_DATA,
	RSTMON_CAUSE_LINGER_ABORT,
	RSTMON_CAUSE_APP_ABORT,
	RSTMON_CAUSE_ACCEPT_OVERFLOW,
	RSTMON_CAUSE_TIME_WAIT,
	RSTMON_CAUSE_BAD_SEGMENT,
	RSTMON_CAUSE_MEMORY,
	RSTMON_CAUSE_TIMEOUT,
	RSTMON_CAUSE_IDLE_TIMEOUT,
	RSTMON_CAUSE_ABANDONED,
	RSTMON_CAUSE_INJECTED,
	RSTMON_CAUSE_NAT_INVALID,
	__RSTMON_CAUSE_MAX
};

/**
 * enum rstmon_confidence - how sure a classification is.
 * @RSTMON_CONF_SUSPECT: a guess from weak evidence
 * @RSTMON_CONF_LIKELY: inferred from what the connection showed
 * @RSTMON_CONF_CERTAIN: the sending stack's own state proves it
 * @__RSTMON_CONF_MAX: number of levels
 */
enum rstmon_confidence {
	RSTMON_CONF_SUSPECT,
	RSTMON_CONF_LIKELY,
	RSTMON_CONF_CERTAIN,
	__RSTMON_CONF_MAX
};

/**
 * enum rstmon_seqchk - an RST's sequence number against what its receiver
 * expects next from the sender.
 * @RSTMON_SEQ_NA: no reference (connection not tracked)
 * @RSTMON_SEQ_EXACT: exactly the next expected sequence number
 * @RSTMON_SEQ_IN_WINDOW: inside the receiver's window
 * @RSTMON_SEQ_OUT_OF_WINDOW: outside it
 * @__RSTMON_SEQ_MAX: number of values
 */
enum rstmon_seqchk {
	RSTMON_SEQ_NA,
	RSTMON_SEQ_EXACT,
	RSTMON_SEQ_IN_WINDOW,
	RSTMON_SEQ_OUT_OF_WINDOW,
	__RSTMON_SEQ_MAX
};

/**
 * enum rstmon_idle_match - what the silence before an RST matched, when it
 * reads as an idle timeout (or names one as the other candidate).
 * @RSTMON_IDLE_MATCH_NONE: nothing
 * @RSTMON_IDLE_MATCH_THRESHOLD: at least the namespace's idle_threshold
 * @RSTMON_IDLE_MATCH_RHYTHM: well above the longest silence the connection
 *	had survived before, and at least a tenth of idle_threshold
 * @RSTMON_IDLE_MATCH_AZURE_LB_240: Azure Load Balancer's default idle timeout,
 *	240 s (from 240 s to 240 s + 10 % + 5 s)
 * @RSTMON_IDLE_MATCH_AWS_350: AWS NLB's and NAT gateway's idle timeout, 350 s
 *	(from 350 s to 350 s + 10 % + 5 s)
 * @RSTMON_IDLE_MATCH_CONNTRACK: at least this namespace's conntrack
 *	established timeout (net.netfilter.nf_conntrack_tcp_timeout_established),
 *	for an RST of a local reject rule
 * @__RSTMON_IDLE_MATCH_MAX: number of values
 */
enum rstmon_idle_match {
	RSTMON_IDLE_MATCH_NONE,
	RSTMON_IDLE_MATCH_THRESHOLD,
	RSTMON_IDLE_MATCH_RHYTHM,
	RSTMON_IDLE_MATCH_AZURE_LB_240,
	RSTMON_IDLE_MATCH_AWS_350,
	RSTMON_IDLE_MATCH_CONNTRACK,
	__RSTMON_IDLE_MATCH_MAX
};

/* Evidence flags of an event. */
#define RSTMON_EV_ACK		(1U << 0)  /* the RST had the ACK flag */
#define RSTMON_EV_TRACKED	(1U << 1)  /* the connection was in the table */
#define RSTMON_EV_MIDSTREAM	(1U << 2)  /* picked up after its handshake */
#define RSTMON_EV_TTL_MISMATCH	(1U << 3)  /* TTL/hop limit differs from the sender side's */
#define RSTMON_EV_PAYLOAD	(1U << 4)  /* the RST carried payload */
#define RSTMON_EV_DATA_AFTER	(1U << 5)  /* its sender kept sending after it */
#define RSTMON_EV_SOCKET	(1U << 6)  /* sent by a full local socket */
#define RSTMON_EV_CTL_SOCKET	(1U << 7)  /* sent by the stack's stateless reply socket */
#define RSTMON_EV_NO_SOCKET	(1U << 8)  /* sent with no socket (reject rule) */
#define RSTMON_EV_RAW_SOCKET	(1U << 9)  /* sent by a user's raw socket */
#define RSTMON_EV_IDLE		(1U << 10) /* silence before it exceeded idle_threshold */
#define RSTMON_EV_KREASON	(1U << 11) /* the kernel's own reason is known */
#define RSTMON_EV_KDISAGREE	(1U << 12) /* ... and disagrees with rstmon's cause */
#define RSTMON_EV_IPID_MISMATCH	(1U << 13) /* IPv4 ID breaks the sender side's pattern */
#define RSTMON_EV_REPEATED	(1U << 14) /* not the first RST on this connection */
#define RSTMON_EV_ZERO_HOP	(1U << 15) /* sent from this host's link, while its source is
					    * reached through a gateway: by the gateway
					    */
#define RSTMON_EV_RST_BURST	(1U << 16) /* another RST of the same sender, its sequence
					    * number different and beyond what it sent
					    */
#define RSTMON_EV_ONE_WAY	(1U << 17) /* only one direction of the connection passes
					    * here (asymmetric routing)
					    */
#define RSTMON_EV_BYPASSED	(1U << 18) /* segments of the connection did not pass here
					    * (a flowtable's offload, or loss before this
					    * host): its middle was not seen
					    */
#define RSTMON_EV_NAT		(1U << 19) /* the connection is translated (see the
					    * pre- and post-NAT tuples)
					    */
#define RSTMON_EV_CHALLENGE_ACK	(1U << 20) /* accepted=challenged, confirmed: the
					    * receiver's stack answered with its
					    * challenge ACK (RFC 5961)
					    */
#define RSTMON_EV_NEW_OWNER	(1U << 21) /* a stack with no socket answered from the
					    * sender's address, farther away than the
					    * sender was (failover, a reboot, an address
					    * moved)
					    */
#define RSTMON_EV_UNTRANSLATED	(1U << 22) /* a segment of this translated connection,
					    * and the RST, crossed this host without
					    * conntrack's translation (INVALID)
					    */
#define RSTMON_EV_STRAY		(1U << 23) /* this host's stack answered the first
					    * segment it ever saw from that address
					    * and port: it never had a connection
					    * with them (an untranslated segment of
					    * a NATed connection, a stray)
					    */

/**
 * enum rstmon_state - a connection's state as this host saw it (the
 * ``state`` of an event, before its RST; 255 there means untracked).
 * @RSTMON_ST_SYN_SENT: its SYN was seen
 * @RSTMON_ST_SYN_RECV: the SYN-ACK was seen
 * @RSTMON_ST_ESTABLISHED: handshake done, or picked up mid-stream
 * @RSTMON_ST_FIN_WAIT: one side sent its FIN
 * @RSTMON_ST_CLOSING: both sides sent their FINs
 * @RSTMON_ST_CLOSED: an RST was seen (kept to spot data after it)
 * @__RSTMON_ST_MAX: number of states
 */
enum rstmon_state {
	RSTMON_ST_SYN_SENT,
	RSTMON_ST_SYN_RECV,
	RSTMON_ST_ESTABLISHED,
	RSTMON_ST_FIN_WAIT,
	RSTMON_ST_CLOSING,
	RSTMON_ST_CLOSED,
	__RSTMON_ST_MAX
};

/**
 * enum rstmon_side_of - which side of its connection an RST's sender is.
 * @RSTMON_SIDE_CLIENT: it sent the SYN
 * @RSTMON_SIDE_SERVER: it answered the SYN
 * @RSTMON_SIDE_UNKNOWN: the connection was picked up mid-stream
 */
enum rstmon_side_of {
	RSTMON_SIDE_CLIENT,
	RSTMON_SIDE_SERVER,
	RSTMON_SIDE_UNKNOWN,
};

/**
 * enum rstmon_sock - the local socket an RST involved (%RSTMON_E_SOCK):
 *	the socket of this host at the connection's local end, as it stood
 *	when the RST passed.
 * @RSTMON_SOCK_NOT_LOCAL: forwarded: neither end is a socket of this host
 * @RSTMON_SOCK_NONE: no local socket existed: a stateless reply (nothing
 *	listened, or the connection was unknown) or a reset for a port with
 *	no socket; only the namespace and the port are known
 * @RSTMON_SOCK_GONE: the local socket had sent on the connection but was
 *	already closed and gone when the RST passed
 * @RSTMON_SOCK_FULL: a connected socket: the cgroup and uid are its own
 * @RSTMON_SOCK_REQUEST: a connection still in its handshake: the cgroup
 *	and uid are those of the listening socket it arrived on
 * @RSTMON_SOCK_LISTENER: the listening socket itself
 * @RSTMON_SOCK_TIME_WAIT: a TIME_WAIT socket, which keeps no owner
 * @__RSTMON_SOCK_MAX: number of values
 */
enum rstmon_sock {
	RSTMON_SOCK_NOT_LOCAL,
	RSTMON_SOCK_NONE,
	RSTMON_SOCK_GONE,
	RSTMON_SOCK_FULL,
	RSTMON_SOCK_REQUEST,
	RSTMON_SOCK_LISTENER,
	RSTMON_SOCK_TIME_WAIT,
	__RSTMON_SOCK_MAX
};

/**
 * enum rstmon_accepted - what the receiving stack did with an RST that came
 *	in to a local connection (%RSTMON_E_ACCEPTED), decided from the local
 *	socket's state as the RST reached it (the rules of
 *	tcp_validate_incoming(), tcp_rcv_synsent_state_process(),
 *	tcp_check_req() and tcp_timewait_state_process()).
 * @RSTMON_ACCEPTED_NA: not known: the RST was sent or forwarded by this
 *	host, not received
 * @RSTMON_ACCEPTED_YES: the stack reset the connection (its application
 *	gets ECONNRESET): the RST that mattered
 * @RSTMON_ACCEPTED_NO: the stack ignored it: out of the receive window, an
 *	unacceptable ACK in SYN-SENT, a listener, or no socket at all
 * @RSTMON_ACCEPTED_CHALLENGED: in the window but not the exact next
 *	sequence number: the stack discarded it and answered with a challenge
 *	ACK (RFC 5961; rate-limited by net.ipv4.tcp_challenge_ack_limit); the
 *	connection lives on
 * @__RSTMON_ACCEPTED_MAX: number of values
 */
enum rstmon_accepted {
	RSTMON_ACCEPTED_NA,
	RSTMON_ACCEPTED_YES,
	RSTMON_ACCEPTED_NO,
	RSTMON_ACCEPTED_CHALLENGED,
	__RSTMON_ACCEPTED_MAX
};

/* Bytes of an RST's payload an event keeps (%RSTMON_E_RST_PAYLOAD). */
#define RSTMON_RST_PAYLOAD_MAX	40

/*
 * Generic netlink family "rstmon", version 1.  Every request and reply is
 * scoped to the network namespace of the requesting socket.  Reading
 * events and changing settings need CAP_NET_ADMIN in that namespace's user
 * namespace; the status is readable by anyone who may open the socket.
 * Documentation/netlink/specs/rstmon.yaml describes the same family.
 */
#define RSTMON_GENL_NAME	"rstmon"
#define RSTMON_GENL_VERSION	1
#define RSTMON_MCGRP_EVENTS	"events"

/**
 * enum rstmon_cmd - commands of the rstmon family.
 * @RSTMON_CMD_UNSPEC: unused
 * @RSTMON_CMD_GET_STATUS: do: the namespace's table fill and counters.
 *	Reply: %RSTMON_A_VERSION, %RSTMON_A_NETNS_INUM, %RSTMON_A_CONNS,
 *	%RSTMON_A_CONNS_TOTAL, %RSTMON_A_CONNS_LIMIT, %RSTMON_A_EVENTS_LOGGED,
 *	%RSTMON_A_EVENT_RING, %RSTMON_A_IDLE_THRESHOLD, %RSTMON_A_COUNTERS,
 *	%RSTMON_A_CAUSE_COUNT (one per cause and direction)
 * @RSTMON_CMD_GET_EVENTS: dump (admin): the namespace's recent events,
 *	oldest first, one %RSTMON_A_EVENT per message.  Optional
 *	%RSTMON_A_START_ID: begin at that id (events before it, or already
 *	overwritten, are skipped).  A dump resumes where its last message
 *	ended; NLM_F_DUMP_INTR is set when events were overwritten meanwhile
 * @RSTMON_CMD_GET_CONFIG: do: the namespace's settings:
 *	%RSTMON_A_IDLE_THRESHOLD, %RSTMON_A_EVENT_RING, %RSTMON_A_IPV4,
 *	%RSTMON_A_IPV6, %RSTMON_A_NOTIFY_RATE, and the module-wide
 *	%RSTMON_A_MAX_CONNS
 * @RSTMON_CMD_SET_CONFIG: do (admin): change any of the namespace's
 *	settings %RSTMON_A_IDLE_THRESHOLD (1..604800 s), %RSTMON_A_EVENT_RING
 *	(16..65536; the newest events are kept), %RSTMON_A_IPV4,
 *	%RSTMON_A_IPV6 (0 or 1) and %RSTMON_A_NOTIFY_RATE (1..1000000).  All
 *	are checked before any is applied: a refused request changes nothing
 * @RSTMON_CMD_EVENT: notification in group "events": one new event
 *	(%RSTMON_A_EVENT), sent to listeners of the namespace it happened in
 * @RSTMON_CMD_GET_CONNS: dump (admin): the namespace's tracked
 *	connections, one %RSTMON_A_CONN per message.  Optional filters, all
 *	of which must match: %RSTMON_A_FILTER_ADDR (either endpoint),
 *	%RSTMON_A_FILTER_PORT (either endpoint), %RSTMON_A_FILTER_STATE,
 *	%RSTMON_A_FILTER_DIR
 * @RSTMON_CMD_RESET_STATS: do (admin): zero the namespace's counters (the
 *	events and the table stay)
 * @RSTMON_CMD_GET_CGROUPS: dump (admin): RSTs by the cgroup of the local
 *	socket they involved, one %RSTMON_A_CGROUP per message: the cgroups
 *	counted so far (at most %RSTMON_CGROUP_SLOTS per namespace), then one
 *	with %RSTMON_G_OTHER for the RSTs of every cgroup that found no slot
 * @__RSTMON_CMD_MAX: number of commands
 */
enum rstmon_cmd {
	RSTMON_CMD_UNSPEC,
	RSTMON_CMD_GET_STATUS,
	RSTMON_CMD_GET_EVENTS,
	RSTMON_CMD_GET_CONFIG,
	RSTMON_CMD_SET_CONFIG,
	RSTMON_CMD_EVENT,
	RSTMON_CMD_GET_CONNS,
	RSTMON_CMD_RESET_STATS,
	RSTMON_CMD_GET_CGROUPS,
	__RSTMON_CMD_MAX
};

/**
 * enum rstmon_attr - top-level attributes.
 * @RSTMON_A_UNSPEC: unused
 * @RSTMON_A_PAD: padding for 64-bit attributes
 * @RSTMON_A_VERSION: string: the module's version
 * @RSTMON_A_NETNS_INUM: u32: the namespace's inode number
 * @RSTMON_A_CONNS: u32: connection entries of this namespace
 * @RSTMON_A_CONNS_TOTAL: u32: entries of all namespaces; only to a requester
 *	with CAP_NET_ADMIN in the initial user namespace (absent otherwise, so
 *	that no namespace learns how many connections others have)
 * @RSTMON_A_CONNS_LIMIT: u32: the table's limit (max_conns)
 * @RSTMON_A_EVENTS_LOGGED: u64: events logged in this namespace
 * @RSTMON_A_COUNTERS: nest of &enum rstmon_counter, each a u64
 * @RSTMON_A_CAUSE_COUNT: nest of &enum rstmon_cause_count_attr; one per
 *	cause and direction (multi-attr)
 * @RSTMON_A_IDLE_THRESHOLD: u32: seconds of silence read as an idle timeout
 *	in this namespace (until set, the module parameter idle_threshold)
 * @RSTMON_A_EVENT_RING: u32: events kept in this namespace (until set, the
 *	module parameter event_ring)
 * @RSTMON_A_MAX_CONNS: u32: the connection table's limit
 * @RSTMON_A_START_ID: u64: first event id a dump wants
 * @RSTMON_A_EVENT: nest of &enum rstmon_event_attr
 * @RSTMON_A_CONN: nest of &enum rstmon_conn_attr
 * @RSTMON_A_FILTER_ADDR: binary (4 or 16 bytes): connections with this
 *	address at either end
 * @RSTMON_A_FILTER_PORT: u16, network order: connections with this port
 *	at either end
 * @RSTMON_A_FILTER_STATE: u8: connections in this &enum rstmon_state
 * @RSTMON_A_IPV4: u8: 1 when IPv4 segments are tracked in this namespace,
 *	0 when they are passed unseen (not counted, no events)
 * @RSTMON_A_IPV6: u8: the same for IPv6
 * @RSTMON_A_NOTIFY_RATE: u32: events per second sent to the "events" group
 *	of this namespace; more are dropped and counted
 *	(%RSTMON_CTR_NOTIFY_DROPPED)
 * @RSTMON_A_FILTER_DIR: u8: connections first seen in this &enum rstmon_dir
 *	(%RSTMON_DIR_IN: opened by a remote client, %RSTMON_DIR_OUT: opened by
 *	this host, %RSTMON_DIR_FWD: forwarded)
 * @RSTMON_A_CGROUP: nest of &enum rstmon_cgroup_attr
 * @__RSTMON_A_MAX: number of attributes
 */
enum rstmon_attr {
	RSTMON_A_UNSPEC,
	RSTMON_A_PAD,
	RSTMON_A_VERSION,
	RSTMON_A_NETNS_INUM,
	RSTMON_A_CONNS,
	RSTMON_A_CONNS_TOTAL,
	RSTMON_A_CONNS_LIMIT,
	RSTMON_A_EVENTS_LOGGED,
	RSTMON_A_COUNTERS,
	RSTMON_A_CAUSE_COUNT,
	RSTMON_A_IDLE_THRESHOLD,
	RSTMON_A_EVENT_RING,
	RSTMON_A_MAX_CONNS,
	RSTMON_A_START_ID,
	RSTMON_A_EVENT,
	RSTMON_A_CONN,
	RSTMON_A_FILTER_ADDR,
	RSTMON_A_FILTER_PORT,
	RSTMON_A_FILTER_STATE,
	RSTMON_A_IPV4,
	RSTMON_A_IPV6,
	RSTMON_A_NOTIFY_RATE,
	RSTMON_A_FILTER_DIR,
	RSTMON_A_CGROUP,
	__RSTMON_A_MAX
};

#define RSTMON_A_MAX (__RSTMON_A_MAX - 1)

/**
 * enum rstmon_counter - counters in %RSTMON_A_COUNTERS (u64 each); the
 * /proc/net/rstmon header shows the same numbers.
 * @RSTMON_CTR_UNSPEC: unused
 * @RSTMON_CTR_PAD: padding
 * @RSTMON_CTR_SEG_IN: TCP segments received for this host
 * @RSTMON_CTR_SEG_OUT: TCP segments sent by this host
 * @RSTMON_CTR_SEG_FWD: TCP segments forwarded
 * @RSTMON_CTR_RST4_IN: IPv4 RSTs received
 * @RSTMON_CTR_RST4_OUT: IPv4 RSTs sent
 * @RSTMON_CTR_RST4_FWD: IPv4 RSTs forwarded
 * @RSTMON_CTR_RST6_IN: IPv6 RSTs received
 * @RSTMON_CTR_RST6_OUT: IPv6 RSTs sent
 * @RSTMON_CTR_RST6_FWD: IPv6 RSTs forwarded
 * @RSTMON_CTR_MALFORMED: segments whose headers could not be parsed
 * @RSTMON_CTR_FRAGMENTS: TCP fragments without a whole TCP header
 * @RSTMON_CTR_UNTRACKED: new connections not tracked (table full)
 * @RSTMON_CTR_EVICTED: entries evicted to make room (half-open, one-sided
 *	or RST-closed ones)
 * @RSTMON_CTR_NOMEM: entries that could not be allocated
 * @RSTMON_CTR_RST_UNTRACKED: RSTs of connections not in the table
 * @RSTMON_CTR_AMENDED: events amended by later evidence
 * @RSTMON_CTR_KERNEL_DISAGREES: RSTs whose cause the kernel's reason
 *	contradicts
 * @RSTMON_CTR_ONE_WAY: forwarded RSTs of connections seen one way only
 * @RSTMON_CTR_BYPASSED: RSTs of connections that partly bypassed the hooks
 * @RSTMON_CTR_NAT: RSTs of translated connections
 * @RSTMON_CTR_OVERWRITTEN: events overwritten in the ring before being read
 * @RSTMON_CTR_NOTIFY_DROPPED: notifications not sent (rate limit or memory)
 * @RSTMON_CTR_NETNS_FULL: new connections not tracked because the namespace
 *	held its share of the table (the netns_max_conns module parameter)
 * @RSTMON_CTR_RST_UNLOGGED: RSTs of connections not in the table that were
 *	counted but not classified or logged (past the module parameter
 *	untracked_rst_rate, per second and CPU)
 * @RSTMON_CTR_RST_ACCEPTED: RSTs received that reset a local connection
 *	(%RSTMON_ACCEPTED_YES)
 * @RSTMON_CTR_RST_IGNORED: RSTs received that the stack ignored
 *	(%RSTMON_ACCEPTED_NO)
 * @RSTMON_CTR_RST_CHALLENGED: RSTs received that the stack answered with a
 *	challenge ACK (%RSTMON_ACCEPTED_CHALLENGED)
 * @RSTMON_CTR_SOCK_PATH: segments of local connections accounted from their
 *	socket, without touching the connection table (the sock_path module
 *	parameter)
 * @__RSTMON_CTR_MAX: number of counters
 */
enum rstmon_counter {
	RSTMON_CTR_UNSPEC,
	RSTMON_CTR_PAD,
	RSTMON_CTR_SEG_IN,
	RSTMON_CTR_SEG_OUT,
	RSTMON_CTR_SEG_FWD,
	RSTMON_CTR_RST4_IN,
	RSTMON_CTR_RST4_OUT,
	RSTMON_CTR_RST4_FWD,
	RSTMON_CTR_RST6_IN,
	RSTMON_CTR_RST6_OUT,
	RSTMON_CTR_RST6_FWD,
	RSTMON_CTR_MALFORMED,
	RSTMON_CTR_FRAGMENTS,
	RSTMON_CTR_UNTRACKED,
	RSTMON_CTR_EVICTED,
	RSTMON_CTR_NOMEM,
	RSTMON_CTR_RST_UNTRACKED,
	RSTMON_CTR_AMENDED,
	RSTMON_CTR_KERNEL_DISAGREES,
	RSTMON_CTR_ONE_WAY,
	RSTMON_CTR_BYPASSED,
	RSTMON_CTR_NAT,
	RSTMON_CTR_OVERWRITTEN,
	RSTMON_CTR_NOTIFY_DROPPED,
	RSTMON_CTR_NETNS_FULL,
	RSTMON_CTR_RST_UNLOGGED,
	RSTMON_CTR_RST_ACCEPTED,
	RSTMON_CTR_RST_IGNORED,
	RSTMON_CTR_RST_CHALLENGED,
	RSTMON_CTR_SOCK_PATH,
	__RSTMON_CTR_MAX
};

/**
 * enum rstmon_cause_count_attr - one cell of the cause x direction table.
 * @RSTMON_CC_UNSPEC: unused
 * @RSTMON_CC_PAD: padding
 * @RSTMON_CC_CAUSE: u8: &enum rstmon_cause
 * @RSTMON_CC_DIR: u8: &enum rstmon_dir
 * @RSTMON_CC_COUNT: u64: RSTs of that cause in that direction
 * @__RSTMON_CC_MAX: number of attributes
 */
enum rstmon_cause_count_attr {
	RSTMON_CC_UNSPEC,
	RSTMON_CC_PAD,
	RSTMON_CC_CAUSE,
	RSTMON_CC_DIR,
	RSTMON_CC_COUNT,
	__RSTMON_CC_MAX
};

/**
 * enum rstmon_event_attr - one classified RST (%RSTMON_A_EVENT); the
 * fields of a /proc/net/rstmon event line.
 * @RSTMON_E_UNSPEC: unused
 * @RSTMON_E_PAD: padding
 * @RSTMON_E_ID: u64: id in its namespace, from 1
 * @RSTMON_E_TIME_NS: u64: wall-clock time, ns since the epoch
 * @RSTMON_E_FAMILY: u8: AF_INET or AF_INET6
 * @RSTMON_E_DIR: u8: &enum rstmon_dir
 * @RSTMON_E_SENDER: u8: &enum rstmon_sender
 * @RSTMON_E_CAUSE: u8: &enum rstmon_cause
 * @RSTMON_E_CONFIDENCE: u8: &enum rstmon_confidence
 * @RSTMON_E_SRC: binary: source address as the RST travels (4 or 16 bytes)
 * @RSTMON_E_DST: binary: destination address
 * @RSTMON_E_SPORT: u16, network order: source port
 * @RSTMON_E_DPORT: u16, network order: destination port
 * @RSTMON_E_SEQ: u32: the RST's sequence number
 * @RSTMON_E_ACK: u32: its acknowledgment number
 * @RSTMON_E_STATE: u8: &enum rstmon_state of the connection before it
 *	(255: untracked)
 * @RSTMON_E_SIDE: u8: &enum rstmon_side_of of the sender
 * @RSTMON_E_IDLE_MS: u32: silence of the sender's side before the RST
 * @RSTMON_E_AGE_MS: u32: age of the connection's entry
 * @RSTMON_E_SEQCHK: u8: &enum rstmon_seqchk
 * @RSTMON_E_TTL: u8: TTL or hop limit of the RST
 * @RSTMON_E_TTL_BASE: u8: the sender side's baseline (0: none)
 * @RSTMON_E_BYTES_SENDER: u32: payload bytes the sender had sent
 * @RSTMON_E_BYTES_RECEIVER: u32: payload bytes the receiver had sent
 * @RSTMON_E_SEGS_SENDER: u32: segments the sender had sent
 * @RSTMON_E_SEGS_RECEIVER: u32: segments the receiver had sent
 * @RSTMON_E_FIN_SENDER_AGO_MS: u32: time since the sender's FIN (absent:
 *	none)
 * @RSTMON_E_FIN_RECEIVER_AGO_MS: u32: time since the receiver's FIN
 * @RSTMON_E_KREASON: string: the kernel's own reason (absent: unknown)
 * @RSTMON_E_EVIDENCE: u32: RSTMON_EV_* flags
 * @RSTMON_E_NAT_PRE_SRC: binary: with RSTMON_EV_NAT, the source before
 *	this host's translation
 * @RSTMON_E_NAT_PRE_DST: binary: the destination before it
 * @RSTMON_E_NAT_POST_SRC: binary: the source after it
 * @RSTMON_E_NAT_POST_DST: binary: the destination after it
 * @RSTMON_E_NAT_PRE_SPORT: u16, network order: ports to match
 * @RSTMON_E_NAT_PRE_DPORT: u16, network order
 * @RSTMON_E_NAT_POST_SPORT: u16, network order
 * @RSTMON_E_NAT_POST_DPORT: u16, network order
 * @RSTMON_E_SOCK: u8: &enum rstmon_sock
 * @RSTMON_E_NETNS_INUM: u32: inode number of the network namespace the
 *	RST passed in (the local socket's, for a local one)
 * @RSTMON_E_LOCAL_PORT: u16, network order: this host's port of the
 *	connection (absent when forwarded)
 * @RSTMON_E_LISTEN_PORT: u16, network order: the listening port a
 *	server-side local socket was accepted on (absent for a client-side
 *	or no socket)
 * @RSTMON_E_UID: u32: the local socket's owner, in the reader's user
 *	namespace (absent when no socket or a TIME_WAIT one)
 * @RSTMON_E_CGROUP_ID: u64: the local socket's cgroup v2 id (absent when
 *	unknown)
 * @RSTMON_E_CGROUP: string: that cgroup's path, from the root of the
 *	reader's cgroup namespace (absent when it is gone, outside that
 *	namespace, or in notifications: resolve %RSTMON_E_CGROUP_ID then)
 * @RSTMON_E_ACCEPTED: u8: &enum rstmon_accepted, for an RST received by
 *	this host (absent: %RSTMON_ACCEPTED_NA)
 * @RSTMON_E_CLOSED_FIRST: u8: &enum rstmon_side_of: with the cause
 *	%RSTMON_CAUSE_DATA_AFTER_CLOSE, the side whose application closed
 *	first (the RST's sender): the server is the HTTP keep-alive race, the
 *	client closed while the server was still sending (absent: not that
 *	cause, or the sides are not known)
 * @RSTMON_E_RST_PAYLOAD: binary: the first bytes (at most
 *	%RSTMON_RST_PAYLOAD_MAX) of the RST's payload, as sent: some stacks
 *	and devices put a reason text there (absent: no payload)
 * @RSTMON_E_RST_PAYLOAD_LEN: u32: the whole payload's length; more than
 *	the length of %RSTMON_E_RST_PAYLOAD when it was cut (absent: none)
 * @RSTMON_E_IDLE_MATCH: u8: &enum rstmon_idle_match: what the silence
 *	before the RST (%RSTMON_E_IDLE_MS) matched (absent: nothing)
 * @RSTMON_E_IDLE_MATCH_S: u32: seconds of the timeout it matched (the
 *	threshold, the well-known or conntrack timeout; for
 *	%RSTMON_IDLE_MATCH_RHYTHM, a bound above the longest silence the
 *	connection had survived before)
 * @RSTMON_E_ALT_CAUSE: u8: &enum rstmon_cause: the other candidate when
 *	the evidence fits two causes (absent: none)
 * @__RSTMON_E_MAX: number of attributes
 */
enum rstmon_event_attr {
	RSTMON_E_UNSPEC,
	RSTMON_E_PAD,
	RSTMON_E_ID,
	RSTMON_E_TIME_NS,
	RSTMON_E_FAMILY,
	RSTMON_E_DIR,
	RSTMON_E_SENDER,
	RSTMON_E_CAUSE,
	RSTMON_E_CONFIDENCE,
	RSTMON_E_SRC,
	RSTMON_E_DST,
	RSTMON_E_SPORT,
	RSTMON_E_DPORT,
	RSTMON_E_SEQ,
	RSTMON_E_ACK,
	RSTMON_E_STATE,
	RSTMON_E_SIDE,
	RSTMON_E_IDLE_MS,
	RSTMON_E_AGE_MS,
	RSTMON_E_SEQCHK,
	RSTMON_E_TTL,
	RSTMON_E_TTL_BASE,
	RSTMON_E_BYTES_SENDER,
	RSTMON_E_BYTES_RECEIVER,
	RSTMON_E_SEGS_SENDER,
	RSTMON_E_SEGS_RECEIVER,
	RSTMON_E_FIN_SENDER_AGO_MS,
	RSTMON_E_FIN_RECEIVER_AGO_MS,
	RSTMON_E_KREASON,
	RSTMON_E_EVIDENCE,
	RSTMON_E_NAT_PRE_SRC,
	RSTMON_E_NAT_PRE_DST,
	RSTMON_E_NAT_POST_SRC,
	RSTMON_E_NAT_POST_DST,
	RSTMON_E_NAT_PRE_SPORT,
	RSTMON_E_NAT_PRE_DPORT,
	RSTMON_E_NAT_POST_SPORT,
	RSTMON_E_NAT_POST_DPORT,
	RSTMON_E_SOCK,
	RSTMON_E_NETNS_INUM,
	RSTMON_E_LOCAL_PORT,
	RSTMON_E_LISTEN_PORT,
	RSTMON_E_UID,
	RSTMON_E_CGROUP_ID,
	RSTMON_E_CGROUP,
	RSTMON_E_ACCEPTED,
	RSTMON_E_CLOSED_FIRST,
	RSTMON_E_RST_PAYLOAD,
	RSTMON_E_RST_PAYLOAD_LEN,
	RSTMON_E_IDLE_MATCH,
	RSTMON_E_IDLE_MATCH_S,
	RSTMON_E_ALT_CAUSE,
	__RSTMON_E_MAX
};

/**
 * enum rstmon_conn_attr - one tracked connection (%RSTMON_A_CONN).
 * @RSTMON_C_UNSPEC: unused
 * @RSTMON_C_PAD: padding
 * @RSTMON_C_FAMILY: u8: AF_INET or AF_INET6
 * @RSTMON_C_STATE: u8: &enum rstmon_state
 * @RSTMON_C_MIDSTREAM: u8: 1 when picked up after its handshake (the
 *	client and server sides are then a guess by port)
 * @RSTMON_C_AGE_MS: u32: time since its first segment was seen
 * @RSTMON_C_CLIENT: nest of &enum rstmon_side_attr: the side that sent
 *	the SYN
 * @RSTMON_C_SERVER: nest of &enum rstmon_side_attr: the other side
 * @RSTMON_C_DIR: u8: &enum rstmon_dir of its first segment seen
 * @__RSTMON_C_MAX: number of attributes
 */
enum rstmon_conn_attr {
	RSTMON_C_UNSPEC,
	RSTMON_C_PAD,
	RSTMON_C_FAMILY,
	RSTMON_C_STATE,
	RSTMON_C_MIDSTREAM,
	RSTMON_C_AGE_MS,
	RSTMON_C_CLIENT,
	RSTMON_C_SERVER,
	RSTMON_C_DIR,
	__RSTMON_C_MAX
};

/**
 * enum rstmon_side_attr - what one side of a connection showed.
 * @RSTMON_S_UNSPEC: unused
 * @RSTMON_S_PAD: padding
 * @RSTMON_S_ADDR: binary: its address (4 or 16 bytes)
 * @RSTMON_S_PORT: u16, network order: its port
 * @RSTMON_S_SEGS: u32: segments it sent (saturates at 65535)
 * @RSTMON_S_BYTES: u32: payload bytes it sent (modulo 2^32)
 * @RSTMON_S_TTL: u8: TTL or hop limit of its first segment (0: none yet)
 * @RSTMON_S_IDLE_MS: u32: time since its last segment (absent: none yet)
 * @RSTMON_S_FIN_AGO_MS: u32: time since its FIN (absent: none)
 * @RSTMON_S_MSS: u16: MSS option of its SYN (absent: not seen)
 * @RSTMON_S_WSCALE: u8: window scale of its SYN
 * @RSTMON_S_WINDOW: u16: the last window it advertised (unscaled)
 * @RSTMON_S_FLAGS: u32: bit 0 SYN seen, 1 FIN sent, 2 data sent, 3 data
 *	after the other side's FIN, 4 TTL varied, 5 RST sent, 6 data after its
 *	own RST, 7 the connection's last data was its
 * @__RSTMON_S_MAX: number of attributes
 */
enum rstmon_side_attr {
	RSTMON_S_UNSPEC,
	RSTMON_S_PAD,
	RSTMON_S_ADDR,
	RSTMON_S_PORT,
	RSTMON_S_SEGS,
	RSTMON_S_BYTES,
	RSTMON_S_TTL,
	RSTMON_S_IDLE_MS,
	RSTMON_S_FIN_AGO_MS,
	RSTMON_S_MSS,
	RSTMON_S_WSCALE,
	RSTMON_S_WINDOW,
	RSTMON_S_FLAGS,
	__RSTMON_S_MAX
};

/* Cgroups counted per namespace; RSTs of further cgroups count as other. */
#define RSTMON_CGROUP_SLOTS 64

/**
 * enum rstmon_cgroup_attr - RSTs that involved sockets of one cgroup
 *	(%RSTMON_A_CGROUP).
 * @RSTMON_G_UNSPEC: unused
 * @RSTMON_G_PAD: padding
 * @RSTMON_G_ID: u64: the cgroup v2 id (absent with %RSTMON_G_OTHER)
 * @RSTMON_G_PATH: string: its path from the root of the reader's cgroup
 *	namespace (absent when gone or outside it)
 * @RSTMON_G_RSTS: u64: RSTs counted for it since load or reset
 * @RSTMON_G_OTHER: flag: the entry for cgroups that found no slot
 * @__RSTMON_G_MAX: number of attributes
 */
enum rstmon_cgroup_attr {
	RSTMON_G_UNSPEC,
	RSTMON_G_PAD,
	RSTMON_G_ID,
	RSTMON_G_PATH,
	RSTMON_G_RSTS,
	RSTMON_G_OTHER,
	__RSTMON_G_MAX
};

#endif /* _UAPI_LINUX_RSTMON_H */
