#!/usr/bin/env bash
# Sets everything up and runs every check and test: formatting, lints, UI type check,
# lint and unit tests, Rust tests (core, CLI, commands), fresh TypeScript bindings,
# "core has no tauri", and the end-to-end suite against the real app under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "setup"
scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all --check

step "UI: type check, lint, unit tests, build"
npm --prefix ui run typecheck
npm --prefix ui run lint
npm --prefix ui test
npm --prefix ui run build

step "installer: the bundle configuration resolves from the repository root"
# The README's 'tauri build --bundles deb' runs beforeBuildCommand first; with a runner
# that builds nothing, this checks that step (its working directory) in seconds.
ui/node_modules/.bin/tauri build --runner true --no-bundle

step "core has no tauri"
if cargo tree -p patchdesk-core -e normal,build --prefix none | grep -iE '^tauri'; then
  echo "patchdesk-core must not depend on tauri" >&2; exit 1
fi

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "Rust tests: core, CLI, commands, and end to end (WebDriver on the real app, Xvfb)"
# One cargo invocation builds every binary the end-to-end tests drive, with one feature set.
cargo test --workspace
echo "end-to-end screenshots: target/e2e/"

step "fuzz smoke run: the query parser for 30 seconds (docs/fuzzing.md)"
if rustup toolchain list 2>/dev/null | grep -q '^nightly' && command -v cargo-fuzz >/dev/null 2>&1; then
  scripts/fuzz.sh 30
else
  echo "skipped: needs a nightly toolchain and cargo-fuzz (scripts/setup.sh installs both)"
fi

step "TypeScript bindings are fresh (cargo test regenerates them)"
if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  git status --porcelain -- ui/src/bindings
  echo "ui/src/bindings is stale: run 'cargo test' and commit the result" >&2; exit 1
fi
echo "all checks passed"
