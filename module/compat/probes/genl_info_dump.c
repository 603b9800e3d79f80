// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: a dump's parsed request is a struct genl_info, reached with
 * genl_info_dump() (6.1 keeps the attributes in struct genl_dumpit_info).
 *
 * Witness: include/net/genetlink.h genl_info_dump\(struct netlink_callback \*cb\)
 */
#include <linux/module.h>
#include <net/genetlink.h>

int probe(struct netlink_callback *cb);
int probe(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->attrs ? 1 : 0;
}
MODULE_LICENSE("GPL");
