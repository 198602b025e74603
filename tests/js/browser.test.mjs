// End-to-end checks of the dashboard in a real headless Chromium (playwright-core, the Debian
// /usr/bin/chromium; never a downloaded browser) against the built server: the login redirect
// and form, hydration and the live Socket.IO badge, live figures without a reload or a loading
// flash, the server-rendered page without JavaScript, reconnection across a server restart, and
// a screenshot (target/screenshot.png).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { launchChromium } from "./lib/chromium.mjs";
import { dashboardTools, message } from "./lib/dashboard.mjs";
import { REPO_ROOT, startServer } from "./lib/server.mjs";

const UPDATE_TIMEOUT_MS = 5_000; // event -> number on screen (upper bound of the wait)
const UPDATE_BUDGET_MS = 1_000; // ... and what the test accepts
const OFFLINE_TIMEOUT_MS = 10_000;
const TEST_TIMEOUT_MS = 40_000;

let server;
let browser;
const { watch, pageLogText, pageProblems, explained, ingest, stats, logInThroughForm, kpi, waitLive } = dashboardTools(
  () => server,
);

before(async () => {
  [server, browser] = await Promise.all([
    startServer(),
    launchChromium(),
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the dashboard in a browser", { concurrency: false }, () => {
  test("a page that needs a session redirects to the login form, which leads back to it", { timeout: TEST_TIMEOUT_MS }, async () => {
    const context = await browser.newContext();
    try {
      const page = watch(await context.newPage(), "login");
      // The form's code is a WASM file of its own (a lazy route), fetched with the app's on
      // the login page; a signed-in dashboard fetches the app's alone (settings.test.mjs).
      const lazyWasm = page.waitForRequest((r) => /\.wasm$/.test(r.url()) && !r.url().endsWith("/pkg/chatpulse.wasm"), {
        timeout: 10_000,
      });
      await page.goto(`${server.baseUrl}/login`);
      await lazyWasm;
      await logInThroughForm(page, "/web");
      await page.waitForSelector('[data-kpi="messages"]');
      assert.equal(await kpi(page, "messages"), "0");
      assert.equal(await page.textContent("main.content h1"), "Web");
      const cookies = await context.cookies(server.baseUrl);
      assert.ok(cookies.length > 0, "logging in set no cookie");
      assert.ok(cookies.every((c) => c.httpOnly), `a session cookie is not HttpOnly: ${JSON.stringify(cookies)}`);
      assert.deepEqual(pageProblems("login"), [], `the browser reported errors:\n${pageLogText("login")}`);
    } finally {
      await context.close();
    }
  });

  test("hydrates, goes live, and shows ingested events within a second without a reload or a loading flash", { timeout: TEST_TIMEOUT_MS }, async () => {
    const context = await browser.newContext();
    try {
      const page = watch(await context.newPage(), "live");
      const navigations = [];
      page.on("framenavigated", (frame) => {
        if (frame === page.mainFrame()) navigations.push(frame.url());
      });
      await logInThroughForm(page, "/");
      await waitLive(page, "live");
      assert.equal(await kpi(page, "messages"), "0");
      assert.equal(await kpi(page, "sessions"), "0");

      // From here on: no reload, no aria-busy placeholder; record when the numbers change.
      const navigationsBefore = navigations.length;
      await page.evaluate(() => {
        window.__marker = 1;
        window.__busy = [];
        window.__shownAt = null;
        const describe = (el) => el.outerHTML.slice(0, 200);
        const noteBusy = (el) => {
          if (el.nodeType !== Node.ELEMENT_NODE) return;
          if (el.getAttribute("aria-busy") === "true") window.__busy.push(describe(el));
          for (const inner of el.querySelectorAll('[aria-busy="true"]')) window.__busy.push(describe(inner));
        };
        const text = (field) => document.querySelector(`[data-kpi="${field}"]`)?.textContent.trim();
        new MutationObserver((records) => {
          for (const r of records) {
            if (r.type === "attributes" && r.attributeName === "aria-busy") noteBusy(r.target);
            if (r.type === "childList") r.addedNodes.forEach(noteBusy);
          }
          if (window.__shownAt === null && text("messages") === "2" && text("sessions") === "1") {
            window.__shownAt = Date.now();
            window.__numberFrame = window.__frames;
          }
        }).observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true });
      });
      const busyNow = await page.$$('[aria-busy="true"]');
      assert.equal(busyNow.length, 0, "an aria-busy placeholder is on screen after the first paint");
      // The charts are drawn, each by one ECharts instance whose canvas must survive updates.
      await page.waitForFunction(() => document.querySelectorAll(".chart canvas").length >= 2, null, { timeout: 5000 });
      await page.evaluate(() => {
        window.__canvases = [...document.querySelectorAll(".chart canvas")];
      });
      // Frames counted from here on, and the frame in which the daily chart is first drawn
      // again: the numbers must reach the screen a frame before the charts' drawing starts.
      await page.waitForFunction(() => echarts.getInstanceByDom(document.querySelector('[data-chart="daily"] .chart')), null, { timeout: 5000 });
      await page.evaluate(() => {
        window.__frames = 0;
        const tick = () => {
          window.__frames += 1;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
        window.__chartFrame = null;
        const chart = echarts.getInstanceByDom(document.querySelector('[data-chart="daily"] .chart'));
        const setOption = chart.setOption.bind(chart);
        chart.setOption = (...args) => {
          window.__chartFrame ??= window.__frames;
          return setOption(...args);
        };
      });

      const now = Date.now();
      const user = `visitor-${randomUUID()}`;
      const postedAt = Date.now();
      const answeredAt = await ingest([message(user, "user", now - 120_000), message(user, "bot", now - 60_000)]);

      await explained("live", `the figures did not read messages=2, sessions=1 within ${UPDATE_TIMEOUT_MS} ms`, () =>
        page.waitForFunction(
          () =>
            document.querySelector('[data-kpi="messages"]')?.textContent.trim() === "2" &&
            document.querySelector('[data-kpi="sessions"]')?.textContent.trim() === "1",
          null,
          { timeout: UPDATE_TIMEOUT_MS, polling: 10 },
        ),
      );
      const seenAt = Date.now();
      const shownAt = (await page.evaluate(() => window.__shownAt)) ?? seenAt;
      const latency = shownAt - answeredAt;
      console.log(
        `event -> number on screen: ${latency} ms after the POST answered (${shownAt - postedAt} ms after it was sent; ` +
          `POST took ${answeredAt - postedAt} ms)`,
      );
      assert.ok(latency <= UPDATE_BUDGET_MS, `the numbers changed ${latency} ms after the POST answered (budget ${UPDATE_BUDGET_MS} ms)`);

      assert.equal(await page.evaluate(() => window.__marker), 1, "the page was reloaded (window.__marker is gone)");
      assert.deepEqual(navigations.slice(navigationsBefore), [], "the page navigated while updating");
      // The daily chart now counts the two messages, drawn on the same canvases as before.
      await page.waitForFunction(
        () => {
          const chart = echarts.getInstanceByDom(document.querySelector('[data-chart="daily"] .chart'));
          const messages = chart?.getOption().series[0].data ?? [];
          return messages.reduce((a, b) => a + b, 0) === 2;
        },
        null,
        { timeout: 2000, polling: 20 },
      );
      assert.ok(
        await page.evaluate(() => window.__canvases.every((c) => c.isConnected) && window.__canvases.length >= 2),
        "a chart was re-created instead of updated in place",
      );
      const frames = await page.evaluate(() => ({ number: window.__numberFrame, chart: window.__chartFrame }));
      assert.ok(
        frames.number !== null && frames.chart !== null && frames.chart > frames.number,
        `the daily chart was drawn in frame ${frames.chart}, not after the frame (${frames.number}) in which the numbers changed`,
      );
      assert.equal(new URL(page.url()).pathname, "/");
      // Give a late placeholder (a second refetch) a chance to show up before checking.
      await page.waitForTimeout(400);
      assert.deepEqual(await page.evaluate(() => window.__busy), [], "an aria-busy placeholder appeared during a live refetch");
      assert.deepEqual(pageProblems("live"), [], `the browser reported errors:\n${pageLogText("live")}`);
    } finally {
      await context.close();
    }
  });

  test("without JavaScript, logging in works and / shows the server-rendered figures", { timeout: TEST_TIMEOUT_MS }, async () => {
    // Its own data, so that the count to find is not zero whatever ran before.
    const visitor = `nojs-${randomUUID()}`;
    await ingest([message(visitor, "user", Date.now() - 100_000), message(visitor, "operator", Date.now() - 50_000, { human_mode: true })]);
    const expected = (await stats()).totals;
    assert.ok(expected.messages >= 2, `GET /api/stats shows ${expected.messages} messages after two were ingested`);
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = watch(await context.newPage(), "nojs");
      await logInThroughForm(page, "/");
      const messages = await page.$('[data-kpi="messages"]');
      if (!messages) {
        // Say what the visitor sees instead, and whether the figures were sent in an inert <template>
        // (out-of-order streaming, which needs a script to swap them in).
        const seen = await page.evaluate(() => ({
          content: document.querySelector("main.content")?.innerHTML.slice(0, 600) ?? document.body.innerHTML.slice(0, 600),
          inTemplate: [...document.querySelectorAll("template")].some((t) => t.content.querySelector("[data-kpi]")),
        }));
        assert.fail(
          `no visible [data-kpi="messages"] in the server-rendered page without JavaScript` +
            (seen.inTemplate ? " (the figures are there, but only inside a <template> that a script would swap in)" : "") +
            `; the page's main content is:\n${seen.content}`,
        );
      }
      assert.equal(await kpi(page, "messages"), String(expected.messages));
      assert.equal(await kpi(page, "sessions"), String(expected.sessions));
      assert.equal(await kpi(page, "users"), String(expected.users));
      assert.ok(await page.isVisible('[data-kpi="messages"]'), "the messages total is not visible without JavaScript");
      // Nothing runs the socket, so the badge keeps its server-rendered state.
      assert.equal(await page.getAttribute("[data-connection]", "data-connection"), "connecting");
    } finally {
      await context.close();
    }
  });

  test("goes offline when the server stops and back live after it restarts, then keeps updating", { timeout: 60_000 }, async () => {
    const context = await browser.newContext();
    try {
      const page = watch(await context.newPage(), "restart");
      await logInThroughForm(page, "/");
      await waitLive(page, "restart");
      const before = (await stats()).totals.messages;
      await explained("restart", "the page does not show the current message count", () =>
        page.waitForFunction((n) => document.querySelector('[data-kpi="messages"]')?.textContent.trim() === String(n), before, {
          timeout: UPDATE_TIMEOUT_MS,
        }),
      );
      await page.evaluate(() => {
        window.__marker = 1;
      });

      const stopStarted = Date.now();
      const exit = await server.kill("SIGTERM");
      const stopMs = Date.now() - stopStarted;
      console.log(`server stopped in ${stopMs} ms: ${JSON.stringify(exit)}`);
      assert.ok(
        exit && exit.signal !== "SIGKILL",
        `the server did not exit on SIGTERM within 5 s and had to be killed: ${JSON.stringify(exit)}\n${server.logs().slice(-2000)}`,
      );
      const offlineStarted = Date.now();
      await explained("restart", `the badge did not become "offline" within ${OFFLINE_TIMEOUT_MS} ms of the server stopping`, () =>
        page.waitForSelector('[data-connection="offline"]', { timeout: OFFLINE_TIMEOUT_MS }),
      );
      console.log(`badge offline ${Date.now() - offlineStarted} ms after the server exited`);

      const restartStarted = Date.now();
      await server.restart();
      const healthyAt = Date.now();
      await waitLive(page, "restart");
      console.log(
        `server healthy again ${healthyAt - restartStarted} ms after the restart; badge live ${Date.now() - healthyAt} ms after that`,
      );

      // One more valid session (a lone message would count nowhere: stats.md, min_session_messages 2).
      const visitor = `visitor-${randomUUID()}`;
      const answeredAt = await ingest([
        message(visitor, "user", Date.now() - 90_000),
        message(visitor, "bot", Date.now() - 30_000),
      ]);
      await explained("restart", `the messages total did not become ${before + 2} after the restart`, () =>
        page.waitForFunction(
          (n) => document.querySelector('[data-kpi="messages"]')?.textContent.trim() === String(n),
          before + 2,
          { timeout: UPDATE_TIMEOUT_MS, polling: 10 },
        ),
      );
      console.log(`after the restart, event -> number on screen: ${Date.now() - answeredAt} ms`);
      assert.equal(await page.evaluate(() => window.__marker), 1, "the page was reloaded (window.__marker is gone)");
      const errors = pageProblems("restart").filter((l) => l.kind === "pageerror");
      assert.deepEqual(errors, [], `uncaught errors in the page:\n${pageLogText("restart")}`);
    } finally {
      await context.close();
    }
  });

  test("renders a styled dashboard (a screenshot in target/)", { timeout: TEST_TIMEOUT_MS }, async () => {
    const now = Date.now();
    const min = 60_000;
    const visitors = [
      { channel: "web", user_id: "ana", user_name: "Ana", country: "es", city: "Madrid" },
      { channel: "web", user_id: "ben", user_name: "Ben", country: "GB", city: "London" },
      { channel: "web", user_id: "chloe", user_name: "Chloé", country: "fr", city: "Lyon" },
      { channel: "premium", user_id: "dieter", user_name: "Dieter", country: "DE", city: "Berlin" },
      { channel: "premium", user_id: "emi", user_name: "Emi", country: "jp", city: "Osaka" },
      { channel: "premium", user_id: "ana", user_name: "Ana", country: "ES", city: "Madrid" },
    ];
    const events = [];
    visitors.forEach((v, i) => {
      const start = now - (40 - i * 5) * min;
      const base = { channel: v.channel, user_id: v.user_id, user_name: v.user_name, country: v.country, city: v.city };
      events.push({ type: "widget_opened", id: `shot-${randomUUID()}`, ...base, at: new Date(start).toISOString() });
      const senders = i % 3 === 2 ? ["user", "bot", "user", "operator", "user", "operator"] : ["user", "bot", "user", "bot"];
      senders.forEach((sender, k) =>
        events.push({
          type: "message",
          id: `shot-${randomUUID()}`,
          ...base,
          sender,
          human_mode: sender === "operator",
          at: new Date(start + (k + 1) * 45_000).toISOString(),
        }),
      );
    });
    for (const v of visitors.slice(0, 3)) {
      events.push({ type: "user_online", id: `shot-${randomUUID()}`, channel: v.channel, user_id: v.user_id, at: new Date(now - 10_000).toISOString() });
    }
    await ingest(events);
    const expected = (await stats()).totals;

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = watch(await context.newPage(), "screenshot");
      await logInThroughForm(page, "/");
      await waitLive(page, "screenshot");
      await explained("screenshot", `the page does not show ${expected.messages} messages`, () =>
        page.waitForFunction(
          (n) => document.querySelector('[data-kpi="messages"]')?.textContent.trim() === String(n),
          expected.messages,
          { timeout: UPDATE_TIMEOUT_MS },
        ),
      );
      // Styled, not raw HTML: the stylesheet is applied to the frame and the cards.
      const look = await page.evaluate(() => {
        const sidebar = document.querySelector(".sidebar");
        const card = document.querySelector(".card");
        return {
          sidebarBg: sidebar && getComputedStyle(sidebar).backgroundColor,
          sidebarWidth: sidebar?.getBoundingClientRect().width,
          frameDisplay: getComputedStyle(document.querySelector(".frame")).display,
          cardRadius: card && getComputedStyle(card).borderTopLeftRadius,
        };
      });
      assert.equal(look.frameDisplay, "grid", `the stylesheet is not applied: ${JSON.stringify(look)}`);
      assert.equal(look.sidebarBg, "rgb(17, 24, 39)", `the sidebar is not styled: ${JSON.stringify(look)}`);
      assert.equal(look.cardRadius, "10px", `the cards are not styled: ${JSON.stringify(look)}`);

      // Under target/: a test run leaves the work tree clean. The README's screenshots
      // come from `node scripts/screenshot.mjs`, with demo data.
      const dir = path.join(REPO_ROOT, "target");
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, "screenshot.png");
      await page.screenshot({ path: file, fullPage: true });
      console.log(`screenshot: ${path.relative(REPO_ROOT, file)} (totals ${JSON.stringify(expected)})`);
      assert.deepEqual(pageProblems("screenshot"), [], `the browser reported errors:\n${pageLogText("screenshot")}`);
    } finally {
      await context.close();
    }
  });
});
