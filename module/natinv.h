/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: untranslated segments of NATed connections (module/natinv.c).
 */
#ifndef _RSTMON_NATINV_H
#define _RSTMON_NATINV_H

#include <linux/types.h>

struct net;
struct sk_buff;
struct rstmon_conn;
struct rstmon_seg;
struct rstmon_event;

void rstmon_natinv_created(struct rstmon_conn *c, const struct sk_buff *skb);
bool rstmon_natinv_seg(struct rstmon_conn *c, const struct sk_buff *skb);
bool rstmon_natinv_rst(const struct rstmon_conn *c, const struct sk_buff *skb);
void rstmon_natinv_tuples(struct net *net, const struct rstmon_seg *seg,
			  struct rstmon_event *ev);

#endif /* _RSTMON_NATINV_H */
