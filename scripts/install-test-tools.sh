#!/usr/bin/env bash
# What the tests of what a person sees need from Debian: Chromium, for the HTML report's browser
# test (playwright-core drives this system browser; no test tool downloads one), and tmux, for
# the walkthrough's test in a real terminal. Needs root or sudo; installs only what is missing.
set -uo pipefail
run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
export DEBIAN_FRONTEND=noninteractive
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v tmux >/dev/null || missing+=(tmux)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! run apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  run apt-get update >/dev/null 2>&1
  if ! run apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    echo "Could not install ${missing[*]} here: the tests that need them will be skipped, each saying so."
    exit 1
  fi
fi
echo "Installed for the tests: ${missing[*]}"
