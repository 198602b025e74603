# shellcheck shell=bash
# Puts chatpulse's tools on PATH: cargo's bin folder (cargo-leptos, wasm-bindgen) and the
# repo's node_modules/.bin (wasm-opt from the binaryen package, playwright-core).
# Safe to source from any shell, any number of times; it sets PATH, CHATPULSE_ROOT (not
# exported) and one helper function, nothing else.

CHATPULSE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

chatpulse_path_prepend() {
  case ":${PATH:-}:" in
    *":$1:"*) ;;
    *) PATH="$1${PATH:+:$PATH}" ;;
  esac
}

chatpulse_path_prepend "${CARGO_HOME:-$HOME/.cargo}/bin"
chatpulse_path_prepend "$CHATPULSE_ROOT/node_modules/.bin"
export PATH
