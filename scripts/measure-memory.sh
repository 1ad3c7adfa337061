#!/usr/bin/env bash
# Memory of the whole app (its process and WebKit's) on a data directory, under Xvfb:
#   scripts/measure-memory.sh BINARY DATA_DIR [DISPLAY_NUMBER]
# e.g. after 'patchdesk --data-dir /tmp/m demo --computers 200000' and a release build:
#   scripts/measure-memory.sh target/release/patchdesk-app /tmp/m
# Waits until the total RSS has held within 2 MB for three samples 2 s apart (the
# inventory has loaded), prints RSS and PSS per process (PSS shares each library's pages
# among the processes that map it, so the PSS total is what the app costs), saves a
# screenshot to show what was loaded, and stops the app.
set -euo pipefail
bin=$1 data=$2 n=${3:-77}
Xvfb ":$n" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true' EXIT
sleep 1
DISPLAY=":$n" PATCHDESK_DATA_DIR="$data" "$bin" >/dev/null 2>&1 &
app=$!
field() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$2/smaps_rollup" 2>/dev/null || echo 0; }
procs() { echo "$app" $(pgrep -P "$app" || true); }
total() { local t=0; for p in $(procs); do t=$((t + $(field "$1" "$p"))); done; echo "$t"; }
prev=0 stable=0
for _ in $(seq 1 30); do
  sleep 2
  now=$(total Rss)
  if [ $((now - prev)) -lt 2000 ] && [ $((now - prev)) -gt -2000 ]; then stable=$((stable + 1)); else stable=0; fi
  prev=$now
  [ "$stable" -ge 3 ] && break
done
DISPLAY=":$n" import -window root "memory-$n.png" 2>/dev/null || true
for p in $(procs); do
  printf '%-16s RSS %7s kB  PSS %7s kB\n' "$(cat "/proc/$p/comm")" "$(field Rss "$p")" "$(field Pss "$p")"
done
echo "total            RSS $(total Rss) kB  PSS $(total Pss) kB"
pkill -P "$app" 2>/dev/null || true
kill "$app" 2>/dev/null || true
