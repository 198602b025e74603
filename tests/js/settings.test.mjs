// The settings page in Chromium: settings that reach an open dashboard without a reload, keys
// and admins made on the page, erasure and viewers.
// The data set and helpers: tests/js/lib/dashboard_suite.mjs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  useDashboardSuite,
  MIN,
  withContext,
  TEST_TIMEOUT_MS,
  UPDATE_MS,
  assertNoProblems,
  assertNotReloaded,
  browser,
  expectKpi,
  explained,
  ingest,
  mark,
  message,
  openIn,
  pageLogText,
  pageProblems,
  server,
  stats,
  waitLive,
  withPage,
} from "./lib/dashboard_suite.mjs";

useDashboardSuite();

describe("the settings page in a browser", { concurrency: false }, () => {
  test("settings: the page's code is a WASM file of its own, fetched when /settings opens and not before", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "settings-split";
    await withContext({}, async (context) => {
      const wasm = [];
      context.on("request", (request) => {
        const { pathname } = new URL(request.url());
        if (pathname.endsWith(".wasm")) wasm.push(pathname);
      });
      // A dashboard, hydrated and live: only the main WASM.
      const page = await openIn(context, label, "/");
      await page.waitForTimeout(500);
      assert.deepEqual(wasm, ["/pkg/chatpulse.wasm"], `the dashboard fetched ${JSON.stringify(wasm)}`);
      // Through the sidebar, without a reload: the settings' own file arrives and its forms work.
      await mark(page);
      await page.click('nav a[href="/settings"]');
      await page.waitForSelector('form.settings input[name="session_gap_minutes"]', { timeout: UPDATE_MS });
      await assertNotReloaded(page, label);
      const lazy = wasm.filter((p) => p !== "/pkg/chatpulse.wasm");
      assert.equal(lazy.length >= 1, true, `opening /settings fetched no other WASM file: ${JSON.stringify(wasm)}`);
      // And back: nothing more to fetch.
      const seen = wasm.length;
      await page.click('nav a[href="/"]');
      await page.waitForSelector("[data-kpi]", { timeout: UPDATE_MS });
      assert.equal(wasm.length, seen, `going back to / fetched ${JSON.stringify(wasm.slice(seen))}`);

      assertNoProblems(label);

      // Opened directly, /settings hydrates with that file: its save button answers.
      wasm.length = 0;
      const direct = await openIn(context, `${label}-direct`, "/settings");
      assert.deepEqual(
        wasm.filter((p) => p !== "/pkg/chatpulse.wasm").sort(),
        lazy.sort(),
        `/settings opened directly fetched ${JSON.stringify(wasm)}, through the sidebar ${JSON.stringify(lazy)}`,
      );
      await direct.fill("form.settings input[name=timezone]", "Not/AZone");
      await direct.click("form.settings button[type=submit]");
      await explained(`${label}-direct`, "a refused save showed no error", () => direct.waitForSelector(".error", { timeout: UPDATE_MS }));
      assert.match(await direct.textContent(".error"), /time zone/i);
    });
  });

  test("settings: an invalid time zone is refused, and a new minimum of messages reaches an open dashboard without a reload", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "settings-dashboard";
    await withPage(label, "/", async ({ context, page: dashboard }) => {
      const before = await stats();
      await expectKpi(dashboard, label, "sessions", before.totals.sessions);
      await mark(dashboard);
      const defaults = { session_gap_minutes: 30, min_session_messages: 2, online_window_minutes: 5, timezone: "UTC" };
      assert.deepEqual(before.settings, defaults);

      const setLabel = "settings";
      const settings = await openIn(context, setLabel, "/settings");
      const form = async () =>
        Object.fromEntries(
          await Promise.all(Object.keys(defaults).map(async (name) => [name, await settings.inputValue(`form.settings input[name=${name}]`)])),
        );
      assert.deepEqual(await form(), { session_gap_minutes: "30", min_session_messages: "2", online_window_minutes: "5", timezone: "UTC" });

      await settings.fill("form.settings input[name=timezone]", "Mars/Base");
      await settings.click("form.settings button[type=submit]");
      await explained(setLabel, "saving the time zone Mars/Base showed no error", () => settings.waitForSelector(".error", { timeout: UPDATE_MS }));
      assert.match(await settings.textContent(".error"), /time zone/i);
      assert.equal(await settings.$(".notice"), null, "a saved notice shows for a refused change");
      assert.deepEqual((await stats()).settings, defaults, "a refused change changed the settings");
      await settings.reload();
      await settings.waitForSelector("form.settings");
      assert.equal(await settings.inputValue("form.settings input[name=timezone]"), "UTC");

      // Sessions of 2 messages stop counting at a minimum of 3, and count again at 2.
      const save = async (min) => {
        await settings.waitForSelector("form.settings");
        await settings.fill("form.settings input[name=min_session_messages]", String(min));
        await settings.click("form.settings button[type=submit]");
        await explained(setLabel, `saving min_session_messages ${min} showed no notice`, () => settings.waitForSelector(".notice", { timeout: UPDATE_MS }));
        assert.equal(await settings.$(".error"), null, await settings.textContent(".error").catch(() => ""));
      };
      await save(3);
      let after;
      const deadline = Date.now() + UPDATE_MS;
      do {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await stats();
      } while ((after.settings.min_session_messages !== 3 || after.totals.sessions === before.totals.sessions) && Date.now() < deadline);
      assert.equal(after.settings.min_session_messages, 3);
      assert.ok(after.totals.sessions < before.totals.sessions, `sessions ${before.totals.sessions} -> ${after.totals.sessions} at min 3`);
      await expectKpi(dashboard, label, "sessions", after.totals.sessions);
      await expectKpi(dashboard, label, "messages", after.totals.messages);

      // Saved in place once the page has hydrated (before that the form posts without
      // JavaScript, as a plain form does).
      await settings.reload();
      await waitLive(settings, setLabel);
      await save(2);
      await expectKpi(dashboard, label, "sessions", before.totals.sessions);
      assert.deepEqual((await stats()).settings, defaults);
      await assertNotReloaded(dashboard);
      assertNoProblems(label);
      // The refused save is answered 400 (the settings were invalid), which
      // Chromium logs as a console error: that one is expected, nothing else.
      const refused = (p) => p.kind === "console.error" && p.url?.includes("/api/update_settings") && p.text.includes("400");
      const problems = pageProblems(setLabel);
      assert.ok(problems.filter(refused).length <= 1, `the browser reported errors:\n${pageLogText(setLabel)}`);
      assert.deepEqual(problems.filter((p) => !refused(p)), [], `the browser reported errors:\n${pageLogText(setLabel)}`);
    });
  });

  test("settings: a key created on the page is shown once, works, and stops working when revoked; an admin added there can log in", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "access";
    const readWith = (key) => fetch(`${server.baseUrl}/api/stats`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
    await withPage(label, "/settings", async ({ page }) => {
      await page.fill("#create-key input[name=label]", "e2e <b>reporting</b>");
      await page.selectOption("#create-key select[name=scope]", "read");
      await page.click("#create-key button[type=submit]");
      const shown = await explained(label, "creating a key showed no key", () => page.waitForSelector("[data-new-key]", { timeout: UPDATE_MS }));
      const key = (await shown.textContent()).trim();
      assert.match(key, /^cpr_[0-9a-f]{64}$/);
      assert.equal(await readWith(key), 200);
      // The list shows it (label as text), never the key itself, and not after a reload.
      const row = page.locator("tr[data-key-status=active]", { hasText: "e2e <b>reporting</b>" });
      await row.waitFor({ timeout: UPDATE_MS });
      assert.equal(await page.locator("#keys b").count(), 0, "the label was rendered as HTML");
      await page.reload();
      await waitLive(page, label);
      assert.ok(!(await page.content()).includes(key), "the key is still on the page after a reload");
      assert.equal(await page.locator("[data-new-key]").count(), 0);

      await page.locator("tr[data-key-status=active]", { hasText: "e2e <b>reporting</b>" }).getByRole("button").click();
      await page.locator("tr[data-key-status=revoked]", { hasText: "e2e <b>reporting</b>" }).waitFor({ timeout: UPDATE_MS });
      assert.equal(await readWith(key), 401);

      await page.fill("#add-admin input[name=username]", "e2e-ops");
      await page.fill("#add-admin input[name=password]", "a long e2e passphrase");
      await page.click("#add-admin button[type=submit]");
      await page.locator("tr[data-admin=e2e-ops]").waitFor({ timeout: UPDATE_MS });
      const login = await fetch(`${server.baseUrl}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "username=e2e-ops&password=a+long+e2e+passphrase&next=%2F",
      });
      assert.equal(login.status, 303);
      assert.match(login.headers.get("set-cookie") ?? "", /chatpulse_session=/);
      assertNoProblems(label);
    });
  });

  test("settings: a visitor erased on the page leaves every figure; a viewer added there sees the dashboard but not the settings", { timeout: TEST_TIMEOUT_MS }, async () => {
    const now = Date.now();
    await ingest([message("erase-me", "user", now - 3 * MIN), message("erase-me", "bot", now - 2 * MIN)]);
    const before = (await stats()).totals.users;
    const label = "erase";
    await withPage(label, "/settings", async ({ context, page }) => {
      await page.fill("#erase-visitor input[name=user_id]", "erase-me");
      await page.selectOption("#erase-visitor select[name=channel]", "web");
      await page.click("#erase-visitor button[type=submit]");
      await explained(label, "erasing showed no outcome", () =>
        page.locator("#erase .notice", { hasText: "2" }).waitFor({ timeout: UPDATE_MS }),
      );
      for (let i = 0; i < 50 && (await stats()).totals.users !== before - 1; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal((await stats()).totals.users, before - 1, "the erased visitor still counts");

      await page.fill("#add-admin input[name=username]", "e2e-viewer");
      await page.fill("#add-admin input[name=password]", "a long e2e passphrase");
      await page.selectOption("#add-admin select[name=role]", "viewer");
      await page.click("#add-admin button[type=submit]");
      await page.locator("tr[data-admin=e2e-viewer] [data-role=viewer]").waitFor({ timeout: UPDATE_MS });
      const login = await fetch(`${server.baseUrl}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "username=e2e-viewer&password=a+long+e2e+passphrase&next=%2F",
      });
      assert.equal(login.status, 303);
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
      const get = (path) => fetch(`${server.baseUrl}${path}`, { redirect: "manual", headers: { cookie, accept: "text/html" } });
      const viewerPage = await get("/web");
      assert.equal(viewerPage.status, 200);
      assert.match(await viewerPage.text(), /<html[^>]*data-role="viewer"/, "the viewer's page is not marked, its Settings link shows");
      const settings = await get("/settings");
      assert.equal(settings.status, 303);
      assert.equal(settings.headers.get("location"), "/");
      assertNoProblems(label);
    });
  });
});
