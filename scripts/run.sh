#!/usr/bin/env bash
# Starts the chatpulse dashboard on SQLite (data/chatpulse.db unless CHATPULSE_DATABASE_URL
# says otherwise). Every CHATPULSE_* / LEPTOS_* variable, and a .env file in the repo root,
# is passed through to the server; arguments go to the binary.
#
#   bash scripts/run.sh
#   CHATPULSE_DEMO=1 LEPTOS_SITE_ADDR=0.0.0.0:3000 bash scripts/run.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

# erase_components makes the browser's WASM ~11% smaller (measured: 305 vs 343 KB gzip);
# --precompress writes .gz/.br files next to the static ones, which the server sends
# to browsers that accept them.
export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }--cfg erase_components"
echo "run: cargo leptos build --release --precompress" >&2
cargo leptos build --release --precompress
# cargo-leptos writes its .gz files at a fast level; at -9 the WASM's is ~15 % smaller
# (browsers that take brotli get the .br files, which are smaller still).
for asset in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  gzip -9 -n -k -f "$asset"
done

# Where cargo-leptos put the site; anything given in the environment or .env wins.
env_file_sets() { [[ -f .env ]] && grep -qE "^[[:space:]]*(export[[:space:]]+)?$1=" .env; }
for pair in LEPTOS_OUTPUT_NAME=chatpulse LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_ENV=PROD; do
  name="${pair%%=*}"
  if [[ -z "${!name:-}" ]] && ! env_file_sets "$name"; then
    export "${name}=${pair#*=}"
  fi
done

echo "run: starting target/release/chatpulse" >&2
exec target/release/chatpulse "$@"
