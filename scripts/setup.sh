#!/usr/bin/env bash
# Installs what PatchDesk needs to build, run and test on Debian 12 / Ubuntu 22.04+:
# system packages, the UI's npm packages and tauri-driver. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need_cmd() {
  command -v "$1" >/dev/null 2>&1 || { echo "setup: $1 is missing. $2" >&2; exit 1; }
}
need_cmd cargo "Install Rust 1.90 or newer (https://rustup.rs)."
need_cmd node "Install Node.js 20.19 or newer."
need_cmd npm "Install npm (comes with Node.js)."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' \
  || { echo "setup: Node.js $(node --version) is too old; PatchDesk's UI needs 20.19 or newer." >&2; exit 1; }

# Build: WebKitGTK, GTK and friends for Tauri; mold links faster. Run: Xvfb for headless
# use. Test: WebKitWebDriver (webkit2gtk-driver), sqlite3 for the benchmark baseline,
# python3-icalendar to read exported .ics files with an independent parser, and
# python3-aiosmtpd + openssl for the scripted STARTTLS SMTP server of the mail tests.
PACKAGES=(build-essential pkg-config curl file mold
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev libssl-dev
  xvfb xauth webkit2gtk-driver sqlite3 python3-icalendar python3-aiosmtpd openssl libdbus-1-dev
  imagemagick fonts-dejavu-core)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The UI's packages, exactly as locked.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  npm --prefix ui ci --no-audit --no-fund
fi

# maildev: the real SMTP server the mail tests and benchmarks start on 127.0.0.1.
if [ ! -d tests/smtp/node_modules ] || [ tests/smtp/package-lock.json -nt tests/smtp/node_modules/.package-lock.json ]; then
  npm --prefix tests/smtp ci --no-audit --no-fund
fi

# tauri-driver: the WebDriver server for the end-to-end tests.
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  cargo install tauri-driver --version '^2' --locked
fi
# Fuzzing the query parser needs a nightly toolchain and cargo-fuzz. Optional: without
# them the test command skips the fuzz smoke run and says so.
if command -v rustup >/dev/null 2>&1; then
  rustup toolchain list | grep -q '^nightly' \
    || rustup toolchain install nightly --profile minimal \
    || echo "setup: no nightly toolchain; the fuzz smoke run will be skipped" >&2
fi
if ! command -v cargo-fuzz >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/cargo-fuzz" ]; then
  cargo install cargo-fuzz --locked \
    || echo "setup: cargo-fuzz could not be installed; the fuzz smoke run will be skipped" >&2
fi
echo "setup: done"
