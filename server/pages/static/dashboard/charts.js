// The dashboard's charts, drawn as SVG by hand: a line over months and a sector position bar.
// Each mark carries the API's own figures (data-date, data-value, and a <title> with the
// formatted value), so what a reader hovers is what the API said.

import { h, s } from "./dom.js";
import { formatMonth, seriesLabels } from "./format.js";

const WIDTH = 320;
const HEIGHT = 120;
const PAD = { left: 8, right: 8, top: 14, bottom: 28 };

function scale(domainLow, domainHigh, rangeLow, rangeHigh) {
  const span = domainHigh - domainLow || 1;
  return (value) => rangeLow + ((value - domainLow) / span) * (rangeHigh - rangeLow);
}

// rows: [{ effectiveDate, value (decimal string), currency, formattedValue }], oldest first.
export function lineChart(rows, { label }) {
  const values = rows.map((row) => Number(row.value));
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (low === high) {
    low -= 1;
    high += 1;
  }
  const x = scale(0, Math.max(rows.length - 1, 1), PAD.left, WIDTH - PAD.right);
  const y = scale(low, high, HEIGHT - PAD.bottom, PAD.top);
  const points = rows.map((row, index) => [x(index), y(Number(row.value))]);
  const path = points.map(([px, py], index) => `${index ? "L" : "M"}${px.toFixed(1)},${py.toFixed(1)}`).join("");
  const area = `${path}L${points[points.length - 1][0].toFixed(1)},${HEIGHT - PAD.bottom}L${points[0][0].toFixed(1)},${HEIGHT - PAD.bottom}Z`;
  const first = rows[0];
  const last = rows[rows.length - 1];
  // The highest and lowest months, as guides labelled with the API's formatted values, at one
  // precision (a currency series with cents shows them on whole amounts too: seriesLabels).
  const labels = seriesLabels(rows);
  const highest = rows[values.indexOf(Math.max(...values))];
  const lowest = rows[values.indexOf(Math.min(...values))];
  const guide = (row, kind) =>
    s(
      "g",
      { class: `guide ${kind}` },
      s("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(Number(row.value)).toFixed(1), y2: y(Number(row.value)).toFixed(1) }),
      s("text", { class: "axis", x: PAD.left + 2, y: (y(Number(row.value)) + (kind === "highest" ? -2 : 9)).toFixed(1) }, labels[rows.indexOf(row)])
    );
  return s(
    "svg",
    { class: "line-chart", viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": label },
    highest === lowest ? null : [guide(highest, "highest"), guide(lowest, "lowest")],
    s("path", { class: "area", d: area }),
    s("path", { class: "line", d: path }),
    rows.map((row, index) =>
      s(
        "circle",
        {
          class: "point",
          cx: points[index][0].toFixed(1),
          cy: points[index][1].toFixed(1),
          r: index === rows.length - 1 ? 3 : 1.8,
          "data-date": row.effectiveDate,
          "data-value": row.value,
          "data-formatted": row.formattedValue,
        },
        s("title", {}, `${formatMonth(row.effectiveDate)}: ${row.formattedValue}`)
      )
    ),
    s("text", { class: "axis", x: PAD.left, y: HEIGHT - 4 }, formatMonth(first.effectiveDate)),
    s("text", { class: "axis", x: WIDTH - PAD.right, y: HEIGHT - 4, "text-anchor": "end" }, formatMonth(last.effectiveDate))
  );
}

// The sector's p25–p90 band, its median, and the customer's own value when it may be shown.
// benchmark: { p25, p50, p75, p90 }; own: a number or null; format: number → text; domain:
// [low, high] shared by bars drawn one under the other (each bar's own by default).
export function positionBar(benchmark, own, { label, format, domain = null }) {
  const width = 320;
  const height = 46;
  const marks = [benchmark.p25, benchmark.p90, benchmark.p50];
  if (own !== null && own !== undefined) {
    marks.push(own);
  }
  let low = domain ? domain[0] : Math.min(...marks);
  let high = domain ? domain[1] : Math.max(...marks);
  const margin = (high - low) * 0.08 || 1;
  low -= margin;
  high += margin;
  const x = scale(low, high, 6, width - 6);
  const bandTop = 14;
  const bandHeight = 14;
  return s(
    "svg",
    { class: "position-bar", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label },
    s("line", { class: "track", x1: 6, x2: width - 6, y1: bandTop + bandHeight / 2, y2: bandTop + bandHeight / 2 }),
    s(
      "rect",
      {
        class: "band",
        x: x(benchmark.p25).toFixed(1),
        y: bandTop,
        width: Math.max(x(benchmark.p90) - x(benchmark.p25), 1).toFixed(1),
        height: bandHeight,
        rx: 3,
        "data-p25": benchmark.p25,
        "data-p90": benchmark.p90,
      },
      s("title", {}, `25th to 90th percentile: ${format(benchmark.p25)} to ${format(benchmark.p90)}`)
    ),
    s(
      "line",
      { class: "median", x1: x(benchmark.p50).toFixed(1), x2: x(benchmark.p50).toFixed(1), y1: bandTop - 4, y2: bandTop + bandHeight + 4, "data-p50": benchmark.p50 },
      s("title", {}, `Median: ${format(benchmark.p50)}`)
    ),
    own === null || own === undefined
      ? null
      : s(
          "circle",
          { class: "own", cx: x(own).toFixed(1), cy: bandTop + bandHeight / 2, r: 6, "data-value": own },
          s("title", {}, `This customer: ${format(own)}`)
        ),
    bandLabels(x(benchmark.p25), x(benchmark.p90), width).map(([at, text]) =>
      s("text", { class: "axis", x: at.toFixed(1), y: height - 3, "text-anchor": "middle" }, text)
    )
  );
}

// The band's labels under its ends; on a band narrower than two labels they move apart
// around its middle, and stay inside the drawing, so that both can be read.
const LABEL_WIDTH = 16; // "p25" at the axis' 9px, with room to spare
const LABEL_GAP = 3;

function bandLabels(low, high, width) {
  const spacing = LABEL_WIDTH + LABEL_GAP;
  let left = low;
  let right = high;
  if (right - left < spacing) {
    const middle = (left + right) / 2;
    left = middle - spacing / 2;
    right = middle + spacing / 2;
  }
  const shift = Math.max(0, LABEL_WIDTH / 2 - left) - Math.max(0, right - (width - LABEL_WIDTH / 2));
  return [
    [left + shift, "p25"],
    [right + shift, "p90"],
  ];
}

// A private benchmark whose stated 95% error is too wide to tell sectors apart: the figures
// are drawn, but marked, with the API's accuracy sentence as the tooltip; nothing otherwise.
export function imprecision(benchmark) {
  if (benchmark.informative !== false) return null;
  const summary = benchmark.accuracy ? benchmark.accuracy.summary : "The privacy noise is too large to compare.";
  return h("span", { class: "imprecise", title: summary, "data-summary": summary }, "too imprecise to compare");
}
