#!/usr/bin/env bash
# Stops the single-node Slurm started by start.sh (slurmd, slurmctld, then munged), by the pid
# files it wrote. Leaves the config and state in place; start.sh starts it again.
set -uo pipefail
STATE=${OELLM_SLURM_DIR:-/tmp/oellm-slurm}
for d in slurmd slurmctld; do
  f="$STATE/$d.pid"
  if [ -s "$f" ]; then kill "$(cat "$f")" 2>/dev/null; fi
done
for _ in $(seq 50); do pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null || break; sleep 0.1; done
if [ -s /run/munge/munged.pid ]; then kill "$(cat /run/munge/munged.pid)" 2>/dev/null; fi
exit 0
