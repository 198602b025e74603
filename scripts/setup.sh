#!/usr/bin/env bash
# Installs what chatpulse needs to build, run and test, on a fresh Debian machine as root.
# Idempotent and quick when everything is already there: each step checks before it installs.
#
#   bash scripts/setup.sh          install
#   source scripts/setup.sh        install, and keep PATH set in the calling shell
#
# CHATPULSE_SKIP_CARGO_INSTALLS=1  skip the (slow) cargo installs of cargo-leptos and
#                                  wasm-bindgen-cli; only report what is missing.
# CHATPULSE_SKIP_APT=1             skip Debian packages (chromium).
set -euo pipefail

# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

CARGO_LEPTOS_VERSION=0.3.5
# cargo-leptos 0.3.5 is built with wasm_split_cli_support 0.2.3 in place of the 0.2.0 its
# lock file names: 0.2.0 leaves wasm-bindgen's describe imports in the split main WASM
# (wasm-bindgen 0.2.130), which then fails to start in the browser. 0.2.3 is what later
# cargo-leptos releases use, and they need a newer rustc than this machine's.
WASM_SPLIT_CLI_VERSION=0.2.3
CARGO_LEPTOS_CRATE_SHA256=c89e4ae8b89c8cb7bed0d56405e8541be5d3bd55b4af4e04afb29d08ccfefc2a
CARGO_AUDIT_VERSION=0.22.2
WASM_OPT_MAJOR=132

setup_log() { printf 'setup: %s\n' "$*" >&2; }

# Version of the wasm-bindgen crate in Cargo.lock: wasm-bindgen-cli must match it exactly.
setup_lock_wasm_bindgen_version() {
  awk '
    $0 == "name = \"wasm-bindgen\"" { found = 1; next }
    found && $1 == "version" { gsub(/"/, "", $3); print $3; exit }
    found && /^$/ { found = 0 }
  ' "$CHATPULSE_ROOT/Cargo.lock"
}

# The published cargo-leptos source (checked against its crates.io checksum) in `$1`, with
# its lock file moved to wasm_split_cli_support $WASM_SPLIT_CLI_VERSION.
setup_cargo_leptos_source() {
  local dir="$1" crate
  if [[ ! -f "$dir/Cargo.lock" ]] || ! grep -q "^version = \"$WASM_SPLIT_CLI_VERSION\"" <(grep -A1 '^name = "wasm_split_cli_support"' "$dir/Cargo.lock"); then
    rm -rf "$dir"
    mkdir -p "$dir"
    crate="$(mktemp)"
    curl -sSfL -o "$crate" "https://static.crates.io/crates/cargo-leptos/cargo-leptos-$CARGO_LEPTOS_VERSION.crate"
    echo "$CARGO_LEPTOS_CRATE_SHA256  $crate" | sha256sum -c --quiet
    tar -xzf "$crate" -C "$dir" --strip-components=1
    rm -f "$crate"
    (cd "$dir" && cargo update --quiet -p wasm_split_cli_support --precise "$WASM_SPLIT_CLI_VERSION")
  fi
}

setup_rust() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    setup_log "rust target wasm32-unknown-unknown: present"
  else
    setup_log "rust target wasm32-unknown-unknown: adding"
    rustup target add wasm32-unknown-unknown
  fi

  local have want_leptos source
  want_leptos="cargo-leptos $CARGO_LEPTOS_VERSION with wasm_split_cli_support $WASM_SPLIT_CLI_VERSION"
  source="${CARGO_HOME:-$HOME/.cargo}/chatpulse/cargo-leptos-$CARGO_LEPTOS_VERSION-split-$WASM_SPLIT_CLI_VERSION"
  have="$(cargo install --list 2>/dev/null | grep '^cargo-leptos ' || true)"
  if [[ "$have" == "cargo-leptos v$CARGO_LEPTOS_VERSION ($source):" ]]; then
    setup_log "$want_leptos: present"
  elif [[ "${CHATPULSE_SKIP_CARGO_INSTALLS:-0}" == 1 ]]; then
    setup_log "$want_leptos: MISSING (have '${have:-none}'), install skipped"
  else
    setup_log "$want_leptos: installing (have '${have:-none}'; takes minutes)"
    setup_cargo_leptos_source "$source"
    local build
    build="$(mktemp -d)"
    cargo install --path "$source" --locked --force --target-dir "$build"
    rm -rf "$build"
  fi

  have="$(cargo audit --version 2>/dev/null || true)"
  if [[ "$have" == *" $CARGO_AUDIT_VERSION"* ]]; then
    setup_log "cargo-audit $CARGO_AUDIT_VERSION: present"
  elif [[ "${CHATPULSE_SKIP_CARGO_INSTALLS:-0}" == 1 ]]; then
    setup_log "cargo-audit $CARGO_AUDIT_VERSION: MISSING (have '${have:-none}'), install skipped"
  else
    # Without binary scanning: only Cargo.lock is audited, and the build is shorter.
    setup_log "cargo-audit $CARGO_AUDIT_VERSION: installing (have '${have:-none}'; takes minutes)"
    cargo install cargo-audit --version "$CARGO_AUDIT_VERSION" --locked --no-default-features
  fi

  local want
  want="$(setup_lock_wasm_bindgen_version)"
  if [[ -z "$want" ]]; then
    setup_log "wasm-bindgen: not found in Cargo.lock, skipping wasm-bindgen-cli"
    return 0
  fi
  have="$(wasm-bindgen --version 2>/dev/null || true)"
  if [[ "$have" == "wasm-bindgen $want" || "$have" == "wasm-bindgen $want "* ]]; then
    setup_log "wasm-bindgen-cli $want: present"
  elif [[ "${CHATPULSE_SKIP_CARGO_INSTALLS:-0}" == 1 ]]; then
    setup_log "wasm-bindgen-cli $want: MISSING (have '${have:-none}'), install skipped"
  else
    # Not --locked: the lock file shipped with wasm-bindgen-cli does not build here.
    setup_log "wasm-bindgen-cli $want: installing (have '${have:-none}'; takes minutes)"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

setup_debian() {
  if [[ "${CHATPULSE_SKIP_APT:-0}" == 1 ]]; then
    setup_log "debian packages: skipped"
    return 0
  fi
  local wanted=(chromium) missing=() pkg
  for pkg in "${wanted[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    setup_log "debian packages: present"
    return 0
  fi
  setup_log "debian packages: installing ${missing[*]}"
  local sudo=()
  [[ "$(id -u)" == 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

setup_npm() {
  local root="$CHATPULSE_ROOT"
  if [[ ! -f "$root/package-lock.json" ]]; then
    setup_log "npm: no package-lock.json, running npm install"
    (cd "$root" && npm install --no-audit --no-fund) >&2
  elif [[ ! -d "$root/node_modules" || "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]]; then
    setup_log "npm: installing from package-lock.json (npm ci)"
    (cd "$root" && npm ci --no-audit --no-fund) >&2
  else
    setup_log "npm: node_modules up to date"
  fi
}

# The browser libraries served from /vendor/ (public/vendor/, gitignored): the page's own
# Socket.IO client (scripts/vendor/live-socket.js), minified by esbuild, and a custom ECharts
# build with only the series types and components the charts use, bundled by esbuild into
# three ES modules: echarts.js (scripts/vendor/
# echarts-entry.mjs, what the first screen draws; it sets the global `echarts`),
# echarts-more.js (scripts/vendor/echarts-more.mjs, fetched when a chart needs it) and
# echarts-shared.js (what both use). Their names are fixed, without hashes: the page names
# them (src/app/mod.rs), and esbuild refuses to write a second shared module under the same
# name, so the build fails rather than split differently. terser then compresses each module
# again: its second pass takes 4% off what esbuild's minifier leaves (6 KB brotli of the first
# screen's 149). Paths are relative to the repository root.
ECHARTS_ENTRIES=(scripts/vendor/echarts-entry.mjs scripts/vendor/echarts-more.mjs)
ECHARTS_DIR=public/vendor
ECHARTS_OUTS=(echarts.js echarts-more.js echarts-shared.js)
# Outside public/, which cargo-leptos copies to the site.
ECHARTS_STAMP=node_modules/.cache/chatpulse/echarts.stamp
ECHARTS_BUILD_FLAGS=(
  --bundle --format=esm --splitting --minify --target=es2020 --charset=ascii --legal-comments=eof
  --external:./echarts-more.js --entry-names='[name]' --chunk-names=echarts-shared
  '--define:process.env.NODE_ENV="production"' --log-level=warning
)
# Comments that start with "!" are the licenses (the banner and esbuild's list at the end).
ECHARTS_TERSER_FLAGS=(--module --compress passes=2 --mangle --comments '/^!/')
SOCKET_CLIENT_SOURCE=scripts/vendor/live-socket.js
SOCKET_CLIENT_OUT=public/vendor/live-socket.js

# What the ECharts modules are built from: the entries, the echarts, zrender, esbuild and
# terser packages (their package.json, so their versions) and the build flags.
setup_echarts_inputs() {
  (cd "$CHATPULSE_ROOT" && sha256sum "${ECHARTS_ENTRIES[@]}" node_modules/echarts/package.json \
    node_modules/zrender/package.json node_modules/esbuild/package.json node_modules/terser/package.json)
  printf 'flags: %s\n' "${ECHARTS_BUILD_FLAGS[*]}" "${ECHARTS_TERSER_FLAGS[*]}"
}

# The stamp records the inputs and the hashes of the files built from them: the files are up
# to date while both still match, so one changed or replaced since is rebuilt. A build takes
# about a second.
setup_echarts_stamp() {
  setup_echarts_inputs
  (cd "$CHATPULSE_ROOT/$ECHARTS_DIR" && sha256sum "${ECHARTS_OUTS[@]}")
}

setup_echarts_up_to_date() {
  local out
  for out in "${ECHARTS_OUTS[@]}"; do [[ -f "$CHATPULSE_ROOT/$ECHARTS_DIR/$out" ]] || return 1; done
  [[ -f "$CHATPULSE_ROOT/$ECHARTS_STAMP" ]] &&
    [[ "$(setup_echarts_stamp)" == "$(cat "$CHATPULSE_ROOT/$ECHARTS_STAMP")" ]]
}

setup_echarts_build() {
  local root="$CHATPULSE_ROOT" version staging out
  version="$(cd "$root" && node -p 'require("./node_modules/echarts/package.json").version')"
  # Built beside the targets and renamed into place: a running server never serves half a file.
  staging="$(mktemp -d "$root/$ECHARTS_DIR/.echarts.XXXXXX")"
  "$root/node_modules/.bin/esbuild" "echarts=$root/${ECHARTS_ENTRIES[0]}" "echarts-more=$root/${ECHARTS_ENTRIES[1]}" \
    "${ECHARTS_BUILD_FLAGS[@]}" \
    "--banner:js=/*! Apache ECharts $version (Apache-2.0, https://echarts.apache.org), custom build of scripts/vendor/ */" \
    "--outdir=$staging"
  for out in "${ECHARTS_OUTS[@]}"; do
    [[ -f "$staging/$out" ]] || { setup_log "esbuild did not write $out"; rm -rf "$staging"; return 1; }
    "$root/node_modules/.bin/terser" "$staging/$out" "${ECHARTS_TERSER_FLAGS[@]}" -o "$staging/$out"
  done
  for out in echarts-shared.js echarts-more.js echarts.js; do mv -f "$staging/$out" "$root/$ECHARTS_DIR/$out"; done
  rm -rf "$staging"
  # The single-file build of earlier versions.
  rm -f "$root/$ECHARTS_DIR/echarts.min.js"
  mkdir -p "$(dirname "$root/$ECHARTS_STAMP")"
  setup_echarts_stamp >"$root/$ECHARTS_STAMP"
  setup_log "$ECHARTS_DIR: ECharts $version built ($(cd "$root/$ECHARTS_DIR" && wc -c "${ECHARTS_OUTS[@]}" | tail -1 | awk '{print $1}') bytes in ${#ECHARTS_OUTS[@]} modules)"
}

setup_vendor() {
  local root="$CHATPULSE_ROOT" staging changed=0
  mkdir -p "$root/public/vendor"
  # socket.io-client's build, served before the page had a client of its own.
  rm -f "$root/public/vendor/socket.io.min.js"
  # The Socket.IO client is minified beside its target (well under a second) and moved into
  # place only when it differs.
  staging="$(mktemp "$root/public/vendor/.live-socket.XXXXXX")"
  "$root/node_modules/.bin/esbuild" "$root/$SOCKET_CLIENT_SOURCE" --minify --target=es2020 --charset=ascii \
    --log-level=warning --outfile="$staging"
  if cmp -s "$staging" "$root/$SOCKET_CLIENT_OUT"; then
    rm -f "$staging"
  else
    mv -f "$staging" "$root/$SOCKET_CLIENT_OUT"
    changed=1
  fi
  # mktemp makes the file readable by its owner only; the server may run as another user.
  chmod 644 "$root/$SOCKET_CLIENT_OUT"
  if ! setup_echarts_up_to_date; then
    setup_echarts_build
    changed=1
  fi
  if ((changed)); then setup_log "public/vendor: updated"; else setup_log "public/vendor: up to date"; fi
}

setup_check_wasm_opt() {
  local have
  have="$(wasm-opt --version 2>/dev/null || true)"
  if [[ "$have" == *"version $WASM_OPT_MAJOR"* ]]; then
    setup_log "wasm-opt: $have"
  else
    setup_log "wasm-opt: expected version $WASM_OPT_MAJOR from node_modules/.bin, got '${have:-none}'"
    return 1
  fi
}

# The tests' TLS-only database: the local PostgreSQL refuses unencrypted connections to
# `chatpulse_tls_only` (one pg_hba.conf line, put first), so that a test can show what
# `sslmode=disable` against a server that demands TLS looks like. Only when this machine's
# PostgreSQL is local and its pg_hba.conf writable (CI and development machines).
TLS_ONLY_RULE="hostnossl chatpulse_tls_only all all reject"
setup_postgres_tls_only() {
  local hba
  hba="$(psql -h 127.0.0.1 -U postgres -d postgres -Atc 'show hba_file' 2>/dev/null || true)"
  if [[ -z "$hba" || ! -w "$hba" ]]; then
    setup_log "postgres TLS-only test database: skipped (no local, writable pg_hba.conf)"
    return 0
  fi
  if ! grep -qxF "$TLS_ONLY_RULE" "$hba"; then
    setup_log "postgres TLS-only test database: adding its pg_hba.conf rule"
    printf '%s\n%s\n' "$TLS_ONLY_RULE" "$(cat "$hba")" >"$hba"
    psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select pg_reload_conf()' >/dev/null
  else
    setup_log "postgres TLS-only test database: present"
  fi
  if [[ "$(psql -h 127.0.0.1 -U postgres -d postgres -Atc \
    "select 1 from pg_database where datname = 'chatpulse_tls_only'")" != 1 ]]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc 'create database chatpulse_tls_only' >/dev/null
  fi
}

chatpulse_setup() {
  setup_rust
  setup_debian
  setup_postgres_tls_only
  setup_npm
  setup_vendor
  setup_check_wasm_opt
  setup_log "ready"
}

chatpulse_setup
