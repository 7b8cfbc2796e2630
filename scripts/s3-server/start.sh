#!/usr/bin/env bash
# Starts a single-node OpenStack Swift with its S3 API (s3api + tempauth) on 127.0.0.1, for tests and benchmarks.
#
#   bash scripts/s3-server/install.sh   # once: Debian packages
#   bash scripts/s3-server/start.sh     # prints the S3_TEST_* variables and writes them to <state>/env
#   set -a; . .s3-server/env; set +a    # use them in your shell
#   bash scripts/s3-server/stop.sh
#
# State (configs, rings, data, logs, pids, env) lives in S3_SERVER_DIR (default <repo>/.s3-server).
# Ports: S3_SERVER_PORT (proxy, default 18480); account/container/object use the next three ports unless
# S3_SERVER_ACCOUNT_PORT / S3_SERVER_CONTAINER_PORT / S3_SERVER_OBJECT_PORT are set.
# Idempotent: when the servers recorded in <state>/pids are alive and healthy, they are reused.
# It is a throwaway test server: fsync is skipped (durability only; S3_SERVER_FSYNC=1 keeps it) and an in-process
# cache replaces memcached. S3_SERVER_LOG_LEVEL (default WARNING) sets the log level of <state>/logs/*.log;
# S3_SERVER_PYTHON (default /usr/bin/python3) is the Python that has the swift package.
# Credentials are the fixed, local-only tempauth user test:tester / testing (never use them elsewhere).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
state=${S3_SERVER_DIR:-$repo/.s3-server}
proxy_port=${S3_SERVER_PORT:-18480}
account_port=${S3_SERVER_ACCOUNT_PORT:-$((proxy_port + 1))}
container_port=${S3_SERVER_CONTAINER_PORT:-$((proxy_port + 2))}
object_port=${S3_SERVER_OBJECT_PORT:-$((proxy_port + 3))}
log_level=${S3_SERVER_LOG_LEVEL:-WARNING}
timeout_s=${S3_SERVER_START_TIMEOUT:-60}
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the repo
python=${S3_SERVER_PYTHON:-/usr/bin/python3} # Debian's python, where the swift package lives
endpoint="http://127.0.0.1:$proxy_port"
region=us-east-1
access_key=test:tester
secret_key=testing
bucket=model-studio-test

fail() {
  echo "s3-server: $*" >&2
  exit 1
}

if [[ ! -x $python ]] || ! "$python" -c 'import swift.proxy.server, swift.obj.server' 2>/dev/null ||
  ! command -v swift-proxy-server >/dev/null 2>&1; then
  fail "OpenStack Swift is not installed. Run: bash scripts/s3-server/install.sh"
fi

mkdir -p "$state"
state=$(cd "$state" && pwd)
# One start at a time per state dir (parallel test runs share the server).
exec 9>"$state/.lock"
flock -w 120 9 || fail "another start.sh holds $state/.lock"

write_env() {
  cat >"$state/env" <<EOF
S3_TEST_ENDPOINT=$endpoint
S3_TEST_REGION=$region
S3_TEST_ACCESS_KEY_ID=$access_key
S3_TEST_SECRET_ACCESS_KEY=$secret_key
S3_TEST_BUCKET=$bucket
EOF
  cat "$state/env"
}

alive() {
  [[ -s $state/pids ]] || return 1
  local name pid
  while read -r name pid; do
    kill -0 "$pid" 2>/dev/null || return 1
  done <"$state/pids"
}

if alive && [[ -s $state/ports && $(cat "$state/ports") == "$proxy_port $account_port $container_port $object_port" ]] &&
  "$python" "$here/swift_helper.py" ready "$endpoint" "$access_key" "$secret_key" "$region" "$bucket" 5 2>/dev/null; then
  echo "s3-server: reusing the running server in $state" >&2
  write_env
  exit 0
fi

# Something half-alive from an earlier run: stop it first.
if [[ -s $state/pids ]]; then
  S3_SERVER_DIR=$state bash "$here/stop.sh" --keep-dir >/dev/null
fi

port_busy() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$proxy_port" "$account_port" "$container_port" "$object_port"; do
  if port_busy "$port"; then
    fail "port $port on 127.0.0.1 is in use by another program. Choose other ports, e.g. S3_SERVER_PORT=28480 bash scripts/s3-server/start.sh"
  fi
done

rm -rf "$state/conf" "$state/data" "$state/logs"
mkdir -p "$state/conf" "$state/data/d1" "$state/logs"
user=$(id -un)
conf=$state/conf

cat >"$conf/swift.conf" <<EOF
[swift-hash]
swift_hash_path_prefix = model-studio-test
swift_hash_path_suffix = model-studio-test

[storage-policy:0]
name = Policy-0
default = yes
EOF

common() {
  cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = 0
user = $user
swift_dir = $conf
devices = $state/data
mount_check = false
log_level = $log_level
log_udp_host = 127.0.0.1
log_udp_port = 9
EOF
}

for kind in account container object; do
  case $kind in
    account) port=$account_port ;;
    container) port=$container_port ;;
    object) port=$object_port ;;
  esac
  {
    common "$port"
    cat <<EOF

[pipeline:main]
pipeline = $kind-server

[app:$kind-server]
use = egg:swift#$kind
EOF
  } >"$conf/$kind-server.conf"
done

{
  common "$proxy_port"
  cat <<EOF

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

# An in-process cache (swift_helper.MemoryCache) instead of egg:swift#memcache, so no memcached is needed.
[filter:cache]
paste.filter_factory = swift_helper:memory_cache_filter_factory

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:s3api]
use = egg:swift#s3api
location = $region
# DeleteObjects deletes this many keys in parallel (default 2: a 1000-key batch would take ~12 s).
multi_delete_concurrency = 16

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = $secret_key .admin

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo

[filter:dlo]
use = egg:swift#dlo
EOF
} >"$conf/proxy-server.conf"

"$python" "$here/swift_helper.py" rings "$conf" "$state/data" "$account_port" "$container_port" "$object_port"

: >"$state/pids"
for kind in account container object proxy; do
  "$python" "$here/swift_helper.py" serve "$conf" "$kind-server" "$conf/$kind-server.conf" -v \
    </dev/null 9>&- >"$state/logs/$kind.log" 2>&1 &
  echo "$kind $!" >>"$state/pids"
done
echo "$proxy_port $account_port $container_port $object_port" >"$state/ports"

if ! "$python" "$here/swift_helper.py" ready "$endpoint" "$access_key" "$secret_key" "$region" "$bucket" "$timeout_s"; then
  echo "s3-server: last log lines:" >&2
  tail -n 20 "$state"/logs/*.log >&2 || true
  S3_SERVER_DIR=$state bash "$here/stop.sh" --keep-dir >/dev/null || true
  fail "Swift did not become ready; logs are in $state/logs"
fi

echo "s3-server: Swift S3 API ready at $endpoint (state in $state)" >&2
write_env
