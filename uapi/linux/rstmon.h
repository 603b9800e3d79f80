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
#define RSTMON_EV_RST_BURST	(1U << 16) /* another RST of the same sender with other
					    * sequence or acknowledgment numbers
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

#endif /* _UAPI_LINUX_RSTMON_H */
