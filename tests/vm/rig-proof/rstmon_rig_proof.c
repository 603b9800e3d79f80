// SPDX-License-Identifier: GPL-2.0
/*
 * A module that is wrong on purpose, to prove the test rig reports what a
 * debug kernel says (tests/vm/rig-proof.sh): loading it WARNs once, then
 * takes two spinlocks in both orders, which lockdep reports as a possible
 * circular locking dependency (and turns itself off, debug_locks 0).  On
 * one CPU, one after the other, the inversion cannot deadlock.  The load
 * fails so nothing stays loaded.
 */
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/bug.h>

static DEFINE_SPINLOCK(rig_proof_a);
static DEFINE_SPINLOCK(rig_proof_b);

static int __init rig_proof_init(void)
{
	WARN_ON(1);

	spin_lock(&rig_proof_a);
	spin_lock(&rig_proof_b);
	spin_unlock(&rig_proof_b);
	spin_unlock(&rig_proof_a);

	spin_lock(&rig_proof_b);
	spin_lock(&rig_proof_a);
	spin_unlock(&rig_proof_a);
	spin_unlock(&rig_proof_b);

	return -ECANCELED;
}
module_init(rig_proof_init);

MODULE_DESCRIPTION("rstmon test rig proof: a WARN and a lock inversion on load");
MODULE_LICENSE("GPL");
