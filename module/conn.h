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
/* No side: what rstmon_conn_find() gives when it finds no entry. */
#define RSTMON_SIDE_NONE	(-1)

/* IPv4 ID behaviour of a side, learned from its segments. */
enum rstmon_ipid_mode {
	RSTMON_IPID_UNKNOWN,
	RSTMON_IPID_ZERO,	/* always 0 (Linux with DF set per socket) */
	RSTMON_IPID_INCR,	/* small positive steps */
	RSTMON_IPID_RANDOM,	/* anything else */
};

/**
 * struct rstmon_side - what one side of a connection has shown, updated by
 * its segments.
 * @nxt: highest sequence number sent plus segment length (SYN/FIN count 1)
 * @last: jiffies of this side's last segment
 * @segs: segments sent (saturates at 65535)
 * @win: last raw window advertised
 * @ipid: last IPv4 ID sent
 * @mss: MSS option of its SYN (0: not seen)
 *
 * Its TTL, flags, window scale and IPv4 ID behaviour are byte arrays of
 * &struct rstmon_conn, as are what its segments set once (ISN, first
 * segment, first FIN); this keeps the entry at 128 bytes with each side's
 * per-segment facts in a cache line of their own.
 */
struct rstmon_side {
	u32 nxt;
	u32 last;
	u16 segs;
	u16 win;
	u16 ipid;
	u16 mss;
};

/*
 * struct rstmon_conn.bits: one 32-bit word, changed only by atomic
 * operations, holds every fact of an entry that more than one CPU may
 * change at once (the concurrency contract, Documentation/rstmon.rst):
 *
 *   bits  0-7   RSTMON_SF_* of the originator
 *   bits  8-15  RSTMON_SF_* of the responder
 *   bits 16-19  &enum rstmon_state
 *   bits 20-31  RSTMON_CF_*
 */
#define RSTMON_B_SF_SHIFT(side)	((side) * 8)
#define RSTMON_B_STATE_SHIFT	16
#define RSTMON_B_STATE_MASK	(0xfU << RSTMON_B_STATE_SHIFT)
#define RSTMON_B_CF_SHIFT	20
#define RSTMON_B_CF_MASK	(0xfffU << RSTMON_B_CF_SHIFT)

/* RSTMON_SF_*: what a side has shown; set once, never cleared (but LAST_DATA) */
#define RSTMON_SF_SYN		BIT(0)	/* its SYN was seen */
#define RSTMON_SF_FIN		BIT(1)	/* it sent a FIN */
#define RSTMON_SF_DATA		BIT(2)	/* it sent payload */
#define RSTMON_SF_DATA_AFTER_FIN BIT(3)	/* it sent payload after the other side's FIN */
#define RSTMON_SF_TTL_VARIED	BIT(4)	/* a segment came with another TTL */
#define RSTMON_SF_RST		BIT(5)	/* it sent an RST */
#define RSTMON_SF_AFTER_RST	BIT(6)	/* it sent payload after its own RST */
#define RSTMON_SF_LAST_DATA	BIT(7)	/* the last payload of the connection was its */

/*
 * struct rstmon_conn.opts[side]: window scale, IPv4 ID behaviour, and the
 * side's rhythm level (module/idle.h): the longest silence it ended that
 * the other side answered
 */
#define RSTMON_CO_WSCALE_MASK	0x0f
#define RSTMON_CO_IPID_SHIFT	4
#define RSTMON_CO_IPID_MASK	(3 << RSTMON_CO_IPID_SHIFT)
#define RSTMON_CO_RHYTHM_SHIFT	6

/* Connection states: enum rstmon_state in <linux/rstmon.h>. */

/*
 * RSTMON_CF_*: set when the entry is made, but DEAD, set when it is
 * unlinked, NAT, set right after it is made, UNTRANSLATED (natinv.c) and
 * CHALLENGE (accept.c)
 */
#define RSTMON_CF_MIDSTREAM	BIT(0)	/* picked up after the handshake */
#define RSTMON_CF_DEAD		BIT(1)	/* unlinked; being freed */
#define RSTMON_CF_INET6		BIT(2)	/* an IPv6 connection */
#define RSTMON_CF_RESP_FIRST	BIT(3)	/* the entry was made from the responder's segment */
#define RSTMON_CF_DIR_SHIFT	4	/* bits 4-5: &enum rstmon_dir of the first segment */
#define RSTMON_CF_DIR_MASK	(3 << RSTMON_CF_DIR_SHIFT)
/*
 * The last RST received was predicted challenged (accepted=challenged):
 * the first segment after it from its receiver clears it, and tells
 * whether that was the challenge ACK (module/accept.c).
 */
#define RSTMON_CF_CHALLENGE	BIT(8)
#define RSTMON_CF_NAT		BIT(6)	/* made from a forwarded segment conntrack translates */
#define RSTMON_CF_UNTRANSLATED	BIT(7)	/* a forwarded segment of it crossed untranslated */

/**
 * struct rstmon_conn - one tracked TCP connection (128 bytes, two cache lines).
 * @next: hash chain, RCU-protected: a tagged link (module/conn.c,
 *	rstmon_link_ptr()), never dereferenced as it is
 * @addr_lo: last 32 bits of the originator's and the responder's address
 *	(an IPv4 connection's whole addresses)
 * @port: their ports, network order
 * @net_id: inode number of the owning network namespace: unique among
 *	live namespaces, and entries never outlive theirs (it is flushed in
 *	rstmon's pernet exit, before the namespace's number is freed)
 * @ttl: TTL or hop limit of each side's first segment (the baseline)
 * @opts: each side's window scale and &enum rstmon_ipid_mode (RSTMON_CO_*)
 * @bits: each side's RSTMON_SF_*, the &enum rstmon_state and RSTMON_CF_*,
 *	in one word that only atomic operations change (RSTMON_B_*); read
 *	through rstmon_sflags(), rstmon_conn_state(), rstmon_conn_cflags()
 * @orig: the originator's per-segment facts (RSTMON_SIDE())
 * @isn: each side's first sequence number seen (its ISN when its SYN was
 *	seen); bytes sent = &rstmon_side.nxt - @isn, modulo 2^32
 * @first: jiffies of each side's first segment (valid when it has segments)
 * @rcu: for call_rcu()
 * @addr_hi: first 96 bits of the two addresses (an IPv4 connection's are
 *	the IPv4-mapped prefix ::ffff:0:0/96); rstmon_conn_addr() joins them
 * @resp: the responder's per-segment facts (RSTMON_SIDE())
 * @fin: jiffies of each side's first FIN (valid with RSTMON_SF_FIN)
 *
 * Laid out by who writes what.  The first cache line holds an IPv4
 * connection's whole key, what both directions read (@bits, @ttl,
 * @opts: written only when they change) and the originator's
 * per-segment facts; the second the responder's, with what an IPv6 key
 * adds and what is written once.  So the two directions of a connection,
 * received on different CPUs, never write the same line per segment
 * (tests/host/hotpath-check.py checks the offsets): a segment of the
 * originator touches one line, one of the responder reads the first and
 * writes the second (the two lines are one 128-byte aligned pair, which
 * adjacent-line prefetchers fetch together).  The entry's age runs from
 * the first segment seen of it (rstmon_conn_created()); the RSTs of a
 * side are its RSTMON_SF_RST.
 */
struct rstmon_conn {
	struct rstmon_conn __rcu *next;
	__be32 addr_lo[2];
	__be16 port[2];
	u32 net_id;
	atomic_t bits;
	u8 ttl[2];
	u8 opts[2];
	struct rstmon_side orig;
	u32 isn[2];
	u32 first[2];
	/* second cache line */
	struct rcu_head rcu;
	__be32 addr_hi[2][3];
	struct rstmon_side resp;
	u32 fin[2];
};

/* From the originator's facts to the responder's. */
#define RSTMON_SIDE_STRIDE						\
	(offsetof(struct rstmon_conn, resp) - offsetof(struct rstmon_conn, orig))

/*
 * Side @s (RSTMON_ORIG or RSTMON_RESP) of @c, an lvalue of @c's constness,
 * without a branch.
 */
#define RSTMON_SIDE(c, s)						\
	(*(typeof((c)->orig) *)((char *)&(c)->orig + (s) * RSTMON_SIDE_STRIDE))

static inline u32 rstmon_conn_bits(const struct rstmon_conn *c)
{
	return atomic_read(&c->bits);
}

/* A side's RSTMON_SF_* in a snapshot of &rstmon_conn.bits. */
static inline u8 rstmon_bits_sflags(u32 bits, int side)
{
	return bits >> RSTMON_B_SF_SHIFT(side);
}

static inline u8 rstmon_bits_state(u32 bits)
{
	BUILD_BUG_ON(__RSTMON_ST_MAX > (RSTMON_B_STATE_MASK >> RSTMON_B_STATE_SHIFT) + 1);
	return (bits & RSTMON_B_STATE_MASK) >> RSTMON_B_STATE_SHIFT;
}

static inline u8 rstmon_sflags(const struct rstmon_conn *c, int side)
{
	return rstmon_bits_sflags(rstmon_conn_bits(c), side);
}

static inline u8 rstmon_conn_state(const struct rstmon_conn *c)
{
	return rstmon_bits_state(rstmon_conn_bits(c));
}

/* RSTMON_CF_* of @c. */
static inline u16 rstmon_conn_cflags(const struct rstmon_conn *c)
{
	return rstmon_conn_bits(c) >> RSTMON_B_CF_SHIFT;
}

/* The address of side @side of @c (an IPv4 one mapped). */
static inline void rstmon_conn_addr(const struct rstmon_conn *c, int side,
				    struct in6_addr *a)
{
	a->s6_addr32[0] = c->addr_hi[side][0];
	a->s6_addr32[1] = c->addr_hi[side][1];
	a->s6_addr32[2] = c->addr_hi[side][2];
	a->s6_addr32[3] = c->addr_lo[side];
}

/*
 * jiffies at which @c was created: the first segment seen of it, from
 * either side (the side it was made from, until the other one speaks).
 */
static inline u32 rstmon_conn_created(const struct rstmon_conn *c)
{
	u32 f0 = READ_ONCE(c->first[0]), f1 = READ_ONCE(c->first[1]);
	bool s0 = READ_ONCE(RSTMON_SIDE(c, 0).segs), s1 = READ_ONCE(RSTMON_SIDE(c, 1).segs);

	if (s0 && s1)
		return (s32)(f1 - f0) < 0 ? f1 : f0;
	if (s0 != s1)
		return s0 ? f0 : f1;
	return (rstmon_conn_cflags(c) & RSTMON_CF_RESP_FIRST) ? f1 : f0;
}

/* Payload bytes a side sent: its sequence space less SYN and FIN. */
static inline u32 rstmon_side_bytes(const struct rstmon_conn *c, int side)
{
	const struct rstmon_side *s = &RSTMON_SIDE(c, side);
	u8 sf = rstmon_sflags(c, side);

	if (!(sf & RSTMON_SF_DATA))
		return 0;
	return READ_ONCE(s->nxt) - READ_ONCE(c->isn[side]) - !!(sf & RSTMON_SF_SYN) -
	       !!(sf & RSTMON_SF_FIN);
}

static inline u8 rstmon_conn_family(const struct rstmon_conn *c)
{
	return (rstmon_conn_cflags(c) & RSTMON_CF_INET6) ? AF_INET6 : AF_INET;
}

/* Where the connection's first segment was seen: &enum rstmon_dir. */
static inline u8 rstmon_conn_dir(const struct rstmon_conn *c)
{
	return (rstmon_conn_cflags(c) & RSTMON_CF_DIR_MASK) >> RSTMON_CF_DIR_SHIFT;
}

static inline u8 rstmon_wscale(const struct rstmon_conn *c, int side)
{
	return READ_ONCE(c->opts[side]) & RSTMON_CO_WSCALE_MASK;
}

static inline u8 rstmon_ipid_mode_of(const struct rstmon_conn *c, int side)
{
	return (READ_ONCE(c->opts[side]) & RSTMON_CO_IPID_MASK) >> RSTMON_CO_IPID_SHIFT;
}

/* The connection's rhythm level: the higher of its sides' (module/idle.h). */
static inline u8 rstmon_rhythm_of(const struct rstmon_conn *c)
{
	return max(READ_ONCE(c->opts[0]), READ_ONCE(c->opts[1])) >> RSTMON_CO_RHYTHM_SHIFT;
}

/**
 * enum rstmon_conn_err - why no entry was created.
 * @RSTMON_CONN_FULL: the table is at max_conns and no evictable entry
 *	was found near the connection's bucket; it goes untracked
 * @RSTMON_CONN_NOMEM: the allocation failed
 * @RSTMON_CONN_NETNS_FULL: the namespace holds netns_max_conns entries and
 *	none of its own could be evicted
 */
enum rstmon_conn_err {
	RSTMON_CONN_FULL = 1,
	RSTMON_CONN_NOMEM,
	RSTMON_CONN_NETNS_FULL,
};

int rstmon_conn_init(void);
void rstmon_conn_exit(void);
void rstmon_conn_flush_nets(struct list_head *net_exit_list);
int rstmon_conn_net_add(struct net *net, struct rstmon_net *rn);
void rstmon_conn_net_del(struct net *net);
struct rstmon_net *rstmon_pernet_by_id(u32 net_id);

u32 rstmon_conn_hash(const struct net *net, const struct rstmon_seg *seg);
struct rstmon_conn *rstmon_conn_find(const struct net *net,
				     const struct rstmon_seg *seg, u32 hash, int *side);
struct rstmon_conn *rstmon_conn_create(struct net *net, const struct rstmon_seg *seg,
				       u32 hash, enum rstmon_dir dir, int *side,
				       enum rstmon_conn_err *err, bool *evicted);
u32 rstmon_conn_update(struct rstmon_conn *c, int side,
		       const struct rstmon_seg *seg, u32 now);
void rstmon_conn_rst_in(struct rstmon_conn *c, int side, u32 now, u8 accepted, bool lives);

/* Side @side of @c sent an RST that ends the connection. */
static inline void rstmon_conn_rst(struct rstmon_conn *c, int side, u32 now)
{
	rstmon_conn_rst_in(c, side, now, RSTMON_ACCEPTED_NA, false);
}

/**
 * struct rstmon_sync - what a local connection's socket knows of its sides
 *	(module/sockpath.c), for the segments that did not reach the table.
 * @side: per side (originator, responder): @nxt, the next sequence
 *	number; @last, jiffies of its last segment; @segs, segments sent;
 *	@win, its last raw window; @data, it sent payload
 * @last_data: the side whose payload came last, or RSTMON_SIDE_NONE
 */
struct rstmon_sync {
	struct {
		u32 nxt;
		u32 last;
		u32 segs;
		u16 win;
		bool data;
	} side[2];
	int last_data;
};

void rstmon_conn_sync(struct rstmon_conn *c, const struct rstmon_sync *y, u32 now);
void rstmon_conn_rhythm_quiet(struct rstmon_conn *c, int side, u32 now, u32 floor);
void rstmon_conn_rhythm(struct rstmon_conn *c, int side, u32 now, u32 floor);
bool rstmon_conn_reused(const struct rstmon_conn *c, int side,
			const struct rstmon_seg *seg);
struct rstmon_conn *rstmon_conn_renew(struct net *net, const struct rstmon_seg *seg,
				      u32 hash, struct rstmon_conn *old,
				      enum rstmon_dir dir, int *side);
bool rstmon_conn_evictable(const struct rstmon_conn *c);

bool rstmon_conn_walk(const struct net *net, unsigned long *pos,
		      int (*fn)(const struct rstmon_conn *c, void *arg), void *arg);
unsigned int rstmon_conn_count(void);
unsigned int rstmon_conn_limit(void);

#endif /* _RSTMON_CONN_H */
