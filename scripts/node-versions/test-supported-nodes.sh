#!/usr/bin/env bash
# Runs what users of the packages do, under every Node line in versions.json (22 and 24; this machine's Node 20 runs
# them in `pnpm test:all`): packs every published package, installs the tarballs and their registry dependencies into a
# fresh app outside the repository and runs the root README's first-taste example there
# (tests/e2e/test/packed-install.test.ts), then `pnpm demo`. Needs `pnpm install` done and the npm registry reachable.
# Called by .ci/run before the README's test command. Prints how long each step took.
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { # step <label> <command...>: runs it, prints its duration, stops the script when it fails
  local label="$1" started=$SECONDS
  shift
  echo "::: $label"
  if ! "$@"; then
    echo "::: FAILED: $label ($((SECONDS - started)) s)" >&2
    exit 1
  fi
  echo "::: ok: $label ($((SECONDS - started)) s)"
}

total_started=$SECONDS
step "build (Node $(node -v))" pnpm exec turbo run build --output-logs=errors-only

majors="$(node -p 'require("./scripts/node-versions/versions.json").nodes.map((n) => n.major).join(" ")')"
# Fetch the binaries side by side (the network is the slow part); the loop below then finds them installed.
started=$SECONDS
pids=()
for major in $majors; do
  bash scripts/node-versions/install-node.sh "$major" >/dev/null &
  pids+=("$!")
done
for pid in "${pids[@]}"; do wait "$pid" || { echo "::: FAILED: fetching the Node binaries" >&2; exit 1; }; done
echo "::: ok: Node $majors binaries from the npm registry ($((SECONDS - started)) s)"
for major in $majors; do
  bin="$(bash scripts/node-versions/install-node.sh "$major")"
  demo_workspace="$(mktemp -d)"
  (
    # The pinned node first on PATH: vitest, npm, pnpm, tsx and the demo all run on it.
    export PATH="$bin:$PATH"
    echo "::: Node $(node -v) from $bin"
    step "Node $major: packed tarballs installed outside the repository, README first taste" \
      pnpm exec vitest run tests/e2e/test/packed-install.test.ts
    step "Node $major: pnpm demo" env STUDIO_WORKSPACE="$demo_workspace" pnpm demo
  ) || { rm -rf "$demo_workspace"; exit 1; }
  rm -rf "$demo_workspace"
done
echo "::: Node ${majors// /, }: all passed in $((SECONDS - total_started)) s"
