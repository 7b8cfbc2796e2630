#!/usr/bin/env bash
# Installs Debian's redis-server for the scale-out job-queue tests (BullMQ). Idempotent. The tests start their own
# redis-server on a free loopback port and stop it by its PID; nothing here starts a server.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
# The package's service may start a default server on 6379; the tests never use it.
redis-server --version
