#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine of this kind, then runs the whole suite:
# build, lint, typecheck, and every vitest project (unit, contract, real-S3, end-to-end, package hygiene, README examples).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v pnpm >/dev/null 2>&1 || npm install -g pnpm@10.34.9
pnpm install --frozen-lockfile

# Debian packages for the real S3-compatible test server (OpenStack Swift + s3api). Idempotent.
bash scripts/s3-server/install.sh
# Debian packages for the job-queue tests (BullMQ on a real Redis).
bash scripts/redis/install.sh
# Debian's chromium for the web dashboard's browser tests (playwright-core drives it).
bash scripts/chromium/install.sh

pnpm run build
pnpm run lint
pnpm run typecheck

mkdir -p .tmp
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest-results.json || status=$?
node scripts/print-test-summary.mjs .tmp/vitest-results.json
exit "$status"
