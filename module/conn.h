/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: the connection table.
 */
#ifndef _RSTMON_CONN_H
#define _RSTMON_CONN_H

#include <linux/types.h>
#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <linux/socket.h>
#include <linux/rstmon.h>
#include <net/net_namespace.h>

struct net;
struct rstmon_net;
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
 * @first: jiffies of this side's first segment (valid when @segs > 0)
 * @last: jiffies of this side's last segment
 * @fin: jiffies of this side's first FIN (valid with RSTMON_SF_FIN)
 * @segs: segments sent (saturates at 65535)
 * @win: last raw window advertised
 * @mss: MSS option of its SYN (0: not seen)
 * @ipid: last IPv4 ID sent
 *
 * Its TTL, flags, window scale and IPv4 ID behaviour are byte arrays of
 * &struct rstmon_conn, which keeps the entry at 128 bytes.
 */
struct rstmon_side {
	u32 isn;
	u32 nxt;
	u32 first;
	u32 last;
	u32 fin;
	u16 segs;
	u16 win;
	u16 mss;
	u16 ipid;
};

/* struct rstmon_conn.sflags[side] */
#define RSTMON_SF_SYN		BIT(0)	/* its SYN was seen */
#define RSTMON_SF_FIN		BIT(1)	/* it sent a FIN */
#define RSTMON_SF_DATA		BIT(2)	/* it sent payload */
#define RSTMON_SF_DATA_AFTER_FIN BIT(3)	/* it sent payload after the other side's FIN */
#define RSTMON_SF_TTL_VARIED	BIT(4)	/* a segment came with another TTL */
#define RSTMON_SF_RST		BIT(5)	/* it sent an RST */
#define RSTMON_SF_AFTER_RST	BIT(6)	/* it sent a segment after its own RST */
#define RSTMON_SF_LAST_DATA	BIT(7)	/* the last payload of the connection was its */

/* struct rstmon_conn.opts[side]: window scale and IPv4 ID behaviour */
#define RSTMON_CO_WSCALE_MASK	0x0f
#define RSTMON_CO_IPID_SHIFT	4

/* Connection states: enum rstmon_state in <linux/rstmon.h>. */

/* struct rstmon_conn.flags */
#define RSTMON_CF_MIDSTREAM	BIT(0)	/* picked up after the handshake */
#define RSTMON_CF_DEAD		BIT(1)	/* unlinked; being freed */
#define RSTMON_CF_INET6		BIT(2)	/* an IPv6 connection */
#define RSTMON_CF_RESP_FIRST	BIT(3)	/* the entry was made from the responder's segment */
#define RSTMON_CF_DIR_SHIFT	4	/* bits 4-5: &enum rstmon_dir of the first segment */
#define RSTMON_CF_DIR_MASK	(3 << RSTMON_CF_DIR_SHIFT)

/**
 * struct rstmon_conn - one tracked TCP connection (128 bytes).
 * @next: hash chain, RCU-protected
 * @rcu: for call_rcu()
 * @addr: addresses of the originator and the responder (IPv4 mapped)
 * @port: their ports, network order
 * @net_id: inode number of the owning network namespace: unique among
 *	live namespaces, and entries never outlive theirs (it is flushed in
 *	rstmon's pernet exit, before the namespace's number is freed)
 * @side: the originator's and the responder's facts
 * @ttl: TTL or hop limit of each side's first segment (the baseline)
 * @sflags: RSTMON_SF_* of each side
 * @opts: each side's window scale and &enum rstmon_ipid_mode (RSTMON_CO_*)
 * @state: &enum rstmon_state
 * @flags: RSTMON_CF_*
 *
 * The entry's age runs from the first segment seen of it
 * (rstmon_conn_created()); the RSTs of a side are its RSTMON_SF_RST.
 */
struct rstmon_conn {
	struct rstmon_conn __rcu *next;
	struct rcu_head rcu;
	struct in6_addr addr[2];
	__be16 port[2];
	u32 net_id;
	struct rstmon_side side[2];
	u8 ttl[2];
	u8 sflags[2];
	u8 opts[2];
	u8 state;
	u8 flags;
};

/*
 * jiffies at which @c was created: the first segment seen of it, from
 * either side (the side it was made from, until the other one speaks).
 */
static inline u32 rstmon_conn_created(const struct rstmon_conn *c)
{
	u32 f0 = READ_ONCE(c->side[0].first), f1 = READ_ONCE(c->side[1].first);
	bool s0 = READ_ONCE(c->side[0].segs), s1 = READ_ONCE(c->side[1].segs);

	if (s0 && s1)
		return (s32)(f1 - f0) < 0 ? f1 : f0;
	if (s0 != s1)
		return s0 ? f0 : f1;
	return (c->flags & RSTMON_CF_RESP_FIRST) ? f1 : f0;
}

/* Payload bytes a side sent: its sequence space less SYN and FIN. */
static inline u32 rstmon_side_bytes(const struct rstmon_conn *c, int side)
{
	const struct rstmon_side *s = &c->side[side];
	u8 sf = READ_ONCE(c->sflags[side]);

	if (!(sf & RSTMON_SF_DATA))
		return 0;
	return READ_ONCE(s->nxt) - READ_ONCE(s->isn) - !!(sf & RSTMON_SF_SYN) -
	       !!(sf & RSTMON_SF_FIN);
}

static inline u8 rstmon_conn_family(const struct rstmon_conn *c)
{
	return (c->flags & RSTMON_CF_INET6) ? AF_INET6 : AF_INET;
}

/* Where the connection's first segment was seen: &enum rstmon_dir. */
static inline u8 rstmon_conn_dir(const struct rstmon_conn *c)
{
	return (c->flags & RSTMON_CF_DIR_MASK) >> RSTMON_CF_DIR_SHIFT;
}

static inline u8 rstmon_wscale(const struct rstmon_conn *c, int side)
{
	return READ_ONCE(c->opts[side]) & RSTMON_CO_WSCALE_MASK;
}

static inline u8 rstmon_ipid_mode_of(const struct rstmon_conn *c, int side)
{
	return READ_ONCE(c->opts[side]) >> RSTMON_CO_IPID_SHIFT;
}

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
int rstmon_conn_net_add(struct net *net, struct rstmon_net *rn);
void rstmon_conn_net_del(struct net *net);
struct rstmon_net *rstmon_pernet_by_id(u32 net_id);

struct rstmon_conn *rstmon_conn_find(const struct net *net,
				     const struct rstmon_seg *seg, int *side);
struct rstmon_conn *rstmon_conn_create(struct net *net,
				       const struct rstmon_seg *seg, enum rstmon_dir dir,
				       int *side, enum rstmon_conn_err *err, bool *evicted);
void rstmon_conn_update(struct rstmon_conn *c, int side,
			const struct rstmon_seg *seg, u32 now);

bool rstmon_conn_walk(const struct net *net, unsigned long *pos,
		      int (*fn)(const struct rstmon_conn *c, void *arg), void *arg);
unsigned int rstmon_conn_count(void);
unsigned int rstmon_conn_limit(void);

#endif /* _RSTMON_CONN_H */
