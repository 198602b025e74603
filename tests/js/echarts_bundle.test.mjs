// The custom ECharts build served from /vendor/ (scripts/vendor/echarts-entry.mjs and
// echarts-more.mjs, built by scripts/setup.sh into three ES modules): the first screen's part
// and the whole stay within their size budgets; the first part draws line and bar charts
// (without their tooltip) without fetching the second, says which options need the second, and
// fetches it once; and in
// a real headless Chromium (the Debian /usr/bin/chromium, as in browser.test.mjs) the build
// draws every series type the dashboard uses, with every component its options use, in the
// default and the "dark" theme, through the global `echarts` that the page's wasm code calls.
// The modules are served to the page by Playwright's request routing; no server is needed.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";

import { launchChromium } from "./lib/chromium.mjs";
import { REPO_ROOT } from "./lib/server.mjs";

const VENDOR = path.join(REPO_ROOT, "public/vendor");
/** The modules the first screen loads, and the one fetched when a chart needs it. */
const FIRST = ["echarts.js", "echarts-shared.js"];
const MORE = "echarts-more.js";
const FULL_BUILD = path.join(REPO_ROOT, "node_modules/echarts/dist/echarts.min.js");
const FIRST_GZIP_BUDGET = 165 * 1024;
const GZIP_BUDGET = 215 * 1024;
const RENDER_TIMEOUT_MS = 10_000;
const TEST_TIMEOUT_MS = 30_000;
/** Where the test page pretends to be: Playwright answers every request to it from VENDOR. */
const ORIGIN = "http://echarts.test";

const GRID = { left: 48, right: 16, top: 36, bottom: 28 };
const DAYS = ["03-01", "03-02", "03-03", "03-04", "03-05", "03-06", "03-07"];
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, "0"));
const HEAT = WEEKDAYS.flatMap((_, day) => HOURS.map((_, hour) => [hour, day, (day * 7 + hour * 3) % 11]));

/** A vertical linear gradient as plain JSON, the way the server sends colors. */
const gradient = (top, bottom) => ({
  type: "linear",
  x: 0,
  y: 0,
  x2: 0,
  y2: 1,
  colorStops: [
    { offset: 0, color: top },
    { offset: 1, color: bottom },
  ],
});

/** What every chart option carries, like the dashboard's (aria on, to check the component). */
const common = (title) => ({
  aria: { enabled: true },
  title: { text: title, left: "center" },
  animationDuration: 150,
  animationDurationUpdate: 150,
});

/**
 * One chart per series type the dashboard draws. `components` are the component main types the
 * built chart must hold (ECharts silently drops a series or component whose type the bundle did
 * not register); `tip` is the data index whose tooltip is shown.
 */
const CASES = {
  line: {
    components: ["title", "tooltip", "legend", "grid", "xAxis", "yAxis"],
    option: {
      ...common("Messages per month"),
      tooltip: { trigger: "axis" },
      legend: { data: ["Messages"], top: 24 },
      grid: { ...GRID, top: 56 },
      xAxis: { type: "category", data: DAYS },
      yAxis: { type: "value" },
      series: [
        {
          name: "Messages",
          type: "line",
          smooth: true,
          areaStyle: { opacity: 0.6, color: gradient("rgba(84,112,198,0.9)", "rgba(84,112,198,0.05)") },
          data: [12, 30, 18, 42, 25, 38, 20],
        },
      ],
    },
    tip: 3,
  },
  bar: {
    components: ["title", "tooltip", "legend", "grid", "xAxis", "yAxis"],
    option: {
      ...common("Sessions by length"),
      tooltip: { trigger: "axis" },
      legend: { data: ["Sessions", "Messages"], top: 24 },
      grid: { ...GRID, top: 56 },
      xAxis: { type: "category", data: DAYS },
      yAxis: { type: "value" },
      series: [
        { name: "Sessions", type: "bar", itemStyle: { color: gradient("#83bff6", "#188df0") }, data: [5, 20, 36, 10, 10, 20, 14] },
        { name: "Messages", type: "line", smooth: true, data: [9, 31, 50, 22, 17, 33, 25] },
      ],
    },
    tip: 2,
  },
  pie: {
    components: ["title", "tooltip", "legend"],
    option: {
      ...common("Sessions per channel"),
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      series: [
        {
          name: "Sessions",
          type: "pie",
          radius: ["40%", "68%"],
          emphasis: { scale: true, scaleSize: 8 },
          labelLayout: { hideOverlap: true },
          data: [
            { value: 40, name: "web" },
            { value: 25, name: "premium" },
            { value: 12, name: "mobile" },
            { value: 3, name: "api" },
          ],
        },
      ],
    },
    tip: 0,
  },
  "heatmap, continuous visualMap": {
    components: ["title", "tooltip", "grid", "xAxis", "yAxis", "visualMap"],
    option: {
      ...common("Messages by weekday and hour"),
      tooltip: {},
      grid: { left: 48, right: 16, top: 36, bottom: 72 },
      xAxis: { type: "category", data: HOURS },
      yAxis: { type: "category", inverse: true, data: WEEKDAYS },
      visualMap: [{ min: 0, max: 10, calculable: true, orient: "horizontal", left: "center", bottom: 0 }],
      series: [{ name: "Messages", type: "heatmap", data: HEAT }],
    },
    tip: 30,
  },
  "heatmap, piecewise visualMap": {
    components: ["title", "tooltip", "grid", "xAxis", "yAxis", "visualMap"],
    option: {
      ...common("Messages by weekday and hour"),
      tooltip: { trigger: "item" },
      grid: { left: 48, right: 16, top: 36, bottom: 72 },
      xAxis: { type: "category", data: HOURS },
      yAxis: { type: "category", inverse: true, data: WEEKDAYS },
      visualMap: [{ type: "piecewise", min: 0, max: 10, splitNumber: 5, orient: "horizontal", left: "center", bottom: 0 }],
      series: [{ name: "Messages", type: "heatmap", data: HEAT }],
    },
    tip: 30,
  },
};

test("the first screen's modules and the whole build stay within their gzip budgets", () => {
  const missing = [...FIRST, MORE].filter((f) => !existsSync(path.join(VENDOR, f)));
  assert.deepEqual(missing, [], "run scripts/setup.sh, which builds them");
  const gzip = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
  const first = FIRST.reduce((sum, f) => sum + gzip(path.join(VENDOR, f)), 0);
  const whole = first + gzip(path.join(VENDOR, MORE));
  const full = existsSync(FULL_BUILD) ? gzip(FULL_BUILD) : null;
  console.log(`echarts build: first screen ${first} bytes gzipped, whole ${whole}` + (full ? ` (the full dist/echarts.min.js: ${full})` : ""));
  assert.ok(first <= FIRST_GZIP_BUDGET, `the first screen's modules are ${first} bytes gzipped, over ${FIRST_GZIP_BUDGET}`);
  assert.ok(whole <= GZIP_BUDGET, `the build is ${whole} bytes gzipped, over ${GZIP_BUDGET}`);
});

describe("the bundle in Chromium", () => {
  let browser;

  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  /**
   * A blank page with the first module loaded the way the dashboard loads it, a log of what it
   * reported, and the list of the modules it fetched.
   */
  async function openPage() {
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    const problems = [];
    const fetched = [];
    page.on("console", (msg) => {
      if (msg.type() === "error" || msg.type() === "warning") problems.push(`console.${msg.type()}: ${msg.text()}`);
    });
    page.on("pageerror", (err) => problems.push(`pageerror: ${err?.stack ?? err}`));
    page.setDefaultTimeout(RENDER_TIMEOUT_MS);
    await page.route(`${ORIGIN}/**`, (route) => {
      const name = new URL(route.request().url()).pathname.slice(1);
      if (name === "") {
        return route.fulfill({ contentType: "text/html", body: '<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body style="margin:0"></body></html>' });
      }
      fetched.push(name);
      const file = path.join(VENDOR, path.basename(name));
      return existsSync(file) ? route.fulfill({ contentType: "text/javascript", body: readFileSync(file) }) : route.fulfill({ status: 404 });
    });
    await page.goto(`${ORIGIN}/`);
    await page.addScriptTag({ url: `${ORIGIN}/echarts.js`, type: "module" });
    await page.waitForFunction(() => globalThis.echarts !== undefined);
    return { page, problems, fetched };
  }

  test("draws line and bars with the first module only, and fetches the second once, when an option needs it", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems, fetched } = await openPage();
    try {
      const lineOnly = { xAxis: { type: "category", data: DAYS }, yAxis: { type: "value" }, legend: {}, tooltip: { trigger: "axis" }, series: [{ type: "line", data: [1, 2, 3, 4, 5, 6, 7] }, { type: "bar", data: [7, 6, 5, 4, 3, 2, 1] }] };
      const drawn = await page.evaluate((option) => {
        const element = document.createElement("div");
        element.style.cssText = "width: 640px; height: 360px";
        document.body.replaceChildren(element);
        const chart = echarts.init(element);
        chart.setOption(option);
        const model = chart.getModel();
        return { usesMore: echarts.usesMore(option), series: model.getSeries().length, legend: Boolean(model.getComponent("legend")), tooltip: Boolean(model.getComponent("tooltip")) };
      }, lineOnly);
      // Without its tooltip, which the second module brings: the page asks for it when the
      // pointer comes over a chart, and makes the chart again.
      assert.deepEqual(drawn, { usesMore: false, series: 2, legend: true, tooltip: false });
      assert.deepEqual(fetched.sort(), [...FIRST].sort(), "the first module fetched more than what the first screen needs");

      const needs = await page.evaluate(() =>
        [
          { series: [{ type: "pie" }] },
          { series: { type: "heatmap" } },
          { series: [{ type: "line" }], visualMap: [{}] },
          { series: [{ type: "bar" }], title: { text: "t" } },
          { series: [{ type: "bar" }], aria: { enabled: true } },
          { series: [{ type: "line" }], legend: [{ type: "scroll" }] },
          { series: [{ type: "line" }], legend: { type: "plain" } },
        ].map((o) => echarts.usesMore(o)),
      );
      assert.deepEqual(needs, [true, true, true, true, true, true, false]);

      // Two charts ask at once, and a third later: one request, and a pie draws; the line and
      // bars, made again, have their tooltip.
      const later = await page.evaluate(async (lineOnly) => {
        await Promise.all([echarts.loadMore(), echarts.loadMore()]);
        await echarts.loadMore();
        const [pieElement, lineElement] = [document.createElement("div"), document.createElement("div")];
        pieElement.style.cssText = lineElement.style.cssText = "width: 320px; height: 320px";
        document.body.replaceChildren(pieElement, lineElement);
        const pie = echarts.init(pieElement);
        pie.setOption({ series: [{ type: "pie", data: [{ value: 1, name: "a" }, { value: 2, name: "b" }] }] });
        const line = echarts.init(lineElement);
        line.setOption(lineOnly);
        return { pies: pie.getModel().getSeriesByType("pie").length, tooltip: Boolean(line.getModel().getComponent("tooltip")) };
      }, lineOnly);
      assert.deepEqual(later, { pies: 1, tooltip: true });
      assert.equal(fetched.filter((f) => f === MORE).length, 1, `fetched: ${fetched}`);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test("sets the global `echarts` with the API the page uses", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openPage();
    try {
      const api = await page.evaluate(() => ({
        version: echarts.version,
        functions: Object.keys(echarts).filter((k) => typeof echarts[k] === "function").sort(),
      }));
      const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, "node_modules/echarts/package.json"), "utf8"));
      assert.equal(api.version, version, "the bundle is not built from the installed echarts");
      assert.deepEqual(api.functions, ["dispose", "getInstanceByDom", "init", "loadMore", "use", "usesMore"]);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  for (const theme of ["dark", undefined]) {
    describe(`echarts.init(element${theme ? `, "${theme}"` : ""})`, () => {
      let page;
      let problems;

      before(async () => {
        ({ page, problems } = await openPage());
      });

      after(async () => {
        await page?.close();
      });

      for (const [name, { components, option, tip }] of Object.entries(CASES)) {
        test(`draws a ${name} chart`, { timeout: TEST_TIMEOUT_MS }, async () => {
          const seriesTypes = option.series.map((s) => s.type);
          // Draws the chart and waits for the end of its animation (the "finished" event).
          const drawn = await page.evaluate(
            async ({ theme, option, components, seriesTypes, timeout }) => {
              const element = document.createElement("div");
              element.id = "chart";
              element.style.cssText = "width: 640px; height: 360px";
              document.body.replaceChildren(element);
              // As the page does once the pointer has been over a chart (or an option needs
              // it): the second module first, which holds the tooltip.
              await echarts.loadMore();
              const chart = echarts.init(element, theme);
              await new Promise((resolve, reject) => {
                const timer = setTimeout(() => reject(new Error(`no "finished" event within ${timeout} ms`)), timeout);
                chart.on("finished", () => {
                  clearTimeout(timer);
                  chart.off("finished");
                  resolve();
                });
                chart.setOption(option);
              });
              // The series and components the chart was built with (getModel is ECharts's own
              // view of the option: a type the bundle lacks is silently left out of it).
              const model = chart.getModel();
              const canvas = element.querySelector("canvas");
              let inked = 0;
              let corner = null;
              if (canvas) {
                const { data, width, height } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
                corner = [...data.slice(0, 4)];
                for (let i = 0; i < width * height * 4; i += 4) {
                  let distance = 0;
                  for (let c = 0; c < 4; c++) distance += Math.abs(data[i + c] - corner[c]);
                  if (distance > 24) inked += 1;
                }
                inked /= width * height;
              }
              return {
                sameInstance: echarts.getInstanceByDom(element) === chart,
                canvases: element.querySelectorAll("canvas").length,
                inked,
                corner,
                series: seriesTypes.map((type) => model.getSeriesByType(type).length),
                missing: components.filter((type) => !model.getComponent(type)),
                ariaLabel: element.getAttribute("aria-label"),
              };
            },
            { theme, option, components, seriesTypes, timeout: RENDER_TIMEOUT_MS },
          );
          const what = `${name} chart (${JSON.stringify(drawn)})`;
          assert.ok(drawn.sameInstance, `echarts.getInstanceByDom does not find the ${what}`);
          assert.ok(drawn.canvases >= 1, `no canvas in the ${what}`);
          assert.deepEqual(drawn.series, seriesTypes.map(() => 1), `a series type is missing from the bundle: ${what}`);
          assert.deepEqual(drawn.missing, [], `components missing from the bundle: ${what}`);
          assert.ok(drawn.inked > 0.02, `the canvas is (nearly) blank: ${what}`);
          if (theme === "dark") {
            // The dark theme paints its background, #100C2A.
            assert.deepEqual(drawn.corner, [16, 12, 42, 255], `the dark theme's background is not drawn: ${what}`);
          } else {
            assert.equal(drawn.corner[3], 0, `the default theme should leave the background transparent: ${what}`);
          }
          assert.ok(drawn.ariaLabel?.length > 20, `the aria component wrote no description: ${what}`);

          // The tooltip shows the series' data.
          await page.evaluate((dataIndex) => {
            echarts.getInstanceByDom(document.getElementById("chart")).dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex });
          }, tip);
          await page.waitForFunction(
            (label) => {
              const tooltip = [...document.querySelectorAll("#chart > div")].find((el) => !el.querySelector("canvas"));
              return tooltip && getComputedStyle(tooltip).display !== "none" && tooltip.textContent.includes(label);
            },
            option.series[0].type === "pie" ? option.series[0].data[tip].name : option.series[0].name,
          );

          // A click on a data item reaches a handler registered with chart.on("click").
          const clicked = await page.evaluate(({ dataIndex, series }) => {
            const chart = echarts.getInstanceByDom(document.getElementById("chart"));
            window.__clicks = [];
            chart.on("click", (params) => window.__clicks.push({ seriesType: params.seriesType, dataIndex: params.dataIndex }));
            if (series.type === "pie") {
              const slice = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(dataIndex);
              const angle = (slice.startAngle + slice.endAngle) / 2;
              const radius = (slice.r0 + slice.r) / 2;
              return [slice.cx + radius * Math.cos(angle), slice.cy + radius * Math.sin(angle)];
            }
            const item = series.data[dataIndex];
            // A heatmap cell's centre, a bar's middle, a line's point.
            const value = Array.isArray(item) ? item.slice(0, 2) : [dataIndex, series.type === "bar" ? item / 2 : item];
            return chart.convertToPixel({ seriesIndex: 0 }, value);
          }, { dataIndex: tip, series: option.series[0] });
          await page.mouse.click(clicked[0], clicked[1]);
          const clicks = await page.evaluate(() => window.__clicks);
          assert.deepEqual(clicks, [{ seriesType: option.series[0].type, dataIndex: tip }], `a click at ${clicked} on the ${name} chart`);

          // resize, then dispose: the instance and its canvas are gone.
          const disposed = await page.evaluate(() => {
            const element = document.getElementById("chart");
            const chart = echarts.getInstanceByDom(element);
            element.style.width = "480px";
            chart.resize();
            const width = chart.getWidth();
            chart.off("click");
            chart.dispose();
            return { width, instance: echarts.getInstanceByDom(element) ?? null, canvases: element.querySelectorAll("canvas").length };
          });
          assert.deepEqual(disposed, { width: 480, instance: null, canvases: 0 });

          assert.deepEqual(problems, [], `the page reported problems drawing the ${name} chart`);
        });
      }
    });
  }
});
