/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: the generic netlink family.
 */
#ifndef _RSTMON_GENL_H
#define _RSTMON_GENL_H

struct net;
struct rstmon_event;

int rstmon_genl_init(void);
void rstmon_genl_exit(void);
void rstmon_genl_notify(struct net *net, const struct rstmon_event *ev);

#endif /* _RSTMON_GENL_H */
