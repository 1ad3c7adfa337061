#!/usr/bin/env bash
# Sets everything up, builds PatchDesk and starts it on the default data directory
# (~/.local/share/com.patchdesk.desktop; PATCHDESK_DATA_DIR overrides it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
npm --prefix ui run build
cargo build -p patchdesk-app -p patchdesk-cli
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display found; starting PatchDesk under Xvfb :77" >&2
  Xvfb :77 -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
  export DISPLAY=:77
  sleep 1
fi
exec target/debug/patchdesk-app
