#!/usr/bin/env bash
# Starts a single-node Slurm on this machine for the Slurm executor test (tests/data-slurm.test.ts)
# and local trials: munge key + munged, /etc/slurm/slurm.conf for this host (≤ 2 CPUs, one
# partition `debug`), slurmctld and slurmd; waits until `sinfo` shows the node idle. Needs root
# and Debian's slurm-wlm + munge (scripts/install-system.sh). Idempotent: an idle cluster is left
# as is. State, logs and pid files: $OELLM_SLURM_DIR (default /tmp/oellm-slurm). Stop: stop.sh.
set -euo pipefail
STATE=${OELLM_SLURM_DIR:-/tmp/oellm-slurm}
CONF=/etc/slurm/slurm.conf
HEADER="# written by oellm scripts/slurm/start.sh"

if sinfo -h -o %t 2>/dev/null | grep -q idle; then echo "slurm: already up"; exit 0; fi
[ "$(id -u)" = 0 ] || { echo "slurm/start.sh: needs root" >&2; exit 1; }
for b in munged slurmctld slurmd sinfo; do command -v "$b" >/dev/null || { echo "slurm/start.sh: $b missing; run scripts/install-system.sh" >&2; exit 1; }; done
mkdir -p "$STATE/ctld" "$STATE/d" /etc/slurm

# munge: a key, its folders owned by the munge user, the daemon.
MUSER=munge; id munge >/dev/null 2>&1 || MUSER=root
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
chown -R "$MUSER:" /etc/munge /var/lib/munge /var/log/munge /run/munge
chmod 0700 /etc/munge /var/lib/munge /var/log/munge; chmod 0755 /run/munge; chmod 0400 /etc/munge/munge.key
if ! munge -n >/dev/null 2>&1; then
  if [ "$MUSER" = root ]; then munged --force; else runuser -u munge -- munged --force; fi
  for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
fi
munge -n | unmunge >/dev/null

# slurm.conf: this host only; never overwrite one we did not write.
HOST=$(hostname -s)
NCPU=$(nproc); [ "$NCPU" -gt 2 ] && NCPU=2
if [ -f "$CONF" ] && ! head -1 "$CONF" | grep -qF "$HEADER"; then
  echo "slurm/start.sh: $CONF exists and was not written by oellm; leaving it alone" >&2; exit 1
fi
cat > "$CONF" <<CONFEOF
$HEADER
ClusterName=oellm
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_min_interval=0
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
MinJobAge=600
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$NCPU State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONFEOF

pgrep -x slurmctld >/dev/null || slurmctld -c
pgrep -x slurmd >/dev/null || slurmd
for _ in $(seq 120); do
  if sinfo -h -o %t 2>/dev/null | grep -q idle; then sinfo; exit 0; fi
  sleep 0.5
done
echo "slurm/start.sh: node not idle after 60 s; logs in $STATE" >&2
sinfo >&2 || true
tail -20 "$STATE/slurmctld.log" "$STATE/slurmd.log" >&2 || true
exit 1
