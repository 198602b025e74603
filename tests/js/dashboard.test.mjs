// The dashboard's figures in Chromium: every page loads cleanly with its KPI cards and charts,
// the date range bar (presets, comparison, custom range), charts as tables, click-to-filter on
// the charts, and the sessions table (paging, order, CSV).
// The data set and helpers: tests/js/lib/dashboard_suite.mjs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  useDashboardSuite,
  ALL,
  CHARTS,
  DAY,
  KPI_FIELDS,
  CONVERSATION_FIELDS,
  OLD,
  OLD_AT,
  PAGER,
  TEST_TIMEOUT_MS,
  UPDATE_MS,
  assertNoProblems,
  assertNotReloaded,
  cellOf,
  chartOption,
  revealCharts,
  clickChart,
  enDate,
  expectKpi,
  expectRows,
  expectUrl,
  ids,
  isoDay,
  mark,
  message,
  openIn,
  server,
  stats,
  todayMessages,
  waitLive,
  waitUntil,
  withContext,
  withPage,
} from "./lib/dashboard_suite.mjs";

useDashboardSuite();

describe("the dashboard's figures in a browser", { concurrency: false }, () => {
  test("every page needs a login, then loads without errors with its title, 8 KPI cards, 7 conversation cards and 9 charts", { timeout: TEST_TIMEOUT_MS }, async () => {
    for (const route of ["/", "/web", "/premium", "/settings"]) {
      const res = await fetch(`${server.baseUrl}${route}`, { redirect: "manual", headers: { Accept: "text/html" } });
      const location = new URL(res.headers.get("location") ?? "/nowhere", server.baseUrl);
      assert.ok(res.status >= 300 && res.status < 400, `GET ${route} without a session answered ${res.status}`);
      assert.equal(location.pathname, "/login", `GET ${route} without a session redirected to ${location}`);
      assert.equal(location.searchParams.get("next"), route);
    }

    const expected = { "/": ["All channels", "all"], "/web": ["Web", "web"], "/premium": ["Premium", "premium"] };
    const own = { all: [...PAGER, ...OLD], web: [...PAGER, ...OLD].filter((s) => s.channel === "web"), premium: PAGER.filter((s) => s.channel === "premium") };
    // What the custom range's date inputs show on each page (checked at the end).
    const inputs = [];
    await withContext({}, async (context) => {
      for (const [route, [title, channel]] of Object.entries(expected)) {
        const label = `route ${route}`;
        const page = await openIn(context, label, route);
        assert.equal((await page.textContent("main.content h1"))?.trim(), title);
        // The figures of the data set, as GET /api/stats counts them too.
        const api = (await stats(channel)).totals;
        const mine = own[channel];
        await expectKpi(page, label, "messages", mine.length * 2);
        assert.equal(api.messages, mine.length * 2, `GET /api/stats?channel=${channel}: ${JSON.stringify(api)}`);
        const cards = await page.$$eval(".kpis:not(.conversations) .card-value[data-kpi]", (els) =>
          els.map((e) => ({ field: e.dataset.kpi, value: e.dataset.value, text: e.textContent.trim() })),
        );
        assert.deepEqual(cards.map((c) => c.field), KPI_FIELDS, `${route}: the KPI cards are ${JSON.stringify(cards)}`);
        const card = Object.fromEntries(cards.map((c) => [c.field, c]));
        for (const { field, value, text } of cards) {
          assert.ok(value !== null && Number.isFinite(Number(value)), `${route}: ${field} has data-value ${value}`);
          if (field === "avg_messages_per_session") assert.equal(text, Number(value).toFixed(1), `${route}: ${field}`);
          else if (field === "avg_session_seconds") assert.match(text, /^(\d+m \d\ds|\d+h \d\dm)$/, `${route}: ${field}`);
          else assert.equal(text, Number(value).toLocaleString("en-US"), `${route}: ${field}`);
        }
        for (const field of ["users", "sessions", "messages", "widget_opens", "human_sessions", "avg_messages_per_session", "avg_session_seconds"]) {
          assert.equal(Number(card[field].value), api[field], `${route}: ${field} is ${card[field].value}, GET /api/stats says ${api[field]}`);
        }
        assert.equal(Number(card.sessions.value), mine.length);
        assert.equal(Number(card.users.value), mine.length);
        assert.equal(Number(card.avg_messages_per_session.value), 2);

        // How conversations went: outcome shares that add up to 100, the queue as the API says.
        const talks = await page.$$eval(".kpis.conversations .card-value[data-kpi]", (els) =>
          els.map((e) => ({ field: e.dataset.kpi, value: Number(e.dataset.value), text: e.textContent.trim() })),
        );
        assert.deepEqual(talks.map((c) => c.field), CONVERSATION_FIELDS, `${route}: ${JSON.stringify(talks)}`);
        const shares = talks.slice(0, 4);
        assert.equal(shares.reduce((sum, c) => sum + c.value, 0), 100, `${route}: outcome shares ${JSON.stringify(shares)}`);
        for (const c of shares) assert.equal(c.text, `${c.value}%`, `${route}: ${c.field}`);
        const full = await stats(channel);
        const outcomes = Object.values(full.outcomes).reduce((a, b) => a + b, 0);
        assert.equal(outcomes, full.totals.sessions, `${route}: the outcomes partition the sessions: ${JSON.stringify(full.outcomes)}`);
        assert.equal(talks[4].value, full.queue.waiting, `${route}: queue`);

        // Nine charts, each an image named by its caption and drawn on a canvas once on screen.
        await revealCharts(page);
        await waitUntil(
          page,
          label,
          "not every chart has a canvas",
          () => [...document.querySelectorAll(".panel[data-chart] .chart")].every((c) => c.querySelector("canvas")),
          undefined,
          () => page.$$eval(".panel[data-chart]", (ps) => ps.map((p) => [p.dataset.chart, Boolean(p.querySelector(".chart canvas"))])),
        );
        const charts = await page.$$eval(".panel[data-chart]", (panels) =>
          panels.map((p) => ({
            name: p.dataset.chart,
            role: p.querySelector(".chart")?.getAttribute("role"),
            label: p.querySelector(".chart")?.getAttribute("aria-label"),
            caption: p.querySelector("figcaption span")?.textContent.trim(),
            canvas: Boolean(p.querySelector(".chart canvas")),
          })),
        );
        assert.deepEqual(charts.map((c) => c.name), CHARTS);
        for (const c of charts) {
          assert.equal(c.role, "img", `${route}: chart ${c.name}`);
          assert.ok(c.caption, `${route}: chart ${c.name} has no caption`);
          assert.equal(c.label, c.caption, `${route}: chart ${c.name}'s aria-label is not its caption`);
        }
        assertNoProblems(label);
        inputs.push([route, await page.inputValue(".custom-range input[name=from]"), await page.inputValue(".custom-range input[name=to]")]);
        await page.close();
      }

      const label = "route /settings";
      const page = await openIn(context, label, "/settings");
      assert.equal((await page.textContent("main.content h1"))?.trim(), "Settings");
      await page.waitForSelector("form.settings");
      assert.equal(await page.$$eval(".card-value[data-kpi]", (e) => e.length), 0);
      assertNoProblems(label);

      // The 30 days of each dashboard, from the day 29 days ago to today.
      const today = isoDay(Date.now());
      const from = isoDay(Date.parse(today) - 29 * DAY);
      assert.deepEqual(
        inputs,
        Object.keys(expected).map((route) => [route, from, today]),
        `the custom range's inputs do not show the range's first and last day: ${JSON.stringify(inputs)}`,
      );
    });
  });

  test("the range bar: presets navigate in place, compare adds the previous period, custom ranges count what is in them", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "range";
    await withPage(label, "/", async ({ context, page }) => {
      const presets = () =>
        page.$$eval(".range-bar .presets a.range", (links) =>
          links.map((a) => ({ text: a.textContent.trim(), href: a.getAttribute("href"), current: a.getAttribute("aria-current") })),
        );
      // Which preset is marked current, after each step (checked at the end).
      const currents = [];
      const noteCurrent = async (step) => currents.push([step, (await presets()).map((p) => p.current)]);
      // What the custom range's inputs show, after each step (checked at the end).
      const inputs = [];
      const noteInputs = async (step) =>
        inputs.push([step, await page.inputValue(".custom-range input[name=from]"), await page.inputValue(".custom-range input[name=to]")]);
      const shown = await presets();
      assert.deepEqual(shown.map((p) => p.text), ["Today", "7 days", "30 days", "90 days", "12 months", "All"]);
      assert.deepEqual(shown.map((p) => p.href), ["/?range=today", "/?range=7d", "/", "/?range=90d", "/?range=12m", "/?range=all"]);
      await expectKpi(page, label, "messages", 64);
      await noteCurrent("30 days");
      await noteInputs("30 days");
      // Gone if the page is loaded anew: the range bar must navigate in place.
      await page.evaluate(() => {
        window.__sameDocument = true;
      });

      await mark(page);
      await page.click('.presets a.range[href="/?range=today"]');
      await expectUrl(page, label, "Today did not put range=today in the URL", (u) => u.search === "?range=today");
      await expectKpi(page, label, "messages", todayMessages());
      await noteCurrent("Today");

      await page.click('.presets a.range[href="/?range=7d"]');
      await expectUrl(page, label, "7 days did not put range=7d in the URL", (u) => u.search === "?range=7d");
      await expectKpi(page, label, "messages", 64);
      await expectRows(page, label, ids(ALL.slice(0, 25)), 32);
      await noteCurrent("7 days");
      await noteInputs("7 days");
      await assertNotReloaded(page);

      // Compare: every card but "online now" says how it changed against the previous period.
      const details = () =>
        page.$$eval(".kpis:not(.conversations) .card", (cards) =>
          cards.map((c) => [c.querySelector("[data-kpi]")?.dataset.kpi, c.querySelector(".card-detail")?.textContent ?? ""]),
        );
      assert.ok((await details()).every(([, d]) => !d.includes("vs previous period")), JSON.stringify(await details()));
      assert.equal(await page.getAttribute("a.compare[role=switch]", "aria-checked"), "false");
      await page.click("a.compare[role=switch]");
      await expectUrl(page, label, "compare did not put compare=1 in the URL", (u) => u.searchParams.get("compare") === "1" && u.searchParams.get("range") === "7d");
      await waitUntil(
        page,
        label,
        "the cards do not compare with the previous period",
        () => [...document.querySelectorAll(".kpis:not(.conversations) .card-detail")].filter((d) => d.textContent.includes("vs previous period")).length === 7,
        undefined,
        details,
      );
      const compared = await details();
      for (const [field, detail] of compared) {
        if (field === "online_users") assert.ok(!detail.includes("vs previous period"), `online_users compares: ${detail}`);
        else assert.ok(detail.includes("vs previous period"), `${field} does not compare: ${JSON.stringify(compared)}`);
      }
      assert.equal(await page.getAttribute("a.compare[role=switch]", "aria-checked"), "true");

      // A custom range of the day three days ago holds the two old sessions only.
      const oldDay = isoDay(OLD_AT);
      await page.fill(".custom-range input[name=from]", oldDay);
      await page.fill(".custom-range input[name=to]", oldDay);
      await page.click(".custom-range button[type=submit]");
      await expectUrl(
        page,
        label,
        `the custom range did not put range=custom&from=${oldDay}&to=${oldDay} in the URL`,
        (u) => u.searchParams.get("range") === "custom" && u.searchParams.get("from") === oldDay && u.searchParams.get("to") === oldDay,
      );
      await expectKpi(page, label, "messages", 4);
      await expectKpi(page, label, "sessions", 2);
      await expectRows(page, label, ids(OLD.toReversed()), 2);
      assert.equal(await page.getAttribute(".custom-range button[type=submit]", "aria-current"), "true");
      assert.equal(await page.evaluate(() => window.__sameDocument), true, "the custom range loaded the page anew");
      await noteCurrent("custom");

      // ... and one five days before that holds nothing.
      const empty = isoDay(OLD_AT - 5 * DAY);
      await page.fill(".custom-range input[name=from]", empty);
      await page.fill(".custom-range input[name=to]", empty);
      await page.click(".custom-range button[type=submit]");
      await expectUrl(page, label, `the custom range did not move to ${empty}`, (u) => u.searchParams.get("from") === empty && u.searchParams.get("to") === empty);
      await expectKpi(page, label, "messages", 0);
      await expectRows(page, label, [], 0);
      assert.equal((await page.textContent(".sessions .empty"))?.trim(), "No sessions in this range.");
      assertNoProblems(label);

      // A full load of a range this server has not shown yet: the inputs show it too.
      await page.goto(`${server.baseUrl}/?range=12m`);
      await waitLive(page, label);
      await expectKpi(page, label, "messages", 64);
      await noteInputs("12 months, loaded");

      // Both checked last, so that either failing still lets everything above be checked.
      const marked = (i) => [0, 1, 2, 3, 4, 5].map((k) => (k === i ? "true" : null));
      const today = isoDay(Date.now());
      const back = (days) => isoDay(Date.parse(today) - days * DAY);
      const expected = {
        currents: [["30 days", marked(2)], ["Today", marked(0)], ["7 days", marked(1)], ["custom", marked(-1)]],
        inputs: [
          ["30 days", back(29), today],
          ["7 days", back(6), today],
          // The first day of the month eleven months before this one.
          ["12 months, loaded", new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 12, 1)).toISOString().slice(0, 10), today],
        ],
      };
      const wrong = [];
      if (JSON.stringify(currents) !== JSON.stringify(expected.currents)) {
        wrong.push(`aria-current="true" is not on the active preset alone; [step, aria-current of each preset]: ${JSON.stringify(currents)}`);
      }
      if (JSON.stringify(inputs) !== JSON.stringify(expected.inputs)) {
        wrong.push(`the custom range's inputs do not show the first and last day of the range; [step, from, to]: ${JSON.stringify(inputs)}, expected ${JSON.stringify(expected.inputs)}`);
      }
      assert.deepEqual(wrong, []);
    });
  });

  test("a chart shows its numbers as a table and back, on the same ECharts instance", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "tables";
    await withPage(label, "/", async ({ context, page }) => {
      await expectKpi(page, label, "messages", 64);
      const panel = (name) => `[data-chart="${name}"]`;
      const toggle = (name) => `${panel(name)} figcaption .link-button`;
      const state = (name) =>
        page.$eval(panel(name), (p) => ({
          pressed: p.querySelector("figcaption .link-button").getAttribute("aria-pressed"),
          button: p.querySelector("figcaption .link-button").textContent.trim(),
          chartHidden: p.querySelector(".chart").hidden,
          chartVisible: p.querySelector(".chart").getBoundingClientRect().height > 0,
          table: Boolean(p.querySelector(".chart-table table")),
          rows: [...p.querySelectorAll(".chart-table tbody tr")].map((r) => [...r.cells].map((c) => c.textContent.trim())),
        }));
      assert.deepEqual(await state("daily"), { pressed: "false", button: "View as table", chartHidden: false, chartVisible: true, table: false, rows: [] });
      await page.evaluate((sel) => {
        const el = document.querySelector(sel);
        window.__dailyCanvas = el.querySelector("canvas");
        window.__dailyChart = echarts.getInstanceByDom(el);
      }, `${panel("daily")} .chart`);

      await page.click(toggle("daily"));
      await page.waitForSelector(`${panel("daily")} .chart-table table`, { state: "visible", timeout: UPDATE_MS });
      const table = await state("daily");
      assert.equal(table.pressed, "true");
      assert.equal(table.button, "View as chart");
      assert.equal(table.chartHidden, true, "the chart element is not hidden while its table shows");
      assert.equal(table.chartVisible, false, "the chart still takes room while its table shows");
      // One row per day of the range: 30 days, today the last.
      const today = isoDay(Date.now());
      const from = isoDay(Date.parse(today) - 29 * DAY);
      assert.equal(table.rows.length, 30, `the daily table has ${table.rows.length} rows: ${JSON.stringify(table.rows)}`);
      assert.equal(table.rows[0][0], enDate(from));
      assert.equal(table.rows.at(-1)[0], enDate(today));
      const todayRow = table.rows.find((r) => r[0] === enDate(today));
      const startedToday = [...PAGER, ...OLD].filter((x) => isoDay(x.start) === today).length;
      assert.deepEqual(todayRow, [enDate(today), String(todayMessages()), String(startedToday)], JSON.stringify(table.rows));
      const oldRow = table.rows.find((r) => r[0] === enDate(isoDay(OLD_AT)));
      assert.deepEqual(oldRow?.slice(1), ["4", "2"], JSON.stringify(table.rows));
      // The same numbers as the chart.
      const option = await chartOption(page, "daily");
      assert.deepEqual(table.rows.map((r) => Number(r[1])), option.series[0]);
      assert.deepEqual(table.rows.map((r) => Number(r[2])), option.series[1]);

      await page.click(toggle("daily"));
      await page.waitForSelector(`${panel("daily")} .chart-table`, { state: "detached", timeout: UPDATE_MS });
      const back = await state("daily");
      assert.deepEqual(back, { pressed: "false", button: "View as table", chartHidden: false, chartVisible: true, table: false, rows: [] });
      assert.ok(
        await page.evaluate((sel) => {
          const el = document.querySelector(sel);
          return window.__dailyCanvas.isConnected && el.querySelector("canvas") === window.__dailyCanvas && echarts.getInstanceByDom(el) === window.__dailyChart;
        }, `${panel("daily")} .chart`),
        "the daily chart was re-created (another canvas or ECharts instance) after its table was shown",
      );

      // The channel pie's table: sessions and messages per channel.
      await page.click(toggle("channels"));
      await page.waitForSelector(`${panel("channels")} .chart-table table`, { state: "visible", timeout: UPDATE_MS });
      assert.deepEqual((await state("channels")).rows, [["web", "26", "52"], ["premium", "6", "12"]]);
      assertNoProblems(label);
    });
  });

  test("charts below the fold are drawn only when the page scrolls to them, and ECharts' second module is fetched only for them or a tooltip", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "below the fold";
    await withContext({ viewport: { width: 1280, height: 800 } }, async (context) => {
      const vendor = [];
      context.on("request", (request) => {
        const { pathname } = new URL(request.url());
        if (pathname.startsWith("/vendor/echarts")) vendor.push(pathname);
      });
      const page = await openIn(context, label, "/");
      const drawn = () =>
        page.$$eval(".panel[data-chart]", (panels) =>
          panels.filter((p) => p.querySelector(".chart canvas") && echarts.getInstanceByDom(p.querySelector(".chart"))).map((p) => p.dataset.chart),
        );
      const onScreen = await page.$$eval(".panel[data-chart]", (panels) =>
        panels.filter((p) => p.getBoundingClientRect().top < window.innerHeight).map((p) => p.dataset.chart),
      );
      assert.ok(onScreen.length >= 1 && onScreen.length < CHARTS.length, `charts on the first screen: ${onScreen}`);
      await waitUntil(page, label, "the first screen's charts are not drawn", (names) => names.every((n) => document.querySelector(`[data-chart="${n}"] .chart canvas`)), onScreen, drawn);
      // Time for anything that would (wrongly) draw the rest.
      await page.waitForTimeout(500);
      const first = await drawn();
      assert.ok(!first.includes("heatmap") && !first.includes("channels"), `drawn before any scroll: ${first}`);
      assert.deepEqual(vendor.sort(), ["/vendor/echarts-shared.js", "/vendor/echarts.js"], "the first screen fetched ECharts' second module");
      const tooltipOf = (name) =>
        page.$eval(`[data-chart="${name}"] .chart`, (el) => Boolean(echarts.getInstanceByDom(el)?.getModel().getComponent("tooltip")));
      assert.equal(await tooltipOf("daily"), false, "the daily chart had its tooltip before the pointer came");

      // The pointer over the daily chart brings the second module, and with it the tooltip: the
      // chart is made again, and the axis tooltip shows where the pointer moves.
      // The mouse alone, not `hover()`, which would scroll the chart whole into view (and so
      // the next row within reach): the part of the chart above the fold.
      const box = await page.locator('[data-chart="daily"] .chart').boundingBox();
      const at = { x: box.x + box.width / 2, y: box.y + Math.min(box.height, 800 - box.y) / 2 };
      await page.mouse.move(at.x, at.y);
      await waitUntil(page, label, "the daily chart got no tooltip", () => {
        const chart = echarts.getInstanceByDom(document.querySelector('[data-chart="daily"] .chart'));
        return Boolean(chart?.getModel().getComponent("tooltip"));
      }, null, () => vendor);
      await page.mouse.move(at.x + 5, at.y);
      await waitUntil(page, label, "no tooltip showed over the daily chart", () =>
        [...document.querySelectorAll('[data-chart="daily"] .chart > div')].some(
          (el) => !el.querySelector("canvas") && getComputedStyle(el).display !== "none" && el.textContent.trim() !== "",
        ), null, () => page.$eval('[data-chart="daily"] .chart', (el) => el.innerHTML.slice(0, 400)));
      assert.deepEqual((await drawn()).sort(), [...first].sort(), "the pointer drew charts that are not on screen");
      assert.equal(vendor.filter((p) => p === "/vendor/echarts-more.js").length, 1, `${vendor}`);

      // The heatmap and the pie need the second module, which is there: both draw, with no
      // second request.
      await chartOption(page, "heatmap");
      await chartOption(page, "channels");
      assert.equal(vendor.filter((p) => p === "/vendor/echarts-more.js").length, 1, `${vendor}`);
      await revealCharts(page);
      assert.deepEqual((await drawn()).sort(), [...CHARTS].sort());
      await page.close();
      assertNoProblems(label);
    });
  });

  test("clicking a chart element filters the sessions table through the URL, and Clear removes the filter", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "filters";
    await withPage(label, "/", async ({ context, page }) => {
      await expectRows(page, label, ids(ALL.slice(0, 25)), 32);
      const chip = () => page.$(".sessions .filter-chip");
      assert.equal(await chip(), null, "a filter chip shows before any click");

      // The daily bar of three days ago: the two old sessions.
      const oldDay = isoDay(OLD_AT);
      const daily = await chartOption(page, "daily");
      const dayIndex = daily.categories.indexOf(oldDay.slice(5));
      assert.ok(dayIndex >= 0, `no bar for ${oldDay} in ${JSON.stringify(daily.categories)}`);
      assert.equal(daily.series[0][dayIndex], 4);
      await clickChart(page, label, "daily", [dayIndex, 2]);
      await expectUrl(page, label, `clicking the bar of ${oldDay} did not put day=${oldDay} in the URL`, (u) => u.searchParams.get("day") === oldDay);
      await expectRows(page, label, ids(OLD.toReversed()), 2);
      assert.ok(await page.isVisible(".sessions .filter-chip a.clear"), "no filter chip with a Clear link");
      await page.click(".sessions .filter-chip a.clear");
      await expectUrl(page, label, "Clear did not remove day= from the URL", (u) => !u.searchParams.has("day"));
      await expectRows(page, label, ids(ALL.slice(0, 25)), 32);
      assert.equal(await chip(), null, "the filter chip stays after Clear");

      // The heatmap cell of p00's first message: the sessions that started in that weekday and hour.
      const { weekday, hour } = cellOf(PAGER[0].start);
      await clickChart(page, label, "heatmap", [hour, weekday]);
      await expectUrl(page, label, `clicking the heatmap cell did not put hour=${weekday}-${hour} in the URL`, (u) => u.searchParams.get("hour") === `${weekday}-${hour}`);
      const inCell = ALL.filter((s) => {
        const c = cellOf(s.start);
        return c.weekday === weekday && c.hour === hour;
      });
      await expectRows(page, label, ids(inCell.slice(0, 25)), inCell.length);
      assert.ok(await chip(), "no filter chip after clicking the heatmap");

      // The web slice of the channel pie: web sessions only.
      await clickChart(page, label, "channels", { pie: 0 });
      await expectUrl(page, label, "clicking the web slice did not put table_channel=web in the URL", (u) => u.searchParams.get("table_channel") === "web" && !u.searchParams.has("hour"));
      const web = ALL.filter((s) => s.channel === "web");
      await expectRows(page, label, ids(web.slice(0, 25)), web.length);
      const channels = await page.$$eval(".sessions tr[data-session] td:nth-child(2)", (tds) => tds.map((td) => td.textContent.trim()));
      assert.deepEqual([...new Set(channels)], ["web"]);

      // The DE bar of the countries chart.
      const countries = await chartOption(page, "countries");
      const deIndex = countries.rows.indexOf("DE");
      const german = ALL.filter((s) => s.country === "DE");
      assert.equal(countries.series[0][deIndex], german.length, JSON.stringify(countries));
      await clickChart(page, label, "countries", [german.length / 2, deIndex]);
      await expectUrl(page, label, "clicking the DE bar did not put country=DE in the URL", (u) => u.searchParams.get("country") === "DE");
      await expectRows(page, label, ids(german), german.length);
      await page.click(".sessions .filter-chip a.clear");
      await expectUrl(page, label, "Clear did not remove country= from the URL", (u) => !u.searchParams.has("country"));
      await expectRows(page, label, ids(ALL.slice(0, 25)), 32);
      assertNoProblems(label);
    });
  });

  test("the sessions table pages by 25, sorts by last activity, names anonymous visitors, and exports every row as CSV", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "sessions";
    await withPage(label, "/", async ({ context, page }) => {
      await expectRows(page, label, ids(ALL.slice(0, 25)), 32);
      const visitor = (session) => page.textContent(`.sessions tr[data-session="${session}"] .visitor`);
      assert.equal((await visitor("p00#1"))?.trim(), "Visitor 0");
      assert.equal((await visitor("p01#1"))?.trim(), "Anonymous");
      assert.equal(await page.$(".pager a[rel=prev]"), null, "page 1 has a previous-page link");

      await page.click(".pager a[rel=next]");
      await expectUrl(page, label, "Next did not put page=2 in the URL", (u) => u.searchParams.get("page") === "2");
      await expectRows(page, label, ids(ALL.slice(25)), 32);
      assert.equal(await page.$(".pager a[rel=next]"), null, "the last page has a next-page link");
      await page.click(".pager a[rel=prev]");
      await expectUrl(page, label, "Previous did not go back to page 1", (u) => !u.searchParams.has("page") || u.searchParams.get("page") === "1");
      await expectRows(page, label, ids(ALL.slice(0, 25)), 32);

      // Oldest last activity first, and back.
      await page.click(".sessions th a.sort");
      await expectUrl(page, label, "the sort link did not put sort=oldest in the URL", (u) => u.searchParams.get("sort") === "oldest");
      await expectRows(page, label, ids(ALL.toReversed().slice(0, 25)), 32);
      await page.click(".sessions th a.sort");
      await expectUrl(page, label, "the sort link did not remove sort=oldest", (u) => !u.searchParams.has("sort"));
      await expectRows(page, label, ids(ALL.slice(0, 25)), 32);

      // The CSV of the range: every session, not only this page, with the page's cookies.
      const href = await page.getAttribute(".sessions a.download", "href");
      const link = new URL(href, server.baseUrl);
      assert.equal(link.pathname, "/api/stats/sessions.csv");
      assert.equal(link.searchParams.get("channel"), "all");
      assert.ok(link.searchParams.get("from") && link.searchParams.get("to"), `the CSV link has no range: ${href}`);
      const res = await page.request.get(link.href);
      const csv = await res.text();
      assert.equal(res.status(), 200, `GET ${href} answered ${res.status()}: ${csv}`);
      assert.match(res.headers()["content-type"] ?? "", /^text\/csv/);
      const lines = csv.trim().split("\n");
      assert.equal(lines[0].split(",")[0], "session_id", lines[0]);
      // Every text cell is quoted (RFC 4180), so no spreadsheet splits one in two.
      assert.deepEqual(lines.slice(1).map((l) => l.split(",")[0].replace(/^"|"$/g, "")), ids(ALL), csv);
      assertNoProblems(label);
    });
  });
});
