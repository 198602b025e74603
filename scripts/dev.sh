#!/usr/bin/env bash
# The development loop: installs what is missing (scripts/setup.sh: the WASM target,
# cargo-leptos, wasm-bindgen, the vendored browser libraries in public/vendor/), then runs
# `cargo leptos watch --split`, which rebuilds on each change and reloads open pages.
# Arguments go to cargo leptos watch. Every build of chatpulse's front end is split
# (`--split`): the settings page is a lazily loaded route (src/app/pages/settings.rs),
# and without the split its loader has no WASM file to fetch.
#
#   bash scripts/dev.sh
#   CHATPULSE_DEMO=1 bash scripts/dev.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

exec cargo leptos watch --split "$@"
