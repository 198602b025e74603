// The dashboard's browser suites share this: one server per test file with one data set
// ingested before its tests, a logged-in admin's cookies, and the page helpers
// (`withPage`, `withContext`, waits that say what the page showed).
//
// The suites test the dashboard's features in a real headless Chromium against the built server: every page
// loads cleanly, the KPI cards and charts, the live badge with pause and resume, the date
// range bar (presets, comparison, custom range), charts as tables, click-to-filter on the
// charts, the sessions table (paging, order, CSV), toasts, language and theme, and settings
// that reach an open dashboard without a reload.
//
// One data set is ingested before the tests (times relative to now, UTC, the default time
// zone): 30 "pager" sessions of today (p00 newest … p29 oldest, 2 messages each) and two
// sessions three days ago. Tests that ingest more run after the ones that count that set.

import assert from "node:assert/strict";
import { after, before } from "node:test";

import { launchChromium } from "./chromium.mjs";
import { dashboardTools, message } from "./dashboard.mjs";
import { startServer } from "./server.mjs";

export { message };

export const UPDATE_MS = 10_000; // a change -> what the page shows (2 cores: generous)
export const TEST_TIMEOUT_MS = 60_000;
export const VIEWPORT = { width: 1280, height: 900 };
export const SECOND = 1000;
export const MIN = 60 * SECOND;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export let server;
export let browser;
/** The logged-in admin's cookies, for every context. */
let loggedIn;
export const { watch, pageLogText, pageProblems, explained, ingest, stats, logInThroughForm, waitLive } = dashboardTools(
  () => server,
);

export const NOW = Date.now();
/** Today's sessions, newest first: p00 … p29, 20 s apart, each a user message then a bot reply 5 s later. */
export const PAGER = Array.from({ length: 30 }, (_, i) => {
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
export const OLD_AT = Math.floor((NOW - 3 * DAY) / HOUR) * HOUR + 10 * MIN;
export const OLD = [
  { id: "old-a", session: "old-a#1", channel: "web", start: OLD_AT, last: OLD_AT + 30 * SECOND },
  { id: "old-b", session: "old-b#1", channel: "web", start: OLD_AT + 60 * SECOND, last: OLD_AT + 90 * SECOND },
];
/** Every session of the data set, newest last activity first (the table's default order). */
export const ALL = [...PAGER, ...OLD].sort((a, b) => b.last - a.last);
export const ids = (sessions) => sessions.map((s) => s.session);

export function dataSet() {
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

export const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
export const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** A YYYY-MM-DD as the English pages write it: "Nov 24, 2026". */
export const enDate = (iso) => {
  const [y, m, d] = iso.split("-").map(Number);
  return `${MONTHS[m - 1]} ${d}, ${y}`;
};
/** The heatmap cell of a time (UTC): weekday 0 = Monday, hour. */
export const cellOf = (ms) => {
  const d = new Date(ms);
  return { weekday: (d.getUTCDay() + 6) % 7, hour: d.getUTCHours() };
};
/** The data set's messages dated today (UTC), as "Today" counts them. */
export const todayMessages = () => {
  const today = isoDay(Date.now());
  return [...PAGER, ...OLD].flatMap((s) => [s.start, s.last]).filter((t) => isoDay(t) === today).length;
};


/**
 * Runs `body({ context, page })` in a new logged-in context (its own cookies) with `target`
 * open and live, and closes the context however `body` ends.
 */
export async function withPage(label, target, body, options = {}) {
  return withContext(options, async (context) => body({ context, page: await openIn(context, label, target) }));
}

/**
 * Runs `body(context)` in a new browser context, logged in as the admin unless
 * `loggedIn: false`, with `options` for `browser.newContext`; closes it however `body` ends.
 */
export async function withContext({ loggedIn: signedIn = true, ...options }, body) {
  const context = await browser.newContext({ viewport: VIEWPORT, ...(signedIn ? { storageState: loggedIn } : {}), ...options });
  try {
    return await body(context);
  } finally {
    await context.close();
  }
}

export async function openIn(context, label, target) {
  const page = watch(await context.newPage(), label);
  await page.goto(`${server.baseUrl}${target}`);
  assert.equal(new URL(page.url()).pathname, new URL(target, server.baseUrl).pathname, `${target} ended at ${page.url()}`);
  await waitLive(page, label);
  return page;
}

/** Waits for `fn(arg)` in the page; on a timeout the error says what the page showed (`read()`). */
export async function waitUntil(page, label, what, fn, arg, read, timeout = UPDATE_MS) {
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

export const kpiValue = (page, field) => page.getAttribute(`[data-kpi="${field}"]`, "data-value");

export async function expectKpi(page, label, field, value) {
  await waitUntil(
    page,
    label,
    `the ${field} card did not read ${value}`,
    ([f, v]) => document.querySelector(`[data-kpi="${f}"]`)?.dataset.value === String(v),
    [field, value],
    () => kpiValue(page, field),
  );
}

export const rowIds = (page) => page.$$eval(".sessions tr[data-session]", (rows) => rows.map((r) => r.dataset.session));

/** Waits until the sessions table lists exactly `expected` (ids, in order) of `total`. */
export async function expectRows(page, label, expected, total) {
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

export async function expectUrl(page, label, what, check) {
  await explained(label, `${what} (the URL is ${page.url()})`, () => page.waitForURL((url) => check(url), { timeout: UPDATE_MS }));
}

/** Marks the document, to find out later whether the page was reloaded. */
export const mark = (page) => page.evaluate(() => (window.__marker = 1));
export async function assertNotReloaded(page) {
  assert.equal(await page.evaluate(() => window.__marker), 1, "the page was reloaded (window.__marker is gone)");
}

export function assertNoProblems(label) {
  assert.deepEqual(pageProblems(label), [], `the browser reported errors:\n${pageLogText(label)}`);
}

/**
 * Clicks an element of chart `name` with the mouse, once the chart has its tooltip and its
 * animations are over: `at` is a data value for `convertToPixel` on series 0, or { pie: i } for
 * a pie slice. The pointer comes over the chart first, as a person's does, which asks for the
 * tooltip's part of ECharts; the chart is made again once it is there.
 */
export async function clickChart(page, label, name, at) {
  const selector = `[data-chart="${name}"] .chart`;
  await page.locator(selector).scrollIntoViewIfNeeded();
  await page.hover(selector);
  await waitUntil(
    page,
    label,
    `the ${name} chart did not settle`,
    ([sel, pie]) => {
      const chart = echarts.getInstanceByDom(document.querySelector(sel));
      if (!chart || !chart.getModel().getComponent("tooltip") || !chart.getZr().animation.isFinished()) return false;
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

/**
 * Scrolls chart `name` into view and waits for its ECharts instance: a chart is drawn when it
 * first comes on screen (src/components/echart.rs).
 */
export async function chartOnScreen(page, name) {
  const selector = `[data-chart="${name}"] .chart`;
  // The panel, not the chart element: that one is hidden while its table shows.
  await page.locator(`[data-chart="${name}"]`).scrollIntoViewIfNeeded();
  await page.waitForFunction((sel) => Boolean(globalThis.echarts?.getInstanceByDom(document.querySelector(sel))), selector, { timeout: UPDATE_MS });
  return selector;
}

/** Brings every chart on screen once, so that all are drawn, then scrolls back to the top. */
export async function revealCharts(page) {
  for (const name of await page.$$eval(".panel[data-chart]", (panels) => panels.map((p) => p.dataset.chart))) {
    await chartOnScreen(page, name);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** The chart's current option (after ECharts merged it). */
export async function chartOption(page, name) {
  const selector = await chartOnScreen(page, name);
  return page.$eval(selector, (el) => {
    const option = echarts.getInstanceByDom(el).getOption();
    return { categories: option.xAxis?.[0]?.data ?? null, rows: option.yAxis?.[0]?.data ?? null, series: option.series.map((s) => s.data) };
  });
}

export const KPI_FIELDS = [
  "users",
  "sessions",
  "messages",
  "online_users",
  "widget_opens",
  "human_sessions",
  "avg_messages_per_session",
  "avg_session_seconds",
];
/** The cards of how conversations went, after the totals. */
export const CONVERSATION_FIELDS = [
  "bot_only",
  "handed_over_answered",
  "handed_over_unanswered",
  "abandoned",
  "queue_waiting",
  "operators_active",
  "handover_wait_p50",
];
export const CHARTS = ["daily", "outcomes", "response_times", "monthly", "heatmap", "channels", "senders", "lengths", "countries"];

/** Starts the server and the browser, ingests the data set and logs in, before the file's tests. */
export function useDashboardSuite() {
  before(async () => {
    [server, browser] = await Promise.all([
      startServer(),
      launchChromium(),
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
}
