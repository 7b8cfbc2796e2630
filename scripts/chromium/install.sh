#!/usr/bin/env bash
# Installs Debian's chromium for the web dashboard's browser tests (playwright-core drives it; Playwright's own browser
# download cannot work here). Idempotent.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version
