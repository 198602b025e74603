// Helpers the browser test files share: the browser console of every page, the login
// through the form, ingest over HTTP and GET /api/stats, bound to a test file's server
// (`dashboardTools(() => server)`, as the server is only started in `before`).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";

import { ADMIN_PASSWORD, INGEST_KEY, READ_KEY } from "./server.mjs";

export const LIVE_TIMEOUT_MS = 20_000; // hydration + Socket.IO handshake
export const NAV_TIMEOUT_MS = 15_000;

/** A `message` event of `user_id` at `atMs` (channel web unless `extra` says otherwise). */
export const message = (user_id, sender, atMs, extra = {}) => ({
  type: "message",
  id: `e2e-${randomUUID()}`,
  channel: "web",
  user_id,
  sender,
  at: new Date(atMs).toISOString(),
  ...extra,
});

export function dashboardTools(getServer) {
  /** Every console message and page error of every page, for failure messages and the report. */
  const pageLog = [];

  /** Records the console output and uncaught errors of `page` under `label`. */
  function watch(page, label) {
    page.on("console", (msg) =>
      pageLog.push({ page: label, kind: `console.${msg.type()}`, text: msg.text(), url: msg.location()?.url }),
    );
    page.on("pageerror", (err) => pageLog.push({ page: label, kind: "pageerror", text: String(err?.stack ?? err) }));
    page.setDefaultTimeout(NAV_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
    return page;
  }

  function pageLogText(label) {
    const lines = pageLog.filter((l) => label === undefined || l.page === label);
    return lines.length === 0
      ? "(no console output)"
      : lines.map((l) => `[${l.page}] ${l.kind}: ${l.text}${l.url ? ` (${l.url})` : ""}`).join("\n");
  }

  /**
   * Problems the browser reported: uncaught errors and console errors (panics, hydration errors).
   * The one exception is the 404 for /favicon.ico that Chromium asks for on its own (the app ships
   * no favicon); it is listed in the report instead.
   */
  function pageProblems(label) {
    return pageLog.filter(
      (l) =>
        l.page === label &&
        (l.kind === "pageerror" || l.kind === "console.error") &&
        !(l.url?.endsWith("/favicon.ico") && l.text.includes("404")),
    );
  }

  /** Runs `step`; when it throws, the error message gets the page's console output appended. */
  async function explained(label, what, step) {
    try {
      return await step();
    } catch (err) {
      err.message = `${what}: ${err.message}\n--- browser console (${label}) ---\n${pageLogText(label)}\n--- server log tail ---\n${getServer().logs().slice(-3000)}`;
      throw err;
    }
  }

  /** POSTs events to /api/ingest/events, checks the 202, and returns when it answered. */
  async function ingest(events) {
    const server = getServer();
    const res = await fetch(`${server.baseUrl}/api/ingest/events`, {
      method: "POST",
      headers: { Authorization: `Bearer ${INGEST_KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify(events),
    });
    const answeredAt = Date.now();
    const text = await res.text();
    assert.equal(
      res.status,
      202,
      `ingest of ${events.length} event(s) answered ${res.status} (Retry-After: ${res.headers.get("retry-after")}): ${text}` +
        `\n--- server log tail ---\n${server.logs().slice(-2000)}`,
    );
    const json = JSON.parse(text);
    assert.deepEqual(json, { accepted: events.length, duplicates: 0 });
    return answeredAt;
  }

  /** GET /api/stats with the read key; `query` is a channel name or a query string. */
  async function stats(query = "all") {
    const qs = query.includes("=") ? query : `channel=${query}`;
    const res = await fetch(`${getServer().baseUrl}/api/stats?${qs}`, {
      headers: { Authorization: `Bearer ${READ_KEY}` },
    });
    const text = await res.text();
    assert.equal(res.status, 200, `GET /api/stats?${qs} answered ${res.status}: ${text}`);
    return JSON.parse(text);
  }

  /**
   * Opens `target` (which needs a session) in `page`, checks the redirect to the login form, logs
   * in through the form (a real form post, so it works with or without JavaScript) and checks
   * that it lands back on `target`.
   */
  async function logInThroughForm(page, target) {
    const { baseUrl } = getServer();
    await page.goto(`${baseUrl}${target}`);
    const atLogin = new URL(page.url());
    assert.equal(atLogin.pathname, "/login", `GET ${target} without a session ended at ${page.url()}`);
    assert.equal(atLogin.searchParams.get("next"), target, `the login URL ${page.url()} does not carry next=${target}`);
    assert.equal(await page.inputValue('form[action="/login"] input[name="next"]'), target);

    await page.fill('form[action="/login"] input[name="username"]', "admin");
    await page.fill('form[action="/login"] input[name="password"]', ADMIN_PASSWORD);
    const path = new URL(target, baseUrl).pathname;
    await Promise.all([
      page.waitForURL((url) => url.pathname === path, { waitUntil: "domcontentloaded" }),
      page.click('form[action="/login"] button[type="submit"]'),
    ]);
    assert.equal(new URL(page.url()).pathname, path);
  }

  async function kpi(page, field) {
    return (await page.textContent(`[data-kpi="${field}"]`))?.trim();
  }

  async function waitLive(page, label, timeout = LIVE_TIMEOUT_MS) {
    await explained(label, `the connection badge did not become "live" within ${timeout} ms`, () =>
      page.waitForSelector('[data-connection="live"]', { timeout }),
    );
  }

  return { pageLog, watch, pageLogText, pageProblems, explained, ingest, stats, logInThroughForm, kpi, waitLive };
}
