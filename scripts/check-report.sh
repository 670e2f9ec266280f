#!/usr/bin/env bash
# Opens a forceplan report.html in headless Chromium and fails if the browser logs any console
# message (the report's Content-Security-Policy makes every attempted fetch one) or network
# error; writes a 1280x2000 screenshot.
#
#   scripts/check-report.sh results/coalition-2026/report.html [screenshot.png]
#
# Needs Debian's chromium (apt-get install -y chromium). The same check runs in
# `cargo test` (tests/cli/report.rs).
set -euo pipefail
page=$(realpath "$1")
shot=$(realpath -m "${2:-${page%.html}.png}")
browser=${FORCEPLAN_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$browser" ] || { echo "check-report: chromium not found (apt-get install -y chromium)" >&2; exit 2; }
profile=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$profile" "$log"' EXIT
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
  --user-data-dir="$profile" --enable-logging=stderr --v=0 \
  --window-size=1280,2000 --screenshot="$shot" "file://$page" 2>"$log" >/dev/null
if grep -E ':CONSOLE|net::ERR|Refused to' "$log"; then
  echo "check-report: the browser reported problems with $page (above)" >&2
  exit 1
fi
[ -s "$shot" ] || { echo "check-report: no screenshot written" >&2; cat "$log" >&2; exit 1; }
echo "check-report: $page loads with no console messages or network errors; screenshot $shot"
