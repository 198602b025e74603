// Language and theme in Chromium: switched at once and kept across a reload, charts redrawn
// dark, and a Turkish browser served Turkish on the first load.
// The data set and helpers: tests/js/lib/dashboard_suite.mjs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  useDashboardSuite,
  CHARTS,
  MIN,
  TEST_TIMEOUT_MS,
  assertNoProblems,
  assertNotReloaded,
  browser,
  expectKpi,
  ingest,
  mark,
  revealCharts,
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

describe("language and theme in a browser", { concurrency: false }, () => {
  test("language and theme switch at once, stick across a reload, and the charts redraw dark", { timeout: TEST_TIMEOUT_MS }, async () => {
    // Over a thousand messages, so that the thousands separator shows.
    const now = Date.now();
    await ingest(Array.from({ length: 1000 }, (_, i) => message("chatty", i % 2 ? "bot" : "user", now - 9 * MIN + i * 500)));
    const total = (await stats()).totals.messages;
    assert.ok(total >= 1000);

    const label = "prefs";
    await withPage(label, "/", async ({ context, page }) => {
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
      await revealCharts(page);
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
    });
  });

  test("a Turkish browser (Accept-Language tr-TR) gets Turkish on the first load", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "tr-TR";
    await withContext({ locale: "tr-TR" }, async (context) => {
      const page = watch(await context.newPage(), label);
      const res = await page.goto(`${server.baseUrl}/`);
      assert.match(await res.text(), /<html[^>]*\blang="tr"/, "the server did not render lang=tr for Accept-Language tr-TR");
      await waitLive(page, label);
      assert.equal((await page.textContent("main.content h1"))?.trim(), "Tüm kanallar");
      assert.equal((await page.textContent("[data-connection]"))?.trim(), "Canlı");
      assert.equal(await page.inputValue("select[name=language]"), "tr");
      assertNoProblems(label);
    });
  });
});
