// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: the connection table.
 *
 * One table for all namespaces, as nf_conntrack has: the key is the
 * namespace and the two endpoints.  The hash is keyed hsiphash (SipHash-1-3
 * on 64-bit, the kernel's keyed hash for hash tables) with a secret drawn
 * at load, over the endpoints in a canonical order so both directions of a
 * connection land in the same bucket, and hash flooding cannot be aimed at
 * one chain.
 *
 * Readers (the netfilter hooks) walk chains under RCU without a lock.
 * Writers (insert, evict, GC, namespace flush) take the bucket's lock from
 * a striped array and publish with rcu_assign_pointer().  Entries come
 * from their own kmem_cache and are freed after a grace period with
 * call_rcu(); module exit waits for those with rcu_barrier() before the
 * cache is destroyed.  (kfree_rcu() is not used: on 6.1 its batches are
 * not flushed by rcu_barrier(), so destroying the cache could race them.)
 *
 * The table is bounded by max_conns, and one namespace's share of it by
 * netns_max_conns (default half of max_conns), so that no namespace can
 * take the table from the others.  As conntrack's early drop, a new
 * connection that finds the table (or its namespace's share) full evicts
 * an entry nobody would miss: a half-open one, a one-sided one (only one
 * side ever spoke: a spoofed segment, an unanswered probe) or one an RST
 * closed.  An entry both sides have spoken on and that is not closed is
 * never evicted.  The search is a lockless walk of the connection's own
 * and the next few buckets, then of a few more where the namespace's last
 * search stopped; the bucket lock is taken only when a victim
 * was found, and a namespace whose search failed does not search again
 * within the same jiffy: when the table is full of real connections, each
 * further new one costs a counter, not a lock.  That pause is the
 * namespace's own: another namespace's failures never stop its search.
 * An RST never creates an entry.  One-sided entries live
 * RSTMON_ONE_SIDED_TIMEOUT after their last segment, not the hours of an
 * established connection.
 *
 * The concurrency contract of an entry (Documentation/rstmon.rst has it
 * as a table).  Segments of one connection reach the hooks on several CPUs
 * at once: the two directions on the receiving and the sending CPU, a
 * multi-threaded sender's segments on each of its CPUs, an RST beside data.
 *
 *  - The key (addresses, ports, net_id) is written before the entry is
 *    published with rcu_assign_pointer() and never changes.
 *  - The chain links (a bucket's head, each entry's @next) are written
 *    under the bucket lock only, with rcu_assign_pointer(), and read with
 *    rcu_dereference().  A link is a tagged pointer (rstmon_link_make()):
 *    the entry it points to, that entry's TAG (top bits of its hash) and
 *    MORE (that entry's own @next is not NULL).  A link is written whole,
 *    in one store, so a reader sees a pointer with its own tag and MORE.
 *    The tag of an entry never changes (its key does not); a replacement
 *    (rstmon_conn_renew()) has the same key, so the same tag.  MORE is kept
 *    exact under the lock: an insertion at the head sets it from the old
 *    head, an unlink hands on the unlinked entry's @next (its successor's
 *    link, tag and MORE included), and the unlink of a chain's last entry
 *    clears MORE in the link to its predecessor.  A reader may meet a stale
 *    MORE=1 (read before that clear): it reads the predecessor's @next,
 *    finds NULL or the entry being freed (valid until its grace period
 *    ends, and DEAD), and stops; one entry read more, never a wrong
 *    answer.  A stale MORE=0 cannot happen: an entry gains a successor only
 *    when it is inserted at the head, before it is published, so a link
 *    that said "no successor" stays true for as long as a reader holds it.
 *  - @bits holds everything whose loss would change a verdict: each
 *    side's RSTMON_SF_* (SYN, FIN, DATA, RST, AFTER_RST, ...), the state
 *    and RSTMON_CF_* (DEAD, CHALLENGE).  Only atomic operations change it: a flag is
 *    set with a compare-and-exchange that retries when another CPU
 *    changed the word first, so no flag set by one CPU is lost by
 *    another's write; a state transition is computed from the word it
 *    replaces.  Readers take one atomic_read() (a snapshot of all of it).
 *    A segment that changes nothing in it writes nothing.
 *  - A side's facts (&struct rstmon_side, @ttl, @opts, &struct
 *    rstmon_side_hist) are last-value or high-water fields, each of 32
 *    bits or less and naturally aligned, written with WRITE_ONCE() and
 *    read with READ_ONCE(): never torn.  When two CPUs write the same
 *    side's fields at once one write may be lost (a segment count off by
 *    one, a high-water mark one segment behind, the last window of the
 *    other segment); that is allowed, as no verdict rests on one such
 *    update, and readers may see a side's fields from different segments.
 *    &rstmon_side_hist.fin is written once, by the CPU whose exchange set
 *    the side's FIN.  The rhythm level in the top two bits of @opts
 *    (rstmon_conn_rhythm()) only grows and is written only when it does;
 *    a lost update leaves it one level low, which no verdict needs to
 *    exclude (the threshold rule does not read it).  It reads the other
 *    side's last only for a silence of half the floor or more since the
 *    sender's, as of the segment's jiffies (a stale read of it).
 *  - A reused 4-tuple (a new SYN after the connection closed) gets a new
 *    entry that replaces the old one under the bucket lock
 *    (rstmon_conn_renew()); nothing is reset under a reader's feet.
 *  - The classifier works on a private copy of the entry
 *    (rstmon_rst()), taken with data_race(): every field of the copy is
 *    valid by itself, by the rules above.
 */
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "rstmon.h"
#include "conn.h"
#include "parse.h"
#include "idle.h"

#define RSTMON_LOCKS		1024	/* striped bucket locks */
#define RSTMON_EVICT_BUCKETS	8	/* buckets near a new one searched for a victim */
#define RSTMON_EVICT_SWEEP	32	/* then buckets of the namespace's sweep */
#define RSTMON_GC_INTERVAL	HZ
#define RSTMON_GC_MIN_SLICE	1024U	/* buckets per GC run, at least */
#define RSTMON_GC_PASS_RUNS	32U	/* a full pass takes this many runs */
/*
 * Where the KUnit suites replay another CPU's write between a reader's
 * atomic_read() of &rstmon_conn.bits and its exchange; nothing elsewhere.
 */
#ifndef RSTMON_TEST_RACE_POINT
#define RSTMON_TEST_RACE_POINT(c)	((void)(c))
#endif

/*
 * Seconds a one-sided entry (one side never spoke) lives after its last
 * segment: nf_conntrack's timeout for unacknowledged connections.
 */
#define RSTMON_ONE_SIDED_TIMEOUT	300U

/*
 * Chain links.  Entries are RSTMON_CONN_ALIGN-aligned (the slab is created
 * so), which leaves the low bits of a pointer to one free: a link carries
 * there the pointed-to entry's MORE bit (bit 0: it has a successor) and
 * its TAG (bits 1 and up: the top RSTMON_TAG_BITS bits of its hash, which
 * the bucket index, the hash's low bits, does not use).  A lookup reads an
 * entry only when its tag matches, and stops at a link without MORE: a
 * miss on a chain of one entry reads no entry at all.  Every dereference
 * of a link goes through rstmon_link_ptr().
 */
#define RSTMON_CONN_ALIGN	128
#define RSTMON_LINK_MASK	((unsigned long)RSTMON_CONN_ALIGN - 1)
#define RSTMON_LINK_MORE	1UL
#define RSTMON_TAG_BITS		(ilog2(RSTMON_CONN_ALIGN) - 1)
#ifndef RSTMON_CONN_CACHE_NAME
#define RSTMON_CONN_CACHE_NAME	"rstmon_conn"
#endif

/* The entry a link points to. */
static inline struct rstmon_conn *rstmon_link_ptr(const struct rstmon_conn *link)
{
	return (struct rstmon_conn *)((unsigned long)link & ~RSTMON_LINK_MASK);
}

/* The tag of the entry a link points to. */
static inline u32 rstmon_link_tag(const struct rstmon_conn *link)
{
	return ((unsigned long)link & RSTMON_LINK_MASK) >> 1;
}

/* Whether the entry a link points to has a successor. */
static inline bool rstmon_link_more(const struct rstmon_conn *link)
{
	return (unsigned long)link & RSTMON_LINK_MORE;
}

/* A link to @c, whose hash tag is @tag, which has a successor if @more. */
static inline struct rstmon_conn *rstmon_link_make(struct rstmon_conn *c, u32 tag, bool more)
{
	return (struct rstmon_conn *)((unsigned long)c | (unsigned long)tag << 1 |
				      (more ? RSTMON_LINK_MORE : 0));
}

/* The tag of a connection's hash (rstmon_conn_hash()): its top bits. */
static inline u32 rstmon_hash_tag(u32 hash)
{
	return hash >> (32 - RSTMON_TAG_BITS);
}

static struct rstmon_conn __rcu **rstmon_hash __read_mostly;
static unsigned int rstmon_hash_mask __read_mostly;
static unsigned int rstmon_max __read_mostly;
static hsiphash_key_t rstmon_hash_key __read_mostly;
static struct kmem_cache *rstmon_conn_cache __read_mostly;
static spinlock_t rstmon_locks[RSTMON_LOCKS];
static atomic_t rstmon_nr = ATOMIC_INIT(0);
static struct delayed_work rstmon_gc_work;

/*
 * Entries name their namespace by its inode number, four bytes instead of
 * a pointer; this finds the namespace's state from it when an entry is
 * unlinked.  A namespace is here from before its hooks run until after
 * its entries are flushed.
 */
static DEFINE_XARRAY(rstmon_nets);
static unsigned int rstmon_gc_cursor;

/*
 * Seconds an entry lives after its last segment, by state; half-open ones
 * (SYN sent or received) for the syn_timeout parameter instead.
 */
static const unsigned int rstmon_timeouts[__RSTMON_ST_MAX] = {
	/* Above the two hours of the longest common idle timeouts (and of
	 * Linux's default keepalive time), so their resets are diagnosed.
	 */
	[RSTMON_ST_ESTABLISHED] = 4 * 3600,
	[RSTMON_ST_FIN_WAIT] = 300,
	[RSTMON_ST_CLOSING] = 120,
	/* Long enough to see a "reset" connection keep talking: forged RST. */
	[RSTMON_ST_CLOSED] = 60,
};

struct rstmon_hkey {
	struct in6_addr a;
	struct in6_addr b;
	__be16 pa;
	__be16 pb;
	u32 netmix;
} __aligned(HSIPHASH_ALIGNMENT);

/**
 * rstmon_conn_hash() - the hash of a segment's connection.
 * @net: namespace the segment was seen in
 * @seg: the segment
 *
 * Both directions of a connection give the same hash.  Computed once per
 * segment and passed to rstmon_conn_find() and rstmon_conn_create().
 * Return: the 32-bit hash: its low bits (rstmon_hash_mask) are the
 * bucket, its top bits the entry's tag (rstmon_hash_tag()).
 */
u32 rstmon_conn_hash(const struct net *net, const struct rstmon_seg *seg)
{
	const struct in6_addr *sa = &seg->saddr, *da = &seg->daddr;
	__be16 sp = seg->sport, dp = seg->dport;
	struct rstmon_hkey k;
	int cmp;

	/* IPv4: four words instead of forty bytes, in the same order. */
	if (seg->family == AF_INET) {
		u32 a = ntohl(sa->s6_addr32[3]), b = ntohl(da->s6_addr32[3]);
		u32 pa = ntohs(sp), pb = ntohs(dp);

		if (a > b || (a == b && pa > pb)) {
			swap(a, b);
			swap(pa, pb);
		}
		return hsiphash_4u32(a, b, pa << 16 | pb, net_hash_mix(net), &rstmon_hash_key);
	}
	cmp = ipv6_addr_cmp(sa, da);
	memset(&k, 0, sizeof(k));
	if (cmp < 0 || (cmp == 0 && ntohs(sp) <= ntohs(dp))) {
		k.a = *sa;
		k.pa = sp;
		k.b = *da;
		k.pb = dp;
	} else {
		k.a = *da;
		k.pa = dp;
		k.b = *sa;
		k.pb = sp;
	}
	k.netmix = net_hash_mix(net);
	return hsiphash(&k, sizeof(k), &rstmon_hash_key);
}

static spinlock_t *rstmon_lock(unsigned int bucket)
{
	return &rstmon_locks[bucket % RSTMON_LOCKS];
}

static bool rstmon_addr_hi_equal(const __be32 *hi, const struct in6_addr *a)
{
	return ((hi[0] ^ a->s6_addr32[0]) | (hi[1] ^ a->s6_addr32[1]) |
		(hi[2] ^ a->s6_addr32[2])) == 0;
}

/*
 * Which side of @c sent @seg, or -1 if @seg is not of @c.  The ports,
 * namespace, family and the addresses' last words are in the entry's first
 * cache line; only an IPv6 entry that matches them all needs the second.
 */
static int rstmon_conn_side(const struct rstmon_conn *c, const struct net *net,
			    const struct rstmon_seg *seg)
{
	__be32 s = seg->saddr.s6_addr32[3], d = seg->daddr.s6_addr32[3];
	int side;

	if (c->port[0] == seg->sport && c->port[1] == seg->dport &&
	    c->addr_lo[0] == s && c->addr_lo[1] == d)
		side = RSTMON_ORIG;
	else if (c->port[1] == seg->sport && c->port[0] == seg->dport &&
		 c->addr_lo[1] == s && c->addr_lo[0] == d)
		side = RSTMON_RESP;
	else
		return -1;
	if (c->net_id != net->ns.inum || rstmon_conn_family(c) != seg->family)
		return -1;
	if (seg->family == AF_INET6 &&
	    (!rstmon_addr_hi_equal(c->addr_hi[side], &seg->saddr) ||
	     !rstmon_addr_hi_equal(c->addr_hi[!side], &seg->daddr)))
		return -1;
	return side;
}

/* Store @a as the address of side @side of @c. */
static void rstmon_conn_set_addr(struct rstmon_conn *c, int side, const struct in6_addr *a)
{
	c->addr_hi[side][0] = a->s6_addr32[0];
	c->addr_hi[side][1] = a->s6_addr32[1];
	c->addr_hi[side][2] = a->s6_addr32[2];
	c->addr_lo[side] = a->s6_addr32[3];
}

/**
 * rstmon_conn_find() - look up the connection of a segment.
 * @net: namespace the segment was seen in
 * @seg: the segment
 * @hash: its hash, rstmon_conn_hash()
 * @side: set to the side that sent @seg (RSTMON_ORIG or RSTMON_RESP), or
 *	to RSTMON_SIDE_NONE when there is no entry: always set, so a caller
 *	may hand it on with a NULL entry (the classifier takes both)
 *
 * Reads an entry only when the link to it carries @hash's tag, and stops
 * at the link of the chain's last entry (no MORE).
 * Context: RCU read side (the netfilter hooks run under rcu_read_lock()).
 * Return: the entry, valid until the read side ends, or NULL.
 */
struct rstmon_conn *rstmon_conn_find(const struct net *net,
				     const struct rstmon_seg *seg, u32 hash, int *side)
{
	struct rstmon_conn *link = rcu_dereference(rstmon_hash[hash & rstmon_hash_mask]);
	u32 tag = rstmon_hash_tag(hash);

	while (link) {
		struct rstmon_conn *c = rstmon_link_ptr(link);

		if (rstmon_link_tag(link) == tag) {
			int s = rstmon_conn_side(c, net, seg);

			if (s >= 0 && !(rstmon_conn_cflags(c) & RSTMON_CF_DEAD)) {
				*side = s;
				return c;
			}
		}
		if (!rstmon_link_more(link))
			break;
		link = rcu_dereference(c->next);
	}
	*side = RSTMON_SIDE_NONE;
	return NULL;
}

static void rstmon_conn_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(rstmon_conn_cache, container_of(head, struct rstmon_conn, rcu));
}

/*
 * Unlink @c, whose incoming link is @pprev; @pred_link is the link to its
 * predecessor (NULL when @c is the chain's first).  Bucket lock held.  Its
 * namespace is still known: rstmon_conn_net_del() drops a namespace's
 * entries before it forgets the namespace.
 */
static void rstmon_conn_unlink(struct rstmon_conn __rcu **pred_link,
			       struct rstmon_conn __rcu **pprev, struct rstmon_conn *c)
{
	struct rstmon_net *rn = rstmon_pernet_by_id(c->net_id);
	struct rstmon_conn *next = rcu_dereference_protected(c->next, true);

	/* The successor's link, its tag and MORE with it. */
	rcu_assign_pointer(*pprev, next);
	/* @c was the last: its predecessor is now, and has no successor. */
	if (!next && pred_link) {
		struct rstmon_conn *pl = rcu_dereference_protected(*pred_link, true);

		rcu_assign_pointer(*pred_link, rstmon_link_make(rstmon_link_ptr(pl),
								rstmon_link_tag(pl), false));
	}
	atomic_or(RSTMON_CF_DEAD << RSTMON_B_CF_SHIFT, &c->bits);
	atomic_dec(&rstmon_nr);
	if (!WARN_ON_ONCE(!rn))
		atomic_dec(&rn->conns);
	call_rcu(&c->rcu, rstmon_conn_free_rcu);
}

/**
 * rstmon_conn_evictable() - may @c make room for a new connection?
 * @c: an entry
 *
 * Half-open, one-sided (one side never spoke) and RST-closed entries may;
 * an entry both sides spoke on and that no RST closed may not.
 * Return: true if it may be evicted.
 */
bool rstmon_conn_evictable(const struct rstmon_conn *c)
{
	u8 st = rstmon_conn_state(c);

	return st == RSTMON_ST_SYN_SENT || st == RSTMON_ST_SYN_RECV ||
	       st == RSTMON_ST_CLOSED || !READ_ONCE(RSTMON_SIDE(c, 0).segs) ||
	       !READ_ONCE(RSTMON_SIDE(c, 1).segs);
}

/*
 * rstmon_conn_evict_in() - evict one evictable entry (of namespace @net_id
 * when non-zero) from buckets @first to @first + @n - 1.  The buckets are
 * searched under RCU without their locks; the victim's bucket lock is
 * taken only to unlink it.
 * Context: RCU read side.
 * Return: true if an entry was evicted.
 */
static bool rstmon_conn_evict_in(unsigned int first, unsigned int n, u32 net_id)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned int b = (first + i) & rstmon_hash_mask;
		struct rstmon_conn __rcu **pprev, **pred_link = NULL;
		struct rstmon_conn *link, *c, *victim = NULL;
		spinlock_t *lock;	/* the victim's bucket's */

		for (link = rcu_dereference(rstmon_hash[b]); link;
		     link = rcu_dereference(c->next)) {
			c = rstmon_link_ptr(link);
			if ((!net_id || c->net_id == net_id) &&
			    !(rstmon_conn_cflags(c) & RSTMON_CF_DEAD) &&
			    rstmon_conn_evictable(c)) {
				victim = c;
				break;
			}
		}
		if (!victim)
			continue;
		lock = rstmon_lock(b);
		pprev = &rstmon_hash[b];
		spin_lock_bh(lock);
		while ((link = rcu_dereference_protected(*pprev, lockdep_is_held(lock)))) {
			c = rstmon_link_ptr(link);
			if (c == victim) {
				/* Still linked, so not DEAD; still a victim? */
				if (!rstmon_conn_evictable(c))
					break;
				rstmon_conn_unlink(pred_link, pprev, c);
				spin_unlock_bh(lock);
				return true;
			}
			pred_link = pprev;
			pprev = &c->next;
		}
		spin_unlock_bh(lock);
	}
	return false;
}

/*
 * The table, or namespace @net_id's share of it (@net_id non-zero), is
 * full for a new connection of @rn's namespace: evict one evictable entry
 * (of @net_id when given).  The search looks first near @bucket, then
 * sweeps on from where @rn's previous sweep stopped: a namespace at its
 * share holds its entries anywhere in the table, and the buckets near one
 * new connection may hold none of them (with 512 entries in 1024 buckets,
 * 8 buckets hold none one time in 50); the sweep makes a failure as
 * unlikely as the sweep is long, and each further search looks somewhere
 * else.  When a search of @rn's finds nothing, @rn's new connections do
 * not search again for the rest of the jiffy: a flood costs its own
 * namespace a counter per segment, and nobody else anything.
 * Context: RCU read side.
 */
static bool rstmon_conn_evict(struct rstmon_net *rn, unsigned int bucket, u32 net_id)
{
	unsigned long now = jiffies;
	unsigned int sweep;

	if (READ_ONCE(rn->evict_failed) == now)
		return false;
	if (rstmon_conn_evict_in(bucket, RSTMON_EVICT_BUCKETS, net_id))
		return true;
	sweep = READ_ONCE(rn->evict_sweep);
	WRITE_ONCE(rn->evict_sweep, (sweep + RSTMON_EVICT_SWEEP) & rstmon_hash_mask);
	if (rstmon_conn_evict_in(sweep, RSTMON_EVICT_SWEEP, net_id))
		return true;
	WRITE_ONCE(rn->evict_failed, now);
	return false;
}

/*
 * Which side sent the first segment we see of a connection: the sender of
 * a SYN is the originator, of a SYN-ACK the responder.  Picked up
 * mid-stream, the side with the well-known port (below 1024, or the lower
 * one when the other is ephemeral) is taken as the responder.
 */
static int rstmon_first_side(const struct rstmon_seg *seg, bool *midstream)
{
	u16 sp = ntohs(seg->sport), dp = ntohs(seg->dport);

	*midstream = false;
	if (seg->flags & RSTMON_TCP_SYN)
		return (seg->flags & RSTMON_TCP_ACK) ? RSTMON_RESP : RSTMON_ORIG;
	*midstream = true;
	if ((sp < 1024 && dp >= 1024) || (sp < dp && dp >= 32768))
		return RSTMON_RESP;
	return RSTMON_ORIG;
}

/* A new entry for the connection of @seg, its first segment; not linked. */
static struct rstmon_conn *rstmon_conn_alloc(const struct net *net,
					     const struct rstmon_seg *seg,
					     enum rstmon_dir dir, int *side)
{
	struct rstmon_conn *c;
	bool midstream;
	u32 cf, st;
	int s;

	c = kmem_cache_zalloc(rstmon_conn_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!c)
		return NULL;
	/* The slab's alignment leaves a link's tag and MORE bits free. */
	if (WARN_ON_ONCE((unsigned long)c & RSTMON_LINK_MASK)) {
		kmem_cache_free(rstmon_conn_cache, c);
		return NULL;
	}
	s = rstmon_first_side(seg, &midstream);
	rstmon_conn_set_addr(c, s, &seg->saddr);
	c->port[s] = seg->sport;
	rstmon_conn_set_addr(c, !s, &seg->daddr);
	c->port[!s] = seg->dport;
	c->net_id = net->ns.inum;
	/* Its first segment's time, so age and expiry hold from the start. */
	c->first[s] = jiffies;
	cf = (midstream ? RSTMON_CF_MIDSTREAM : 0) |
	     (seg->family == AF_INET6 ? RSTMON_CF_INET6 : 0) |
	     (s == RSTMON_RESP ? RSTMON_CF_RESP_FIRST : 0) |
	     (dir << RSTMON_CF_DIR_SHIFT);
	st = midstream ? RSTMON_ST_ESTABLISHED : RSTMON_ST_SYN_SENT;
	atomic_set(&c->bits, cf << RSTMON_B_CF_SHIFT | st << RSTMON_B_STATE_SHIFT);
	*side = s;
	return c;
}

/**
 * rstmon_conn_create() - track a new connection from its first segment.
 * @net: namespace the segment was seen in
 * @seg: the segment (never an RST)
 * @hash: its hash, rstmon_conn_hash()
 * @dir: where @seg was seen
 * @side: set to the side that sent @seg
 * @err: set to why nothing was created, when NULL is returned
 * @evicted: set when an entry was evicted to make room
 *
 * Context: RCU read side, any context (allocates with GFP_ATOMIC).
 * Return: the new entry, or one another CPU inserted meanwhile, or NULL.
 */
struct rstmon_conn *rstmon_conn_create(struct net *net, const struct rstmon_seg *seg,
				       u32 hash, enum rstmon_dir dir, int *side,
				       enum rstmon_conn_err *err, bool *evicted)
{
	struct rstmon_net *rn = rstmon_pernet(net);
	unsigned int netns_max = READ_ONCE(rstmon_params.netns_max_conns);
	unsigned int b = hash & rstmon_hash_mask;
	u32 tag = rstmon_hash_tag(hash);
	spinlock_t *lock = rstmon_lock(b);
	struct rstmon_conn *c, *head, *link;
	int s;

	*evicted = false;
	if (atomic_read(&rn->conns) >= netns_max) {
		if (!rstmon_conn_evict(rn, b, net->ns.inum)) {
			*err = RSTMON_CONN_NETNS_FULL;
			return NULL;
		}
		*evicted = true;
	}
	if (atomic_read(&rstmon_nr) >= rstmon_max) {
		if (!rstmon_conn_evict(rn, b, 0)) {
			*err = RSTMON_CONN_FULL;
			return NULL;
		}
		*evicted = true;
	}

	c = rstmon_conn_alloc(net, seg, dir, &s);
	if (!c) {
		*err = RSTMON_CONN_NOMEM;
		return NULL;
	}

	spin_lock_bh(lock);
	head = rcu_dereference_protected(rstmon_hash[b], lockdep_is_held(lock));
	for (link = head; link;
	     link = rcu_dereference_protected(rstmon_link_ptr(link)->next, lockdep_is_held(lock))) {
		struct rstmon_conn *old = rstmon_link_ptr(link);
		int os;

		/* Another key's tag: another connection, unread. */
		if (rstmon_link_tag(link) != tag)
			continue;
		os = rstmon_conn_side(old, net, seg);
		if (os >= 0) {
			spin_unlock_bh(lock);
			kmem_cache_free(rstmon_conn_cache, c);
			*side = os;
			return old;
		}
	}
	/* Checked again under the lock: other CPUs insert too. */
	if (atomic_inc_return(&rstmon_nr) > rstmon_max) {
		atomic_dec(&rstmon_nr);
		*err = RSTMON_CONN_FULL;
		goto full;
	}
	if (atomic_inc_return(&rn->conns) > netns_max) {
		atomic_dec(&rn->conns);
		atomic_dec(&rstmon_nr);
		*err = RSTMON_CONN_NETNS_FULL;
		goto full;
	}
	/* The old head's link (its tag and MORE) moves on into @c. */
	rcu_assign_pointer(c->next, head);
	rcu_assign_pointer(rstmon_hash[b], rstmon_link_make(c, tag, !!head));
	spin_unlock_bh(lock);
	*side = s;
	return c;
full:
	spin_unlock_bh(lock);
	kmem_cache_free(rstmon_conn_cache, c);
	return NULL;
}

/**
 * rstmon_conn_reused() - does @seg start a new connection on @c's 4-tuple?
 * @c: the entry @seg was found in
 * @side: the side that sent @seg
 * @seg: the segment
 *
 * The originator's new SYN on a finished connection: its 4-tuple was
 * reused (a TIME_WAIT socket recycled, a client bound to a fixed port).
 * Return: true when @c should be replaced (rstmon_conn_renew()).
 */
bool rstmon_conn_reused(const struct rstmon_conn *c, int side, const struct rstmon_seg *seg)
{
	return side == RSTMON_ORIG &&
	       (seg->flags & (RSTMON_TCP_SYN | RSTMON_TCP_ACK)) == RSTMON_TCP_SYN &&
	       rstmon_conn_state(c) >= RSTMON_ST_CLOSING &&
	       seg->seq != READ_ONCE(c->isn[RSTMON_ORIG]);
}

/**
 * rstmon_conn_renew() - replace a finished connection's entry by a new one.
 * @net: namespace the segment was seen in
 * @seg: the new connection's SYN (rstmon_conn_reused() said so)
 * @hash: its hash, rstmon_conn_hash()
 * @old: the finished connection's entry
 * @dir: where @seg was seen
 * @side: set to the side that sent @seg
 *
 * The new connection starts from nothing: the old one's FINs, data and
 * RST would misname its resets, and its data would amend the old RST into
 * an injection.  The new entry takes the old one's place in the chain
 * under the bucket lock, so the counts do not change; readers holding
 * @old keep a consistent old connection until their grace period ends.
 * Context: RCU read side.
 * Return: the entry for @seg (another CPU's, if it renewed @old first),
 * or NULL when no memory was left (@old stays).
 */
struct rstmon_conn *rstmon_conn_renew(struct net *net, const struct rstmon_seg *seg,
				      u32 hash, struct rstmon_conn *old,
				      enum rstmon_dir dir, int *side)
{
	unsigned int b = hash & rstmon_hash_mask;
	struct rstmon_conn __rcu **pprev = &rstmon_hash[b];
	spinlock_t *lock = rstmon_lock(b);
	struct rstmon_conn *link, *new;
	int s;

	new = rstmon_conn_alloc(net, seg, dir, &s);
	if (!new)
		return NULL;
	spin_lock_bh(lock);
	while ((link = rcu_dereference_protected(*pprev, lockdep_is_held(lock)))) {
		if (rstmon_link_ptr(link) == old)
			break;
		pprev = &rstmon_link_ptr(link)->next;
	}
	if (!link) {
		/* Another CPU replaced or removed it first. */
		spin_unlock_bh(lock);
		kmem_cache_free(rstmon_conn_cache, new);
		return rstmon_conn_find(net, seg, hash, side);
	}
	/* Same key, same tag; @old's successor is @new's, and so is MORE. */
	rcu_assign_pointer(new->next, rcu_dereference_protected(old->next, lockdep_is_held(lock)));
	rcu_assign_pointer(*pprev, rstmon_link_make(new, rstmon_hash_tag(hash),
						    rstmon_link_more(link)));
	atomic_or(RSTMON_CF_DEAD << RSTMON_B_CF_SHIFT, &old->bits);
	call_rcu(&old->rcu, rstmon_conn_free_rcu);
	spin_unlock_bh(lock);
	*side = s;
	return new;
}

static enum rstmon_ipid_mode rstmon_ipid_mode(const struct rstmon_side *s, u8 mode,
					      u16 ipid)
{
	u16 last = READ_ONCE(s->ipid), delta = ipid - last;

	if (!READ_ONCE(s->segs))
		return RSTMON_IPID_UNKNOWN;
	if (ipid == 0 && last == 0 &&
	    (mode == RSTMON_IPID_UNKNOWN || mode == RSTMON_IPID_ZERO))
		return RSTMON_IPID_ZERO;
	if (delta > 0 && delta < 1024 && mode != RSTMON_IPID_RANDOM &&
	    mode != RSTMON_IPID_ZERO)
		return RSTMON_IPID_INCR;
	return RSTMON_IPID_RANDOM;
}

/*
 * &rstmon_conn.bits after side @side sent @seg, from @old: its flags, the
 * other side's LAST_DATA, the state.  @sf_add: flags found outside the
 * word (RSTMON_SF_TTL_VARIED).  A pure function, so a failed exchange
 * computes it again from the word that beat it.
 */
static u32 rstmon_bits_next(u32 old, int side, const struct rstmon_seg *seg, u8 sf_add)
{
	u8 sf = rstmon_bits_sflags(old, side) | sf_add, of = rstmon_bits_sflags(old, !side);
	u8 st = rstmon_bits_state(old);

	if (seg->flags & RSTMON_TCP_SYN) {
		sf |= RSTMON_SF_SYN;
		if ((seg->flags & RSTMON_TCP_ACK) && st == RSTMON_ST_SYN_SENT)
			st = RSTMON_ST_SYN_RECV;
	} else if ((seg->flags & RSTMON_TCP_ACK) && st == RSTMON_ST_SYN_RECV &&
		   side == RSTMON_ORIG) {
		st = RSTMON_ST_ESTABLISHED;
	}
	if (seg->payload) {
		sf |= RSTMON_SF_DATA | RSTMON_SF_LAST_DATA;
		if (of & RSTMON_SF_FIN)
			sf |= RSTMON_SF_DATA_AFTER_FIN;
		of &= ~RSTMON_SF_LAST_DATA;
		if (st < RSTMON_ST_ESTABLISHED)
			st = RSTMON_ST_ESTABLISHED;
		if (sf & RSTMON_SF_RST)
			sf |= RSTMON_SF_AFTER_RST;
	}
	if ((seg->flags & RSTMON_TCP_FIN) && st < RSTMON_ST_CLOSED)
		st = (of & RSTMON_SF_FIN) ? RSTMON_ST_CLOSING : RSTMON_ST_FIN_WAIT;
	if (seg->flags & RSTMON_TCP_FIN)
		sf |= RSTMON_SF_FIN;
	/* The receiver of a challenged RST spoke: its answer is in. */
	if (of & RSTMON_SF_RST)
		old &= ~((u32)RSTMON_CF_CHALLENGE << RSTMON_B_CF_SHIFT);
	return (old & RSTMON_B_CF_MASK) | (u32)st << RSTMON_B_STATE_SHIFT |
	       (u32)sf << RSTMON_B_SF_SHIFT(side) | (u32)of << RSTMON_B_SF_SHIFT(!side);
}

/**
 * rstmon_conn_update() - account a (non-RST) segment to its connection.
 * @c: the connection
 * @side: the side that sent @seg
 * @seg: the segment
 * @now: jiffies
 *
 * Context: RCU read side; lockless (the contract at the top of this file).
 * Return: the bits of &rstmon_conn.bits this segment set (RSTMON_B_*):
 * exactly one CPU sees a given flag set, e.g. a side's AFTER_RST; and
 * RSTMON_CF_CHALLENGE (shifted) when this segment cleared that one: it is
 * the first of the receiver of an RST predicted challenged.
 */
u32 rstmon_conn_update(struct rstmon_conn *c, int side,
		       const struct rstmon_seg *seg, u32 now)
{
	struct rstmon_side *s = &RSTMON_SIDE(c, side);
	u32 end = seg->seq + seg->payload + !!(seg->flags & RSTMON_TCP_SYN) +
		  !!(seg->flags & RSTMON_TCP_FIN);
	u16 segs = READ_ONCE(s->segs);
	u8 opts = READ_ONCE(c->opts[side]), opts0 = opts;
	u32 old, new;
	u8 sf_add = 0;

	if (!segs) {
		WRITE_ONCE(c->isn[side], seg->seq);
		WRITE_ONCE(s->nxt, end);
		WRITE_ONCE(c->first[side], now);
		WRITE_ONCE(c->ttl[side], seg->ttl);
	} else {
		if (after(end, READ_ONCE(s->nxt)))
			WRITE_ONCE(s->nxt, end);
		if (seg->ttl != READ_ONCE(c->ttl[side]))
			sf_add |= RSTMON_SF_TTL_VARIED;
	}
	if (seg->family == AF_INET) {
		opts = (opts & ~RSTMON_CO_IPID_MASK) |
		       rstmon_ipid_mode(s, (opts & RSTMON_CO_IPID_MASK) >> RSTMON_CO_IPID_SHIFT,
					seg->ipid) << RSTMON_CO_IPID_SHIFT;
		if (READ_ONCE(s->ipid) != seg->ipid)
			WRITE_ONCE(s->ipid, seg->ipid);
	}
	if (READ_ONCE(s->last) != now)
		WRITE_ONCE(s->last, now);
	if (READ_ONCE(s->win) != seg->window)
		WRITE_ONCE(s->win, seg->window);
	if (segs != U16_MAX)
		WRITE_ONCE(s->segs, segs + 1);
	if (seg->flags & RSTMON_TCP_SYN) {
		WRITE_ONCE(c->isn[side], seg->seq);
		if (seg->opts & RSTMON_OPT_MSS)
			WRITE_ONCE(s->mss, seg->mss);
		if (seg->opts & RSTMON_OPT_WSCALE)
			opts = (opts & ~RSTMON_CO_WSCALE_MASK) | min_t(u8, seg->wscale, 14);
	}
	if (opts != opts0)
		WRITE_ONCE(c->opts[side], opts);

	old = atomic_read(&c->bits);
	RSTMON_TEST_RACE_POINT(c);
	do {
		new = rstmon_bits_next(old, side, seg, sf_add);
		if (new == old)
			return 0;
	} while (!atomic_try_cmpxchg(&c->bits, &old, new));
	if ((new & ~old) & (RSTMON_SF_FIN << RSTMON_B_SF_SHIFT(side)))
		WRITE_ONCE(c->fin[side], now);
	return (new & ~old) | (old & ~new & (u32)RSTMON_CF_CHALLENGE << RSTMON_B_CF_SHIFT);
}

/* Raise side @side's rhythm level to @lvl: written only when it grows. */
static void rstmon_rhythm_raise(struct rstmon_conn *c, int side, u8 lvl)
{
	u8 opts = READ_ONCE(c->opts[side]);

	if (lvl > opts >> RSTMON_CO_RHYTHM_SHIFT)
		WRITE_ONCE(c->opts[side], (opts & ~(3 << RSTMON_CO_RHYTHM_SHIFT)) |
					  lvl << RSTMON_CO_RHYTHM_SHIFT);
}

/*
 * No silence that ended by @now can have lasted floor / 2 (rhythm level 0,
 * which raises nothing) since @last, the latest segment of a side that
 * ends or answers it: the other side's facts (its own cache line) need
 * not be read.
 */
static bool rstmon_rhythm_short(u32 last, u32 now, u32 floor)
{
	return (s32)(now - last) < (s32)(floor / 2);
}

/**
 * rstmon_conn_rhythm() - side @side of @c is about to send a segment: note
 * the silence it answers.
 * @c: the connection
 * @side: the segment's sender
 * @now: jiffies, read before the segment's entry was looked up
 * @floor: the namespace's idle floor, jiffies (rstmon_idle_floor())
 *
 * The other side's latest segment came after this side's previous one:
 * this side answers a silence that the other side ended, at least from
 * this side's previous segment to the other's latest.  The connection
 * survived it.  Its level (module/idle.h) only grows, in two bits of this
 * side's &rstmon_conn.opts, written only when it grows: a high-water field
 * of the contract, and a lost update keeps a lower level (the rhythm rule
 * then reads more silences as idle timeouts; the threshold is unchanged).
 *
 * The other side's latest segment as of @now came at @now or before, so
 * when this side's previous one is less than floor / 2 before @now the
 * silence is of level 0 and the other side's cache line is not read: a
 * segment of a busy connection reads only its own side's line (and, for
 * the originator, that is the key's).  The other side's segment written
 * since @now is one this read may miss anyway (a stale read, allowed).
 * Called before rstmon_conn_update(), which moves this side's last.
 * Context: RCU read side; lockless.
 */
void rstmon_conn_rhythm(struct rstmon_conn *c, int side, u32 now, u32 floor)
{
	u32 mine = READ_ONCE(RSTMON_SIDE(c, side).last);
	u32 theirs;

	if (rstmon_rhythm_short(mine, now, floor) || !READ_ONCE(RSTMON_SIDE(c, side).segs))
		return;
	theirs = READ_ONCE(RSTMON_SIDE(c, !side).last);
	if (!READ_ONCE(RSTMON_SIDE(c, !side).segs) || (s32)(theirs - mine) <= 0)
		return;
	rstmon_rhythm_raise(c, side, rstmon_rhythm_level(theirs - mine, floor));
}

/**
 * rstmon_conn_rhythm_quiet() - a received segment of side @side ended a
 *	silence of the whole connection: it crossed, so the connection
 *	survived it.
 * @c: the connection
 * @side: the segment's sender (the peer of this host)
 * @now: jiffies
 * @floor: the namespace's idle floor, jiffies
 *
 * The receiving end's view of rstmon_conn_rhythm(), for local connections
 * whose answering segment may skip the table (module/sockpath.c); called
 * after rstmon_conn_sync() and before rstmon_conn_update().  The level is
 * the high-water field of rstmon_conn_rhythm().
 * Context: RCU read side; lockless.
 */
void rstmon_conn_rhythm_quiet(struct rstmon_conn *c, int side, u32 now, u32 floor)
{
	u32 mine = READ_ONCE(RSTMON_SIDE(c, side).last), theirs, last;

	/* The connection's latest segment is no earlier than this side's. */
	if (rstmon_rhythm_short(mine, now, floor) || !READ_ONCE(RSTMON_SIDE(c, side).segs))
		return;
	theirs = READ_ONCE(RSTMON_SIDE(c, !side).last);
	last = (s32)(theirs - mine) > 0 ? theirs : mine;
	if (!READ_ONCE(RSTMON_SIDE(c, !side).segs) || (s32)(now - last) <= 0)
		return;
	rstmon_rhythm_raise(c, side, rstmon_rhythm_level(now - last, floor));
}

/* &rstmon_conn.bits with the payload facts of @y added (rstmon_conn_sync()). */
static u32 rstmon_bits_sync(u32 old, const struct rstmon_sync *y)
{
	u8 sf[2] = { rstmon_bits_sflags(old, 0), rstmon_bits_sflags(old, 1) };
	int v = y->last_data;

	if (y->side[0].data)
		sf[0] |= RSTMON_SF_DATA;
	if (y->side[1].data)
		sf[1] |= RSTMON_SF_DATA;
	if (v != RSTMON_SIDE_NONE && (sf[v] & RSTMON_SF_DATA)) {
		sf[v] |= RSTMON_SF_LAST_DATA;
		sf[!v] &= ~RSTMON_SF_LAST_DATA;
	}
	return (old & ~0xffffU) | (u32)sf[0] << RSTMON_B_SF_SHIFT(0) |
	       (u32)sf[1] << RSTMON_B_SF_SHIFT(1);
}

/**
 * rstmon_conn_sync() - bring @c up to what its local socket knows.
 * @c: the connection
 * @y: the socket's view (rstmon_sock_sync())
 * @now: jiffies
 *
 * Each per-segment field only moves forward (nxt, last and segs; the
 * window is the latest), under the contract's rules for it: the socket
 * path's segments are accounted as if the table had seen them.  A side
 * not yet seen keeps waiting for its first segment, which sets its
 * baselines.  The payload flags go through &rstmon_conn.bits like any
 * segment's.
 * Context: RCU read side; lockless.
 */
void rstmon_conn_sync(struct rstmon_conn *c, const struct rstmon_sync *y, u32 now)
{
	u32 old, new;
	int v;

	if (!READ_ONCE(RSTMON_SIDE(c, 0).segs) || !READ_ONCE(RSTMON_SIDE(c, 1).segs))
		return;
	for (v = 0; v < 2; v++) {
		struct rstmon_side *s = &RSTMON_SIDE(c, v);
		u16 segs = READ_ONCE(s->segs);

		if (after(y->side[v].nxt, READ_ONCE(s->nxt)))
			WRITE_ONCE(s->nxt, y->side[v].nxt);
		/* A socket's stamps start at 0 when never set. */
		if ((s32)(y->side[v].last - READ_ONCE(s->last)) > 0 &&
		    (s32)(now - y->side[v].last) >= 0)
			WRITE_ONCE(s->last, y->side[v].last);
		if (y->side[v].segs > segs)
			WRITE_ONCE(s->segs, min_t(u32, y->side[v].segs, U16_MAX));
		if (y->side[v].win != READ_ONCE(s->win))
			WRITE_ONCE(s->win, y->side[v].win);
	}
	old = atomic_read(&c->bits);
	do {
		new = rstmon_bits_sync(old, y);
		if (new == old)
			return;
	} while (!atomic_try_cmpxchg(&c->bits, &old, new));
}

/**
 * rstmon_conn_rst_in() - side @side of @c sent an RST.
 * @c: the connection
 * @side: the RST's sender
 * @now: jiffies
 * @accepted: &enum rstmon_accepted of the RST (received ones; NA otherwise)
 * @lives: the receiver's socket ignored or challenged it and lives on
 *
 * Its RST flag and the CLOSED state are set in one exchange: neither is
 * lost to a segment another CPU accounts at the same time.  An RST that
 * @lives leaves the state as it was (the connection goes on) and, when
 * challenged, sets RSTMON_CF_CHALLENGE for the receiver's answer; any
 * other clears it.
 * Context: RCU read side; lockless.
 */
void rstmon_conn_rst_in(struct rstmon_conn *c, int side, u32 now, u8 accepted, bool lives)
{
	const u32 chal = (u32)RSTMON_CF_CHALLENGE << RSTMON_B_CF_SHIFT;
	u32 old = atomic_read(&c->bits), new;

	WRITE_ONCE(RSTMON_SIDE(c, side).last, now);
	RSTMON_TEST_RACE_POINT(c);
	do {
		new = (old & ~chal) | (u32)RSTMON_SF_RST << RSTMON_B_SF_SHIFT(side);
		if (!lives)
			new = (new & ~RSTMON_B_STATE_MASK) |
			      (u32)RSTMON_ST_CLOSED << RSTMON_B_STATE_SHIFT;
		else if (accepted == RSTMON_ACCEPTED_CHALLENGED)
			new |= chal;
	} while (new != old && !atomic_try_cmpxchg(&c->bits, &old, new));
}

static bool rstmon_conn_expired(const struct rstmon_conn *c, unsigned long now)
{
	u32 l0 = READ_ONCE(RSTMON_SIDE(c, 0).last), l1 = READ_ONCE(RSTMON_SIDE(c, 1).last);
	bool s0 = READ_ONCE(RSTMON_SIDE(c, 0).segs), s1 = READ_ONCE(RSTMON_SIDE(c, 1).segs);
	u8 st = rstmon_conn_state(c);
	unsigned int timeout;
	u32 last;

	/* The later of the sides heard from, compared in 32 bits: jiffies
	 * wrap, so the larger number is not always the later time.
	 */
	if (s0 && s1)
		last = (s32)(l1 - l0) > 0 ? l1 : l0;
	else if (s0 || s1)
		last = s0 ? l0 : l1;
	else
		last = rstmon_conn_created(c);
	if (st == RSTMON_ST_SYN_SENT || st == RSTMON_ST_SYN_RECV)
		timeout = READ_ONCE(rstmon_params.syn_timeout);
	else if (!(s0 && s1))
		timeout = min(rstmon_timeouts[st], RSTMON_ONE_SIDED_TIMEOUT);
	else
		timeout = rstmon_timeouts[st];
	return (s32)((u32)now - last) > (s32)(timeout * HZ);
}

/* Remove the entries of bucket @b that @match selects.  Returns how many. */
typedef bool (*rstmon_conn_match_t)(const struct rstmon_conn *c, const void *arg);

static unsigned int rstmon_bucket_reap(unsigned int b, rstmon_conn_match_t match,
				       const void *arg)
{
	struct rstmon_conn __rcu **pprev = &rstmon_hash[b], **pred_link = NULL;
	spinlock_t *lock = rstmon_lock(b);
	struct rstmon_conn *link;
	unsigned int n = 0;

	if (!rcu_access_pointer(*pprev))
		return 0;
	spin_lock_bh(lock);
	while ((link = rcu_dereference_protected(*pprev, lockdep_is_held(lock)))) {
		struct rstmon_conn *c = rstmon_link_ptr(link);

		if (match(c, arg)) {
			rstmon_conn_unlink(pred_link, pprev, c);
			n++;
		} else {
			pred_link = pprev;
			pprev = &c->next;
		}
	}
	spin_unlock_bh(lock);
	return n;
}

static bool rstmon_match_expired(const struct rstmon_conn *c, const void *arg)
{
	return rstmon_conn_expired(c, *(const unsigned long *)arg);
}

static void rstmon_gc(struct work_struct *work)
{
	unsigned int slice = max(RSTMON_GC_MIN_SLICE,
				 (rstmon_hash_mask + 1) / RSTMON_GC_PASS_RUNS);
	unsigned int b = rstmon_gc_cursor, i;
	unsigned long now = jiffies;

	slice = min(slice, rstmon_hash_mask + 1);
	for (i = 0; i < slice; i++, b = (b + 1) & rstmon_hash_mask) {
		rstmon_bucket_reap(b, rstmon_match_expired, &now);
		if (!(i % 256))
			cond_resched();
	}
	rstmon_gc_cursor = b;
	queue_delayed_work(system_power_efficient_wq, &rstmon_gc_work,
			   RSTMON_GC_INTERVAL);
}

static bool rstmon_match_nets(const struct rstmon_conn *c, const void *list)
{
	const struct net *net;

	list_for_each_entry(net, (const struct list_head *)list, exit_list)
		if (c->net_id == net->ns.inum)
			return true;
	return false;
}

static bool rstmon_match_net(const struct rstmon_conn *c, const void *net_id)
{
	return c->net_id == *(const u32 *)net_id;
}

/**
 * rstmon_conn_flush_nets() - drop every entry of dying namespaces.
 * @net_exit_list: the namespaces (linked by exit_list), whose hooks are
 *	already unregistered
 *
 * One walk of the table serves the whole batch.
 * Context: process context (namespace exit); sleeps.
 */
void rstmon_conn_flush_nets(struct list_head *net_exit_list)
{
	unsigned int b;

	for (b = 0; b <= rstmon_hash_mask; b++) {
		rstmon_bucket_reap(b, rstmon_match_nets, net_exit_list);
		if (!(b % 1024))
			cond_resched();
	}
}

/**
 * rstmon_conn_net_add() - let entries of @net find its state.
 * @net: a namespace being set up, before its hooks are registered
 * @rn: rstmon's state in it
 *
 * Context: process context; allocates.
 * Return: 0, or -ENOMEM.
 */
int rstmon_conn_net_add(struct net *net, struct rstmon_net *rn)
{
	return xa_insert(&rstmon_nets, net->ns.inum, rn, GFP_KERNEL);
}

/**
 * rstmon_conn_net_del() - forget @net and drop its entries.
 * @net: the namespace, whose hooks are unregistered and done (a grace
 *	period has passed since)
 *
 * The rule: no entry outlives its namespace's place in rstmon_nets, or its
 * unlink (GC, eviction, module exit) finds no state to uncount it from.
 * A dying batch was flushed at once (rstmon_conn_flush_nets()); a
 * namespace whose init failed after its hooks ran is flushed here.
 * Context: process context; sleeps when it has entries to drop.
 */
void rstmon_conn_net_del(struct net *net)
{
	struct rstmon_net *rn = rstmon_pernet_by_id(net->ns.inum);
	u32 net_id = net->ns.inum;
	unsigned int b;

	if (rn && atomic_read(&rn->conns)) {
		for (b = 0; b <= rstmon_hash_mask; b++) {
			rstmon_bucket_reap(b, rstmon_match_net, &net_id);
			if (!(b % 1024))
				cond_resched();
		}
	}
	xa_erase(&rstmon_nets, net_id);
}

/**
 * rstmon_pernet_by_id() - rstmon's state of a namespace with entries.
 * @net_id: its inode number (net->ns.inum)
 *
 * Context: any.
 * Return: the state; NULL only for a namespace that was never added.
 */
struct rstmon_net *rstmon_pernet_by_id(u32 net_id)
{
	return xa_load(&rstmon_nets, net_id);
}

/**
 * rstmon_conn_walk() - visit the entries of one namespace, resumably.
 * @net: the namespace
 * @pos: where to start: pos[0] the bucket, pos[1] how many of the
 *	namespace's entries in it were visited already; updated to where
 *	the walk stopped
 * @fn: called for each entry under RCU; a non-zero return stops the walk
 *	before that entry (it is visited again when the walk resumes)
 * @arg: passed to @fn
 *
 * Entries added or removed in a bucket between two calls can make a
 * resumed walk skip or repeat one of that bucket's entries.
 * Context: process context (yields between buckets).
 * Return: true when the walk stopped early, false at the table's end.
 */
bool rstmon_conn_walk(const struct net *net, unsigned long *pos,
		      int (*fn)(const struct rstmon_conn *c, void *arg), void *arg)
{
	unsigned long b;

	for (b = pos[0]; b <= rstmon_hash_mask; b++, pos[1] = 0) {
		const struct rstmon_conn *c, *link;
		unsigned long i = 0;

		rcu_read_lock();
		for (link = rcu_dereference(rstmon_hash[b]); link;
		     link = rcu_dereference(c->next)) {
			c = rstmon_link_ptr(link);
			if (c->net_id != net->ns.inum ||
			    (rstmon_conn_cflags(c) & RSTMON_CF_DEAD))
				continue;
			if (i++ < pos[1])
				continue;
			if (fn(c, arg)) {
				rcu_read_unlock();
				pos[0] = b;
				pos[1] = i - 1;
				return true;
			}
		}
		rcu_read_unlock();
		if (!(b % 1024))
			cond_resched();
	}
	pos[0] = b;
	pos[1] = 0;
	return false;
}

unsigned int rstmon_conn_count(void)
{
	return atomic_read(&rstmon_nr);
}

/* max_conns; 0 until the table is set up at load. */
unsigned int rstmon_conn_limit(void)
{
	return READ_ONCE(rstmon_max);
}

/*
 * Default limit for a machine of @pages pages of RAM, scaled as
 * nf_conntrack scales its table: one entry per 128 KiB up to 1 GiB, 65536
 * above 1 GiB, 262144 above 4 GiB on 64-bit; never below 1024.  At 128
 * bytes an entry, the table takes at most 1/1024 of memory (32 MiB).
 */
static unsigned int rstmon_scaled_max(unsigned long pages)
{
	unsigned long n = (pages << PAGE_SHIFT) / 16384 / sizeof(struct hlist_head);

	if (BITS_PER_LONG >= 64 && pages > (4UL << (30 - PAGE_SHIFT)))
		n = 262144;
	else if (pages > (1UL << (30 - PAGE_SHIFT)))
		n = 65536;
	return clamp_t(unsigned long, n, 1024, 262144);
}

int rstmon_conn_init(void)
{
	unsigned int i, buckets;

	BUILD_BUG_ON(sizeof(struct rstmon_conn) > 128);
	/* A link's low bits: MORE and a tag of at least 4 bits. */
	BUILD_BUG_ON(!is_power_of_2(RSTMON_CONN_ALIGN) ||
		     __alignof__(struct rstmon_conn) > RSTMON_CONN_ALIGN ||
		     RSTMON_TAG_BITS < 4 || (RSTMON_LINK_MASK >> 1) >> RSTMON_TAG_BITS);
	/*
	 * A segment of a tracked IPv4 connection touches the first line only.
	 * The layout is made for 64-bit; on 32-bit the entry is smaller.
	 */
	BUILD_BUG_ON(IS_ENABLED(CONFIG_64BIT) && offsetof(struct rstmon_conn, rcu) != 64);
	/* The two directions write their sides in lines of their own. */
	BUILD_BUG_ON(IS_ENABLED(CONFIG_64BIT) &&
		     ((offsetof(struct rstmon_conn, orig) ^
		       (offsetofend(struct rstmon_conn, orig) - 1)) >= 64 ||
		      (offsetof(struct rstmon_conn, resp) ^
		       (offsetofend(struct rstmon_conn, resp) - 1)) >= 64 ||
		      RSTMON_SIDE_STRIDE < 64));

	rstmon_max = rstmon_params.max_conns ?: rstmon_scaled_max(totalram_pages());
	if (rstmon_params.netns_max_conns > rstmon_max) {
		pr_err("netns_max_conns=%u is out of range: it must be 0 (half of max_conns) or 1..%u (max_conns)\n",
		       rstmon_params.netns_max_conns, rstmon_max);
		return -EINVAL;
	}
	rstmon_params.max_conns = rstmon_max;
	if (!rstmon_params.netns_max_conns)
		rstmon_params.netns_max_conns = rstmon_max / 2;
	/*
	 * The bucket is the hash's low bits, the tag its top RSTMON_TAG_BITS:
	 * they must not meet.  main.c caps max_conns at 16 Mi (24 bits of
	 * buckets), so this bound never bites.
	 */
	buckets = min_t(unsigned long, roundup_pow_of_two(rstmon_max),
			1UL << (32 - RSTMON_TAG_BITS));
	rstmon_hash = kvmalloc_array(buckets, sizeof(*rstmon_hash), GFP_KERNEL);
	if (!rstmon_hash) {
		pr_err("cannot allocate a hash table of %u buckets for max_conns=%u\n",
		       buckets, rstmon_max);
		return -ENOMEM;
	}
	/*
	 * Every bucket is written here, through the table's own mapping, as
	 * nf_conntrack initialises its table: no first touch of a page is left
	 * for the packet path (UML maps a vmalloc page on its first access).
	 */
	for (i = 0; i < buckets; i++) {
		RCU_INIT_POINTER(rstmon_hash[i], NULL);
		if (!(i % 65536))
			cond_resched();
	}
	rstmon_hash_mask = buckets - 1;
	for (i = 0; i < RSTMON_LOCKS; i++)
		spin_lock_init(&rstmon_locks[i]);
	get_random_bytes(&rstmon_hash_key, sizeof(rstmon_hash_key));

	/* Aligned so, a link has its low bits for a tag and MORE. */
	rstmon_conn_cache = kmem_cache_create(RSTMON_CONN_CACHE_NAME, sizeof(struct rstmon_conn),
					      RSTMON_CONN_ALIGN, SLAB_HWCACHE_ALIGN, NULL);
	if (!rstmon_conn_cache) {
		pr_err("cannot create the connection cache\n");
		kvfree(rstmon_hash);
		return -ENOMEM;
	}
	INIT_DEFERRABLE_WORK(&rstmon_gc_work, rstmon_gc);
	queue_delayed_work(system_power_efficient_wq, &rstmon_gc_work,
			   RSTMON_GC_INTERVAL);
	return 0;
}

/* After every namespace was flushed (pernet exit). */
void rstmon_conn_exit(void)
{
	cancel_delayed_work_sync(&rstmon_gc_work);
	WARN_ON_ONCE(atomic_read(&rstmon_nr));
	/* Every call_rcu() of rstmon_conn_unlink() must have run. */
	rcu_barrier();
	kmem_cache_destroy(rstmon_conn_cache);
	kvfree(rstmon_hash);
}
