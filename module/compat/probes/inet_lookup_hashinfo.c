// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: the established-socket lookups take the namespace's hash table as
 * an argument (up to 6.x; later kernels find it from the namespace).
 *
 * Witness: include/net/inet_hashtables.h __inet_lookup_established\([^)]*struct inet_hashinfo \*hashinfo
 */
#include <linux/module.h>
#include <net/inet_hashtables.h>
#include <net/inet6_hashtables.h>

static int __init probe_init(void)
{
	struct net *net = &init_net;
	struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;
	struct sock *sk4, *sk6;

	sk4 = __inet_lookup_established(net, h, 0, 0, 0, 0, 0, 0);
	sk6 = __inet6_lookup_established(net, h, &in6addr_any, 0, &in6addr_any, 0, 0, 0);
	return sk4 || sk6;
}
module_init(probe_init);
MODULE_LICENSE("GPL");
