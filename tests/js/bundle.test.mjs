// One file to deploy: the built binary with the site packed in (`chatpulse bundle-site`),
// copied alone into an empty folder and started there, serves a dashboard that hydrates and
// goes live in Chromium. The app's files go by hashed names with a year's cache; the others
// revalidate by ETag; precompressed variants are sent to browsers that accept them.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import { launchChromium } from "./lib/chromium.mjs";
import { dashboardTools } from "./lib/dashboard.mjs";
import { REPO_ROOT, startServer } from "./lib/server.mjs";

let folder;
let server;
let browser;
const { watch, pageProblems, logInThroughForm, waitLive } = dashboardTools(() => server);

before(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "chatpulse-alone-"));
  const bundled = path.join(folder, "chatpulse");
  const built = path.join(REPO_ROOT, process.env.CHATPULSE_BIN ?? "target/debug/chatpulse");
  execFileSync(built, ["bundle-site", path.join(REPO_ROOT, "target/site"), bundled], { stdio: "pipe" });
  assert.deepEqual(readdirSync(folder), ["chatpulse"], "the folder holds the binary alone");
  const { LEPTOS_SITE_ROOT, ...rest } = process.env;
  void LEPTOS_SITE_ROOT;
  [server, browser] = await Promise.all([
    startServer({ bin: bundled, cwd: folder, env: { ...rest, LEPTOS_SITE_ROOT: "target/site" } }),
    launchChromium(),
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

test("the binary alone in an empty folder serves a dashboard that hydrates and goes live", { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  watch(page, "bundled");
  const assets = new Map();
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith("/pkg/") || url.pathname.startsWith("/vendor/")) assets.set(url.pathname, response);
  });
  await logInThroughForm(page, "/");
  await waitLive(page, "bundled");
  assert.deepEqual(pageProblems("bundled"), []);

  const wasm = [...assets.keys()].find((p) => p.endsWith(".wasm"));
  assert.match(wasm ?? "", /^\/pkg\/chatpulse\.[0-9a-f]{10}\.wasm$/, `the WASM goes by a hashed name: ${[...assets.keys()]}`);
  const wasmHeaders = await assets.get(wasm).allHeaders();
  assert.equal(wasmHeaders["cache-control"], "public, max-age=31536000, immutable");
  assert.equal(wasmHeaders["content-type"], "application/wasm");
  const css = [...assets.keys()].find((p) => p.endsWith(".css"));
  assert.match(css ?? "", /^\/pkg\/chatpulse\.[0-9a-f]{10}\.css$/);

  const vendor = await fetch(`${server.baseUrl}/vendor/echarts.js`);
  assert.equal(vendor.status, 200);
  assert.equal(vendor.headers.get("cache-control"), "no-cache");
  const etag = vendor.headers.get("etag");
  assert.ok(etag, "a file without a hashed name carries an ETag");
  const again = await fetch(`${server.baseUrl}/vendor/echarts.js`, { headers: { "if-none-match": etag } });
  assert.equal(again.status, 304);
  assert.equal((await fetch(`${server.baseUrl}/pkg/nothing.js`)).status, 404);

  // The settings page's own WASM file, through the split loader packed with the app's
  // hashed name: the page opens in place and its forms are there.
  await page.click('nav a[href="/settings"]');
  await page.waitForSelector('form.settings input[name="session_gap_minutes"]', { timeout: 15_000 });
  const lazy = [...assets.keys()].filter((p) => p.endsWith(".wasm") && p !== wasm);
  assert.ok(lazy.length >= 1, `opening /settings fetched no other WASM file: ${[...assets.keys()]}`);
  assert.deepEqual(pageProblems("bundled"), []);
  await page.close();
});
