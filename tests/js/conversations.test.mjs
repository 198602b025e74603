// How conversations went, in Chromium: the queue and the outcome and response-time charts
// follow a handover live with no loading flash, the activity feed grows, Turkish words for every new text, and the
// phone layout (390 × 844) on every page: nothing wider than the screen, cards two to a
// row, charts the screen's width, the sidebar folded into a menu that works.
// The data set and helpers: tests/js/lib/dashboard_suite.mjs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  useDashboardSuite,
  MIN,
  SECOND,
  TEST_TIMEOUT_MS,
  UPDATE_MS,
  assertNoProblems,
  assertNotReloaded,
  chartOnScreen,
  expectKpi,
  ingest,
  mark,
  message,
  openIn,
  revealCharts,
  server,
  stats,
  waitUntil,
  withContext,
  withPage,
} from "./lib/dashboard_suite.mjs";

useDashboardSuite();

const PHONE = { width: 390, height: 844 };

/** The sum of a chart's series data, per series (the chart brought on screen first). */
const seriesSums = async (page, name) =>
  page.$eval(await chartOnScreen(page, name), (el) =>
    echarts.getInstanceByDom(el).getOption().series.map((s) => s.data.reduce((a, b) => a + b, 0)),
  );

describe("conversations on the dashboard", { concurrency: false }, () => {
  test("a handover shows in the queue, the outcomes and the response times live, with no loading flash", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "queue";
    await withPage(label, "/", async ({ page }) => {
      await expectKpi(page, label, "queue_waiting", 0);
      await mark(page);
      await page.evaluate(() => {
        window.__busy = [];
        new MutationObserver((records) => {
          for (const r of records) {
            for (const node of r.addedNodes) {
              if (node.nodeType === Node.ELEMENT_NODE && (node.matches('[aria-busy="true"]') || node.querySelector('[aria-busy="true"]'))) {
                window.__busy.push(node.outerHTML.slice(0, 120));
              }
            }
          }
        }).observe(document.body, { subtree: true, childList: true });
      });
      const before = await seriesSums(page, "response_times");
      const now = Date.now();
      // A visitor asks for a person; the bot hands over; nobody has answered yet.
      await ingest([
        { type: "widget_opened", channel: "web", user_id: "waiting-1", at: new Date(now - 3 * MIN - SECOND).toISOString(), page_url: "https://shop.example/pricing?utm=x" },
        message("waiting-1", "user", now - 3 * MIN, { page_url: "https://shop.example/pricing" }),
        message("waiting-1", "bot", now - 3 * MIN + 4 * SECOND),
        message("waiting-1", "user", now - 2 * MIN, { human_mode: true }),
        message("waiting-1", "bot", now - 2 * MIN + SECOND, { human_mode: true }),
      ]);
      await expectKpi(page, label, "queue_waiting", 1);
      // The activity feed grows by the open, the session and the takeover, newest first. The
      // takeover follows the session; the open is a per-event signal sent by the writer,
      // whose order against the milestones the contract does not fix.
      await waitUntil(page, label, "the activity feed did not list the open, the session and the takeover", () => {
        const kinds = [...document.querySelectorAll('[data-table="activity"] li')]
          .filter((li) => li.textContent.includes("waiting-1"))
          .map((li) => li.dataset.activity);
        return ["open", "session", "human"].every((k) => kinds.includes(k)) && kinds.indexOf("human") < kinds.indexOf("session");
      });
      await expectKpi(page, label, "handed_over_unanswered", (await shareOf("handed_over_unanswered")));
      // The operator answers: the queue empties, the handover wait gets its sample.
      await ingest([message("waiting-1", "operator", Date.now(), { human_mode: true, operator_id: "ayse" })]);
      await expectKpi(page, label, "queue_waiting", 0);
      await expectKpi(page, label, "operators_active", 1);
      await waitUntil(page, label, "the operators table does not list ayse", () =>
        document.querySelector('[data-table="operators"] tbody')?.textContent.includes("ayse"),
      );
      await waitUntil(
        page,
        label,
        "the response-time chart did not count the new samples",
        ([name, was]) => {
          const option = echarts.getInstanceByDom(document.querySelector(`[data-chart="${name}"] .chart`)).getOption();
          const sums = option.series.map((s) => s.data.reduce((a, b) => a + b, 0));
          return sums[0] === was[0] + 1 && sums[1] === was[1] + 1 && sums[2] === was[2] + 1;
        },
        ["response_times", before],
      );
      await waitUntil(page, label, "the pages table does not list the page without its query string", () => {
        const text = document.querySelector('[data-table="pages"] tbody')?.textContent ?? "";
        return text.includes("https://shop.example/pricing") && !text.includes("utm");
      });
      const outcomes = await seriesSums(page, "outcomes");
      const api = (await stats()).outcomes;
      assert.deepEqual(outcomes, [api.bot_only, api.handed_over_answered, api.handed_over_unanswered, api.abandoned]);
      await page.waitForTimeout(300);
      assert.deepEqual(await page.evaluate(() => window.__busy), [], "a loading placeholder flashed");
      await assertNotReloaded(page);
      assertNoProblems(label);
    });
  });

  test("every new word is Turkish on a Turkish dashboard", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "turkish";
    await withPage(label, "/", async ({ page }) => {
      await waitUntil(page, label, "the page is not Turkish", () => document.documentElement.lang === "tr");
      const text = await page.textContent("main.content");
      for (const words of ["Yalnız bot çözdü", "Temsilci yanıtladı", "Devir yanıtsız kaldı", "Yarıda bırakıldı", "Temsilci bekleyen", "Etkin temsilci", "İlk temsilci yanıtı", "Günlük oturum sonuçları", "Yanıt süreleri"]) {
        assert.ok(text.includes(words), `"${words}" is missing from the Turkish page`);
      }
      for (const english of ["Bot handled alone", "Waiting for a person", "Response times", "Session outcomes"]) {
        assert.ok(!text.includes(english), `"${english}" is on the Turkish page`);
      }
      const legend = await page.$eval(await chartOnScreen(page, "response_times"), (el) =>
        echarts.getInstanceByDom(el).getOption().legend[0].data.map((d) => d.name ?? d),
      );
      assert.deepEqual(legend, ["Bot yanıtı", "Temsilci bekleme", "Temsilci yanıtı"]);
    }, { locale: "tr-TR" });
  });

  test("on a phone every page fits the screen, cards go two to a row and the menu opens and closes", { timeout: TEST_TIMEOUT_MS * 2 }, async () => {
    await withContext({ viewport: PHONE, isMobile: true, hasTouch: true }, async (context) => {
      for (const route of ["/", "/web", "/premium", "/settings"]) {
        const label = `phone ${route}`;
        const page = await openIn(context, label, route);
        if (route !== "/settings") {
          await revealCharts(page);
          await page.waitForFunction(() => [...document.querySelectorAll(".panel[data-chart] .chart")].every((c) => c.querySelector("canvas")), null, { timeout: UPDATE_MS });
        }
        const layout = await page.evaluate(() => {
          const boxes = (selector) => [...document.querySelectorAll(selector)].map((e) => e.getBoundingClientRect());
          return {
            scrollWidth: document.documentElement.scrollWidth,
            cards: boxes(".kpis .card").slice(0, 3).map((b) => ({ top: Math.round(b.top), right: Math.round(b.right) })),
            charts: boxes(".panel[data-chart]").map((b) => Math.round(b.right)),
            linksShown: getComputedStyle(document.querySelector(".nav-body")).display !== "none",
            sidebarWidth: Math.round(document.querySelector(".sidebar").getBoundingClientRect().width),
          };
        });
        assert.ok(layout.scrollWidth <= PHONE.width, `${route}: the page is ${layout.scrollWidth} px wide`);
        assert.equal(layout.linksShown, false, `${route}: the menu is open before it was asked for`);
        assert.equal(layout.sidebarWidth, PHONE.width, `${route}: the sidebar is a bar across the top`);
        if (route !== "/settings") {
          const [first, second, third] = layout.cards;
          assert.equal(first.top, second.top, `${route}: the first two cards share a row ${JSON.stringify(layout.cards)}`);
          assert.ok(third.top > first.top, `${route}: the third card starts a new row ${JSON.stringify(layout.cards)}`);
          assert.ok(layout.charts.length > 0 && layout.charts.every((right) => right <= PHONE.width), `${route}: charts ${layout.charts}`);
        }
        assertNoProblems(label);
        await page.close();
      }

      const label = "phone menu";
      const page = await openIn(context, label, "/");
      await mark(page);
      await page.click(".nav-toggle-button");
      await page.waitForSelector(".nav-links a[href='/web']", { state: "visible", timeout: 2000 });
      await page.click(".nav-links a[href='/web']");
      await page.waitForURL((u) => new URL(u).pathname === "/web", { timeout: UPDATE_MS });
      await page.waitForSelector(".nav-body", { state: "hidden", timeout: 2000 });
      await assertNotReloaded(page);
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width);
      assertNoProblems(label);
    });
    await withContext({ viewport: PHONE, loggedIn: false }, async (context) => {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/login`);
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, "the login page is wider than a phone");
    });
  });
  test("an alert rule set on /settings fires a toast on an open dashboard once, and is removed from the page", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "alerts";
    await withPage(label, "/", async ({ context, page: dashboard }) => {
      await mark(dashboard);
      const online = (await stats()).totals.online_users;
      const settings = await openIn(context, "alerts-settings", "/settings");
      await settings.waitForSelector("#add-rule");
      await settings.selectOption("#add-rule select[name=kind]", "online_now");
      await settings.fill("#add-rule input[name=threshold]", String(online));
      await settings.click("#add-rule button[type=submit]");
      await waitUntil(settings, label, "the new rule is not listed as quiet", () =>
        document.querySelector('tr[data-rule-kind="online_now"]')?.dataset.ruleState === "quiet",
      );
      // More visitors online: the reading goes above the threshold (even should some of
      // the data set's visitors leave the online window meanwhile).
      await ingest(["a", "b", "c"].map((v) => message(`alert-visitor-${v}`, "user", Date.now())));
      await waitUntil(dashboard, label, "no alert toast on the dashboard", () => !!document.querySelector('[data-toast="alert-opened"]'));
      const text = await dashboard.textContent('[data-toast="alert-opened"]');
      assert.match(text, new RegExp(`Alert: More than ${online} visitors online \\(now \\d+\\)`));
      await dashboard.waitForTimeout(2500);
      assert.equal((await dashboard.$$('[data-toast^="alert"]')).length, 1, "the alert was told more than once");
      await settings.reload();
      await waitUntil(settings, label, "the rule is not shown as firing", () =>
        document.querySelector('tr[data-rule-kind="online_now"]')?.dataset.ruleState === "firing",
      );
      await settings.click('tr[data-rule-kind="online_now"] button[type=submit]');
      await waitUntil(settings, label, "the removed rule is still listed", () => !document.querySelector('tr[data-rule-kind="online_now"]'));
      await assertNotReloaded(dashboard);
      assertNoProblems(label);
    });
  });
});

/** The share in whole percent the dashboard shows for one outcome, from the API's counts. */
async function shareOf(field) {
  const o = (await stats()).outcomes;
  const counts = [o.bot_only, o.handed_over_answered, o.handed_over_unanswered, o.abandoned];
  const total = counts.reduce((a, b) => a + b, 0);
  const shares = counts.map((n) => Math.floor((n * 100) / total));
  let left = 100 - shares.reduce((a, b) => a + b, 0);
  const order = [0, 1, 2, 3].sort((a, b) => ((counts[b] * 100) % total) - ((counts[a] * 100) % total) || a - b);
  for (const i of order) if (left-- > 0) shares[i] += 1;
  return shares[["bot_only", "handed_over_answered", "handed_over_unanswered", "abandoned"].indexOf(field)];
}
