// The ECharts build that chatpulse serves as /vendor/echarts.js (global `echarts`): only what
// its charts use (their options are built on the server, src/server/present/charts/), instead
// of the full 1 MB node_modules/echarts/dist/echarts.min.js. scripts/setup.sh (setup_vendor)
// bundles it with esbuild into ES modules split in two:
//
// - this entry, with the line and bar charts, the grid and legend, and the canvas renderer:
//   what the dashboard's first screen draws;
// - ./echarts-more.mjs, the pie and heatmap charts with the visual map, the rarer components
//   and the tooltip, fetched by `echarts.loadMore()` the first time a chart that needs them
//   is drawn (charts draw once they are on screen: src/components/echart.rs), or the first
//   time the pointer comes over a chart, whose tooltip it brings.
//
// What both use lands in one shared module, /vendor/echarts-shared.js, that the page
// preloads. src/components/echart.rs calls the global through wasm-bindgen (init, then the
// instance's setOption, resize, dispose; usesMore and loadMore) and the browser tests use it
// (getInstanceByDom).
//
// A chart that needs another series type, component or feature must add it to one of the two
// files and, if it goes to echarts-more.mjs, to MORE below (the names are those of ECharts'
// "import on demand" guide); without it, setOption ignores that part of the option.
// tests/js/echarts_bundle.test.mjs draws each series type with this build and holds it to its
// size budgets.
import {
  dispose,
  getInstanceByDom,
  init,
  use,
  version,
} from "echarts/core";
// Each part from its own module, not from the "echarts/charts" or "echarts/components" index:
// an index names every part, so the split would count them all as needed by both files.
import { install as BarChart } from "echarts/lib/chart/bar/install.js";
import { install as LineChart } from "echarts/lib/chart/line/install.js";
import { install as GridComponent } from "echarts/lib/component/grid/install.js";
import { install as LegendComponent } from "echarts/lib/component/legend/installLegendPlain.js";
import { install as CanvasRenderer } from "echarts/lib/renderer/installCanvasRenderer.js";

use([
  LineChart,
  BarChart,
  GridComponent, // with the category, value, time and log axes
  LegendComponent, // plain (the scrolling legend is in echarts-more.mjs)
  CanvasRenderer,
]);

// What ./echarts-more.mjs registers that a chart cannot draw without: the series types, and
// the option's top-level components. Its tooltip is left out: a chart draws without one, and
// is made again with it once the part has loaded.
const MORE = {
  series: new Set(["pie", "heatmap"]),
  components: ["visualMap", "title", "aria"],
  legends: new Set(["scroll"]),
};

let more = null;

/** Whether `option` uses a part of ECharts that echarts-more.mjs registers (see loadMore). */
function usesMore(option) {
  if (option === null || typeof option !== "object") return false;
  const series = [].concat(option.series ?? []);
  const legends = [].concat(option.legend ?? []);
  return (
    series.some((s) => MORE.series.has(s?.type)) ||
    MORE.components.some((c) => option[c] != null) ||
    legends.some((l) => MORE.legends.has(l?.type))
  );
}

/**
 * Fetches and registers the rest of the build once; the promise settles when it is usable. An
 * instance takes ECharts' processors as they are when it is made (init), so a chart that uses
 * the rest must be made after this.
 */
function loadMore() {
  more ??= import("./echarts-more.js").then(
    () => undefined,
    (error) => {
      // A failed fetch (a dropped connection) may be tried again by the next chart.
      more = null;
      throw error;
    },
  );
  return more;
}

// The public API the page and its tests use, not all of echarts/core: the rest (graphic,
// registerTheme, connect, the extension API...) would add to the bundle for nothing. The core
// registers the "light" and "dark" themes itself, so init(element, "dark") works.
globalThis.echarts = {
  version,
  init,
  dispose,
  getInstanceByDom,
  use,
  usesMore,
  loadMore,
};
