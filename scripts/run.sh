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

# The release build (scripts/release.sh: erase_components for a smaller WASM, .br/.gz files
# the server sends to browsers that accept them, and dist/chatpulse, the one-file build).
bash scripts/release.sh

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
