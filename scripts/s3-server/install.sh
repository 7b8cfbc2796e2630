#!/usr/bin/env bash
# Installs the local S3-compatible test server (OpenStack Swift + s3api) from Debian packages.
#
#   bash scripts/s3-server/install.sh               # Swift only (what the tests need)
#   bash scripts/s3-server/install.sh --with-awscli # also /usr/bin/aws (for `pnpm bench` in storage-s3)
#
# Idempotent: does nothing when the packages are already installed. Non-interactive. Runs `apt-get update`
# only when the package lists do not know the packages. Services are never left running: a temporary
# policy-rc.d stops apt from starting them, and any systemd units the packages enable are stopped.
# Needs root (or sudo). Apt runs under `flock /tmp/apt.lock` so parallel installs on one machine queue up.
set -euo pipefail

with_awscli=0
for arg in "$@"; do
  case "$arg" in
    --with-awscli) with_awscli=1 ;;
    -h | --help)
      sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "install.sh: unknown option '$arg' (use --with-awscli or --help)" >&2
      exit 2
      ;;
  esac
done

packages=(swift swift-proxy swift-account swift-container swift-object)
if [[ $with_awscli == 1 ]]; then packages+=(awscli); fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  if [[ $status != installed ]]; then missing+=("$pkg"); fi
done
if [[ ${#missing[@]} == 0 ]]; then
  echo "s3-server: already installed: ${packages[*]}"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "s3-server: apt-get not found. Install OpenStack Swift (proxy, account, container, object servers) with your" >&2
  echo "system's package manager, or point the tests at an S3 server with S3_TEST_ENDPOINT (see packages/storage-s3/README.md)." >&2
  exit 1
fi

sudo_cmd=()
if [[ $(id -u) != 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "s3-server: installing Debian packages needs root. Re-run as root: sudo bash $0 $*" >&2
    exit 1
  fi
fi

lock=()
if command -v flock >/dev/null 2>&1; then lock=(flock /tmp/apt.lock); fi

export DEBIAN_FRONTEND=noninteractive
apt=("${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive "${lock[@]}" apt-get -y -q -o DPkg::Lock::Timeout=300)

# apt-get update only when the lists do not offer every missing package.
needs_update=0
for pkg in "${missing[@]}"; do
  candidate=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [[ -z $candidate || $candidate == "(none)" ]]; then needs_update=1; fi
done
if [[ $needs_update == 1 ]]; then
  echo "s3-server: apt-get update"
  "${apt[@]}" update
fi

# Keep apt from starting the services it installs (invoke-rc.d consults policy-rc.d). Restore what was there.
policy=/usr/sbin/policy-rc.d
policy_backup=""
restore_policy() {
  if [[ -n $policy_backup ]]; then
    "${sudo_cmd[@]}" mv -f "$policy_backup" "$policy"
  else
    "${sudo_cmd[@]}" rm -f "$policy"
  fi
}
if [[ -e $policy ]]; then
  policy_backup=$(mktemp /tmp/policy-rc.d.XXXXXX)
  "${sudo_cmd[@]}" cp -p "$policy" "$policy_backup"
fi
printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
"${sudo_cmd[@]}" chmod 755 "$policy"
trap restore_policy EXIT

echo "s3-server: apt-get install ${missing[*]}"
"${apt[@]}" install --no-install-recommends "${missing[@]}"

# Belt and braces for hosts running systemd: stop and disable any Swift units the packages brought.
if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
  units=$(systemctl list-units --all --plain --no-legend 'swift-*' 2>/dev/null | awk '{print $1}' || true)
  if [[ -n $units ]]; then
    # shellcheck disable=SC2086
    "${sudo_cmd[@]}" systemctl disable --now $units >/dev/null 2>&1 || true
  fi
fi

echo "s3-server: installed ${missing[*]}"
