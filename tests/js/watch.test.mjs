// The development loop: `cargo leptos watch` serves a dashboard that hydrates, has its
// vendored browser libraries, opens Leptos' live-reload socket (the page's
// Content-Security-Policy allows it under watch only), and reloads when a file changes.
// The watch reuses the debug build that `cargo leptos build` made before this test; its
// site goes to a folder of its own, so that it never rewrites the one other tests serve.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import { launchChromium } from "./lib/chromium.mjs";
import { dashboardTools } from "./lib/dashboard.mjs";
import { ADMIN_PASSWORD, INGEST_KEY, READ_KEY, REPO_ROOT, freePort } from "./lib/server.mjs";

// A first watch may build the front end and the server; later ones take seconds.
const START_TIMEOUT_MS = 540_000;
const RELOAD_TIMEOUT_MS = 60_000;

let server;
let browser;
let dataDir;
const probe = path.join(REPO_ROOT, "public", `watch-probe-${process.pid}.txt`);
const { watch, pageProblems, logInThroughForm, waitLive, explained } = dashboardTools(() => server);

/** Starts `cargo leptos watch` in its own process group; resolves once /healthz answers. */
async function startWatch() {
  const [port, reloadPort] = [await freePort(), await freePort()];
  dataDir = await mkdtemp(path.join(os.tmpdir(), "chatpulse-watch-"));
  let output = "";
  const child = spawn("cargo", ["leptos", "watch", "--split"], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      RUST_LOG: "info",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_RELOAD_PORT: String(reloadPort),
      LEPTOS_SITE_ROOT: "target/watch-site",
      CHATPULSE_DATABASE_URL: `sqlite://${dataDir}/watch.db`,
      CHATPULSE_INGEST_KEY: INGEST_KEY,
      CHATPULSE_READ_KEY: READ_KEY,
      CHATPULSE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CHATPULSE_DEMO: "0",
    },
  });
  const collect = (chunk) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  let exited = null;
  child.on("exit", (code, signal) => (exited = { code, signal }));
  const watched = {
    baseUrl: `http://127.0.0.1:${port}`,
    reloadPort,
    logs: () => output,
    stop: () => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    },
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`cargo leptos watch exited (${JSON.stringify(exited)}):\n${output}`);
    try {
      const res = await fetch(`${watched.baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return watched;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  watched.stop();
  throw new Error(`cargo leptos watch did not serve within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
}

before(async () => {
  [server, browser] = await Promise.all([
    startWatch(),
    launchChromium(),
  ]);
});

after(async () => {
  await browser?.close();
  server?.stop();
  await rm(probe, { force: true });
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test("cargo leptos watch serves a live dashboard that reloads when a file changes", { timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  watch(page, "watch");
  const reloadSocket = page.waitForEvent("websocket", {
    predicate: (socket) => socket.url().endsWith(`:${server.reloadPort}/live_reload`),
    timeout: 30_000,
  });
  const vendor = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname.startsWith("/vendor/")) vendor.push(response.status());
  });
  await logInThroughForm(page, "/");
  await waitLive(page, "watch");
  await explained("watch", "the page did not open the live-reload socket", () => reloadSocket);
  assert.ok(vendor.length > 0 && vendor.every((status) => status === 200), `vendored files answered ${vendor}`);
  assert.deepEqual(pageProblems("watch"), [], "no console errors (a CSP refusal would be one)");

  await page.evaluate(() => {
    window.beforeReload = true;
  });
  // cargo-leptos arms its file watcher only after the server answers (its "Creating ignore
  // list" line); on a cold machine that came after the first write, which went unseen. So the
  // file is written again every few seconds until the page reloads.
  const touch = () => writeFile(probe, `written by the watch test at ${new Date().toISOString()}\n`);
  await touch();
  const rewrites = setInterval(() => touch().catch(() => {}), 3_000);
  try {
    await explained("watch", "the page did not reload after a file in public/ changed", () =>
      page.waitForFunction(() => window.beforeReload === undefined, null, { timeout: RELOAD_TIMEOUT_MS }),
    );
  } finally {
    clearInterval(rewrites);
  }
  await waitLive(page, "watch");
});
