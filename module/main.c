// SPDX-License-Identifier: GPL-2.0
/*
 * rstmon: who sent this TCP RST, and why.
 *
 * Module entry: parameters, and the init/exit ladder.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "rstmon.h"
#include "conn.h"
#include "kreason.h"
#include "genl.h"
#include "sockpath.h"

/* Hard limits of the module parameters; load is refused outside them. */
#define RSTMON_MAX_CONNS_MIN	1024U
#define RSTMON_MAX_CONNS_MAX	(16U << 20)

struct rstmon_params rstmon_params = {
	.max_conns = 0,
	.event_ring = 1024,
	.idle_threshold = 300,
	.syn_timeout = 120,
};

module_param_named(max_conns, rstmon_params.max_conns, uint, 0444);
MODULE_PARM_DESC(max_conns, "Connections tracked, all namespaces (0 = scale to memory; 1024..16777216)");
module_param_named(event_ring, rstmon_params.event_ring, uint, 0444);
MODULE_PARM_DESC(event_ring, "Recent RST events kept per namespace (16..65536, default 1024)");
/*
 * idle_threshold and syn_timeout are also runtime settings
 * (/sys/module/rstmon/parameters/): a value out of range is refused, at
 * load and at run time, with the reason.
 */
static int rstmon_param_seconds_set(const char *val, const struct kernel_param *kp,
				    unsigned int min, unsigned int max)
{
	unsigned int v;
	int err = kstrtouint(val, 0, &v);

	if (err) {
		pr_err("%s=%s is not a number of seconds\n", kp->name, val);
		return err;
	}
	if (v < min || v > max) {
		pr_err("%s=%u is out of range: it must be %u..%u\n", kp->name, v, min, max);
		return -EINVAL;
	}
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static int rstmon_param_idle_set(const char *val, const struct kernel_param *kp)
{
	return rstmon_param_seconds_set(val, kp, RSTMON_IDLE_MIN, RSTMON_IDLE_MAX);
}

static int rstmon_param_syn_set(const char *val, const struct kernel_param *kp)
{
	return rstmon_param_seconds_set(val, kp, RSTMON_SYN_TIMEOUT_MIN, RSTMON_SYN_TIMEOUT_MAX);
}

static const struct kernel_param_ops rstmon_param_idle_ops = {
	.set = rstmon_param_idle_set,
	.get = param_get_uint,
};

static const struct kernel_param_ops rstmon_param_syn_ops = {
	.set = rstmon_param_syn_set,
	.get = param_get_uint,
};

module_param_cb(idle_threshold, &rstmon_param_idle_ops, &rstmon_params.idle_threshold, 0644);
MODULE_PARM_DESC(idle_threshold, "Seconds of silence before an RST reads as an idle timeout (1..604800, default 300; writable)");
module_param_cb(syn_timeout, &rstmon_param_syn_ops, &rstmon_params.syn_timeout, 0644);
MODULE_PARM_DESC(syn_timeout, "Seconds a half-open connection is tracked without a segment (1..3600, default 120; writable)");

/*
 * netns_max_conns: the most entries one namespace may hold, so that none
 * takes the table from the others.  0 means half of max_conns.  At load
 * it is checked against max_conns in rstmon_conn_init(); at run time
 * here.  Only the host's administrator can write module parameters.
 */
static int rstmon_param_netns_max_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v, max = rstmon_conn_limit();
	int err = kstrtouint(val, 0, &v);

	if (err) {
		pr_err("%s=%s is not a number of connections\n", kp->name, val);
		return err;
	}
	if (!max) {
		/* Loading: max_conns is not settled yet. */
		WRITE_ONCE(rstmon_params.netns_max_conns, v);
		return 0;
	}
	if (v > max) {
		pr_err("%s=%u is out of range: it must be 0 (half of max_conns) or 1..%u (max_conns)\n",
		       kp->name, v, max);
		return -EINVAL;
	}
	WRITE_ONCE(rstmon_params.netns_max_conns, v ?: max / 2);
	return 0;
}

static const struct kernel_param_ops rstmon_param_netns_max_ops = {
	.set = rstmon_param_netns_max_set,
	.get = param_get_uint,
};

module_param_cb(netns_max_conns, &rstmon_param_netns_max_ops, &rstmon_params.netns_max_conns,
		0644);
MODULE_PARM_DESC(netns_max_conns, "Connections one namespace may have tracked (0 = half of max_conns, the default; up to max_conns; writable)");

/*
 * untracked_rst_rate: RSTs of connections not in the table logged per
 * second, CPU and namespace (0: all); the rest are only counted
 * (rst_unlogged).  Writable; a value out of range is refused.
 */
static int rstmon_param_rate_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int err = kstrtouint(val, 0, &v);

	if (err) {
		pr_err("%s=%s is not a number of RSTs per second\n", kp->name, val);
		return err;
	}
	if (v > RSTMON_UNTRACKED_RST_RATE_MAX) {
		pr_err("%s=%u is out of range: it must be 0 (no limit) or 1..%u\n", kp->name, v,
		       RSTMON_UNTRACKED_RST_RATE_MAX);
		return -EINVAL;
	}
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops rstmon_param_rate_ops = {
	.set = rstmon_param_rate_set,
	.get = param_get_uint,
};

module_param_cb(untracked_rst_rate, &rstmon_param_rate_ops, &rstmon_untracked_rst_rate, 0644);
MODULE_PARM_DESC(untracked_rst_rate, "RSTs of untracked connections logged per second, CPU and namespace; the rest are counted (0 = no limit; 0..1000000, default 1000; writable)");

static int __init rstmon_check_param(const char *name, unsigned int val,
				     unsigned int min, unsigned int max,
				     bool zero_ok)
{
	if ((zero_ok && val == 0) || (val >= min && val <= max))
		return 0;
	pr_err("%s=%u is out of range: it must be %s%u..%u\n",
	       name, val, zero_ok ? "0 (automatic) or " : "", min, max);
	return -EINVAL;
}

static int __init rstmon_check_params(void)
{
	const struct rstmon_params *p = &rstmon_params;

	return rstmon_check_param("max_conns", p->max_conns,
				  RSTMON_MAX_CONNS_MIN, RSTMON_MAX_CONNS_MAX, true) ?:
	       rstmon_check_param("event_ring", p->event_ring,
				  RSTMON_EVENT_RING_MIN, RSTMON_EVENT_RING_MAX, false);
}

static int __init rstmon_init(void)
{
	int err;

	err = rstmon_check_params();
	if (err)
		return err;
	rstmon_sock_path_start();

	err = rstmon_conn_init();
	if (err)
		goto err_conn;
	err = rstmon_netns_init();
	if (err)
		goto err_netns;
	err = rstmon_genl_init();
	if (err) {
		pr_err("cannot register the generic netlink family (%d)\n", err);
		goto err_genl;
	}
	/* Last: its probe writes to the namespaces' event rings. */
	err = rstmon_kreason_init();
	if (err) {
		pr_err("cannot attach to the tcp_send_reset tracepoint (%d)\n", err);
		goto err_kreason;
	}

	pr_info("version %s loaded (max_conns=%u netns_max_conns=%u event_ring=%u idle_threshold=%us syn_timeout=%us)\n",
		RSTMON_VERSION, rstmon_params.max_conns, rstmon_params.netns_max_conns,
		rstmon_params.event_ring, rstmon_params.idle_threshold,
		rstmon_params.syn_timeout);
	return 0;

err_kreason:
	rstmon_genl_exit();
err_genl:
	rstmon_netns_exit();
err_netns:
	rstmon_conn_exit();
err_conn:
	return err;
}

static void __exit rstmon_exit(void)
{
	rstmon_kreason_exit();
	rstmon_genl_exit();
	rstmon_netns_exit();
	/* Waits for the entries' call_rcu() callbacks (rcu_barrier()). */
	rstmon_conn_exit();
	pr_info("unloaded\n");
}

module_init(rstmon_init);
module_exit(rstmon_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TCP reset monitor: who sent each RST, and why");
MODULE_AUTHOR("rstmon developers");
MODULE_VERSION(RSTMON_VERSION);
