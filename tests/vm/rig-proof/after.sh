#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rig-proof.sh's second script: does nothing wrong.  The rig must not
# blame it for provoke.sh's reports, and must say lockdep is off for it.
. "$(dirname "$0")/../../selftests/lib.sh"

pass "nothing to do"
finish
