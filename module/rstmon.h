/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: internal definitions shared by the module's files.
 */
#ifndef _RSTMON_H
#define _RSTMON_H

#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/cache.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/rstmon.h>

#include "event.h"
#include "attr.h"

#define RSTMON_VERSION "0.3.0"

/* idle_threshold's range, seconds (the parameter and netlink) */
#define RSTMON_IDLE_MIN		1U
#define RSTMON_IDLE_MAX		(7U * 24 * 3600)
/* Seconds a half-open entry lives without a segment (syn_timeout). */
#define RSTMON_SYN_TIMEOUT_MIN	1U
#define RSTMON_SYN_TIMEOUT_MAX	3600U
/* event_ring's range (the parameter and netlink) */
#define RSTMON_EVENT_RING_MIN	16U
#define RSTMON_EVENT_RING_MAX	65536U
/* notifications per second and namespace: default and range */
#define RSTMON_NOTIFY_RATE_DEFAULT	1000U
#define RSTMON_NOTIFY_RATE_MAX		1000000U

/* struct rstmon_net.families: what the hooks look at */
#define RSTMON_FAM_IPV4		BIT(0)
#define RSTMON_FAM_IPV6		BIT(1)

/**
 * enum rstmon_stat - per-namespace counters, kept per CPU.
 * @RSTMON_STAT_SEG_IN: TCP segments received for local delivery
 * @RSTMON_STAT_SEG_OUT: TCP segments sent by this host
 * @RSTMON_STAT_SEG_FWD: TCP segments forwarded by this host
 * @RSTMON_STAT_RST4_IN: IPv4 RSTs received
 * @RSTMON_STAT_RST4_OUT: IPv4 RSTs sent by this host
 * @RSTMON_STAT_RST4_FWD: IPv4 RSTs forwarded
 * @RSTMON_STAT_RST6_IN: IPv6 RSTs received
 * @RSTMON_STAT_RST6_OUT: IPv6 RSTs sent by this host
 * @RSTMON_STAT_RST6_FWD: IPv6 RSTs forwarded
 * @RSTMON_STAT_MALFORMED: segments whose headers could not be parsed
 *	(truncated, lying lengths, bad data offset, ...); passed untouched
 * @RSTMON_STAT_FRAGMENT: TCP fragments without a TCP header; passed
 * @RSTMON_STAT_UNTRACKED: new connections not tracked: the table was full
 * @RSTMON_STAT_EVICTED: half-open entries evicted to make room
 * @RSTMON_STAT_NOMEM: entries that could not be allocated
 * @RSTMON_STAT_RST_UNTRACKED: RSTs of connections not in the table
 * @RSTMON_STAT_AMENDED: events turned into injections by later evidence
 * @RSTMON_STAT_KDISAGREE: RSTs sent here whose cause the kernel's own
 *	reason contradicts
 * @RSTMON_STAT_ONE_WAY: forwarded RSTs of connections seen one way only
 *	(asymmetric routing)
 * @RSTMON_STAT_BYPASSED: forwarded RSTs of connections whose segments
 *	partly bypassed the hooks (flowtable offload)
 * @RSTMON_STAT_NAT: RSTs of translated connections
 * @RSTMON_STAT_NOTIFY_DROPPED: event notifications not sent (rate limit,
 *	memory)
 * @RSTMON_STAT_NETNS_FULL: new connections not tracked: the namespace
 *	held netns_max_conns entries and none of its own was evictable
 * @RSTMON_STAT_RST_UNLOGGED: RSTs of connections not in the table counted
 *	but neither classified nor logged: past untracked_rst_rate on their
 *	CPU (see rstmon_untracked_rst_allowed())
 * @RSTMON_STAT_RST_ACCEPTED: RSTs received that reset a local connection
 * @RSTMON_STAT_RST_IGNORED: RSTs received that the stack ignored
 * @RSTMON_STAT_RST_CHALLENGED: RSTs received that got a challenge ACK
 * @RSTMON_STAT_SOCK_PATH: segments of local connections accounted from
 *	their socket, without a table access (module/sockpath.c)
 * @RSTMON_STAT_NR: number of counters
 *
 * The SEG and RST counters are indexed as base + direction, see
 * rstmon_stat_seg() and rstmon_stat_rst().
 */
enum rstmon_stat {
	RSTMON_STAT_SEG_IN,
	RSTMON_STAT_SEG_OUT,
	RSTMON_STAT_SEG_FWD,
	RSTMON_STAT_RST4_IN,
	RSTMON_STAT_RST4_OUT,
	RSTMON_STAT_RST4_FWD,
	RSTMON_STAT_RST6_IN,
	RSTMON_STAT_RST6_OUT,
	RSTMON_STAT_RST6_FWD,
	RSTMON_STAT_MALFORMED,
	RSTMON_STAT_FRAGMENT,
	RSTMON_STAT_UNTRACKED,
	RSTMON_STAT_EVICTED,
	RSTMON_STAT_NOMEM,
	RSTMON_STAT_RST_UNTRACKED,
	RSTMON_STAT_AMENDED,
	RSTMON_STAT_KDISAGREE,
	RSTMON_STAT_ONE_WAY,
	RSTMON_STAT_BYPASSED,
	RSTMON_STAT_NAT,
	RSTMON_STAT_NOTIFY_DROPPED,
	RSTMON_STAT_NETNS_FULL,
	RSTMON_STAT_RST_UNLOGGED,
	RSTMON_STAT_RST_ACCEPTED,
	RSTMON_STAT_RST_IGNORED,
	RSTMON_STAT_RST_CHALLENGED,
	RSTMON_STAT_SOCK_PATH,
	RSTMON_STAT_NR
};

/**
 * struct rstmon_stats - one CPU's share of a namespace's counters.
 * @c: counters indexed by &enum rstmon_stat
 * @cause: RSTs by direction and cause
 * @syncp: on 32-bit, makes a reader on another CPU retry while the owning
 *	CPU writes one of the u64s (two words there); empty on 64-bit
 * @untracked_start: jiffies at which this CPU's current second of logged
 *	untracked RSTs began (rstmon_untracked_rst_allowed())
 * @untracked_n: untracked RSTs logged by this CPU in that second
 *
 * Written only by the owning CPU, with rstmon_count() and
 * rstmon_count_cause(); readers sum all CPUs with rstmon_stat_sum() and
 * rstmon_cause_sum().  No shared cache line is written per packet.
 */
struct rstmon_stats {
	u64 c[RSTMON_STAT_NR];
	u64 cause[__RSTMON_DIR_MAX][__RSTMON_CAUSE_MAX];
	struct u64_stats_sync syncp;
	unsigned long untracked_start;
	unsigned int untracked_n;
};

/* Slots of the attention bitmap: 2^RSTMON_ATTN_SHIFT, two bits each. */
#define RSTMON_ATTN_SHIFT	11

/**
 * struct rstmon_attn - local sockets whose segments must take the table
 *	(module/sockpath.c).
 * @bits: two bits per slot (hash of the socket's address), one per
 *	generation; set with atomic_long_or() by an RST's path, read by
 *	every segment that could skip the table
 * @next: jiffies of the next change of generation (try_cmpxchg() elects
 *	the one CPU that makes it)
 * @gen: the generation new bits go to (store-release after the older one
 *	was cleared, load-acquire before setting)
 */
struct rstmon_attn {
	atomic_long_t bits[BITS_TO_LONGS(2 << RSTMON_ATTN_SHIFT)];
	unsigned long next;
	unsigned int gen;
};

/**
 * struct rstmon_net - rstmon's state in one network namespace.
 * @net: the namespace
 * @stats: per-CPU counters
 * @idle_threshold: seconds of silence read as an idle timeout here (0: the
 *	module parameter's)
 * @notify_rate: notifications per second allowed
 * @families: RSTMON_FAM_* tracked here
 * @alive: set (release) once the namespace's init has completed, cleared
 *	in its pre_exit; see rstmon_pernet_live()
 * @conns: entries of this namespace in the connection table
 * @evict_failed: jiffies of the last search for an entry to evict, made
 *	for a new connection of this namespace, that found none; until the
 *	next jiffy its new connections do not search (READ_ONCE/WRITE_ONCE:
 *	a stale value costs one search more or less)
 * @evict_sweep: the next bucket of this namespace's sweep for an entry to
 *	evict, after the buckets near the new connection's (READ_ONCE/
 *	WRITE_ONCE: two CPUs may sweep the same buckets once)
 * @attn: the sockets whose segments must take the table
 * @ring: recent RST events
 * @notify_start: jiffies at which the current second of notifications began
 * @notify_n: notifications sent in it
 * @cgstats: RSTs by the cgroup of the local socket
 *
 * Laid out by who writes: the first cache line is read by every segment
 * and written only by settings; @conns, @evict_failed and @evict_sweep
 * change when entries come and go; @attn is read by every segment of a local
 * connection and written by RSTs; the ring, notification and cgroup
 * counters are written by RSTs only.  The settings change through netlink
 * (serialised by the genetlink lock, the family not being parallel) and
 * are read with READ_ONCE().
 */
struct rstmon_net {
	struct net *net;
	struct rstmon_stats __percpu *stats;
	unsigned int idle_threshold;
	unsigned int notify_rate;
	u8 families;
	bool alive;
	atomic_t conns ____cacheline_aligned_in_smp;
	unsigned long evict_failed;
	unsigned int evict_sweep;
	struct rstmon_attn attn ____cacheline_aligned_in_smp;
	struct rstmon_ring ring ____cacheline_aligned_in_smp;
	unsigned long notify_start;
	unsigned int notify_n;
	struct rstmon_cgstats cgstats;
};

/**
 * struct rstmon_params - module parameters, validated at load.
 * @max_conns: connection table limit (0 at load means "scale to memory")
 * @netns_max_conns: entries one namespace may hold (0 at load: half of
 *	@max_conns)
 * @event_ring: events kept per namespace
 * @idle_threshold: seconds of silence after which an RST is read as an
 *	idle timeout
 * @syn_timeout: seconds a half-open entry (SYN sent or received) is kept
 *	after its last segment; shorter sheds a SYN flood's entries sooner
 */
struct rstmon_params {
	unsigned int max_conns;
	unsigned int netns_max_conns;
	unsigned int event_ring;
	unsigned int idle_threshold;
	unsigned int syn_timeout;
};

extern struct rstmon_params rstmon_params;
extern unsigned int rstmon_net_id;

/*
 * rstmon_pernet() - rstmon's state in @net, for the paths that cannot meet
 * a namespace whose state is not (or no longer) set up: the netfilter
 * hooks (registered last by the namespace's init, unregistered first by
 * its pre_exit), and netlink and /proc/net/rstmon, whose callers hold a
 * reference on a namespace whose init has completed (a socket, an open
 * file), and which are gone before the state at module unload.
 */
static inline struct rstmon_net *rstmon_pernet(const struct net *net)
{
	return net_generic(net, rstmon_net_id);
}

/**
 * rstmon_pernet_live() - rstmon's state in @net, if it is set up.
 * @net: any namespace, also one still being set up or dismantled
 *
 * The rule for every path that reaches per-namespace state from outside
 * the hooks, netlink and /proc (the tcp_send_reset tracepoint fires for
 * any namespace, also while it is created or dismantled): look it up with
 * this, and use it only inside the same RCU read-side section (a
 * tracepoint probe's preempt-disabled section is one).  A namespace's
 * state is zeroed until its init completes; @alive is set last, with
 * release.  Pernet exits run in the reverse order of registration, so
 * TCP can still send resets after rstmon's exit has freed the state:
 * pre_exit clears @alive, and the namespace core waits a grace period
 * (synchronize_rcu(), in cleanup_net(), in the unregistration of the
 * pernet operations and in their init's unwind, since 5.x) between the
 * pre_exits and the exits that free.
 *
 * Context: RCU read side.
 * Return: the state, or NULL.
 */
static inline struct rstmon_net *rstmon_pernet_live(const struct net *net)
{
	struct rstmon_net *rn = net_generic(net, rstmon_net_id);

	/* Pairs with the release in rstmon_net_init(): the state is set up. */
	return smp_load_acquire(&rn->alive) ? rn : NULL;
}

/* Seconds of silence that make an idle timeout in @rn's namespace. */
static inline unsigned int rstmon_idle_threshold(const struct rstmon_net *rn)
{
	return READ_ONCE(rn->idle_threshold) ?: READ_ONCE(rstmon_params.idle_threshold);
}

/*
 * The rule for the per-CPU u64 counters: one read by another CPU must not
 * tear.  On 64-bit this_cpu_inc() is one instruction and a u64 one word:
 * nothing more is needed, and the per-packet cost stays one increment.
 * On 32-bit a u64 is two words: the write is a u64_stats_sync write
 * section, entered with interrupts off so that no other writer on this
 * CPU (the hooks run in process and softirq context, the tcp_send_reset
 * probe in any) nests in it, and readers (rstmon_stat_sum(),
 * rstmon_cause_sum()) retry until they saw no writer.
 */
#if BITS_PER_LONG == 32
static inline struct rstmon_stats *rstmon_stats_write_begin(struct rstmon_net *rn,
							    unsigned long *flags)
{
	struct rstmon_stats *st;

	local_irq_save(*flags);
	st = this_cpu_ptr(rn->stats);
	u64_stats_update_begin(&st->syncp);
	return st;
}

static inline void rstmon_stats_write_end(struct rstmon_stats *st, unsigned long flags)
{
	u64_stats_update_end(&st->syncp);
	local_irq_restore(flags);
}
#endif

static inline void rstmon_count(struct rstmon_net *rn, enum rstmon_stat s)
{
#if BITS_PER_LONG == 64
	this_cpu_inc(rn->stats->c[s]);
#else
	unsigned long flags;
	struct rstmon_stats *st = rstmon_stats_write_begin(rn, &flags);

	st->c[s]++;
	rstmon_stats_write_end(st, flags);
#endif
}

/* An RST of @cause seen in direction @dir; see rstmon_count(). */
static inline void rstmon_count_cause(struct rstmon_net *rn, unsigned int dir,
				      unsigned int cause)
{
#if BITS_PER_LONG == 64
	this_cpu_inc(rn->stats->cause[dir][cause]);
#else
	unsigned long flags;
	struct rstmon_stats *st = rstmon_stats_write_begin(rn, &flags);

	st->cause[dir][cause]++;
	rstmon_stats_write_end(st, flags);
#endif
}

u64 rstmon_stat_sum(const struct rstmon_net *rn, enum rstmon_stat s);
u64 rstmon_cause_sum(const struct rstmon_net *rn, unsigned int dir, unsigned int cause);

/* netns.c */
int rstmon_netns_init(void);
void rstmon_netns_exit(void);

/* hooks.c */
int rstmon_hooks_register(struct net *net);
void rstmon_hooks_unregister(struct net *net);

/* proc.c */
int rstmon_proc_init(struct net *net);
void rstmon_proc_exit(struct net *net);

#endif /* _RSTMON_H */
