// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: a generic netlink multicast group can require CAP_NET_ADMIN of
 * its listeners (GENL_MCAST_CAP_NET_ADMIN).
 *
 * Witness: include/net/genetlink.h #define\s+GENL_MCAST_CAP_NET_ADMIN\b
 */
#include <linux/module.h>
#include <net/genetlink.h>

const struct genl_multicast_group probe_grp;
const struct genl_multicast_group probe_grp = {
	.name = "probe", .flags = GENL_MCAST_CAP_NET_ADMIN,
};
MODULE_LICENSE("GPL");
