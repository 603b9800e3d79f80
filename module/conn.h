/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: the connection table.
 */
#ifndef _RSTMON_CONN_H
#define _RSTMON_CONN_H

#include <linux/types.h>
#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <net/net_namespace.h>

struct net;
struct rstmon_seg;

/* Sides of a connection: the originator (sent the SYN) and the responder. */
#define RSTMON_ORIG	0
#define RSTMON_RESP	1

/* IPv4 ID behaviour of a side, learned from its segments. */
enum rstmon_ipid_mode {
	RSTMON_IPID_UNKNOWN,
	RSTMON_IPID_ZERO,	/* always 0 (Linux with DF set per socket) */
	RSTMON_IPID_INCR,	/* small positive steps */
	RSTMON_IPID_RANDOM,	/* anything else */
};

/**
 * struct rstmon_side - what one side of a connection has shown.
 * @isn: first sequence number seen from this side (its ISN when its SYN
 *	was seen); bytes sent = @nxt - @isn, modulo 2^32
 * @nxt: highest sequence number sent plus segment length (SYN/FIN count 1)
 * @last: jiffies of this side's last segment
 * @segs: segments sent (saturates at 65535)
 * @win: last raw window advertised
 * @mss: MSS option of its SYN (0: not seen)
 * @ipid: last IPv4 ID sent
 * @ttl: TTL or hop limit of its first segment (the baseline)
 * @wscale: window scale from its SYN
 * @ipid_mode: &enum rstmon_ipid_mode
 * @flags: RSTMON_SF_*
 */
struct rstmon_side {
	u32 isn;
	u32 nxt;
	u32 last;
	u16 segs;
	u16 win;
	u16 mss;
	u16 ipid;
	u8 ttl;
	u8 wscale;
	u8 ipid_mode;
	u8 flags;
};

/* struct rstmon_side.flags */
#define RSTMON_SF_SYN		BIT(0)	/* its SYN was seen */
#define RSTMON_SF_FIN		BIT(1)	/* it sent a FIN */
#define RSTMON_SF_DATA		BIT(2)	/* it sent payload */
#define RSTMON_SF_DATA_AFTER_FIN BIT(3)	/* it sent payload after the other side's FIN */
#define RSTMON_SF_TTL_VARIED	BIT(4)	/* a segment came with another TTL */
#define RSTMON_SF_RST		BIT(5)	/* it sent an RST */
#define RSTMON_SF_AFTER_RST	BIT(6)	/* it sent a segment after its own RST */
#define RSTMON_SF_LAST_DATA	BIT(7)	/* the last payload of the connection was its */

/* Connection states as seen from this host. */
enum rstmon_state {
	RSTMON_ST_SYN_SENT,	/* SYN seen */
	RSTMON_ST_SYN_RECV,	/* SYN-ACK seen */
	RSTMON_ST_ESTABLISHED,	/* handshake done, or picked up mid-stream */
	RSTMON_ST_FIN_WAIT,	/* one side sent FIN */
	RSTMON_ST_CLOSING,	/* both sides sent FIN */
	RSTMON_ST_CLOSED,	/* reset seen; kept to spot data after it */
	__RSTMON_ST_MAX
};

/* struct rstmon_conn.flags */
#define RSTMON_CF_MIDSTREAM	BIT(0)	/* picked up after the handshake */
#define RSTMON_CF_DEAD		BIT(1)	/* unlinked; being freed */

/**
 * struct rstmon_conn - one tracked TCP connection (128 bytes).
 * @next: hash chain, RCU-protected
 * @rcu: for kfree_rcu()
 * @addr: addresses of the originator and the responder (IPv4 mapped)
 * @net: the owning network namespace (entries never outlive it)
 * @port: their ports, network order
 * @created: jiffies at creation
 * @fin_at: jiffies of the first FIN (valid when a side has RSTMON_SF_FIN)
 * @family: AF_INET or AF_INET6
 * @state: &enum rstmon_state
 * @flags: RSTMON_CF_*
 * @rsts: RSTs seen on this connection (saturates at 255)
 * @side: the originator's and the responder's facts
 */
struct rstmon_conn {
	struct rstmon_conn __rcu *next;
	struct rcu_head rcu;
	struct in6_addr addr[2];
	possible_net_t net;
	__be16 port[2];
	u32 created;
	u32 fin_at;
	u8 family;
	u8 state;
	u8 flags;
	u8 rsts;
	struct rstmon_side side[2];
};

/**
 * enum rstmon_conn_err - why no entry was created.
 * @RSTMON_CONN_FULL: the table is at max_conns and no half-open entry
 *	could be evicted; the connection goes untracked
 * @RSTMON_CONN_NOMEM: the allocation failed
 */
enum rstmon_conn_err {
	RSTMON_CONN_FULL = 1,
	RSTMON_CONN_NOMEM,
};

int rstmon_conn_init(void);
void rstmon_conn_exit(void);
void rstmon_conn_flush_nets(struct list_head *net_exit_list);

struct rstmon_conn *rstmon_conn_find(const struct net *net,
				     const struct rstmon_seg *seg, int *side);
struct rstmon_conn *rstmon_conn_create(struct net *net,
				       const struct rstmon_seg *seg, int *side,
				       enum rstmon_conn_err *err, bool *evicted);
void rstmon_conn_update(struct rstmon_conn *c, int side,
			const struct rstmon_seg *seg, u32 now);

unsigned int rstmon_conn_count(void);
unsigned int rstmon_conn_limit(void);

#endif /* _RSTMON_CONN_H */
