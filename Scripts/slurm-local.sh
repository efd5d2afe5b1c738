#!/usr/bin/env bash
# A real single-node Slurm cluster on this Debian/Ubuntu machine, for the batch tests and CI (issue 13).
#
# Usage: Scripts/slurm-local.sh start|stop|status|env
#   start   installs slurm-wlm + munge if missing, writes a munge key and slurm.conf under the state folder,
#           starts munged, slurmctld and slurmd, waits until `sinfo` shows the node idle. Idempotent: when
#           the cluster is already up it says so and exits 0. Prints `export SLURM_CONF=...` on stdout (and
#           nothing else), so callers can `eval "$(Scripts/slurm-local.sh start)"`; messages go to stderr.
#   stop    cancels every job, stops the daemons this script started (PID files), then any process still
#           tagged as ours (job steps included); leaves the logs and slurm.conf, wipes the controller state.
#   status  prints "up" (plus the export line) and exits 0, or "down" and exits 1.
#   env     prints the export line.
#
# Everything lives under FARSIDE_SLURM_DIR (default /tmp/farside-slurm):
#   slurm.conf  munge/ (key, socket, pid, log: our own munged, never the system one)  state/  spool/  log/  run/
# Settings (environment): FARSIDE_SLURM_MAX_ARRAY_SIZE (MaxArraySize, default 1001),
#   FARSIDE_SLURM_PORT (slurmctld port, default 6817; slurmd uses the next one),
#   FARSIDE_SLURM_TIMEOUT (seconds to wait for the node to be idle, default 60),
#   FARSIDE_SLURM_CRED_EXPIRE (AuthInfo cred_expire, default 10 s instead of Slurm's 120: a requeued task
#   waits this long before it runs again).
# Needs root (re-runs itself through `sudo -n` otherwise); jobs run as the submitting user.
set -euo pipefail

DIR="${FARSIDE_SLURM_DIR:-/tmp/farside-slurm}"
MAX_ARRAY_SIZE="${FARSIDE_SLURM_MAX_ARRAY_SIZE:-1001}"
CTLD_PORT="${FARSIDE_SLURM_PORT:-6817}"
SLURMD_PORT=$((CTLD_PORT + 1))
TIMEOUT="${FARSIDE_SLURM_TIMEOUT:-60}"
CRED_EXPIRE="${FARSIDE_SLURM_CRED_EXPIRE:-10}"
CONF="$DIR/slurm.conf"
MUNGE_DIR="$DIR/munge"
SOCKET="$MUNGE_DIR/munge.socket"
# Every daemon we start carries this variable; slurmd passes its environment on to slurmstepd, so `stop`
# can find anything left behind (a step whose slurmd is gone) without matching process names.
TAG="FARSIDE_SLURM_TAG=$DIR"

say() { echo "slurm-local: $*" >&2; }
starting=0
die() {
  echo "slurm-local: error: $*" >&2
  # A failed start takes down whatever it had started (once: do_stop may die too).
  if [ "$starting" = 1 ]; then starting=0; do_stop >/dev/null 2>&1 || true; fi
  exit 1
}

cmd="${1:-}"
case "$cmd" in
  start|stop|status|env) ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    exec sudo -n FARSIDE_SLURM_DIR="$DIR" FARSIDE_SLURM_MAX_ARRAY_SIZE="$MAX_ARRAY_SIZE" \
      FARSIDE_SLURM_PORT="$CTLD_PORT" FARSIDE_SLURM_TIMEOUT="$TIMEOUT" \
      FARSIDE_SLURM_CRED_EXPIRE="$CRED_EXPIRE" "$0" "$@"
  fi
  die "must run as root (or with passwordless sudo)"
fi

export SLURM_CONF="$CONF"
export_line() { echo "export SLURM_CONF=$CONF"; }

# Running, not a zombie (a killed daemon stays a zombie until init reaps it; in some containers, a while).
proc_alive() {
  local st
  kill -0 "$1" 2>/dev/null || return 1
  st="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  st="${st##*) }"; st="${st%% *}"   # the state follows "(comm) ", and comm may hold spaces
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

pid_alive() { # pidfile
  local pid
  [ -s "$1" ] || return 1
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && proc_alive "$pid"
}

all_up() {
  pid_alive "$MUNGE_DIR/munged.pid" && pid_alive "$DIR/run/slurmctld.pid" && pid_alive "$DIR/run/slurmd.pid"
}

node_state() { sinfo -h -N -n "$NODE" -o %T 2>/dev/null | head -1; }

NODE="$(hostname -s)"

# Processes (other than us) whose environment carries our tag.
tagged_pids() {
  local f p
  for f in $(grep -lzxF "$TAG" /proc/[0-9]*/environ 2>/dev/null); do
    p="${f#/proc/}"; p="${p%/environ}"
    [ "$p" = "$$" ] || echo "$p"
  done
}

# Those processes and all their descendants (a job's own processes do not carry the tag).
tagged_tree() {
  local roots
  roots="$(tagged_pids)"
  [ -n "$roots" ] || return 0
  ps -e -o pid=,ppid= | awk -v roots="$roots" '
    BEGIN { n = split(roots, r, /[ \n]+/); for (i = 1; i <= n; i++) if (r[i] != "") keep[r[i]] = 1 }
    { parent[$1] = $2 }
    END {
      do { changed = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; changed = 1 } } while (changed)
      for (p in keep) print p
    }'
}

stop_pidfile() { # pidfile name
  local pid i
  pid_alive "$1" || { rm -f "$1"; return 0; }
  pid="$(cat "$1")"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do proc_alive "$pid" || break; sleep 0.1; done
  if proc_alive "$pid"; then say "$2 ($pid) ignored SIGTERM, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$1"
}

do_stop() {
  local jobs i left
  if [ -f "$CONF" ] && pid_alive "$DIR/run/slurmctld.pid"; then
    jobs="$(squeue -h -o %A 2>/dev/null || true)"
    if [ -n "$jobs" ]; then
      say "cancelling jobs: $(echo $jobs)"
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      for i in $(seq 1 50); do [ -z "$(squeue -h -o %A 2>/dev/null)" ] && break; sleep 0.2; done
    fi
  fi
  stop_pidfile "$DIR/run/slurmd.pid" slurmd
  stop_pidfile "$DIR/run/slurmctld.pid" slurmctld
  stop_pidfile "$MUNGE_DIR/munged.pid" munged
  left="$(tagged_tree)"
  if [ -n "$left" ]; then
    say "killing leftover processes: $(echo $left)"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
    sleep 0.2
  fi
  left="$(tagged_pids)"
  [ -z "$left" ] || die "processes still running after stop: $(echo $left)"
  rm -rf "$DIR/state" "$DIR/spool" "$SOCKET" "$SOCKET.lock"
}

install_packages() {
  local missing=() c
  for c in munged slurmctld slurmd sbatch sinfo squeue scancel; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get: install Slurm and MUNGE first"
  say "installing slurm-wlm munge (missing: ${missing[*]})"
  # Keep the packages' maintainer scripts from starting the system munge/slurm services (they would take
  # the default ports and socket); remove our guard afterwards.
  local guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' > "$guard"; chmod 755 "$guard"
  fi
  local rc=0
  {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq &&
      apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 \
        -o Dpkg::Options::=--force-confold slurm-wlm munge
  } >"$DIR/log/apt.log" 2>&1 || rc=$?
  if [ -n "$guard" ]; then rm -f "$guard"; fi
  [ "$rc" -eq 0 ] || { tail -20 "$DIR/log/apt.log" >&2; die "apt-get install slurm-wlm munge failed (see $DIR/log/apt.log)"; }
  for c in munged slurmctld slurmd sbatch sinfo; do command -v "$c" >/dev/null 2>&1 || die "$c not found after install"; done
}

write_conf() {
  local cpus mem
  cpus="$(nproc)"
  mem="$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 }' /proc/meminfo)"
  cat > "$CONF.tmp" <<EOF
# Written by Scripts/slurm-local.sh: a single-node cluster for FarSide's batch tests.
ClusterName=farside
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire: a requeued job waits this long before it may start again (default 120 s); tests requeue.
AuthInfo=socket=$SOCKET,cred_expire=$CRED_EXPIRE
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SwitchType=switch/none
SchedulerType=sched/backfill
# Tests wait on short tasks: start pending tasks (and requeued ones) as soon as they may run.
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,sched_interval=1,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# Use the CPUs and memory below even where the hardware reports more or fewer (VMs, containers).
SlurmdParameters=config_overrides
ReturnToService=2
MaxArraySize=$MAX_ARRAY_SIZE
MaxJobCount=100000
JobRequeue=1
KillWait=5
SlurmctldTimeout=30
SlurmdTimeout=60
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$CONF.tmp" "$CONF"
  chmod 644 "$CONF"
}

start_munged() {
  install -d -o munge -g munge -m 755 "$MUNGE_DIR"
  chown -R munge:munge "$MUNGE_DIR"
  if [ ! -s "$MUNGE_DIR/munge.key" ]; then
    dd if=/dev/urandom of="$MUNGE_DIR/munge.key.tmp" bs=1024 count=1 status=none
    mv "$MUNGE_DIR/munge.key.tmp" "$MUNGE_DIR/munge.key"
  fi
  chown munge:munge "$MUNGE_DIR/munge.key"
  chmod 400 "$MUNGE_DIR/munge.key"
  rm -f "$SOCKET" "$SOCKET.lock"
  # munged runs as the munge user, who owns the key (mode 400) and its folder, so it has no ownership
  # warnings; --force lets it recover from a stale socket lock after an unclean stop.
  env "$TAG" runuser -u munge -- munged --force --socket="$SOCKET" --key-file="$MUNGE_DIR/munge.key" \
    --pid-file="$MUNGE_DIR/munged.pid" --log-file="$MUNGE_DIR/munged.log" --seed-file="$MUNGE_DIR/munged.seed" \
    2>>"$DIR/log/munged.stderr" || { tail -5 "$MUNGE_DIR/munged.log" "$DIR/log/munged.stderr" >&2 2>/dev/null; die "munged failed to start"; }
  local i
  for i in $(seq 1 50); do [ -S "$SOCKET" ] && break; sleep 0.1; done
  [ -S "$SOCKET" ] || die "munged socket $SOCKET did not appear (see $MUNGE_DIR/munged.log)"
  if command -v munge >/dev/null 2>&1 && command -v unmunge >/dev/null 2>&1; then
    munge -n -S "$SOCKET" | unmunge -S "$SOCKET" >/dev/null 2>&1 || die "munge credential round trip failed (see $MUNGE_DIR/munged.log)"
  fi
}

do_start() {
  mkdir -p "$DIR/log" "$DIR/run"
  chmod 755 "$DIR"
  if all_up && [ "$(node_state)" != "" ]; then
    say "already running ($(node_state)) under $DIR"
    export_line
    return 0
  fi
  # Partly up (a daemon died) or left over: take it all down first.
  do_stop
  local port
  for port in "$CTLD_PORT" "$SLURMD_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "port $port is already in use (another Slurm?); set FARSIDE_SLURM_PORT to a free pair of ports"
    fi
  done
  install_packages
  starting=1
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log" "$DIR/run"
  write_conf
  local f
  for f in slurmctld.log slurmd.log slurmctld.stderr slurmd.stderr munged.stderr; do : > "$DIR/log/$f"; done
  start_munged
  env "$TAG" slurmctld -c -f "$CONF" 2>>"$DIR/log/slurmctld.stderr" || { tail -20 "$DIR/log/slurmctld.log" >&2 2>/dev/null; die "slurmctld failed to start"; }
  env "$TAG" slurmd -f "$CONF" -N "$NODE" 2>>"$DIR/log/slurmd.stderr" || { tail -20 "$DIR/log/slurmd.log" >&2 2>/dev/null; die "slurmd failed to start"; }
  local t0 state="" now
  t0="$(date +%s)"
  while :; do
    state="$(node_state)"
    [ "$state" = idle ] && break
    now="$(date +%s)"
    local dead=""
    for d in slurmctld slurmd; do
      [ -s "$DIR/run/$d.pid" ] && ! pid_alive "$DIR/run/$d.pid" && dead="$dead $d"
    done
    if [ -n "$dead" ] || [ $((now - t0)) -ge "$TIMEOUT" ]; then
      if [ -n "$dead" ]; then say "exited during start:$dead"
      else say "node $NODE not idle after ${TIMEOUT}s (state: '${state:-no answer from slurmctld}')"; fi
      sinfo -R >&2 2>/dev/null || true
      for f in slurmctld slurmd; do echo "--- $DIR/log/$f.log" >&2; tail -15 "$DIR/log/$f.log" >&2 2>/dev/null || true; done
      die "cluster did not come up"
    fi
    # A node that registered as down (e.g. after an earlier unclean stop) is brought back.
    case "$state" in down*|drain*) scontrol update NodeName="$NODE" State=RESUME 2>/dev/null || true ;; esac
    sleep 0.2
  done
  starting=0
  say "up: node $NODE idle, $(nproc) CPUs, MaxArraySize=$MAX_ARRAY_SIZE, state in $DIR"
  export_line
}

case "$cmd" in
  start) do_start ;;
  stop)
    do_stop
    say "stopped (logs and slurm.conf kept in $DIR)"
    ;;
  status)
    if all_up && [ -n "$(node_state)" ]; then
      echo "up: node $NODE $(node_state), state in $DIR"
      export_line
    else
      echo "down"
      exit 1
    fi
    ;;
  env) export_line ;;
esac
