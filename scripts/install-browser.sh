#!/usr/bin/env bash
# Debian's Chromium, for the browser test of the HTML report: playwright-core drives this system
# browser (nothing is downloaded by a test tool). Needs root or sudo; does nothing when it is there.
set -uo pipefail
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then exit 0; fi
run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
export DEBIAN_FRONTEND=noninteractive
if ! run apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; then
  run apt-get update >/dev/null 2>&1
  run apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || {
    echo "Chromium could not be installed here: the browser test will be skipped."
    exit 1
  }
fi
echo "Chromium installed: $(/usr/bin/chromium --version 2>/dev/null)"
