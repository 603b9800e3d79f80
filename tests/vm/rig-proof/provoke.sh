#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rig-proof.sh's provoking script (guest-tests.sh runs it only with
# RSTMON_RIG_PROOF=1): load the module that WARNs and inverts a lock order.
# Its own result is only that the load ran; the rig must report the rest.
. "$(dirname "$0")/../../selftests/lib.sh"

[ -e "$RSTMON_KO/rstmon_rig_proof.ko" ] || skip "no rstmon_rig_proof.ko in $RSTMON_KO"
insmod "$RSTMON_KO/rstmon_rig_proof.ko" 2>/dev/null
expect "insmod ends with ECANCELED (the module ran)" "$?" 1
finish
