// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: the per-namespace ring of recent RST events.
 *
 * RSTs are rare next to segments, so one spinlock per namespace guards the
 * ring; when full, the oldest event is overwritten and counted.
 *
 * Locking: the lock is taken with BH disabled (spin_lock_bh()), never with
 * interrupts off: nothing touches a ring in hard IRQ context.  Its users
 * are the netfilter hooks (softirq, or process context under RCU for what
 * this host sends), the tcp_send_reset tracepoint's probe for a full
 * socket's reset (tcp_send_active_reset(): process context, or the TCP
 * timers' softirq; TCP never runs in hard IRQ), and netlink and
 * /proc/net/rstmon (process context).  Disabling BH keeps a softirq on the
 * same CPU from spinning on a lock its CPU holds; lockdep checks that no
 * hard-IRQ user appears.
 *
 * Every critical section is bounded: one event stored or copied out, an
 * amendment's scan of at most RSTMON_RING_AMEND_SCAN events (32 and 16 for
 * the others), or one chunk of at most RSTMON_RING_CHUNK events of a
 * resize, which copies with the lock dropped between chunks.
 *
 * RSTs of connections not in the table (anyone can forge them, from
 * anywhere) are logged up to untracked_rst_rate per second, CPU and
 * namespace (rstmon_untracked_rst_allowed()): a flood of them on many CPUs
 * takes this lock at a bounded rate, the rest are only counted per CPU.
 */
#include <linux/slab.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/bottom_half.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/rstmon.h>
#include <net/ipv6.h>

#include "rstmon.h"
#include "conn.h"
#include "event.h"

/* The module parameter untracked_rst_rate (main.c); 0: no limit. */
unsigned int rstmon_untracked_rst_rate = RSTMON_UNTRACKED_RST_RATE_DEFAULT;

/*
 * The slot of event @id in a ring of @size slots.  Ids are u64: the rule
 * is that a u64 is never divided with "/" or "%" (32-bit kernels have no
 * __umoddi3), only with the math64.h helpers.
 */
static u32 rstmon_ring_slot(u64 id, u32 size)
{
	u32 slot;

	div_u64_rem(id, size, &slot);
	return slot;
}

int rstmon_ring_init(struct rstmon_ring *r, u32 size)
{
	spin_lock_init(&r->lock);
	r->size = size;
	r->next_id = 1;
	r->first = 1;
	r->rs_ev = NULL;
	r->rs_size = 0;
	r->rs_from = 0;
	r->rs_to = 0;
	/* The smallest ring is one page: one slab object, no vmalloc(). */
	BUILD_BUG_ON(RSTMON_EVENT_RING_MIN * sizeof(*r->ev) > PAGE_SIZE);
	r->ev = kvcalloc(size, sizeof(*r->ev), GFP_KERNEL_ACCOUNT);
	return r->ev ? 0 : -ENOMEM;
}

void rstmon_ring_free(struct rstmon_ring *r)
{
	kvfree(r->ev);
	r->ev = NULL;
	kvfree(r->rs_ev);
	r->rs_ev = NULL;
}

/* Store @ev; returns the id it was given.  Process or softirq context. */
u64 rstmon_ring_add(struct rstmon_ring *r, struct rstmon_event *ev)
{
	u64 id;

	spin_lock_bh(&r->lock);
	id = r->next_id++;
	ev->id = id;
	r->ev[rstmon_ring_slot(id, r->size)] = *ev;
	spin_unlock_bh(&r->lock);
	return id;
}

/* Oldest id still in the ring (== next id when the ring is empty). */
static u64 rstmon_ring_oldest_locked(const struct rstmon_ring *r)
{
	return max(r->first, r->next_id > r->size ? r->next_id - r->size : 1);
}

/* Start a resize: the new slots, nothing copied yet. */
static int rstmon_ring_resize_begin(struct rstmon_ring *r, u32 size)
{
	struct rstmon_event *ev;

	ev = kvcalloc(size, sizeof(*ev), GFP_KERNEL_ACCOUNT);
	if (!ev)
		return -ENOMEM;
	spin_lock_bh(&r->lock);
	r->rs_ev = ev;
	r->rs_size = size;
	r->rs_from = rstmon_ring_oldest_locked(r);
	r->rs_to = r->rs_from;
	spin_unlock_bh(&r->lock);
	return 0;
}

/*
 * Copy @n events from id @id on into the new slots, walking both rings'
 * slots (one division each, not one per event).  Ring lock held.
 */
static void rstmon_ring_copy_locked(struct rstmon_ring *r, u64 id, u32 n)
{
	u32 s = rstmon_ring_slot(id, r->size), d = rstmon_ring_slot(id, r->rs_size);

	lockdep_assert_held(&r->lock);
	while (n--) {
		r->rs_ev[d] = r->ev[s];
		if (++s == r->size)
			s = 0;
		if (++d == r->rs_size)
			d = 0;
	}
}

/*
 * One step of a resize, under the lock: copy at most RSTMON_RING_CHUNK
 * events; once what is left fits in one chunk, copy it and switch to the
 * new slots.  Events overwritten before they were copied are gone (with
 * all before them: ids stay contiguous), and so are those that no longer
 * fit; @catch_up, when writers have outrun the copy for long enough,
 * keeps only the newest chunk so that this step switches.
 * Return: the old slots, for the caller to free, once switched; NULL
 * while there is more to copy.
 */
static struct rstmon_event *rstmon_ring_resize_step(struct rstmon_ring *r, bool catch_up)
{
	struct rstmon_event *old = NULL;
	u64 end, keep, stop;

	spin_lock_bh(&r->lock);
	end = r->next_id;
	keep = rstmon_ring_oldest_locked(r);
	if (end - keep > r->rs_size)
		keep = end - r->rs_size;
	if (catch_up && end - keep > RSTMON_RING_CHUNK)
		keep = end - RSTMON_RING_CHUNK;
	if (r->rs_from < keep)
		r->rs_from = keep;
	if (r->rs_to < r->rs_from)
		r->rs_to = r->rs_from;
	stop = min(end, r->rs_to + RSTMON_RING_CHUNK);
	rstmon_ring_copy_locked(r, r->rs_to, stop - r->rs_to);
	r->rs_to = stop;
	if (stop == end) {
		old = r->ev;
		r->ev = r->rs_ev;
		WRITE_ONCE(r->size, r->rs_size);
		/* Never below the old oldest: "overwritten" only grows. */
		r->first = r->rs_from;
		r->rs_ev = NULL;
	}
	spin_unlock_bh(&r->lock);
	return old;
}

/**
 * rstmon_ring_resize() - give a ring another number of slots.
 * @r: the ring
 * @size: slots wanted
 *
 * The newest events that fit are kept, with their ids; readers in the
 * middle of a dump see the ones that are gone as overwritten.  The events
 * are copied in chunks of RSTMON_RING_CHUNK, the lock dropped between
 * them, so writers wait for one chunk at most; what they log meanwhile is
 * copied too, and amendments of events already copied are made in both
 * rings.  After enough chunks for twice the new size the copy stops
 * chasing writers that outrun it and keeps the newest chunk.
 * Context: process; callers serialise resizes.
 * Return: 0, or -ENOMEM with the ring unchanged.
 */
int rstmon_ring_resize(struct rstmon_ring *r, u32 size)
{
	struct rstmon_event *old;
	unsigned int step, steps;
	int err;

	if (size == READ_ONCE(r->size))
		return 0;
	err = rstmon_ring_resize_begin(r, size);
	if (err)
		return err;
	steps = 2 * DIV_ROUND_UP(size, RSTMON_RING_CHUNK) + 2;
	/* Bounded: the step with catch_up set always switches. */
	for (step = 0; !(old = rstmon_ring_resize_step(r, step >= steps)); step++)
		cond_resched();
	kvfree(old);
	return 0;
}

u64 rstmon_ring_oldest(struct rstmon_ring *r)
{
	u64 oldest;

	spin_lock_bh(&r->lock);
	oldest = rstmon_ring_oldest_locked(r);
	spin_unlock_bh(&r->lock);
	return oldest;
}

/*
 * Events logged so far.  Under the lock: a u64 read by another CPU tears
 * on 32-bit.
 */
u64 rstmon_ring_logged(struct rstmon_ring *r)
{
	u64 logged;

	spin_lock_bh(&r->lock);
	logged = r->next_id - 1;
	spin_unlock_bh(&r->lock);
	return logged;
}

/* Copy event @id out; false if it was overwritten or not yet logged. */
bool rstmon_ring_get(struct rstmon_ring *r, u64 id, struct rstmon_event *ev)
{
	bool ok;

	spin_lock_bh(&r->lock);
	ok = id >= rstmon_ring_oldest_locked(r) && id < r->next_id;
	if (ok)
		*ev = r->ev[rstmon_ring_slot(id, r->size)];
	spin_unlock_bh(&r->lock);
	return ok;
}

/*
 * The newest of the last @limit events that @match accepts.  Ring lock
 * held.  One division for the newest slot, then the slots are walked down
 * (a u64 division per step costs a call on 32-bit kernels).
 */
static struct rstmon_event *
rstmon_ring_find_locked(struct rstmon_ring *r, unsigned int limit,
			bool (*match)(const struct rstmon_event *ev,
				      const struct rstmon_event *key),
			const struct rstmon_event *key)
{
	u64 avail = r->next_id - rstmon_ring_oldest_locked(r);
	u32 slot;

	lockdep_assert_held(&r->lock);
	if (avail < limit)
		limit = avail;
	if (!limit)
		return NULL;
	slot = rstmon_ring_slot(r->next_id - 1, r->size);
	for (;;) {
		struct rstmon_event *ev = &r->ev[slot];

		if (match(ev, key))
			return ev;
		if (!--limit)
			return NULL;
		slot = (slot ? slot : r->size) - 1;
	}
}

/*
 * @ev, in the old slots, was amended: if a resize has copied it already,
 * amend the copy too.  Ring lock held.
 */
static void rstmon_ring_amended_locked(struct rstmon_ring *r, const struct rstmon_event *ev)
{
	lockdep_assert_held(&r->lock);
	if (r->rs_ev && ev->id >= r->rs_from && ev->id < r->rs_to)
		r->rs_ev[rstmon_ring_slot(ev->id, r->rs_size)] = *ev;
}

static bool rstmon_match_tuple(const struct rstmon_event *ev, const struct rstmon_event *key)
{
	return ev->dir == key->dir && ev->sport == key->sport && ev->dport == key->dport &&
	       ipv6_addr_equal(&ev->src, &key->src) && ipv6_addr_equal(&ev->dst, &key->dst);
}

/*
 * The peer's stateless answer, nothing in it another sender's: no ACK, at
 * exactly the receiver's expectation, its TTL and IPv4 ID the peer's own,
 * one RST.  When the peer's connection then lives on, its stack answered
 * a segment it did not know as that connection's: addresses that a NAT
 * left untranslated (natinv.c), not a forger.
 */
static bool rstmon_ev_stray_answer(const struct rstmon_event *ev)
{
	return ev->dir != RSTMON_DIR_OUT && ev->sender == RSTMON_SENDER_PEER &&
	       ev->cause == RSTMON_CAUSE_NO_CONNECTION && ev->seqchk == RSTMON_SEQ_EXACT &&
	       !(ev->evidence & (RSTMON_EV_ACK | RSTMON_EV_PAYLOAD | RSTMON_EV_TTL_MISMATCH |
				 RSTMON_EV_IPID_MISMATCH | RSTMON_EV_ZERO_HOP |
				 RSTMON_EV_RST_BURST | RSTMON_EV_REPEATED));
}

/*
 * The sender of an RST kept sending: the RST was not its own.  Turn the
 * most recent event of that connection and sender into an injection, with
 * the evidence, instead of logging a silent second opinion.  Only the
 * RSTMON_RING_AMEND_SCAN most recent events of the namespace are looked
 * at: the scan runs on the hook's path, with the lock held.  An answer to
 * a segment a NAT left untranslated is not an injection: the answering
 * stack's connection lives on under its translated addresses.
 */
bool rstmon_ring_amend_injected(struct rstmon_ring *r, const struct rstmon_event *key)
{
	struct rstmon_event *ev;

	spin_lock_bh(&r->lock);
	ev = rstmon_ring_find_locked(r, RSTMON_RING_AMEND_SCAN, rstmon_match_tuple, key);
	if (ev) {
		if (rstmon_ev_stray_answer(ev)) {
			ev->cause = RSTMON_CAUSE_NAT_INVALID;
			ev->confidence = RSTMON_CONF_LIKELY;
		} else if (ev->cause != RSTMON_CAUSE_NAT_INVALID) {
			ev->sender = RSTMON_SENDER_MIDDLEBOX;
			ev->cause = RSTMON_CAUSE_INJECTED;
			ev->confidence = RSTMON_CONF_LIKELY;
		}
		ev->evidence |= RSTMON_EV_DATA_AFTER;
		rstmon_ring_amended_locked(r, ev);
	}
	spin_unlock_bh(&r->lock);
	return ev;
}

/*
 * An RST of @key's sender with another sequence number than @key's, and no
 * data from the receiver in between (its byte count is the same).  Pure
 * ACKs may come between: an application reading when the first RST
 * arrives has its socket locked, the RST waits in the backlog, and the
 * read sends window updates first.  No ACK makes a real stack answer with
 * a sequence number beyond what it sent, which the caller checked.
 */
static bool rstmon_match_burst(const struct rstmon_event *ev, const struct rstmon_event *key)
{
	return rstmon_match_tuple(ev, key) && ev->bytes[1] == key->bytes[1] &&
	       ev->seq != key->seq;
}

/**
 * rstmon_ring_amend_burst() - is an RST the second of a forger's burst?
 * @r: the ring
 * @key: the new RST: its tuple, direction, sequence number, and in
 *	@key->bytes[1] how many bytes its receiver had sent
 *
 * Looks at the 32 most recent events only: a burst is a matter of
 * moments.  The earlier event found becomes an injection.
 * Return: true when one was found.
 */
bool rstmon_ring_amend_burst(struct rstmon_ring *r, const struct rstmon_event *key)
{
	struct rstmon_event *ev;

	spin_lock_bh(&r->lock);
	ev = rstmon_ring_find_locked(r, 32, rstmon_match_burst, key);
	if (ev && ev->sender != RSTMON_SENDER_LOCAL && ev->sender != RSTMON_SENDER_FIREWALL) {
		ev->sender = RSTMON_SENDER_MIDDLEBOX;
		ev->cause = RSTMON_CAUSE_INJECTED;
		ev->confidence = RSTMON_CONF_LIKELY;
		ev->evidence |= RSTMON_EV_RST_BURST;
		rstmon_ring_amended_locked(r, ev);
	} else {
		ev = NULL;
	}
	spin_unlock_bh(&r->lock);
	return ev;
}

/* A full socket's RST to @key's destination still without a reason. */
static bool rstmon_match_socket_rst(const struct rstmon_event *ev,
				    const struct rstmon_event *key)
{
	return ev->dir == key->dir && (ev->evidence & RSTMON_EV_SOCKET) &&
	       !(ev->evidence & RSTMON_EV_KREASON) && ev->dport == key->dport &&
	       ipv6_addr_equal(&ev->src, &key->src) && ipv6_addr_equal(&ev->dst, &key->dst);
}

/*
 * The kernel gave its reason for an RST a full socket sent, after the RST
 * had passed our hook: set it on the newest such event to @key's
 * destination (its source port may be gone from the socket already).
 * Returns true when the reason contradicts the event's cause (@agrees says
 * which causes a reason allows).
 */
bool rstmon_ring_amend_kreason(struct rstmon_ring *r, const struct rstmon_event *key,
			       u8 kreason, bool (*agrees)(u8 kreason, u8 cause))
{
	struct rstmon_event *ev;
	bool disagree = false;

	spin_lock_bh(&r->lock);
	ev = rstmon_ring_find_locked(r, 16, rstmon_match_socket_rst, key);
	if (ev) {
		ev->kreason = kreason;
		ev->evidence |= RSTMON_EV_KREASON;
		if (!agrees(kreason, ev->cause)) {
			ev->evidence |= RSTMON_EV_KDISAGREE;
			disagree = true;
		}
		rstmon_ring_amended_locked(r, ev);
	}
	spin_unlock_bh(&r->lock);
	return disagree;
}

/*
 * The rate limiter's window: at most @rate takes per second-window (HZ
 * jiffies from the first take after the previous window ended).  A start
 * never set, or a window long past, begins a new one at @now.
 */
static bool rstmon_rate_take(unsigned long *start, unsigned int *n, unsigned int rate,
			     unsigned long now)
{
	if (now - *start >= HZ) {
		*start = now;
		*n = 0;
	}
	if (*n >= rate)
		return false;
	(*n)++;
	return true;
}

/**
 * rstmon_untracked_rst_allowed() - may an RST of no tracked connection be
 *	logged?
 * @rn: the namespace it passed in
 *
 * Up to untracked_rst_rate (0: no limit) per second on this CPU in this
 * namespace.  The state is this CPU's (in its &struct rstmon_stats): no
 * lock and no shared cache line; the caller counts the refused ones
 * (%RSTMON_STAT_RST_UNLOGGED).
 * Context: process or softirq.
 * Return: true to log it.
 */
bool rstmon_untracked_rst_allowed(struct rstmon_net *rn)
{
	unsigned int rate = READ_ONCE(rstmon_untracked_rst_rate);
	struct rstmon_stats *st;
	bool ok;

	if (!rate)
		return true;
	/* The hooks run in process context too: no softirq on this CPU, and
	 * no migration, between the read and the write.
	 */
	local_bh_disable();
	st = this_cpu_ptr(rn->stats);
	ok = rstmon_rate_take(&st->untracked_start, &st->untracked_n, rate, jiffies);
	local_bh_enable();
	return ok;
}

/* @key's challenged RST, not yet confirmed. */
static bool rstmon_match_challenged(const struct rstmon_event *ev,
				    const struct rstmon_event *key)
{
	return rstmon_match_tuple(ev, key) && ev->accepted == RSTMON_ACCEPTED_CHALLENGED &&
	       !(ev->evidence & RSTMON_EV_CHALLENGE_ACK);
}

/**
 * rstmon_ring_amend_challenge() - the receiver of a challenged RST sent
 *	its challenge ACK: the prediction is confirmed.
 * @r: the ring
 * @key: the RST's tuple and direction
 *
 * The ACK leaves while TCP handles the RST, so the event is among the most
 * recent ones: only the last 32 are looked at.
 * Return: true when the event was found.
 */
bool rstmon_ring_amend_challenge(struct rstmon_ring *r, const struct rstmon_event *key)
{
	struct rstmon_event *ev;

	spin_lock_bh(&r->lock);
	ev = rstmon_ring_find_locked(r, 32, rstmon_match_challenged, key);
	if (ev) {
		ev->evidence |= RSTMON_EV_CHALLENGE_ACK;
		rstmon_ring_amended_locked(r, ev);
	}
	spin_unlock_bh(&r->lock);
	return ev;
}
