// The dashboard's features in a real headless Chromium against the built server: every page
// loads cleanly, the KPI cards and charts, the live badge with pause and resume, the date
// range bar (presets, comparison, custom range), charts as tables, click-to-filter on the
// charts, the sessions table (paging, order, CSV), toasts, language and theme, and settings
// that reach an open dashboard without a reload.
//
// One data set is ingested before the tests (times relative to now, UTC, the default time
// zone): 30 "pager" sessions of today (p00 newest … p29 oldest, 2 messages each) and two
// sessions three days ago. Tests that ingest more run after the ones that count that set.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";

import { CHROMIUM, CHROMIUM_ARGS } from "./lib/chromium.mjs";
import { dashboardTools, message } from "./lib/dashboard.mjs";
import { startServer } from "./lib/server.mjs";

const UPDATE_MS = 10_000; // a change -> what the page shows (2 cores: generous)
const TEST_TIMEOUT_MS = 60_000;
const VIEWPORT = { width: 1280, height: 900 };
const SECOND = 1000;
const MIN = 60 * SECOND;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

let server;
let browser;
/** The logged-in admin's cookies, for every context. */
let loggedIn;
const { watch, pageLogText, pageProblems, explained, ingest, stats, logInThroughForm, waitLive } = dashboardTools(
  () => server,
);

const NOW = Date.now();
/** Today's sessions, newest first: p00 … p29, 20 s apart, each a user message then a bot reply 5 s later. */
const PAGER = Array.from({ length: 30 }, (_, i) => {
  const id = `p${String(i).padStart(2, "0")}`;
  const start = NOW - 2 * MIN - i * 20 * SECOND;
  return {
    id,
    session: `${id}#1`,
    channel: i % 5 === 4 ? "premium" : "web",
    country: i % 3 === 0 ? "DE" : "FR",
    name: i % 2 === 0 ? `Visitor ${i}` : undefined,
    start,
    last: start + 5 * SECOND,
    human: i === 29,
  };
});
/** Two sessions three days ago, in the same hour. */
const OLD_AT = Math.floor((NOW - 3 * DAY) / HOUR) * HOUR + 10 * MIN;
const OLD = [
  { id: "old-a", session: "old-a#1", channel: "web", start: OLD_AT, last: OLD_AT + 30 * SECOND },
  { id: "old-b", session: "old-b#1", channel: "web", start: OLD_AT + 60 * SECOND, last: OLD_AT + 90 * SECOND },
];
/** Every session of the data set, newest last activity first (the table's default order). */
const ALL = [...PAGER, ...OLD].sort((a, b) => b.last - a.last);
const ids = (sessions) => sessions.map((s) => s.session);

function dataSet() {
  const events = [];
  for (const s of [...PAGER, ...OLD]) {
    const extra = { channel: s.channel, country: s.country, user_name: s.name };
    events.push(message(s.id, "user", s.start, extra));
    events.push(
      s.human
        ? message(s.id, "operator", s.last, { ...extra, human_mode: true })
        : message(s.id, "bot", s.last, extra),
    );
  }
  for (const s of PAGER.slice(0, 3)) {
    events.push({ type: "widget_opened", id: `open-${s.id}`, channel: s.channel, user_id: s.id, at: new Date(s.start - SECOND).toISOString() });
  }
  return events;
}

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** A YYYY-MM-DD as the English pages write it: "Nov 24, 2026". */
const enDate = (iso) => {
  const [y, m, d] = iso.split("-").map(Number);
  return `${MONTHS[m - 1]} ${d}, ${y}`;
};
/** The heatmap cell of a time (UTC): weekday 0 = Monday, hour. */
const cellOf = (ms) => {
  const d = new Date(ms);
  return { weekday: (d.getUTCDay() + 6) % 7, hour: d.getUTCHours() };
};
/** The data set's messages dated today (UTC), as "Today" counts them. */
const todayMessages = () => {
  const today = isoDay(Date.now());
  return [...PAGER, ...OLD].flatMap((s) => [s.start, s.last]).filter((t) => isoDay(t) === today).length;
};

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set CHATPULSE_CHROMIUM)`);
  [server, browser] = await Promise.all([
    startServer(),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 }),
  ]);
  await ingest(dataSet());
  const context = await browser.newContext();
  try {
    const page = watch(await context.newPage(), "login");
    await logInThroughForm(page, "/settings");
    loggedIn = await context.storageState();
  } finally {
    await context.close();
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A new logged-in context (its own cookies) with `target` open and live. */
async function open(label, target, options = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, storageState: loggedIn, ...options });
  const page = await openIn(context, label, target);
  return { context, page };
}

async function openIn(context, label, target) {
  const page = watch(await context.newPage(), label);
  await page.goto(`${server.baseUrl}${target}`);
  assert.equal(new URL(page.url()).pathname, new URL(target, server.baseUrl).pathname, `${target} ended at ${page.url()}`);
  await waitLive(page, label);
  return page;
}

/** Waits for `fn(arg)` in the page; on a timeout the error says what the page showed (`read()`). */
async function waitUntil(page, label, what, fn, arg, read, timeout = UPDATE_MS) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 50 });
  } catch (err) {
    let shown = "";
    try {
      shown = `; the page shows ${JSON.stringify(await read())}`;
    } catch {}
    await explained(label, `${what} within ${timeout} ms${shown}`, () => Promise.reject(err));
  }
}

const kpiValue = (page, field) => page.getAttribute(`[data-kpi="${field}"]`, "data-value");

async function expectKpi(page, label, field, value) {
  await waitUntil(
    page,
    label,
    `the ${field} card did not read ${value}`,
    ([f, v]) => document.querySelector(`[data-kpi="${f}"]`)?.dataset.value === String(v),
    [field, value],
    () => kpiValue(page, field),
  );
}

const rowIds = (page) => page.$$eval(".sessions tr[data-session]", (rows) => rows.map((r) => r.dataset.session));

/** Waits until the sessions table lists exactly `expected` (ids, in order) of `total`. */
async function expectRows(page, label, expected, total) {
  await waitUntil(
    page,
    label,
    `the sessions table did not list ${JSON.stringify(expected)} of ${total}`,
    ([want, n]) =>
      document.querySelector(".sessions [data-total]")?.dataset.total === String(n) &&
      JSON.stringify([...document.querySelectorAll(".sessions tr[data-session]")].map((r) => r.dataset.session)) ===
        JSON.stringify(want),
    [expected, total],
    async () => ({ total: await page.getAttribute(".sessions [data-total]", "data-total"), rows: await rowIds(page) }),
  );
}

async function expectUrl(page, label, what, check) {
  await explained(label, `${what} (the URL is ${page.url()})`, () => page.waitForURL((url) => check(url), { timeout: UPDATE_MS }));
}

/** Marks the document, to find out later whether the page was reloaded. */
const mark = (page) => page.evaluate(() => (window.__marker = 1));
async function assertNotReloaded(page) {
  assert.equal(await page.evaluate(() => window.__marker), 1, "the page was reloaded (window.__marker is gone)");
}

function assertNoProblems(label) {
  assert.deepEqual(pageProblems(label), [], `the browser reported errors:\n${pageLogText(label)}`);
}

/**
 * Clicks an element of chart `name` with the mouse, once the chart's animations are over:
 * `at` is a data value for `convertToPixel` on series 0, or { pie: i } for a pie slice.
 */
async function clickChart(page, label, name, at) {
  const selector = `[data-chart="${name}"] .chart`;
  await page.locator(selector).scrollIntoViewIfNeeded();
  await waitUntil(
    page,
    label,
    `the ${name} chart did not settle`,
    ([sel, pie]) => {
      const chart = echarts.getInstanceByDom(document.querySelector(sel));
      if (!chart || !chart.getZr().animation.isFinished()) return false;
      return pie === null || Boolean(chart.getModel().getSeriesByIndex(0)?.getData().getItemLayout(pie));
    },
    [selector, Array.isArray(at) ? null : at.pie],
    () => page.$eval(selector, (el) => echarts.getInstanceByDom(el)?.getOption().series[0].data),
  );
  const point = await page.$eval(
    selector,
    (el, at) => {
      const chart = echarts.getInstanceByDom(el);
      let xy;
      if (!Array.isArray(at)) {
        const layout = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(at.pie);
        const angle = (layout.startAngle + layout.endAngle) / 2;
        const radius = (layout.r + layout.r0) / 2;
        xy = [layout.cx + radius * Math.cos(angle), layout.cy + radius * Math.sin(angle)];
      } else {
        xy = chart.convertToPixel({ seriesIndex: 0 }, at);
      }
      const rect = el.getBoundingClientRect();
      return { x: rect.left + xy[0], y: rect.top + xy[1] };
    },
    at,
  );
  await page.mouse.click(point.x, point.y);
}

/** The chart's current option (after ECharts merged it). */
const chartOption = (page, name) =>
  page.$eval(`[data-chart="${name}"] .chart`, (el) => {
    const option = echarts.getInstanceByDom(el).getOption();
    return { categories: option.xAxis?.[0]?.data ?? null, rows: option.yAxis?.[0]?.data ?? null, series: option.series.map((s) => s.data) };
  });

const KPI_FIELDS = [
  "users",
  "sessions",
  "messages",
  "online_users",
  "widget_opens",
  "human_sessions",
  "avg_messages_per_session",
  "avg_session_seconds",
];
const CHARTS = ["daily", "monthly", "heatmap", "channels", "senders", "lengths", "countries"];

describe("the dashboard's features in a browser", { concurrency: false }, () => {
  test("every page needs a login, then loads without errors with its title, 8 KPI cards and 7 charts", { timeout: TEST_TIMEOUT_MS }, async () => {
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
    const context = await browser.newContext({ viewport: VIEWPORT, storageState: loggedIn });
    try {
      for (const [route, [title, channel]] of Object.entries(expected)) {
        const label = `route ${route}`;
        const page = await openIn(context, label, route);
        assert.equal((await page.textContent("main.content h1"))?.trim(), title);
        // The figures of the data set, as GET /api/stats counts them too.
        const api = (await stats(channel)).totals;
        const mine = own[channel];
        await expectKpi(page, label, "messages", mine.length * 2);
        assert.equal(api.messages, mine.length * 2, `GET /api/stats?channel=${channel}: ${JSON.stringify(api)}`);
        const cards = await page.$$eval(".card-value[data-kpi]", (els) =>
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

        // Seven charts, each an image named by its caption and drawn on a canvas.
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
    } finally {
      await context.close();
    }
  });

  test("the range bar: presets navigate in place, compare adds the previous period, custom ranges count what is in them", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "range";
    const { context, page } = await open(label, "/");
    try {
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
        page.$$eval(".kpis .card", (cards) =>
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
        () => [...document.querySelectorAll(".kpis .card-detail")].filter((d) => d.textContent.includes("vs previous period")).length === 7,
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
    } finally {
      await context.close();
    }
  });

  test("a chart shows its numbers as a table and back, on the same ECharts instance", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "tables";
    const { context, page } = await open(label, "/");
    try {
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
    } finally {
      await context.close();
    }
  });

  test("clicking a chart element filters the sessions table through the URL, and Clear removes the filter", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "filters";
    const { context, page } = await open(label, "/");
    try {
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
    } finally {
      await context.close();
    }
  });

  test("the sessions table pages by 25, sorts by last activity, names anonymous visitors, and exports every row as CSV", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "sessions";
    const { context, page } = await open(label, "/");
    try {
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
    } finally {
      await context.close();
    }
  });

  test("the live status: badge, freshness, sound switch, and pause that holds the figures until resumed", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "pause";
    const { context, page } = await open(label, "/");
    try {
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
    } finally {
      await context.close();
    }
  });

  test("toasts announce a new session, a human takeover and a burst of sessions, close on ×, and leave after 10 s", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "toasts";
    const { context, page } = await open(label, "/");
    try {
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
    } finally {
      await context.close();
    }
  });

  test("settings: an invalid time zone is refused, and a new minimum of messages reaches an open dashboard without a reload", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "settings-dashboard";
    const { context, page: dashboard } = await open(label, "/");
    try {
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

      await settings.reload();
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
    } finally {
      await context.close();
    }
  });

  test("settings: a key created on the page is shown once, works, and stops working when revoked; an admin added there can log in", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "access";
    const { context, page } = await open(label, "/settings");
    const readWith = (key) => fetch(`${server.baseUrl}/api/stats`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
    try {
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
    } finally {
      await context.close();
    }
  });

  test("settings: a visitor erased on the page leaves every figure; a viewer added there sees the dashboard but not the settings", { timeout: TEST_TIMEOUT_MS }, async () => {
    const now = Date.now();
    await ingest([message("erase-me", "user", now - 3 * MIN), message("erase-me", "bot", now - 2 * MIN)]);
    const before = (await stats()).totals.users;
    const label = "erase";
    const { context, page } = await open(label, "/settings");
    try {
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
    } finally {
      await context.close();
    }
  });

  test("language and theme switch at once, stick across a reload, and the charts redraw dark", { timeout: TEST_TIMEOUT_MS }, async () => {
    // Over a thousand messages, so that the thousands separator shows.
    const now = Date.now();
    await ingest(Array.from({ length: 1000 }, (_, i) => message("chatty", i % 2 ? "bot" : "user", now - 9 * MIN + i * 500)));
    const total = (await stats()).totals.messages;
    assert.ok(total >= 1000);

    const label = "prefs";
    const { context, page } = await open(label, "/");
    try {
      await expectKpi(page, label, "messages", total);
      const text = () =>
        page.evaluate(() => ({
          lang: document.documentElement.lang,
          h1: document.querySelector("main.content h1")?.textContent.trim(),
          users: document.querySelector(".card:has([data-kpi=users]) .card-label")?.textContent.trim(),
          badge: document.querySelector("[data-connection]")?.textContent.trim(),
          messages: document.querySelector("[data-kpi=messages]")?.textContent.trim(),
        }));
      const en = total.toLocaleString("en-US");
      const tr = en.replaceAll(",", ".");
      assert.deepEqual(await text(), { lang: "en", h1: "All channels", users: "Users", badge: "Live", messages: en });
      assert.ok(en.includes(","), en);

      await mark(page);
      await page.selectOption("select[name=language]", "tr");
      const turkish = { lang: "tr", h1: "Tüm kanallar", users: "Kullanıcılar", badge: "Canlı", messages: tr };
      await waitUntil(page, label, `the page did not switch to Turkish (${JSON.stringify(turkish)})`, (want) => {
        const shown = {
          lang: document.documentElement.lang,
          h1: document.querySelector("main.content h1")?.textContent.trim(),
          users: document.querySelector(".card:has([data-kpi=users]) .card-label")?.textContent.trim(),
          badge: document.querySelector("[data-connection]")?.textContent.trim(),
          messages: document.querySelector("[data-kpi=messages]")?.textContent.trim(),
        };
        return JSON.stringify(shown) === JSON.stringify(want);
      }, turkish, text);
      await assertNotReloaded(page);
      const cookies = await context.cookies(server.baseUrl);
      assert.equal(cookies.find((c) => c.name === "chatpulse_lang")?.value, "tr", JSON.stringify(cookies));

      // The server renders the next page in Turkish.
      const reloaded = await page.reload();
      const html = await reloaded.text();
      assert.match(html, /<html[^>]*\blang="tr"/, "the server did not render lang=tr after the reload");
      assert.ok(html.includes("Tüm kanallar"), "the server-rendered page is not in Turkish");
      await waitLive(page, label);
      assert.deepEqual(await text(), turkish);
      assert.equal(await page.inputValue("select[name=language]"), "tr");
      await mark(page);

      // Dark theme: <html data-theme>, a dark page, charts drawn again with ECharts' dark theme.
      const look = () =>
        page.evaluate(() => {
          const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/[\d.]+/g).map(Number);
          const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
          const charts = [...document.querySelectorAll(".panel[data-chart] .chart")];
          const daily = echarts.getInstanceByDom(document.querySelector('[data-chart="daily"] .chart'));
          return {
            theme: document.documentElement.dataset.theme,
            background: getComputedStyle(document.body).backgroundColor,
            luminance: 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b),
            charts: charts.map((c) => Boolean(c.querySelector("canvas")) && Boolean(echarts.getInstanceByDom(c))),
            // What ECharts' "dark" theme sets, as the chart's model holds it.
            darkMode: daily?.getModel().get("darkMode") ?? null,
            legend: daily?.getModel().getComponent("legend", 0)?.get(["textStyle", "color"]) ?? null,
          };
        });
      const light = await look();
      assert.ok(light.luminance > 0.5, `the page is not light to begin with: ${JSON.stringify(light)}`);
      await page.evaluate(() => {
        window.__instances = [...document.querySelectorAll(".panel[data-chart] .chart")].map((c) => echarts.getInstanceByDom(c));
      });
      await page.selectOption("select[name=theme]", "dark");
      await waitUntil(page, label, "the theme did not turn dark", () => document.documentElement.dataset.theme === "dark", undefined, look);
      await waitUntil(
        page,
        label,
        "the charts were not drawn again with the dark theme",
        () => {
          const charts = [...document.querySelectorAll(".panel[data-chart] .chart")];
          return charts.every((c, i) => c.querySelector("canvas") && echarts.getInstanceByDom(c) && echarts.getInstanceByDom(c) !== window.__instances[i]);
        },
        undefined,
        look,
      );
      const dark = await look();
      assert.ok(dark.luminance < 0.2, `the page did not turn dark: ${JSON.stringify(dark)}`);
      assert.deepEqual(dark.charts, CHARTS.map(() => true), JSON.stringify(dark));
      assert.notEqual(light.darkMode, true, `the charts are dark before the switch: ${JSON.stringify(light)}`);
      assert.equal(dark.darkMode, true, `the charts are not drawn with the dark theme: ${JSON.stringify(dark)}`);
      assert.notEqual(dark.legend, light.legend, `the legend keeps its light-theme colour: ${JSON.stringify({ light, dark })}`);
      await assertNotReloaded(page);

      const again = await page.reload();
      assert.match(await again.text(), /<html[^>]*\bdata-theme="dark"/, "the server did not render data-theme=dark after the reload");
      assertNoProblems(label);
    } finally {
      await context.close();
    }
  });

  test("a Turkish browser (Accept-Language tr-TR) gets Turkish on the first load", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "tr-TR";
    const context = await browser.newContext({ viewport: VIEWPORT, storageState: loggedIn, locale: "tr-TR" });
    try {
      const page = watch(await context.newPage(), label);
      const res = await page.goto(`${server.baseUrl}/`);
      assert.match(await res.text(), /<html[^>]*\blang="tr"/, "the server did not render lang=tr for Accept-Language tr-TR");
      await waitLive(page, label);
      assert.equal((await page.textContent("main.content h1"))?.trim(), "Tüm kanallar");
      assert.equal((await page.textContent("[data-connection]"))?.trim(), "Canlı");
      assert.equal(await page.inputValue("select[name=language]"), "tr");
      assertNoProblems(label);
    } finally {
      await context.close();
    }
  });

  test("an open dashboard whose session ends elsewhere goes to the login form, keeping its URL", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "ended";
    const context = await browser.newContext({ viewport: VIEWPORT });
    try {
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
    } finally {
      await context.close();
    }
  });

  test("hostile names and cities are shown as text, in the table and in toasts, and run nothing", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "xss";
    const context = await browser.newContext({ viewport: VIEWPORT, storageState: loggedIn });
    try {
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
    } finally {
      await context.close();
    }
  });
});
