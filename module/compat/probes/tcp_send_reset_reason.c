// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: the tcp_send_reset tracepoint carries the kernel's reason
 * (enum sk_rst_reason, Linux 6.10 and later) and is exported to modules.
 *
 * Witness: include/trace/events/tcp.h TRACE_EVENT\(tcp_send_reset,.*?enum sk_rst_reason reason
 */
#include <linux/module.h>
#include <net/rstreason.h>
#include <trace/events/tcp.h>

static void probe(void *data, const struct sock *sk, const struct sk_buff *skb,
		  const enum sk_rst_reason reason)
{
}

static int __init probe_init(void)
{
	return register_trace_tcp_send_reset(probe, NULL);
}
module_init(probe_init);
MODULE_LICENSE("GPL");
