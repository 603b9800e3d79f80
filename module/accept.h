/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: did the receiving stack accept an RST, and what did it carry.
 */
#ifndef _RSTMON_ACCEPT_H
#define _RSTMON_ACCEPT_H

#include <linux/types.h>

struct sock;
struct sk_buff;
struct seq_file;
struct rstmon_net;
struct rstmon_seg;
struct rstmon_event;

u8 rstmon_accept_predict(const struct sock *sk, const struct rstmon_seg *seg);
void rstmon_accept_rst(struct rstmon_net *rn, const struct sk_buff *skb,
		       const struct rstmon_seg *seg, struct rstmon_event *ev);
bool rstmon_accept_lives(const struct rstmon_event *ev);
void rstmon_accept_answer(struct rstmon_net *rn, int dir, const struct rstmon_seg *seg);
int rstmon_accept_put(struct sk_buff *msg, const struct rstmon_event *ev);
void rstmon_accept_show(struct seq_file *m, const struct rstmon_event *ev);

#endif /* _RSTMON_ACCEPT_H */
