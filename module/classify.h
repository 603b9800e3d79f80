/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: classification of an RST.
 */
#ifndef _RSTMON_CLASSIFY_H
#define _RSTMON_CLASSIFY_H

#include <linux/types.h>

struct rstmon_conn;
struct rstmon_seg;
struct rstmon_event;

/**
 * enum rstmon_origin - what sent a locally generated RST (dir=out),
 * read from the socket the packet carries at LOCAL_OUT.
 * @RSTMON_ORIGIN_NONE: not a local RST (dir=in or fwd)
 * @RSTMON_ORIGIN_NOSOCK: no socket: a netfilter reject rule
 *	(nf_send_reset()/nf_send_reset6() build a socketless skb)
 * @RSTMON_ORIGIN_CTLSOCK: the TCP stack's stateless reply socket
 *	(tcp_v4_send_reset()/tcp_v6_send_response(): no listener, a TIME_WAIT
 *	or request socket, or a socket that no longer exists)
 * @RSTMON_ORIGIN_FULLSOCK: a full TCP socket (tcp_send_active_reset())
 * @RSTMON_ORIGIN_RAWSOCK: a user's raw socket
 */
enum rstmon_origin {
	RSTMON_ORIGIN_NONE,
	RSTMON_ORIGIN_NOSOCK,
	RSTMON_ORIGIN_CTLSOCK,
	RSTMON_ORIGIN_FULLSOCK,
	RSTMON_ORIGIN_RAWSOCK,
};

/**
 * struct rstmon_rst_ctx - what the hook knows about an RST besides the
 * segment and the connection.
 * @dir: &enum rstmon_dir
 * @origin: &enum rstmon_origin
 * @sock_state: TCP state of the full socket (RSTMON_ORIGIN_FULLSOCK)
 * @sock_dead: the socket was orphaned (its application closed it)
 * @sock_shutdown: its shutdown bits (SHUTDOWN_MASK after close())
 * @sock_linger0: SO_LINGER with a zero timeout
 * @sock_linger2_neg: TCP_LINGER2 below zero (FIN_WAIT2 aborted at once)
 * @sock_err: its pending error (ECONNABORTED after SOCK_DESTROY)
 * @sock_keepalive_done: keepalive probes were out (the keepalive timer or
 *	the user timeout gave up)
 * @kreason: the kernel's reason (enum sk_rst_reason + 1), 0 if unknown
 * @zero_hop_gw: the RST arrived with an unspent initial TTL from a source
 *	this host reaches through a gateway (dir=in)
 * @offloaded: conntrack marks the connection offloaded to a flowtable
 * @rst_burst: the sender's previous RST on the connection had other
 *	sequence number, and the receiver sent no data in between
 *	(rstmon_ring_amend_burst())
 * @now: jiffies
 * @idle_threshold: jiffies of silence that read as an idle timeout
 * @ct_established: jiffies of the namespace's conntrack established
 *	timeout, for an RST of a local reject rule (0: unknown)
 * @untranslated: a forwarded RST of a translated connection crossed
 *	without conntrack's translation (rstmon_natinv_rst())
 */
struct rstmon_rst_ctx {
	u8 dir;
	u8 origin;
	u8 sock_state;
	bool sock_dead;
	u8 sock_shutdown;
	bool sock_linger0;
	bool sock_linger2_neg;
	int sock_err;
	bool sock_keepalive_done;
	u8 kreason;
	bool zero_hop_gw;
	bool offloaded;
	bool rst_burst;
	u32 now;
	u32 idle_threshold;
	u32 ct_established;
	bool untranslated;
};

void rstmon_classify(const struct rstmon_rst_ctx *x, const struct rstmon_seg *seg,
		     const struct rstmon_conn *c, int side, struct rstmon_event *ev);

#endif /* _RSTMON_CLASSIFY_H */
