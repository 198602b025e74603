// How the browser tests run Chromium: the Debian /usr/bin/chromium (never a downloaded
// browser; CHATPULSE_CHROMIUM overrides it), headless, with nothing that talks to the network
// on its own.
export const CHROMIUM = process.env.CHATPULSE_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];
