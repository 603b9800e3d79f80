/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: the kernel's own reason for the RSTs it sends.
 */
#ifndef _RSTMON_KREASON_H
#define _RSTMON_KREASON_H

#include <linux/types.h>

struct sk_buff;
struct rstmon_seg;

int rstmon_kreason_init(void);
void rstmon_kreason_exit(void);
u8 rstmon_kreason_take(const struct sk_buff *skb, const struct rstmon_seg *seg);
const char *rstmon_kreason_name(u8 kreason);
bool rstmon_kreason_agrees(u8 kreason, u8 cause);
unsigned int rstmon_kreason_resolve(void);
unsigned int rstmon_kreason_count(void);
u8 rstmon_kreason_nth(unsigned int i, const char **name, u32 *causes);

#endif /* _RSTMON_KREASON_H */
