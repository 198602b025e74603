// The ECharts build that chatpulse serves as /vendor/echarts.min.js: only what its charts use
// (their options are built on the server, src/server/charts.rs), instead of the full 1 MB
// node_modules/echarts/dist/echarts.min.js. scripts/setup.sh (setup_vendor) bundles this file
// with esbuild into a minified IIFE that sets the global `echarts`, which
// src/components/echart.rs calls through wasm-bindgen (init, then the instance's setOption,
// resize, dispose) and the browser tests use (getInstanceByDom).
//
// A chart that needs another series type, component or feature must add it here (the names
// are those of ECharts' "import on demand" guide); without it, setOption ignores that part of
// the option. tests/js/echarts_bundle.test.mjs draws each series type with this bundle and
// holds it to its size budget.
import {
  connect,
  disconnect,
  dispose,
  getInstanceByDom,
  getInstanceById,
  graphic,
  init,
  registerLocale,
  registerTheme,
  use,
  version,
} from "echarts/core";
import { BarChart, HeatmapChart, LineChart, PieChart } from "echarts/charts";
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import { LabelLayout } from "echarts/features";
import { CanvasRenderer } from "echarts/renderers";

use([
  LineChart,
  BarChart,
  PieChart,
  HeatmapChart,
  GridComponent, // with the category, value, time and log axes
  TooltipComponent, // with the axis pointer (trigger: "axis")
  LegendComponent, // plain and scroll
  VisualMapComponent, // continuous and piecewise
  TitleComponent,
  AriaComponent,
  LabelLayout,
  CanvasRenderer,
]);

// The public API the page needs, not all of echarts/core: its extension API (ComponentModel,
// zrender, util, format, ...) would add to the bundle for nothing. The core registers the
// "light" and "dark" themes itself, so init(element, "dark") works.
globalThis.echarts = {
  version,
  init,
  dispose,
  getInstanceByDom,
  getInstanceById,
  connect,
  disconnect,
  registerTheme,
  registerLocale,
  use,
  graphic,
};
