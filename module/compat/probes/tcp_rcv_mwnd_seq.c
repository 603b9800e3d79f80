// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: tcp_sequence() checks an incoming segment against the largest
 * window ever advertised (tp->rcv_mwnd_seq, Linux 7.x) rather than the
 * current one (rcv_wup + rcv_wnd).
 *
 * Witness: include/linux/tcp.h u32\s+rcv_mwnd_seq;
 */
#include <linux/module.h>
#include <linux/tcp.h>

static int __init probe_init(void)
{
	struct tcp_sock tp = {};

	return tp.rcv_mwnd_seq;
}
module_init(probe_init);
MODULE_LICENSE("GPL");
