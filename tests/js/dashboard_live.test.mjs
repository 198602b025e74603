// The dashboard kept live in Chromium: the live badge with pause and resume, toasts, a session
// that ends elsewhere, and hostile names shown as text in live updates.
// The data set and helpers: tests/js/lib/dashboard_suite.mjs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  useDashboardSuite,
  SECOND,
  TEST_TIMEOUT_MS,
  UPDATE_MS,
  assertNoProblems,
  assertNotReloaded,
  expectKpi,
  explained,
  ingest,
  kpiValue,
  logInThroughForm,
  mark,
  message,
  server,
  stats,
  waitLive,
  waitUntil,
  watch,
  withContext,
  withPage,
} from "./lib/dashboard_suite.mjs";

useDashboardSuite();

describe("the live dashboard in a browser", { concurrency: false }, () => {
  test("the live status: badge, freshness, sound switch, and pause that holds the figures until resumed", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "pause";
    await withPage(label, "/", async ({ context, page }) => {
      await expectKpi(page, label, "messages", 64);
      assert.equal((await page.textContent("[data-connection]"))?.trim(), "Live");
      await waitUntil(page, label, '"updated N s ago" is not shown', () => /^updated \d+ s ago$/.test(document.querySelector(".live-status .updated")?.textContent.trim() ?? ""), undefined, () => page.textContent(".live-status .updated"));
      const ago = async () => Number((await page.textContent(".live-status .updated")).match(/\d+/)[0]);
      // Past the refetch that follows the socket's connect, then count.
      await page.waitForTimeout(1_000);
      const first = await ago();
      await page.waitForTimeout(3_000);
      const later = await ago();
      assert.ok(later >= first + 2, `"updated N s ago" does not count the seconds: ${first} s, then ${later} s 3 s later`);

      const sound = ".live-status .sound input[type=checkbox]";
      assert.equal(await page.isChecked(sound), false, "the sound is on by default");
      await page.click(sound);
      assert.equal(await page.isChecked(sound), true);
      await page.click(sound);
      assert.equal(await page.isChecked(sound), false);

      const toggle = ".live-status button.toggle";
      assert.equal((await page.textContent(toggle))?.trim(), "Pause");
      assert.equal(await page.getAttribute(toggle, "aria-pressed"), "false");
      await mark(page);
      await page.click(toggle);
      await page.waitForSelector('[data-connection="paused"]', { timeout: UPDATE_MS });
      assert.equal((await page.textContent("[data-connection]"))?.trim(), "Paused");
      assert.equal((await page.textContent(toggle))?.trim(), "Resume");
      assert.equal(await page.getAttribute(toggle, "aria-pressed"), "true");

      const before = (await stats()).totals;
      const now = Date.now();
      await ingest([message("paused-visitor", "user", now - 30 * SECOND, { user_name: "Pia" }), message("paused-visitor", "bot", now - 20 * SECOND)]);
      assert.equal((await stats()).totals.messages, before.messages + 2);
      // A live page shows such a change within a second; this one holds still.
      await page.waitForTimeout(2_500);
      assert.equal(await kpiValue(page, "messages"), String(before.messages), "the messages total changed while paused");
      assert.equal(await kpiValue(page, "sessions"), String(before.sessions), "the sessions total changed while paused");
      const toastsWhilePaused = await page.$$eval(".toasts .toast span", (ts) => ts.map((t) => t.textContent.trim()));

      await page.click(toggle);
      await page.waitForSelector('[data-connection="live"]', { timeout: UPDATE_MS });
      assert.equal((await page.textContent(toggle))?.trim(), "Pause");
      assert.equal(await page.getAttribute(toggle, "aria-pressed"), "false");
      await expectKpi(page, label, "messages", before.messages + 2);
      await expectKpi(page, label, "sessions", before.sessions + 1);
      await assertNotReloaded(page);
      assertNoProblems(label);
      assert.deepEqual(toastsWhilePaused, [], "a toast appeared while paused");
    });
  });

  test("toasts announce a new session, a human takeover and a burst of sessions, close on ×, and leave after 10 s", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "toasts";
    await withPage(label, "/", async ({ context, page }) => {
      // Every toast element with when it appeared and went (performance.now() ms).
      await page.evaluate(() => {
        window.__toasts = [];
        const seen = new Map();
        const scan = () => {
          const now = performance.now();
          const present = new Set(document.querySelectorAll(".toasts .toast"));
          for (const el of present) {
            if (!seen.has(el)) {
              const record = { kind: el.dataset.toast, text: "", shown: now, gone: null };
              seen.set(el, record);
              window.__toasts.push(record);
            }
            seen.get(el).text = el.querySelector("span")?.textContent.trim();
          }
          for (const [el, record] of seen) if (!present.has(el) && record.gone === null) record.gone = now;
        };
        new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      const showing = () => page.$$eval(".toasts .toast", (ts) => ts.map((t) => [t.dataset.toast, t.querySelector("span")?.textContent.trim()]));
      const expectToasts = (what, expected) =>
        waitUntil(
          page,
          label,
          what,
          (want) => JSON.stringify([...document.querySelectorAll(".toasts .toast")].map((t) => [t.dataset.toast, t.querySelector("span")?.textContent.trim()])) === JSON.stringify(want),
          expected,
          showing,
        );

      // One message is no session yet (min 2): no toast.
      const now = Date.now();
      await ingest([message("toast-a", "user", now - 60 * SECOND, { user_name: "Zeynep" })]);
      await page.waitForTimeout(1_500);
      assert.deepEqual(await showing(), [], "a toast appeared for a lone message");
      await ingest([message("toast-a", "bot", now - 50 * SECOND)]);
      await expectToasts("no toast for Zeynep's new session", [["session", "New session: Zeynep"]]);
      await page.click('.toast[data-toast="session"] .toast-close');
      await expectToasts("× did not close the toast", []);

      // A visitor without a name, answered by the bot, then by a human.
      await ingest([
        message("toast-b", "user", now - 40 * SECOND),
        message("toast-b", "bot", now - 35 * SECOND),
        message("toast-b", "operator", now - 30 * SECOND, { human_mode: true }),
      ]);
      await expectToasts("no toasts for toast-b's session and the human takeover", [
        ["session", "New session: toast-b"],
        ["human", "A human took over: toast-b"],
      ]);
      await page.click('.toast[data-toast="session"] .toast-close');
      await expectToasts("× did not close the session toast", [["human", "A human took over: toast-b"]]);

      // Three new sessions at once: one toast, newest name first.
      const burst = [];
      ["Ali", "Burak", "Can"].forEach((name, i) => {
        burst.push(message(`burst-${i}`, "user", now - 25 * SECOND + i * 1000, { user_name: name }));
        burst.push(message(`burst-${i}`, "bot", now - 20 * SECOND + i * 1000));
      });
      await ingest(burst);
      await expectToasts("the burst of sessions did not group into one toast", [
        ["human", "A human took over: toast-b"],
        ["session", "3 new sessions (Can, Burak, Ali)"],
      ]);

      // Nobody closes these two: both leave on their own, 10 s after they (last) arrived.
      await waitUntil(page, label, "the toasts did not leave on their own", () => document.querySelectorAll(".toasts .toast").length === 0, undefined, showing, 14_000);
      const log = await page.evaluate(() => window.__toasts);
      for (const text of ["A human took over: toast-b", "3 new sessions (Can, Burak, Ali)"]) {
        const record = log.find((r) => r.text === text);
        const lived = record.gone - record.shown;
        assert.ok(lived >= 9_000 && lived <= 13_000, `"${text}" stayed ${Math.round(lived)} ms (expected about 10 s): ${JSON.stringify(log)}`);
      }
      assertNoProblems(label);
    });
  });

  test("an open dashboard whose session ends elsewhere goes to the login form, keeping its URL", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "ended";
    await withContext({ loggedIn: false }, async (context) => {
      const page = watch(await context.newPage(), label);
      await logInThroughForm(page, "/web");
      await page.goto(`${server.baseUrl}/web?range=7d`);
      await waitLive(page, label);
      const cookie = (await context.cookies(server.baseUrl)).map((c) => `${c.name}=${c.value}`).join("; ");
      const res = await fetch(`${server.baseUrl}/logout`, { method: "POST", headers: { cookie }, redirect: "manual" });
      assert.equal(res.status, 303);
      await explained(label, "the page did not go to the login form after its session ended", () =>
        page.waitForURL((url) => url.pathname === "/login", { timeout: 10_000 }),
      );
      assert.equal(new URL(page.url()).searchParams.get("next"), "/web?range=7d");
    });
  });

  test("hostile names and cities are shown as text, in the table and in toasts, and run nothing", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "xss";
    await withContext({}, async (context) => {
      const page = watch(await context.newPage(), label);
      const dialogs = [];
      page.on("dialog", async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
      await page.goto(`${server.baseUrl}/`);
      await waitLive(page, label);
      const name = `<img src=x onerror="window.__xss='name';alert(1)">`;
      const city = `"><script>window.__xss='city'</script><svg onload=alert(2)>`;
      const now = Date.now();
      const user = `xss-${Date.now()}`;
      // The second message starts a session: a toast with the name, and a table row.
      await ingest([
        message(user, "user", now - 30_000, { user_name: name, city, country: "TR" }),
        message(user, "bot", now - 20_000, { user_name: name, city, country: "TR" }),
      ]);
      const row = page.locator(`tr[data-session="${user}#1"]`);
      await explained(label, "the hostile session did not appear in the table", () => row.waitFor({ timeout: 10_000 }));
      assert.equal((await row.locator(".visitor").textContent())?.trim(), name, "the name is not shown as text");
      assert.ok((await row.textContent()).includes(city), "the city is not shown as text");
      const toast = page.locator('.toast[data-toast="session"]');
      await toast.first().waitFor({ timeout: 10_000 });
      assert.ok((await toast.first().textContent()).includes(name), "the toast does not show the name as text");
      // Nothing ran: no marker, no dialog, no injected element.
      await page.waitForTimeout(500);
      assert.equal(await page.evaluate(() => window.__xss), undefined, "injected script ran");
      assert.deepEqual(dialogs, [], "an injected alert() ran");
      assert.equal(await page.locator("tbody img, tbody svg, .toast img").count(), 0, "markup from user input reached the DOM");
    });
  });
});
