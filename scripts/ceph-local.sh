#!/usr/bin/env bash
# ceph-local.sh: a throwaway one-node Ceph cluster on 127.0.0.1, for development and tests.
#
#   scripts/ceph-local.sh install|start|stop|status|env|purge
#
# One mon, one mgr and one memstore OSD, started without systemd, everything (conf, keyrings,
# data, logs, pid files, admin sockets) under ${CORRAL_CEPH_DIR:-/tmp/corral-ceph}. /etc/ceph is
# never read or written: every command gets `-c`. A memstore OSD keeps its data in RAM, so `start`
# builds a fresh cluster unless one is already running (then it waits for that one to serve clients,
# and replaces it only if a daemon exits or it never does). See docs/ceph-local.md.
set -euo pipefail

readonly CEPH_PACKAGES=(ceph-mon ceph-mgr ceph-osd ceph-common rbd-fuse)
readonly CEPH_BINARIES=(ceph-mon ceph-mgr ceph-osd ceph rbd rbd-fuse ceph-authtool monmaptool)
# Not Ceph, installed with it: the tests make TLS certificates with openssl (Ceph's packages happen
# to pull it in today; this does not rely on that).
readonly TOOL_PACKAGES=(openssl)
readonly TOOL_BINARIES=(openssl)
# Debian's interpreter, the one `ceph` itself runs on (a pyenv shim may shadow `python3`).
readonly PY=/usr/bin/python3
readonly MARKER=.corral-ceph-local
readonly POOL=rbd
readonly MON_ID=a MGR_ID=x OSD_ID=0

readonly DEFAULT_DIR=/tmp/corral-ceph DEFAULT_MON_PORT=13300
DIR=$(realpath -m -- "${CORRAL_CEPH_DIR:-$DEFAULT_DIR}")
readonly DIR
readonly MON_PORT=${CORRAL_CEPH_MON_PORT:-$DEFAULT_MON_PORT}
readonly MEMSTORE_BYTES=${CORRAL_CEPH_MEMSTORE_BYTES:-2147483648}
readonly START_TIMEOUT=${CORRAL_CEPH_TIMEOUT:-120}
readonly STOP_TIMEOUT=${CORRAL_CEPH_STOP_TIMEOUT:-20}
readonly PG_NUM=${CORRAL_CEPH_PG_NUM:-8}
readonly CONF=$DIR/ceph.conf
readonly ADMIN_KEYRING=$DIR/ceph.client.admin.keyring
readonly CSI_KEYRING=$DIR/ceph.client.csi.keyring

# Set while `start` runs, so that a failure prints diagnostics on the way out.
STARTING=0
DEADLINE=0

log() { printf 'ceph-local: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  cat <<EOF
usage: $0 install|start|stop|status|env|purge

  install  install Debian's Ceph packages if a binary is missing (apt-get)
  start    install, then start a fresh one-node cluster unless one is running (then wait for it
           to serve clients; replace it only if a daemon exits or it never does)
  stop     stop the OSD, the mgr and the mon of the state dir (idempotent)
  status   print \`ceph -s\`; exit 0 only if the cluster is running and ready
  env      print export lines (CEPH_CONF, keyrings, client.csi's key, mon address, fsid, pool)
  purge    stop, then remove the state dir

environment (defaults):
  CORRAL_CEPH_DIR=/tmp/corral-ceph        state dir
  CORRAL_CEPH_MON_PORT=13300              mon's msgr2 port on 127.0.0.1
  CORRAL_CEPH_MEMSTORE_BYTES=2147483648   OSD capacity (RAM)
  CORRAL_CEPH_TIMEOUT=120                 seconds for start to reach ready (or serving)
  CORRAL_CEPH_STOP_TIMEOUT=20             seconds per daemon before SIGKILL
  CORRAL_CEPH_PG_NUM=8                    placement groups of pool rbd
EOF
}

# Dies unless $2 (the value of setting $1) is a whole number in [$3, $4].
check_range() {
  if ! [[ $2 =~ ^[0-9]{1,13}$ ]] || ((10#$2 < $3 || 10#$2 > $4)); then
    die "$1 must be a whole number in $3-$4, got '$2'"
  fi
}

check_settings() {
  check_range CORRAL_CEPH_MON_PORT "$MON_PORT" 1024 65535
  check_range CORRAL_CEPH_MEMSTORE_BYTES "$MEMSTORE_BYTES" 268435456 1099511627776
  check_range CORRAL_CEPH_TIMEOUT "$START_TIMEOUT" 1 3600
  check_range CORRAL_CEPH_STOP_TIMEOUT "$STOP_TIMEOUT" 1 600
  check_range CORRAL_CEPH_PG_NUM "$PG_NUM" 1 128
  [[ $DIR != / && $DIR != "$HOME" ]] || die "refusing to use '$DIR' as the state dir"
}

# ---------------------------------------------------------------------------------------------
# install

as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "not root and no sudo: cannot run $*"
  fi
}

cmd_install() {
  local missing=() bin
  for bin in "${CEPH_BINARIES[@]}" "${TOOL_BINARIES[@]}"; do
    command -v "$bin" >/dev/null 2>&1 || missing+=("$bin")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ -x $PY ]] || missing+=("$PY")
  log "missing ${missing[*]}: installing ${CEPH_PACKAGES[*]} ${TOOL_PACKAGES[*]}"
  local t0=${EPOCHREALTIME//[!0-9]/}
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y \
    --no-install-recommends "${CEPH_PACKAGES[@]}" "${TOOL_PACKAGES[@]}"
  log "installed Ceph packages in $(elapsed "$t0") s"
}

# ---------------------------------------------------------------------------------------------
# processes

# Seconds since $1 (EPOCHREALTIME with the dot removed), with one decimal.
elapsed() {
  local us=$((${EPOCHREALTIME//[!0-9]/} - $1))
  printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000))
}

# PIDs of the ceph-$1 processes started with this state dir's conf. Reads /proc, so a zombie
# (empty command line) no longer counts, whoever is meant to reap it.
daemon_pids() {
  local want=ceph-$1 proc arg
  local -a argv
  for proc in /proc/[0-9]*; do
    mapfile -d '' -t argv 2>/dev/null <"$proc/cmdline" || continue
    if ((${#argv[@]} < 2)) || [[ ${argv[0]##*/} != "$want" ]]; then
      continue
    fi
    for arg in "${argv[@]:1}"; do
      if [[ $arg == "$CONF" ]]; then
        printf '%s\n' "${proc#/proc/}"
        break
      fi
    done
  done
}

is_running() { [[ -n $(daemon_pids "$1") ]]; }

all_running() { is_running mon && is_running mgr && is_running osd; }

any_running() { is_running osd || is_running mgr || is_running mon; }

# Waits up to $2 seconds for every ceph-$1 of this state dir to be gone.
wait_gone() {
  local type=$1 tenths=$(($2 * 10))
  while is_running "$type"; do
    ((tenths-- > 0)) || return 1
    sleep 0.1
  done
}

# Stops every ceph-$1 of this state dir: SIGTERM, then SIGKILL after STOP_TIMEOUT seconds.
stop_daemon() {
  local type=$1
  local -a pids
  mapfile -t pids < <(daemon_pids "$type")
  ((${#pids[@]} > 0)) || return 0
  log "stopping ceph-$type (pid ${pids[*]})"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  if ! wait_gone "$type" "$STOP_TIMEOUT"; then
    mapfile -t pids < <(daemon_pids "$type")
    log "ceph-$type still running after ${STOP_TIMEOUT} s: SIGKILL ${pids[*]}"
    kill -KILL "${pids[@]}" 2>/dev/null || true
    wait_gone "$type" 10 || die "ceph-$type (pid ${pids[*]}) survives SIGKILL"
  fi
  rm -f "$DIR/run/$type".*.pid "$DIR/run/$type".*.asok
}

# OSD first: an OSD whose mon is gone hangs on shutdown.
stop_all() {
  stop_daemon osd
  stop_daemon mgr
  stop_daemon mon
}

# Starts a daemon; it forks into the background once initialised (pid file in run/). Its fd 9
# (the state dir lock) is closed, or the daemon would hold the lock for its whole life.
launch() {
  local type=$1 id=$2 out=$DIR/log/$1.$2.out
  if ! "ceph-$type" -c "$CONF" -i "$id" </dev/null >>"$out" 2>&1 9>&-; then
    log "ceph-$type -i $id failed to start:"
    tail -n 20 "$out" >&2 || true
    return 1
  fi
}

# ---------------------------------------------------------------------------------------------
# cluster commands

# Seconds left before DEADLINE (at least 1), to bound each step of `start`.
remaining() {
  local left=$((DEADLINE - SECONDS))
  ((left > 0)) || left=1
  printf '%d' "$left"
}

ceph_admin() {
  timeout 30 ceph -c "$CONF" --id admin --keyring "$ADMIN_KEYRING" --connect-timeout 10 "$@"
}

# Exit 0 if the cluster is ready; otherwise print why not. Asks through librados (one process,
# ~0.1 s, where each `ceph` CLI call costs ~0.4 s). Ready means: HEALTH_OK, every OSD up and in,
# the mgr available with rbd_support answering, and every PG of every pool active+clean.
# HEALTH_OK alone is not enough (it shows before the PGs are active), nor is "every PG in the
# pgmap active+clean": the mgr's pgmap lags behind a pool just created, so the PG count is
# checked against the pools' pg_num.
readonly READY_PY='
import json, sys
import rados

conf, keyring, pool = sys.argv[1:4]
# "running": a cluster already serving clients (tests) is not judged on its health or on PGs that
# are peering (a test just made a pool or set a pool quota): only on what clients need.
serving = len(sys.argv) > 4 and sys.argv[4] == "running"

def ask(cluster, **command):
    command["format"] = "json"
    ret, out, err = cluster.mon_command(json.dumps(command), b"", timeout=10)
    if ret != 0:
        raise RuntimeError("%s: %s" % (command["prefix"], err or ret))
    return json.loads(out)

try:
    cluster = rados.Rados(conffile=conf, name="client.admin", conf={"keyring": keyring})
    cluster.connect(timeout=10)
    try:
        s = ask(cluster, prefix="status")
        pools = ask(cluster, prefix="osd pool ls", detail="detail")
        rbd_support = None
        if s.get("mgrmap", {}).get("available"):
            # What a CSI driver asks the mgr for (flatten, trash remove) goes to rbd_support.
            rbd_support, _, _ = cluster.mgr_command(
                json.dumps({"prefix": "rbd task list", "format": "json"}), b"", timeout=5)
    finally:
        cluster.shutdown()
except Exception as e:
    print("cannot query the mon: %s" % e)
    sys.exit(1)

why = []
health = s.get("health", {})
if not serving and health.get("status") != "HEALTH_OK":
    why.append("%s %s" % (health.get("status"), ",".join(sorted(health.get("checks", {})))))
osd = s.get("osdmap", {})
osd = osd.get("osdmap", osd)
if not osd.get("num_osds") or not osd["num_osds"] == osd.get("num_up_osds") == osd.get("num_in_osds"):
    why.append("OSDs: %s up, %s in of %s"
               % (osd.get("num_up_osds"), osd.get("num_in_osds"), osd.get("num_osds")))
if not s.get("mgrmap", {}).get("available"):
    why.append("mgr not available")
elif rbd_support != 0:
    why.append("mgr module rbd_support not answering")
pg = s.get("pgmap", {})
total = pg.get("num_pgs", 0)
clean = sum(p["count"] for p in pg.get("pgs_by_state", []) if p["state_name"] == "active+clean")
expected = sum(p["pg_num"] for p in pools)
if not serving and (total == 0 or clean != total or total != expected):
    why.append("%d/%d PGs active+clean" % (clean, max(total, expected)))
if not any(p["pool_name"] == pool and "rbd" in p.get("application_metadata", {}) for p in pools):
    why.append("no rbd pool %s" % pool)
if why:
    print("; ".join(why))
    sys.exit(1)
'

# `cluster_ready running`: only what clients need (see READY_PY), for a cluster already in use.
cluster_ready() {
  timeout 30 "$PY" -c "$READY_PY" "$CONF" "$ADMIN_KEYRING" "$POOL" "${1:-fresh}" 2>&1
}

# A cluster whose daemons all run is in use (other tests share it): wait for it to serve rather than
# replace it, which would delete every image its users hold. False if a daemon exits or time runs out.
await_serving() {
  local why deadline=$((SECONDS + START_TIMEOUT))
  while ! why=$(cluster_ready running); do
    all_running || return 1
    if ((SECONDS >= deadline)); then
      log "not serving after ${START_TIMEOUT} s: $why"
      return 1
    fi
    sleep 1
  done
}

wait_ready() {
  local why type
  while ! why=$(cluster_ready); do
    for type in mon mgr osd; do
      is_running "$type" || die "ceph-$type exited (see $DIR/log/)"
    done
    ((SECONDS < DEADLINE)) || die "not ready after ${START_TIMEOUT} s: $why"
    sleep 0.3
  done
}

# On a failed start: the last `ceph -s` and the end of each daemon's log.
diagnose() {
  log "start failed; last ceph -s:"
  if [[ -r $ADMIN_KEYRING ]] && is_running mon; then
    timeout 15 ceph -c "$CONF" --id admin --keyring "$ADMIN_KEYRING" --connect-timeout 5 -s >&2 || true
  fi
  local f
  for f in "$DIR"/log/*.log "$DIR"/log/*.out; do
    [[ -s $f ]] || continue
    log "last lines of $f:"
    tail -n 15 "$f" >&2 || true
  done
  log "daemons left running for inspection; '$0 stop' or '$0 purge' cleans up"
}

on_exit() {
  local rc=$?
  if ((rc != 0 && STARTING == 1)); then
    STARTING=0
    diagnose
  fi
  exit "$rc"
}

# ---------------------------------------------------------------------------------------------
# state dir

# Refuses to take over (and later wipe) a non-empty directory this script did not create.
claim_dir() {
  mkdir -p "$DIR"
  if [[ ! -e $DIR/$MARKER ]] && [[ -n $(ls -A "$DIR") ]]; then
    die "$DIR is not empty and was not made by $0: set CORRAL_CEPH_DIR to another path"
  fi
  touch "$DIR/$MARKER"
}

# Serialises start/stop/purge on one state dir.
lock_dir() {
  exec 9>"$DIR/.lock"
  flock -w 600 9 || die "another $0 holds $DIR/.lock"
}

# Writes a keyring file: write_keyring FILE ENTITY KEY [CAP_TYPE CAP ...]
write_keyring() {
  local file=$1 entity=$2 key=$3
  shift 3
  {
    printf '[%s]\n\tkey = %s\n' "$entity" "$key"
    while (($# >= 2)); do
      printf '\tcaps %s = "%s"\n' "$1" "$2"
      shift 2
    done
  } >"$file"
  chmod 600 "$file"
}

write_conf() {
  local fsid=$1 type
  {
    cat <<EOF
# Written by scripts/ceph-local.sh: a throwaway one-node cluster on 127.0.0.1.
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$MON_PORT]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
run dir = $DIR/run
crash dir = $DIR/crash
mon cluster log file = $DIR/log/cluster.log
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = $PG_NUM
osd pool default pgp num = $PG_NUM
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
# Report PG states every second, not every 5 s: readiness shows up sooner.
mgr stats period = 1
mgr tick period = 1
mon mgr digest period = 1
paxos propose interval = 0.1

[client.admin]
keyring = $ADMIN_KEYRING

[client.csi]
keyring = $CSI_KEYRING

[osd]
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
EOF
    for type in mon mgr osd; do
      cat <<EOF

[$type]
$type data = $DIR/data/\$name
keyring = $DIR/data/\$name/keyring
log file = $DIR/log/\$name.log
pid file = $DIR/run/\$name.pid
admin socket = $DIR/run/\$name.asok
EOF
    done
  } >"$CONF"
}

# Conf, keys and the mon's and OSD's stores; every entity is in the mon's keyring from the start,
# so no `ceph auth` round trips are needed.
make_cluster_files() {
  local fsid=$1 osd_uuid=$2 mon_key admin_key csi_key mgr_key osd_key
  find "$DIR" -mindepth 1 -maxdepth 1 ! -name .lock ! -name "$MARKER" -exec rm -rf {} +
  mkdir -p "$DIR"/{data/mon.$MON_ID,data/mgr.$MGR_ID,data/osd.$OSD_ID,log,run,crash}
  chmod 700 "$DIR/data"
  write_conf "$fsid"
  mon_key=$(ceph-authtool --gen-print-key)
  admin_key=$(ceph-authtool --gen-print-key)
  csi_key=$(ceph-authtool --gen-print-key)
  mgr_key=$(ceph-authtool --gen-print-key)
  osd_key=$(ceph-authtool --gen-print-key)
  write_keyring "$ADMIN_KEYRING" client.admin "$admin_key" \
    mon 'allow *' osd 'allow *' mgr 'allow *' mds 'allow *'
  write_keyring "$CSI_KEYRING" client.csi "$csi_key" \
    mon 'profile rbd' osd "profile rbd pool=$POOL" mgr "profile rbd pool=$POOL"
  write_keyring "$DIR/data/mgr.$MGR_ID/keyring" "mgr.$MGR_ID" "$mgr_key" \
    mon 'allow profile mgr' osd 'allow *' mds 'allow *'
  write_keyring "$DIR/data/osd.$OSD_ID/keyring" "osd.$OSD_ID" "$osd_key" \
    mon 'allow profile osd' mgr 'allow profile osd' osd 'allow *'
  write_keyring "$DIR/mon.keyring" mon. "$mon_key" mon 'allow *'
  cat "$ADMIN_KEYRING" "$CSI_KEYRING" "$DIR/data/mgr.$MGR_ID/keyring" \
    "$DIR/data/osd.$OSD_ID/keyring" >>"$DIR/mon.keyring"
  monmaptool --create --fsid "$fsid" --addv "$MON_ID" "[v2:127.0.0.1:$MON_PORT]" \
    "$DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" -i "$MON_ID" --mkfs --monmap "$DIR/monmap" --keyring "$DIR/mon.keyring" \
    >>"$DIR/log/mon.$MON_ID.out" 2>&1
  rm -f "$DIR/mon.keyring" "$DIR/monmap"
  ceph-osd -c "$CONF" -i "$OSD_ID" --mkfs --osd-uuid "$osd_uuid" --no-mon-config \
    >>"$DIR/log/osd.$OSD_ID.out" 2>&1
}

# Runs a command with the time left before DEADLINE, showing its output only if it fails.
quietly() {
  local out rc=0
  out=$(timeout "$(remaining)" "$@" 2>&1) || rc=$?
  ((rc == 0)) && return 0
  if ((rc == 124)); then
    log "timed out: $*"
  else
    log "failed (exit $rc): $*"
  fi
  [[ -z $out ]] || printf '%s\n' "$out" >&2
  return "$rc"
}

# Sends mon commands (JSON, one per argument after conf and keyring) in order over one librados
# connection: ~0.1 s in all, where each `ceph` CLI call costs ~0.4 s.
readonly MON_COMMANDS_PY='
import json, sys
import rados

conf, keyring, commands = sys.argv[1], sys.argv[2], sys.argv[3:]
cluster = rados.Rados(conffile=conf, name="client.admin", conf={"keyring": keyring})
cluster.connect(timeout=60)
try:
    for command in commands:
        ret, _, err = cluster.mon_command(command, b"", timeout=60)
        if ret != 0:
            sys.exit("%s: %s (%d)" % (command, err, ret))
finally:
    cluster.shutdown()
'

mon_commands() {
  quietly "$PY" -c "$MON_COMMANDS_PY" "$CONF" "$ADMIN_KEYRING" "$@"
}

# The mgr's devicehealth module creates its pool (one PG) once it sees enough OSDs up, at a moment
# of its choosing: a cluster could look ready just before that and then show an unknown PG. So the
# pool is made here, before the OSD boots, and the module's own create is a no-op.
build_cluster() {
  local fsid osd_uuid
  fsid=$(</proc/sys/kernel/random/uuid)
  osd_uuid=$(</proc/sys/kernel/random/uuid)
  make_cluster_files "$fsid" "$osd_uuid"
  launch mon "$MON_ID"
  launch mgr "$MGR_ID"
  mon_commands \
    "{\"prefix\": \"osd new\", \"uuid\": \"$osd_uuid\", \"id\": $OSD_ID}" \
    "{\"prefix\": \"osd pool create\", \"pool\": \"$POOL\", \"pg_num\": $PG_NUM, \"pgp_num\": $PG_NUM}" \
    '{"prefix": "osd pool create", "pool": "device_health_metrics", "pg_num": 1, "pgp_num": 1}' \
    '{"prefix": "osd pool application enable", "pool": "device_health_metrics", "app": "mgr_devicehealth"}'
  launch osd "$OSD_ID"
  quietly rbd -c "$CONF" --id admin pool init "$POOL"
}

cmd_start() {
  cmd_install
  claim_dir
  lock_dir
  if all_running && await_serving; then
    log "already running and ready in $DIR ($(mon_addr), fsid $(conf_value fsid))"
    return 0
  fi
  if any_running; then
    log "the cluster in $DIR is running but not serving: replacing it with a fresh one"
    stop_all
  fi
  if (: <"/dev/tcp/127.0.0.1/$MON_PORT") 2>/dev/null; then
    die "127.0.0.1:$MON_PORT is in use: choose another CORRAL_CEPH_MON_PORT"
  fi
  local t0=${EPOCHREALTIME//[!0-9]/}
  DEADLINE=$((SECONDS + START_TIMEOUT))
  STARTING=1
  log "starting a fresh one-node cluster in $DIR (mon 127.0.0.1:$MON_PORT)"
  build_cluster
  wait_ready
  STARTING=0
  log "ready in $(elapsed "$t0") s: fsid $(conf_value fsid), pool $POOL, mon $(mon_addr)"
  log "use it with: $(env_command)"
}

# Quotes $1 for the shell only if it needs it.
shell_word() {
  if [[ $1 =~ ^[A-Za-z0-9_./:=@%+-]+$ ]]; then printf '%s' "$1"; else shell_quote "$1"; fi
}

# The command that reads this cluster's env in a fresh shell: `eval "$(... env)"`, prefixed with the
# settings `env` and `start` go by (state dir, mon port) where they differ from the defaults.
env_command() {
  local -a settings=()
  [[ $DIR == "$(realpath -m -- "$DEFAULT_DIR")" ]] || settings+=("CORRAL_CEPH_DIR=$(shell_word "$DIR")")
  [[ $MON_PORT == "$DEFAULT_MON_PORT" ]] || settings+=("CORRAL_CEPH_MON_PORT=$(shell_word "$MON_PORT")")
  settings+=("$(shell_word "$0")" env)
  printf 'eval "$(%s)"' "${settings[*]}"
}

cmd_stop() {
  [[ -e $DIR/$MARKER ]] || return 0
  lock_dir
  if any_running; then
    stop_all
    log "stopped the cluster in $DIR"
  fi
}

cmd_status() {
  if ! [[ -r $CONF ]] || ! all_running; then
    log "not running ($DIR)"
    return 1
  fi
  local why
  if ! why=$(cluster_ready); then
    log "running but not ready: $why"
    ceph_admin -s >&2 || true
    return 1
  fi
  ceph_admin -s
}

conf_value() {
  sed -n "s/^$1 = //p" "$CONF" | head -n 1
}

# The mon's address as a client (or a CSI config's monitors list) names it: host:port.
mon_addr() {
  local host
  host=$(conf_value 'mon host')
  host=${host#\[v2:}
  printf '%s' "${host%\]}"
}

# Single-quotes $1 for the shell.
shell_quote() {
  local q="'\\''"
  printf "'%s'" "${1//\'/$q}"
}

cmd_env() {
  [[ -r $CONF && -r $CSI_KEYRING ]] || die "no cluster in $DIR (run: $0 start)"
  local key name value
  key=$(ceph-authtool --print-key --name client.csi "$CSI_KEYRING")
  local -a vars=(
    CEPH_CONF "$CONF"
    CORRAL_CEPH_DIR "$DIR"
    CORRAL_CEPH_ADMIN_KEYRING "$ADMIN_KEYRING"
    CORRAL_CEPH_CSI_KEYRING "$CSI_KEYRING"
    CORRAL_CEPH_CSI_KEY "$key"
    CORRAL_CEPH_MON "$(mon_addr)"
    CORRAL_CEPH_FSID "$(conf_value fsid)"
    CORRAL_CEPH_POOL "$POOL"
  )
  while ((${#vars[@]} >= 2)); do
    name=${vars[0]} value=${vars[1]}
    vars=("${vars[@]:2}")
    printf 'export %s=%s\n' "$name" "$(shell_quote "$value")"
  done
}

cmd_purge() {
  [[ -d $DIR ]] || return 0
  [[ -e $DIR/$MARKER || -z $(ls -A "$DIR") ]] ||
    die "$DIR was not made by $0: not removing it"
  cmd_stop
  rm -rf -- "$DIR"
  log "removed $DIR"
}

main() {
  local cmd=${1:-}
  check_settings
  trap on_exit EXIT
  case $cmd in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  purge) cmd_purge ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
  esac
}

# Sourced (by a test of its functions), define them and start nothing.
if ! (return 0 2>/dev/null); then main "$@"; fi
