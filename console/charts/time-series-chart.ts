/**
 * One time-series line chart (uPlot, bundled from npm): shared x axis in seconds, one line per
 * series, gaps where a value is null, values formatted on the axis and in the legend.
 */
import uPlot from "uplot";
import { h } from "../dom";

/** One line. */
export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

/** What to draw. */
export interface TimeSeriesChartOptions {
  title: string;
  /** Bucket times, seconds since epoch. */
  times: number[];
  series: ChartSeries[];
  /** Formats a value for the y axis and the legend. */
  format?: (value: number) => string;
  width?: number;
  height?: number;
}

/** Line colours, in series order (distinct in print and for common colour blindness). */
const PALETTE = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

/** A figure holding the chart, titled; `series` without a value shows a note instead. */
export function timeSeriesChart(options: TimeSeriesChartOptions): HTMLElement {
  const { title, times, series, format = (value: number) => String(value), width = 520, height = 220 } = options;
  const figure = h("figure", { class: "chart", dataset: { chart: title } }, h("figcaption", null, title));
  const drawn = series.filter((line) => line.values.some((value) => value !== null && Number.isFinite(value)));
  if (times.length === 0 || drawn.length === 0) {
    figure.append(h("p", { class: "chart-empty" }, "no data in this window"));
    return figure;
  }
  const plot = h("div", { class: "chart-plot" });
  figure.append(plot);
  const data: uPlot.AlignedData = [
    times,
    ...drawn.map((line) => line.values.map((value) => (value === null || !Number.isFinite(value) ? null : value))),
  ];
  new uPlot(
    {
      width,
      height,
      series: [
        {},
        ...drawn.map((line, i) => ({
          label: line.label,
          stroke: PALETTE[i % PALETTE.length]!,
          width: 1.5,
          points: { show: times.length <= 2 },
          value: (_plot: uPlot, value: number | null) => (value === null ? "–" : format(value)),
        })),
      ],
      axes: [{}, { size: 84, values: (_plot: uPlot, ticks: number[]) => ticks.map((tick) => format(tick)) }],
      // Every charted quantity is non-negative: start at 0, and give an all-zero series a visible range.
      scales: { x: { time: true }, y: { range: (_plot: uPlot, _min: number, max: number) => [0, max > 0 ? max * 1.1 : 1] } },
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
    },
    data,
    plot,
  );
  return figure;
}
