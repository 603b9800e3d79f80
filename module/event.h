/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: RST events and the per-namespace ring of recent ones.
 */
#ifndef _RSTMON_EVENT_H
#define _RSTMON_EVENT_H

#include <linux/types.h>
#include <linux/in6.h>
#include <linux/spinlock.h>
#include <linux/rstmon.h>

struct rstmon_net;

/**
 * struct rstmon_nat - a packet's addresses before and after NAT.
 * @pre_src: source before translation (IPv4 mapped)
 * @pre_dst: destination before translation
 * @post_src: source after translation
 * @post_dst: destination after translation
 * @pre_sport: ports, network order
 * @pre_dport: see @pre_sport
 * @post_sport: see @pre_sport
 * @post_dport: see @pre_sport
 */
struct rstmon_nat {
	struct in6_addr pre_src;
	struct in6_addr pre_dst;
	struct in6_addr post_src;
	struct in6_addr post_dst;
	__be16 pre_sport;
	__be16 pre_dport;
	__be16 post_sport;
	__be16 post_dport;
};

/**
 * struct rstmon_event - one classified RST.
 * @id: sequence number in its namespace, from 1
 * @tstamp: wall-clock time, ns since the epoch
 * @src: source address as the RST travels (IPv4 mapped)
 * @dst: destination address
 * @sport: source port, network order
 * @dport: destination port, network order
 * @seq: the RST's sequence number
 * @ack: its acknowledgment number (meaningful with RSTMON_EV_ACK)
 * @idle_ms: silence on the connection before the RST
 * @age_ms: age of the connection's entry
 * @bytes: payload bytes sent by the RST's sender [0] and receiver [1]
 * @fin_ago_ms: time since the FIN of the sender [0] and the receiver [1]
 *	(meaningful with the matching bit of @fin)
 * @segs: segments sent by the sender [0] and receiver [1]
 * @evidence: RSTMON_EV_* flags
 * @family: AF_INET or AF_INET6
 * @dir: &enum rstmon_dir
 * @sender: &enum rstmon_sender
 * @cause: &enum rstmon_cause
 * @confidence: &enum rstmon_confidence
 * @state: &enum rstmon_state of the connection before the RST (0xff: none)
 * @ttl: TTL or hop limit of the RST
 * @ttl_base: baseline TTL of the sender's side (0: none)
 * @seqchk: &enum rstmon_seqchk
 * @kreason: the kernel's own reason (enum sk_rst_reason + 1; 0: unknown)
 * @side: 0 if the RST's sender opened the connection, 1 if it accepted it,
 *	2 if unknown
 * @fin: bit 0: the sender had sent a FIN, bit 1: the receiver had
 * @nat: with RSTMON_EV_NAT, the RST's addresses and ports before (as it
 *	entered this host's translation) and after (as it left it)
 * @cgroup_id: cgroup v2 id of the local socket's owner (0: none, unknown)
 * @netns_inum: inode number of the namespace the RST passed in
 * @uid: the local socket's owner, a kuid (meaningful with @has_uid)
 * @lport: this host's port, network order (0: forwarded)
 * @listen_port: the listening port of a server-side local socket, network
 *	order (0: none)
 * @sock: &enum rstmon_sock
 * @has_uid: @uid is set
 * @accepted: &enum rstmon_accepted (received RSTs; module/accept.c)
 * @closed_first: &enum rstmon_side_of of the side that closed first, with
 *	%RSTMON_CAUSE_DATA_AFTER_CLOSE (%RSTMON_SIDE_UNKNOWN otherwise)
 * @rst_payload_kept: bytes of @rst_payload held (fewer than
 *	@rst_payload_len when cut at %RSTMON_RST_PAYLOAD_MAX)
 * @rst_payload_len: the RST's payload length (0: none)
 * @rst_payload: its first @rst_payload_kept bytes (with the four fields
 *	above, the event is 256 bytes: see rstmon_ring_init())
 * @idle_match: &enum rstmon_idle_match: what @idle_ms matched
 * @alt_cause: &enum rstmon_cause: the other candidate (0: none)
 * @idle_match_s: seconds of the timeout @idle_match names
 */
struct rstmon_event {
	u64 id;
	u64 tstamp;
	struct in6_addr src;
	struct in6_addr dst;
	__be16 sport;
	__be16 dport;
	u32 seq;
	u32 ack;
	u32 idle_ms;
	u32 age_ms;
	u32 bytes[2];
	u32 fin_ago_ms[2];
	u16 segs[2];
	u32 evidence;
	u8 family;
	u8 dir;
	u8 sender;
	u8 cause;
	u8 confidence;
	u8 state;
	u8 ttl;
	u8 ttl_base;
	u8 seqchk;
	u8 kreason;
	u8 side;
	u8 fin;
	struct rstmon_nat nat;
	u64 cgroup_id;
	u32 netns_inum;
	u32 uid;
	__be16 lport;
	__be16 listen_port;
	u8 sock;
	u8 has_uid;
	u8 accepted;
	u8 closed_first;
	u8 rst_payload_kept;
	u8 idle_match;
	u8 alt_cause;
	u32 rst_payload_len;
	u32 idle_match_s;
	u8 rst_payload[RSTMON_RST_PAYLOAD_MAX];
};

/*
 * The ring's bounds, in events: no critical section of its lock copies or
 * scans more than RSTMON_RING_CHUNK events (a resize copies in chunks of
 * that many, dropping the lock between them), and an injection amendment
 * looks at the RSTMON_RING_AMEND_SCAN most recent events of the namespace.
 */
#define RSTMON_RING_CHUNK	256U
#define RSTMON_RING_AMEND_SCAN	512U

/* untracked_rst_rate: default and range (RSTs per second, CPU, namespace) */
#define RSTMON_UNTRACKED_RST_RATE_DEFAULT	1000U
#define RSTMON_UNTRACKED_RST_RATE_MAX		1000000U

/**
 * struct rstmon_ring - the most recent events of a namespace.
 * @lock: serialises writers and readers' copies; taken with BH disabled
 * @size: slots in @ev
 * @next_id: id of the next event (ids start at 1)
 * @first: no event before this id is kept (a resize dropped them)
 * @ev: the slots; event id N lives in slot N % @size
 * @rs_ev: while a resize copies: the new slots (NULL otherwise)
 * @rs_size: slots in @rs_ev
 * @rs_from: oldest id the resize keeps
 * @rs_to: events @rs_from up to this id are in @rs_ev already; an
 *	amendment of one of them is made in both
 */
struct rstmon_ring {
	spinlock_t lock;	/* writers, and readers' copies */
	u32 size;
	u64 next_id;
	u64 first;
	struct rstmon_event *ev;
	struct rstmon_event *rs_ev;
	u32 rs_size;
	u64 rs_from;
	u64 rs_to;
};

int rstmon_ring_init(struct rstmon_ring *r, u32 size);
void rstmon_ring_free(struct rstmon_ring *r);
int rstmon_ring_resize(struct rstmon_ring *r, u32 size);
u64 rstmon_ring_add(struct rstmon_ring *r, struct rstmon_event *ev);
bool rstmon_ring_get(struct rstmon_ring *r, u64 id, struct rstmon_event *ev);
u64 rstmon_ring_oldest(struct rstmon_ring *r);
u64 rstmon_ring_logged(struct rstmon_ring *r);
bool rstmon_ring_amend_injected(struct rstmon_ring *r, const struct rstmon_event *key);
bool rstmon_ring_amend_burst(struct rstmon_ring *r, const struct rstmon_event *key);
bool rstmon_ring_amend_challenge(struct rstmon_ring *r, const struct rstmon_event *key);
bool rstmon_ring_amend_kreason(struct rstmon_ring *r, const struct rstmon_event *key,
			       u8 kreason, bool (*agrees)(u8 kreason, u8 cause));

extern unsigned int rstmon_untracked_rst_rate;
bool rstmon_untracked_rst_allowed(struct rstmon_net *rn);

#endif /* _RSTMON_EVENT_H */
