/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: idle timeouts from the evidence, and failover after silence.
 *
 * An idle timeout is not one number.  Besides idle_threshold, the silence
 * before an RST is compared with:
 *
 *  - the connection's own rhythm: the longest silence it had survived
 *    before (one side ended it and the other answered), kept per side on a
 *    coarse scale of four levels in two bits of &rstmon_conn.opts
 *    (rstmon_conn_rhythm()); a silence well above it, and at least the
 *    floor (a tenth of idle_threshold, 30 s by default, so that a chatty
 *    connection's pause does not count), is one no middlebox had let pass
 *    on this connection before;
 *  - the well-known idle timeouts: Azure Load Balancer's 240 s and AWS
 *    NLB's and NAT gateway's 350 s, from T to T + 10 % + 5 s (the device's
 *    timer granularity and the time to the next segment);
 *  - for a local reject rule's RST, the namespace's own conntrack
 *    established timeout (a silence at least that long means conntrack
 *    forgot the connection: a new or invalid segment met the rule).
 *
 * Everything here is pure but rstmon_ct_established(), which reads the
 * namespace's conntrack setting.
 */
#ifndef _RSTMON_IDLE_H
#define _RSTMON_IDLE_H

#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/types.h>
#include <linux/rstmon.h>
#include <net/net_namespace.h>
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <net/netfilter/nf_conntrack_l4proto.h>
#endif

/*
 * Rhythm levels: the longest silence a side ended and the other answered,
 * against the floor F: 0 below F/2, 1 below 2F, 2 below 8F, 3 beyond.
 */
#define RSTMON_RHYTHM_LEVELS	4

/* The floor, in jiffies, for an idle_threshold in jiffies. */
static inline u32 rstmon_idle_floor(u32 idle_threshold)
{
	return idle_threshold / 10;
}

static inline u8 rstmon_rhythm_level(u32 gap, u32 floor)
{
	if (gap >= 8 * floor)
		return 3;
	if (gap >= 2 * floor)
		return 2;
	if (gap >= floor / 2)
		return 1;
	return 0;
}

/* A silence of level @level was shorter than this (U32_MAX: no bound). */
static inline u32 rstmon_rhythm_bound(u8 level, u32 floor)
{
	switch (level) {
	case 0:
		return floor / 2;
	case 1:
		return 2 * floor;
	case 2:
		return 8 * floor;
	default:
		return U32_MAX;
	}
}

/*
 * Is a silence of @idle well above a rhythm of @level: at least the floor
 * and twice what the connection had survived?
 */
static inline bool rstmon_rhythm_contrast(u32 idle, u8 level, u32 floor)
{
	u32 bound = rstmon_rhythm_bound(level, floor);

	return floor && bound != U32_MAX && idle >= floor && idle / 2 >= bound;
}

/* Is @idle jiffies within the window of a timeout of @secs seconds? */
static inline bool rstmon_idle_near(u32 idle, u32 secs)
{
	u32 t = secs * HZ;

	return idle >= t && idle <= t + t / 10 + 5 * HZ;
}

/* The well-known idle timeouts, in seconds. */
#define RSTMON_IDLE_AZURE_LB_S	240U
#define RSTMON_IDLE_AWS_S	350U

/*
 * Which well-known timeout @idle matches, given that the connection had
 * survived silences of @level (a timeout it had outlived is not it).
 * Return: RSTMON_IDLE_MATCH_AZURE_LB_240, _AWS or _NONE; *@secs is set.
 */
static inline u8 rstmon_idle_known(u32 idle, u8 level, u32 floor, u32 *secs)
{
	static const struct {
		u8 match;
		u16 secs;
	} known[] = {
		{ RSTMON_IDLE_MATCH_AZURE_LB_240, RSTMON_IDLE_AZURE_LB_S },
		{ RSTMON_IDLE_MATCH_AWS_350, RSTMON_IDLE_AWS_S },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		/* Level @level's silences were at least the previous bound. */
		u32 survived = level ? rstmon_rhythm_bound(level - 1, floor) : 0;

		if (rstmon_idle_near(idle, known[i].secs) && survived < known[i].secs * HZ) {
			*secs = known[i].secs;
			return known[i].match;
		}
	}
	return RSTMON_IDLE_MATCH_NONE;
}

/*
 * TTL starts (255, 128, 64, 32) and the hops a TTL travelled from the
 * nearest one at or above it.
 */
static inline u8 rstmon_ttl_start(u8 ttl)
{
	if (ttl > 128)
		return 255;
	if (ttl > 64)
		return 128;
	return ttl > 32 ? 64 : 32;
}

/* Where an RST's TTL puts its sender against the side's baseline. */
enum rstmon_ttl_rel {
	RSTMON_TTL_SAME,
	RSTMON_TTL_CLOSER,	/* same start, fewer hops: on the path */
	RSTMON_TTL_FARTHER,	/* same start, more hops: beyond the old host */
	RSTMON_TTL_OTHER,	/* another start: another kind of host */
};

static inline enum rstmon_ttl_rel rstmon_ttl_rel(u8 ttl, u8 base)
{
	if (ttl == base)
		return RSTMON_TTL_SAME;
	if (rstmon_ttl_start(ttl) != rstmon_ttl_start(base))
		return RSTMON_TTL_OTHER;
	return ttl > base ? RSTMON_TTL_CLOSER : RSTMON_TTL_FARTHER;
}

/**
 * rstmon_ct_established() - conntrack's established timeout in @net.
 * @net: the namespace
 *
 * nf_tcp_pernet() is an inline reading struct net (6.1 to 7.2): rstmon
 * does not depend on nf_conntrack.  Without nf_conntrack loaded the value
 * is 0 (struct net is zeroed).
 * Return: jiffies, 0 when unknown.
 */
static inline u32 rstmon_ct_established(struct net *net)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	return READ_ONCE(nf_tcp_pernet(net)->timeouts[TCP_CONNTRACK_ESTABLISHED]);
#else
	return 0;
#endif
}

#endif /* _RSTMON_IDLE_H */
