/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: what the network path says about an RST (routes, conntrack).
 */
#ifndef _RSTMON_NETPATH_H
#define _RSTMON_NETPATH_H

#include <linux/types.h>

struct net;
struct sk_buff;
struct rstmon_seg;
struct rstmon_event;

unsigned int rstmon_ttl_hops(u8 ttl);
bool rstmon_path_via_gateway(struct net *net, const struct rstmon_seg *seg);
bool rstmon_path_offloaded(const struct sk_buff *skb);
void rstmon_path_nat(const struct sk_buff *skb, struct rstmon_event *ev);

#endif /* _RSTMON_NETPATH_H */
