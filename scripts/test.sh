#!/usr/bin/env bash
# Runs every test: format, lints (server and browser builds), the Leptos build, the Rust
# tests (SQLite and PostgreSQL) and the JavaScript tests against the built server.
# Stops at the first failing step and exits non-zero.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

export CHATPULSE_TEST_PG_URL="${CHATPULSE_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# `cargo leptos build` (debug) compiles with RUSTFLAGS="--cfg erase_components" and
# LEPTOS_OUTPUT_NAME set (leptos reads it with option_env!). The other cargo steps use the
# same values, so that they reuse those compiled dependencies instead of rebuilding every
# crate a second time: on two cores that is most of the wall time. The wasm lint shares
# cargo-leptos's front-end target dir (target/front) for the same reason.
export LEPTOS_OUTPUT_NAME=chatpulse
LEPTOS_RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }--cfg erase_components"

step_started=0
step() {
  local now=$SECONDS
  if ((step_started)); then
    printf '    (%ss)\n' "$((now - step_at))" >&2
  fi
  step_started=1
  step_at=$now
  printf '\n==== %s ====\n' "$*" >&2
}

step "cargo fmt --check"
cargo fmt --check

step "cargo audit (advisory database snapshot in audit/)"
# Offline: the database travels with the repository (audit/README.md). Vulnerabilities and
# unsound code fail; ignored advisories are in .cargo/audit.toml with their reasons.
audit=(cargo audit --db audit/advisory-db --no-fetch --deny unsound)
"${audit[@]}" --file Cargo.lock
# The step itself must be able to fail: a lock file with a known vulnerability.
if "${audit[@]}" --quiet --file audit/known-vulnerable.lock >/dev/null 2>&1; then
  echo "test: cargo audit passed a lock file with a known vulnerability" >&2
  exit 1
fi

step "cargo clippy --features ssr --all-targets -- -D warnings"
RUSTFLAGS="$LEPTOS_RUSTFLAGS" cargo clippy --features ssr --all-targets -- -D warnings

step "cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings"
RUSTFLAGS="$LEPTOS_RUSTFLAGS" cargo clippy --lib --features hydrate --target wasm32-unknown-unknown \
  --target-dir target/front -- -D warnings

step "cargo leptos build --split"
# cargo-leptos adds its own --cfg erase_components to RUSTFLAGS; leave it as the caller had it.
# --split: the settings page's code is a WASM file of its own (see scripts/dev.sh).
cargo leptos build --split
for f in target/site/pkg/chatpulse.js target/site/pkg/chatpulse.wasm target/debug/chatpulse; do
  [[ -f "$f" ]] || { echo "test: cargo leptos build did not produce $f" >&2; exit 1; }
done

step "cargo test --features ssr (CHATPULSE_TEST_PG_URL=$CHATPULSE_TEST_PG_URL)"
RUSTFLAGS="$LEPTOS_RUSTFLAGS" cargo test --features ssr

step "node --test tests/js/"
mapfile -t js_tests < <(find tests/js -name '*.test.mjs' -not -path '*/node_modules/*' | sort)
if ((${#js_tests[@]} == 0)); then
  echo "test: no JavaScript tests found under tests/js" >&2
  exit 1
fi
CHATPULSE_BIN="${CHATPULSE_BIN:-target/debug/chatpulse}" node --test "${js_tests[@]}"

step "done"
echo "test: every step passed" >&2
