// The part of chatpulse's ECharts build that the dashboard's first screen does not draw: the
// pie and heatmap charts, the visual map (the heatmap's color scale, continuous and
// piecewise), the scrolling legend, the title, aria and label-layout features, and the
// tooltip with its axis pointer. echarts-entry.mjs imports it on demand (`echarts.loadMore()`)
// and keeps the list of what it registers (MORE) in step with this file. The tooltip is not
// on that list: a chart draws without it, and the page asks for this part when the pointer
// first comes over a chart (src/components/echart.rs).
import { use } from "echarts/core";
// From their own modules, as in echarts-entry.mjs.
import { install as HeatmapChart } from "echarts/lib/chart/heatmap/install.js";
import { install as PieChart } from "echarts/lib/chart/pie/install.js";
import { install as AriaComponent } from "echarts/lib/component/aria/install.js";
import { install as ScrollLegendComponent } from "echarts/lib/component/legend/installLegendScroll.js";
import { install as TitleComponent } from "echarts/lib/component/title/install.js";
import { install as TooltipComponent } from "echarts/lib/component/tooltip/install.js";
import { install as VisualMapComponent } from "echarts/lib/component/visualMap/install.js";
import { installLabelLayout as LabelLayout } from "echarts/lib/label/installLabelLayout.js";

use([
  PieChart,
  HeatmapChart,
  VisualMapComponent,
  ScrollLegendComponent,
  TitleComponent,
  AriaComponent,
  LabelLayout,
  TooltipComponent, // with the axis pointer (trigger: "axis")
]);
