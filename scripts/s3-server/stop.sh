#!/usr/bin/env bash
# Stops the Swift servers started by start.sh (by the PIDs in <state>/pids) and removes the state dir.
#
#   bash scripts/s3-server/stop.sh             # stop and delete <state> (configs, data, logs)
#   bash scripts/s3-server/stop.sh --keep-dir  # stop, keep configs/data/logs for inspection
#
# State dir: S3_SERVER_DIR (default <repo>/.s3-server). Only processes recorded there are touched.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
state=${S3_SERVER_DIR:-$repo/.s3-server}
keep=0
if [[ ${1:-} == --keep-dir ]]; then keep=1; fi

pids=()
if [[ -s $state/pids ]]; then
  while read -r _ pid; do
    # Only signal processes that are still ours: a Swift server started from this state dir.
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "swift_helper.py serve"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done <"$state/pids"
fi

# Wait up to 10 s, then force.
for _ in $(seq 1 100); do
  left=()
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then left+=("$pid"); fi
  done
  pids=("${left[@]}")
  [[ ${#pids[@]} == 0 ]] && break
  sleep 0.1
done
for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done

if [[ $keep == 1 ]]; then
  rm -f "$state/pids" "$state/ports" "$state/env"
elif [[ -d $state ]]; then
  rm -rf "$state"
fi
echo "s3-server: stopped" >&2
