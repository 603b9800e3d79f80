// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: the socket path.
 *
 * A table lookup per segment costs at least one random cache line, which
 * on a large table is most of what conntrack pays for its whole segment.
 * A local connection does not need it: at LOCAL_OUT skb->sk is the
 * sending socket, and at LOCAL_IN early demux usually supplies the
 * receiving one, and a tcp_sock already keeps what a data segment would
 * write into the entry (snd_nxt, rcv_nxt, segs_in/out, lsndtime,
 * rcv_tstamp, the windows, bytes each way).  So an established
 * connection's data segments skip the table (rstmon_sock_skip()) and the
 * entry keeps what the socket does not: the handshake (ISNs, options, TTL
 * and IPv4 ID baselines), FIN and RST history, the silences survived, and
 * whatever a later RST needs once the socket is closed, orphaned or in
 * TIME_WAIT.
 *
 * The entry is brought up to date from the socket (rstmon_sock_sync())
 * by every segment of a local connection that takes the table with its
 * socket at hand: the sampled ones, FINs, and the RST itself, before it
 * is classified.  A socket leaves ESTABLISHED only through a segment that
 * takes the table (a FIN either way, an RST) or without one (a timeout:
 * then its entry is as old as the last sample, at most 2^6 segments or
 * RSTMON_SOCK_QUIET of the peer's silence behind).
 */
#include <linux/moduleparam.h>

#include "rstmon.h"
#include "conn.h"
#include "sockpath.h"

/* How long an RST keeps a connection's segments on the table: 1-2 periods. */
#define RSTMON_ATTN_PERIOD	(60 * HZ)

bool rstmon_sock_path_on __read_mostly = true;
unsigned long rstmon_sock_from __read_mostly;

/*
 * The first second after the path is switched on (or the module loaded)
 * every segment takes the table: a connection older than rstmon gets its
 * entry from its first segment, as without the path; one silent all that
 * second ends a silence longer than RSTMON_SOCK_QUIET with its next.
 */
void rstmon_sock_path_start(void)
{
	WRITE_ONCE(rstmon_sock_from, jiffies + HZ);
}

/* For /proc: "off", "starting" (its first second) or "on". */
const char *rstmon_sock_path_state(void)
{
	if (!READ_ONCE(rstmon_sock_path_on))
		return "off";
	return time_before(jiffies, READ_ONCE(rstmon_sock_from)) ? "starting" : "on";
}

static int rstmon_param_sock_path_set(const char *val, const struct kernel_param *kp)
{
	bool was = READ_ONCE(rstmon_sock_path_on);
	int err = param_set_bool(val, kp);

	if (!err && !was && READ_ONCE(rstmon_sock_path_on))
		rstmon_sock_path_start();
	return err;
}

static const struct kernel_param_ops rstmon_param_sock_path_ops = {
	.set = rstmon_param_sock_path_set,
	.get = param_get_bool,
};

module_param_cb(sock_path, &rstmon_param_sock_path_ops, &rstmon_sock_path_on, 0644);
MODULE_PARM_DESC(sock_path,
		 "established local connections' data segments are accounted from their socket, without a table access (default Y)");

/**
 * rstmon_sock_local() - can @sk's connection have skipped the table?
 * @sk: the local end of a tracked connection, or NULL
 *
 * A full TCP socket past its handshake (closed too: an RST it sends on
 * close goes out after its state changed), with the path on.
 */
bool rstmon_sock_local(const struct sock *sk)
{
	/* States of full sockets only: then its type can be read. */
	return sk && READ_ONCE(rstmon_sock_path_on) &&
	       ((1 << READ_ONCE(sk->sk_state)) &
		(TCPF_ESTABLISHED | TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 | TCPF_CLOSE_WAIT |
		 TCPF_CLOSING | TCPF_LAST_ACK | TCPF_CLOSE)) &&
	       sk->sk_protocol == IPPROTO_TCP && sk->sk_type == SOCK_STREAM;
}

/**
 * rstmon_sock_sync() - account to @c what its socket saw on the socket path.
 * @c: the connection
 * @lside: the side of @c that is this host (RSTMON_ORIG or RSTMON_RESP)
 * @sk: its socket (rstmon_sock_local())
 * @now: jiffies
 *
 * Read without the socket's lock, each field once (rstmon_sk_read(): its
 * owner writes it whole, and a value one segment old is as good).
 * Context: RCU read side.
 */
void rstmon_sock_sync(struct rstmon_conn *c, int lside, const struct sock *sk, u32 now)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u64 sent = rstmon_sk_read(tp->bytes_sent), rcvd = rstmon_sk_read(tp->bytes_received);
	u32 lsnd = rstmon_sk_read(tp->lsndtime);
	u32 lrcv = rstmon_sk_read(inet_csk(sk)->icsk_ack.lrcvtime);
	/* Bit-fields, set once by the handshake. */
	u8 rcv_wscale = tp->rx_opt.rcv_wscale, snd_wscale = tp->rx_opt.snd_wscale;
	struct rstmon_sync y;
	int pside = !lside;

	y.side[lside].nxt = rstmon_sk_read(tp->snd_nxt);
	y.side[lside].last = lsnd;
	y.side[lside].segs = rstmon_sk_read(tp->segs_out);
	y.side[lside].win = min_t(u32, rstmon_sk_read(tp->rcv_wnd) >> rcv_wscale, U16_MAX);
	y.side[lside].data = sent;
	y.side[pside].nxt = rstmon_sk_read(tp->rcv_nxt);
	y.side[pside].last = rstmon_sk_heard(sk);
	y.side[pside].segs = rstmon_sk_read(tp->segs_in);
	y.side[pside].win = min_t(u32, rstmon_sk_read(tp->snd_wnd) >> snd_wscale, U16_MAX);
	y.side[pside].data = rcvd;
	/*
	 * Within one jiffy the table saw both sides' payload (the socket
	 * path leaves it such segments): the entry's own flag stands.
	 */
	y.last_data = RSTMON_SIDE_NONE;
	if (sent && rcvd) {
		if ((s32)(lsnd - lrcv) > 0)
			y.last_data = lside;
		else if ((s32)(lrcv - lsnd) > 0)
			y.last_data = pside;
	} else if (sent || rcvd) {
		y.last_data = sent ? lside : pside;
	}
	rstmon_conn_sync(c, &y, now);
}

/**
 * rstmon_attn_set() - an RST of @sk's connection was seen: its segments
 *	take the table for the next one to two minutes.
 * @rn: the namespace's state
 * @sk: the local end
 *
 * Data from the sender after its RST (a forged one, rstmon_after_rst()),
 * and the receiver's answer to a challenged one (rstmon_accept_answer()),
 * are seen only by the table.  The two generations of bits let the
 * older one be cleared while new bits go to the other: the one CPU that
 * wins @next clears it, then publishes it as the current one.
 * Context: the RST path; no lock.
 */
void rstmon_attn_set(struct rstmon_net *rn, const struct sock *sk)
{
	struct rstmon_attn *a = &rn->attn;
	unsigned long now = jiffies, next = READ_ONCE(a->next);
	unsigned int bit, g, i;

	if (time_after(now, next) && try_cmpxchg(&a->next, &next, now + RSTMON_ATTN_PERIOD)) {
		g = READ_ONCE(a->gen) ^ 1;
		for (i = 0; i < ARRAY_SIZE(a->bits); i++)
			atomic_long_andnot((~0UL / 3) << g, &a->bits[i]);
		/* Pairs with the acquire below: the cleared bits first. */
		smp_store_release(&a->gen, g);
	}
	/* Pairs with the release above: never a generation being cleared. */
	g = smp_load_acquire(&a->gen);
	bit = 2 * rstmon_attn_slot(sk) + g;
	atomic_long_or(BIT(bit % BITS_PER_LONG), &a->bits[BIT_WORD(bit)]);
}
