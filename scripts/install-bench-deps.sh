#!/usr/bin/env bash
# Debian packages the benchmarks compare against: awscli (storage-s3's upload yardstick) and OpenCV with its Haar
# cascades (the prototype's face detector, in quality's bench), plus the S3 test server. Idempotent; needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/s3-server/install.sh --with-awscli
missing=()
for pkg in python3-opencv opencv-data; do
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true) == installed ]] || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo_cmd=()
  [[ $(id -u) == 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "bench dependencies: ready"
