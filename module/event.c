// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: the per-namespace ring of recent RST events.
 *
 * RSTs are rare next to segments, so one spinlock per namespace guards the
 * ring; when full, the oldest event is overwritten and counted.
 */
#include <linux/slab.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/rstmon.h>
#include <net/ipv6.h>

#include "conn.h"
#include "event.h"

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
	r->ev = kvcalloc(size, sizeof(*r->ev), GFP_KERNEL_ACCOUNT);
	return r->ev ? 0 : -ENOMEM;
}

void rstmon_ring_free(struct rstmon_ring *r)
{
	kvfree(r->ev);
	r->ev = NULL;
}

/* Store @ev; returns the id it was given.  Any context. */
u64 rstmon_ring_add(struct rstmon_ring *r, struct rstmon_event *ev)
{
	unsigned long flags;
	u64 id;

	spin_lock_irqsave(&r->lock, flags);
	id = r->next_id++;
	ev->id = id;
	r->ev[rstmon_ring_slot(id, r->size)] = *ev;
	spin_unlock_irqrestore(&r->lock, flags);
	return id;
}

/* Oldest id still in the ring (== next id when the ring is empty). */
static u64 rstmon_ring_oldest_locked(const struct rstmon_ring *r)
{
	return max(r->first, r->next_id > r->size ? r->next_id - r->size : 1);
}

/**
 * rstmon_ring_resize() - give a ring another number of slots.
 * @r: the ring
 * @size: slots wanted
 *
 * The newest events that fit are kept, with their ids; readers in the
 * middle of a dump see the ones that are gone as overwritten.
 * Context: process; callers serialise resizes.
 * Return: 0, or -ENOMEM with the ring unchanged.
 */
int rstmon_ring_resize(struct rstmon_ring *r, u32 size)
{
	struct rstmon_event *ev, *old;
	unsigned long flags;
	u64 id;

	if (size == READ_ONCE(r->size))
		return 0;
	ev = kvcalloc(size, sizeof(*ev), GFP_KERNEL_ACCOUNT);
	if (!ev)
		return -ENOMEM;
	spin_lock_irqsave(&r->lock, flags);
	id = rstmon_ring_oldest_locked(r);
	if (r->next_id - id > size)
		id = r->next_id - size;
	r->first = id;
	for (; id < r->next_id; id++)
		ev[rstmon_ring_slot(id, size)] = r->ev[rstmon_ring_slot(id, r->size)];
	old = r->ev;
	r->ev = ev;
	WRITE_ONCE(r->size, size);
	spin_unlock_irqrestore(&r->lock, flags);
	kvfree(old);
	return 0;
}

u64 rstmon_ring_oldest(struct rstmon_ring *r)
{
	unsigned long flags;
	u64 oldest;

	spin_lock_irqsave(&r->lock, flags);
	oldest = rstmon_ring_oldest_locked(r);
	spin_unlock_irqrestore(&r->lock, flags);
	return oldest;
}

/*
 * Events logged so far.  Under the lock: a u64 read by another CPU tears
 * on 32-bit.
 */
u64 rstmon_ring_logged(struct rstmon_ring *r)
{
	unsigned long flags;
	u64 logged;

	spin_lock_irqsave(&r->lock, flags);
	logged = r->next_id - 1;
	spin_unlock_irqrestore(&r->lock, flags);
	return logged;
}

/* Copy event @id out; false if it was overwritten or not yet logged. */
bool rstmon_ring_get(struct rstmon_ring *r, u64 id, struct rstmon_event *ev)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&r->lock, flags);
	ok = id >= rstmon_ring_oldest_locked(r) && id < r->next_id;
	if (ok)
		*ev = r->ev[rstmon_ring_slot(id, r->size)];
	spin_unlock_irqrestore(&r->lock, flags);
	return ok;
}

/*
 * The newest of the last @limit events that @match accepts.  Ring lock
 * held.
 */
static struct rstmon_event *
rstmon_ring_find_locked(struct rstmon_ring *r, unsigned int limit,
			bool (*match)(const struct rstmon_event *ev,
				      const struct rstmon_event *key),
			const struct rstmon_event *key)
{
	u64 oldest = rstmon_ring_oldest_locked(r);
	u64 id;

	lockdep_assert_held(&r->lock);
	for (id = r->next_id - 1; id >= oldest && id && limit; id--, limit--) {
		struct rstmon_event *ev = &r->ev[rstmon_ring_slot(id, r->size)];

		if (match(ev, key))
			return ev;
	}
	return NULL;
}

static bool rstmon_match_tuple(const struct rstmon_event *ev, const struct rstmon_event *key)
{
	return ev->dir == key->dir && ev->sport == key->sport && ev->dport == key->dport &&
	       ipv6_addr_equal(&ev->src, &key->src) && ipv6_addr_equal(&ev->dst, &key->dst);
}

/*
 * The sender of an RST kept sending: the RST was not its own.  Turn the
 * most recent event of that connection and sender into an injection, with
 * the evidence, instead of logging a silent second opinion.
 */
bool rstmon_ring_amend_injected(struct rstmon_ring *r, const struct rstmon_event *key)
{
	struct rstmon_event *ev;
	unsigned long flags;

	spin_lock_irqsave(&r->lock, flags);
	ev = rstmon_ring_find_locked(r, r->size, rstmon_match_tuple, key);
	if (ev) {
		ev->sender = RSTMON_SENDER_MIDDLEBOX;
		ev->cause = RSTMON_CAUSE_INJECTED;
		ev->confidence = RSTMON_CONF_LIKELY;
		ev->evidence |= RSTMON_EV_DATA_AFTER;
	}
	spin_unlock_irqrestore(&r->lock, flags);
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
	unsigned long flags;

	spin_lock_irqsave(&r->lock, flags);
	ev = rstmon_ring_find_locked(r, 32, rstmon_match_burst, key);
	if (ev && ev->sender != RSTMON_SENDER_LOCAL && ev->sender != RSTMON_SENDER_FIREWALL) {
		ev->sender = RSTMON_SENDER_MIDDLEBOX;
		ev->cause = RSTMON_CAUSE_INJECTED;
		ev->confidence = RSTMON_CONF_LIKELY;
		ev->evidence |= RSTMON_EV_RST_BURST;
	} else {
		ev = NULL;
	}
	spin_unlock_irqrestore(&r->lock, flags);
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
	unsigned long flags;

	spin_lock_irqsave(&r->lock, flags);
	ev = rstmon_ring_find_locked(r, 16, rstmon_match_socket_rst, key);
	if (ev) {
		ev->kreason = kreason;
		ev->evidence |= RSTMON_EV_KREASON;
		if (!agrees(kreason, ev->cause)) {
			ev->evidence |= RSTMON_EV_KDISAGREE;
			disagree = true;
		}
	}
	spin_unlock_irqrestore(&r->lock, flags);
	return disagree;
}
