#!/usr/bin/env bash
# End-to-end check of Scripts/slurm-local.sh against real Slurm: start a single-node cluster, run a job
# array (with --requeue), check its outputs, check a %N throttle, a requeue and MaxArraySize, stop, and check that
# nothing the cluster started is still running. Exits non-zero on any failure.
# Usage: Scripts/slurm-smoke.sh     (as root, or with passwordless sudo)
# Uses its own state folder and ports (FARSIDE_SLURM_DIR, FARSIDE_SLURM_PORT; defaults below) so it does not
# disturb a cluster that is already up under the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && exec sudo -n "$0" "$@"
  echo "slurm-smoke: must run as root (or with passwordless sudo)" >&2; exit 1
fi

export FARSIDE_SLURM_DIR="${FARSIDE_SLURM_DIR:-/tmp/farside-slurm-smoke}"
export FARSIDE_SLURM_PORT="${FARSIDE_SLURM_PORT:-6827}"
export FARSIDE_SLURM_MAX_ARRAY_SIZE="${FARSIDE_SLURM_MAX_ARRAY_SIZE:-1001}"
WAIT="${FARSIDE_SLURM_SMOKE_WAIT:-90}"
local_sh="$PWD/Scripts/slurm-local.sh"
work="$(mktemp -d /tmp/farside-slurm-smoke-work.XXXXXX)"
started=0
daemon_pids=""

fail() {
  echo "slurm-smoke: FAIL: $*" >&2
  for f in "$FARSIDE_SLURM_DIR"/log/slurmctld.log "$FARSIDE_SLURM_DIR"/log/slurmd.log; do
    [ -f "$f" ] && { echo "--- $f" >&2; tail -15 "$f" >&2; }
  done
  exit 1
}
cleanup() {
  local rc=$?
  if [ "$started" = 1 ]; then "$local_sh" stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
step() { echo "slurm-smoke: $*" >&2; }

# Wait until job $1 has left the queue (no slurmdbd here: squeue, not sacct).
wait_gone() {
  local job="$1" t0 now
  t0="$(date +%s)"
  while [ -n "$(squeue -h -j "$job" -o %i 2>/dev/null)" ]; do
    now="$(date +%s)"
    [ $((now - t0)) -lt "$WAIT" ] || { squeue >&2; fail "job $job still queued after ${WAIT}s"; }
    sleep 0.3
  done
}

# 1. Start (timed), idempotent second start.
t0="$(date +%s.%N)"
eval "$("$local_sh" start)"
started=1
t1="$(date +%s.%N)"
step "start took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')s; SLURM_CONF=$SLURM_CONF"
[ "$(sinfo -h -N -o %T | head -1)" = idle ] || fail "node not idle after start"
"$local_sh" start >/dev/null 2>"$work/second-start.err" || fail "second start failed"
grep -q "already running" "$work/second-start.err" || fail "second start did not say 'already running'"
"$local_sh" status >/dev/null || fail "status says down while up"
for f in "$FARSIDE_SLURM_DIR/run/slurmctld.pid" "$FARSIDE_SLURM_DIR/run/slurmd.pid" "$FARSIDE_SLURM_DIR/munge/munged.pid"; do
  daemon_pids="$daemon_pids $(cat "$f")"
done
key="$FARSIDE_SLURM_DIR/munge/munge.key"
[ "$(stat -c '%U %a %s' "$key")" = "munge 400 1024" ] || fail "munge key is $(stat -c '%U %a %s' "$key"), want 'munge 400 1024'"

# 2. A four-task array with --requeue: every task writes its index.
job="$(sbatch --parsable --requeue --array=0-3 -D "$work" -o "$work/slurm-%A_%a.log" \
  --wrap 'echo $SLURM_ARRAY_TASK_ID > out-$SLURM_ARRAY_TASK_ID')"
job="${job%%;*}"
step "submitted array job $job (0-3)"
wait_gone "$job"
for k in 0 1 2 3; do
  [ -f "$work/out-$k" ] || fail "task $k wrote no output"
  [ "$(cat "$work/out-$k")" = "$k" ] || fail "task $k wrote '$(cat "$work/out-$k")'"
done
step "array 0-3: 4 outputs correct"

# 3. A %2 throttle is accepted, recorded, and respected (never more than 2 tasks running).
job="$(sbatch --parsable --requeue --array=0-5%2 -D "$work" -o "$work/slurm-%A_%a.log" \
  --wrap 'sleep 1; echo $SLURM_ARRAY_TASK_ID > thr-$SLURM_ARRAY_TASK_ID')"
job="${job%%;*}"
scontrol show job "$job" | grep -q 'ArrayTaskThrottle=2' || fail "throttle %2 not recorded for job $job"
max_running=0
t0="$(date +%s)"
while [ -n "$(squeue -h -j "$job" -o %i 2>/dev/null)" ]; do
  n="$(squeue -h -j "$job" -t RUNNING -o %i 2>/dev/null | wc -l)"
  [ "$n" -gt "$max_running" ] && max_running="$n"
  [ $(($(date +%s) - t0)) -lt "$WAIT" ] || fail "throttled job $job still queued after ${WAIT}s"
  sleep 0.2
done
[ "$max_running" -le 2 ] || fail "throttle %2 exceeded: $max_running tasks ran at once"
for k in 0 1 2 3 4 5; do [ "$(cat "$work/thr-$k" 2>/dev/null)" = "$k" ] || fail "throttled task $k output missing or wrong"; done
step "array 0-5%2: 6 outputs correct, at most $max_running running at once"

# 4. --requeue: a running task sent back to the queue runs again (SLURM_RESTART_COUNT=1) and completes.
job="$(sbatch --parsable --requeue -D "$work" -o "$work/slurm-requeue-%j.log" \
  --wrap 'if [ -z "${SLURM_RESTART_COUNT:-}" ]; then echo first > requeue; sleep 300; else echo "$SLURM_RESTART_COUNT" > requeue; fi')"
t0="$(date +%s)"
until [ "$(cat "$work/requeue" 2>/dev/null)" = first ]; do
  [ $(($(date +%s) - t0)) -lt "$WAIT" ] || fail "job $job did not start"
  sleep 0.2
done
scontrol requeue "$job" || fail "scontrol requeue $job failed"
wait_gone "$job"
[ "$(cat "$work/requeue")" = 1 ] || fail "requeued job $job: restart count '$(cat "$work/requeue")', want 1"
step "requeue: job ran again after scontrol requeue ($(($(date +%s) - t0))s)"

# 5. MaxArraySize is what we configured: the last index allowed is MaxArraySize-1.
got="$(scontrol show config | awk '$1 == "MaxArraySize" { print $3 }')"
[ "$got" = "$FARSIDE_SLURM_MAX_ARRAY_SIZE" ] || fail "MaxArraySize is '$got', want $FARSIDE_SLURM_MAX_ARRAY_SIZE"
if sbatch --parsable --hold --array=0-"$FARSIDE_SLURM_MAX_ARRAY_SIZE" -D "$work" -o /dev/null --wrap true >/dev/null 2>&1; then
  fail "an array up to index $FARSIDE_SLURM_MAX_ARRAY_SIZE was accepted (MaxArraySize=$FARSIDE_SLURM_MAX_ARRAY_SIZE)"
fi
step "MaxArraySize=$got enforced"

# 6. Stop leaves nothing running.
"$local_sh" stop 2>/dev/null
started=0
running() { # pid: alive and not a zombie (this container's init reaps exited daemons late)
  local st
  st="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  st="${st##*) }"; st="${st%% *}"
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
for p in $daemon_pids; do
  running "$p" && fail "daemon $p ($(cat /proc/"$p"/comm 2>/dev/null)) still running after stop"
done
left="$(grep -lzxF "FARSIDE_SLURM_TAG=$FARSIDE_SLURM_DIR" /proc/[0-9]*/environ 2>/dev/null || true)"
[ -z "$left" ] || fail "processes still running after stop: $left"
if "$local_sh" status >/dev/null 2>&1; then fail "status says up after stop"; fi
step "stop: no daemon or job step left"
echo "slurm-smoke: OK"
