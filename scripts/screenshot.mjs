// Takes the README's screenshots of `/` with demo data: starts the server
// (CHATPULSE_BIN, default the release build) with CHATPULSE_DEMO=1 on a fresh database,
// waits for the demo's 60 days of history, logs in and photographs the dashboard in
// English/light and Turkish/dark in headless Chromium, and on a phone (390 × 844).
//
//   cargo leptos build --release && node scripts/screenshot.mjs
import { existsSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

import { CHROMIUM, CHROMIUM_ARGS } from "../tests/js/lib/chromium.mjs";
import { ADMIN_PASSWORD, READ_KEY, REPO_ROOT, startServer } from "../tests/js/lib/server.mjs";

const release = path.join(REPO_ROOT, "target/release/chatpulse");
process.env.CHATPULSE_BIN ??= existsSync(release) ? release : "target/debug/chatpulse";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const server = await startServer({ env: { CHATPULSE_DEMO: "1" } });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  // The history is written right after the start; wait until the figures hold it.
  let messages = 0;
  for (let i = 0; i < 120 && messages < 5000; i++) {
    const stats = await (await fetch(`${server.baseUrl}/api/stats`, { headers: { Authorization: `Bearer ${READ_KEY}` } })).json();
    messages = stats.totals.messages;
    if (messages < 5000) await sleep(500);
  }
  console.log(`demo data: ${messages} messages in the last 30 days`);
  const shots = [
    { file: "docs/screenshot.png", cookies: [] },
    { file: "docs/screenshot-phone.png", cookies: [], viewport: { width: 390, height: 844 }, mobile: true },
    {
      file: "docs/screenshot-tr-dark.png",
      cookies: [
        { name: "chatpulse_lang", value: "tr" },
        { name: "chatpulse_theme", value: "dark" },
      ],
    },
  ];
  for (const shot of shots) {
    const context = await browser.newContext({
      viewport: shot.viewport ?? { width: 1360, height: 900 },
      ...(shot.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    });
    await context.addCookies(shot.cookies.map((c) => ({ ...c, url: server.baseUrl })));
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/login?next=/`);
    await page.fill('input[name="password"]', ADMIN_PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname === "/"), page.click('button[type="submit"]')]);
    await page.waitForSelector('[data-connection="live"]', { timeout: 20_000 });
    await page.waitForFunction(() => document.querySelectorAll(".chart canvas").length >= 7, null, { timeout: 10_000 });
    // Let the charts' entry animations and a live update or two finish.
    await sleep(2500);
    // The phone's first screen is what an owner sees; the others show the whole page.
    await page.screenshot({ path: path.join(REPO_ROOT, shot.file), fullPage: !shot.mobile });
    console.log(`wrote ${shot.file}`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
