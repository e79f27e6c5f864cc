// What a key that sees no account (a public key) may have: the sector benchmarks of one
// metric, every sector, the refused ones shown as such.

import { ApiError, graphql, sortErrors, errorLine } from "./api.js";
import { imprecision, positionBar } from "./charts.js";
import { clear, h } from "./dom.js";
import { formatInUnit, formatMonth } from "./format.js";

const QUERY = `query DashboardBenchmarks($metric: String!) {
  sectorBenchmarks(metric: $metric) {
    sector sectorName metric effectiveDate publishable cohortSize figureKind p25 p50 p75 p90
    informative accuracy { summary }
  }
}`;

export function showBenchmarks(container, { definitions, showError }) {
  const select = h("select", { id: "benchmark-metric" }, [...definitions.keys()].map((name) => h("option", { value: name }, name.replace(/_/g, " "))));
  const body = h("div", { class: "benchmarks-body" });
  clear(
    container,
    h(
      "header",
      { class: "customer-header" },
      h("h2", {}, "Sector benchmarks"),
      h("p", { class: "facts" }, "This key sees no customer account: here are the sector benchmarks it may have. ", h("label", {}, "Metric ", select))
    ),
    body
  );
  const load = () => drawMetric(container, body, select.value, definitions.get(select.value), showError);
  select.addEventListener("change", load);
  return load();
}

async function drawMetric(container, body, metric, definition, showError) {
  container.dataset.state = "loading";
  let answer;
  try {
    answer = await graphql(QUERY, { metric });
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    clear(body, h("p", { class: "placeholder" }, "No benchmarks to show."));
    container.dataset.state = "error";
    showError(error.message);
    return;
  }
  const { internalOnly, others } = sortErrors(answer.errors);
  if (others.length) {
    showError(errorLine(others));
  }
  // The sectors (by their index in the answer) whose figures only internal keys get.
  const internal = new Set(internalOnly.map((error) => error.path && error.path[1]));
  const format = (value) => formatInUnit(value, definition);
  const benchmarks = answer.data.sectorBenchmarks;
  const published = benchmarks.filter((benchmark) => benchmark.publishable);
  // One scale for every sector, so that their bands compare at a glance.
  const domain = published.length
    ? [Math.min(...published.map((b) => b.p25)), Math.max(...published.map((b) => b.p90))]
    : null;
  const month = benchmarks.length ? formatMonth(benchmarks[0].effectiveDate) : "";
  clear(
    body,
    h("section", { class: "panel", id: "benchmarks" },
      h("h3", {}, `${metric.replace(/_/g, " ")} `, h("span", { class: "muted" }, `${definition.currency || definition.unit}, ${month}`)),
      published.some((benchmark) => benchmark.figureKind === "DIFFERENTIALLY_PRIVATE")
        ? h(
            "p",
            { class: "privacy-note", role: "note" },
            "These figures are a differentially private release, frozen when the month was published: " +
              "to protect every member they carry noise, which in a sector of tens of accounts can put them far from the true figures."
          )
        : null,
      h(
        "ul",
        { class: "positions" },
        benchmarks.map((benchmark, index) =>
          benchmark.publishable
            ? h(
                "li",
                { class: "position", "data-sector": benchmark.sector },
                h("span", { class: "metric-name" }, benchmark.sectorName),
                positionBar(benchmark, null, { label: `${benchmark.sectorName}: p25 to p90 and median`, format, domain }),
                h(
                  "span",
                  { class: "figures" },
                  h("span", {}, "Median ", h("strong", { class: "p50" }, format(benchmark.p50))),
                  h("span", {}, "p25–p90 ", h("strong", {}, `${format(benchmark.p25)} – ${format(benchmark.p90)}`)),
                  h("span", { class: "muted" }, `${benchmark.cohortSize} accounts${benchmark.figureKind === "DIFFERENTIALLY_PRIVATE" ? ", differentially private" : ""}`),
                  imprecision(benchmark)
                )
              )
            : internal.has(index)
              ? h(
                  "li",
                  { class: "position refused internal-only", "data-sector": benchmark.sector },
                  h("span", { class: "metric-name" }, benchmark.sectorName),
                  h("span", { class: "refusal" }, "Internal keys only"),
                  h("span", { class: "muted" }, "The metric had no bounds when the month was published: no private release of these figures was drawn.")
                )
              : h(
                  "li",
                  { class: "position refused", "data-sector": benchmark.sector },
                  h("span", { class: "metric-name" }, benchmark.sectorName),
                  h("span", { class: "refusal" }, "Not enough peers to compare"),
                  h("span", { class: "muted" }, "Fewer than 5 accounts: the figures are not published.")
                )
        )
      )
    )
  );
  container.dataset.state = "ready";
}
