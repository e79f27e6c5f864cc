// One customer's story from at most two GraphQL requests, sent together: the account with
// its metrics, sales profile, credit risk and a comparison per metric, each in the latest
// published month with the customer's value and with its sector's benchmark of that month
// (request 1), and its sector's benchmark per metric in the latest published month, for the
// metrics the customer has no value of in any published month (request 2, when the account
// has a sector).

import { ApiError, errorLine, graphql, sortErrors } from "./api.js";
import { imprecision, lineChart, positionBar } from "./charts.js";
import { clear, h } from "./dom.js";
import {
  AMOUNTS_NOTE,
  CREDIT_LABELS,
  LOCALE,
  SEGMENT_LABELS,
  formatInUnit,
  formatMonth,
  formatAmount,
  formatNumber,
  formatShare,
  idBesideName,
} from "./format.js";

// The server refuses a query with more aliases than this (QueryLimits.max_aliases).
const MAX_ALIASES = 15;

const POSITION_FIELDS = "metric effectiveDate customerValue sectorP50 sectorP90 customerPercentile insight informative figureKind";
const BENCHMARK_FIELDS = "sector sectorName metric effectiveDate publishable cohortSize figureKind p25 p50 p75 p90 informative accuracy { summary }";

// GraphQL refuses a document with an unused fragment: it goes only with comparisons (a customer
// of an app with accounting exports and no metric definitions has none).
const POSITION_FRAGMENT = `
fragment Position on CustomerComparison { ${POSITION_FIELDS} benchmark { ${BENCHMARK_FIELDS} } }`;

function aliased(metrics) {
  return metrics.slice(0, MAX_ALIASES).map((metric, index) => ({ alias: `m${index}`, metric }));
}

// Each metric is compared in the month of the customer's latest value when that month is
// published, else in the latest published month before it with its value (latestWithValue):
// a month published with some metrics only leaves the others their earlier comparison. The
// fields once, in a fragment: the server counts every token of a query.
export function accountQuery(metrics) {
  const comparisons = aliased(metrics)
    .map(({ alias, metric }) => `${alias}: comparison(metric: ${JSON.stringify(metric)}, latestWithValue: true) { ...Position }`)
    .join("\n    ");
  return `query DashboardCustomer($accountId: String!, $locale: String!) {
  account(accountId: $accountId) {
    accountId name app isKeyAccount nEmployees
    industry { industryId name }
    metrics { metricName effectiveDate value unit currency formattedValue(locale: $locale) }
    salesProfile {
      firstPurchase lastPurchase isRecent daysSinceLastPurchase recencyAsOf salesKnownTo
      quarters { quarter orders revenue frequencySegment monetarySegment recencyDays }
    }
    creditRisk { score segment daysSalesOutstanding overdueShare averageDaysLate asOf asOfRule invoiced outstanding }
    ${comparisons}
  }
}${comparisons ? POSITION_FRAGMENT : ""}`;
}

export function benchmarksQuery(metrics) {
  const benchmarks = aliased(metrics)
    .map(({ alias, metric }) => `${alias}: sectorBenchmarks(metric: ${JSON.stringify(metric)}, sectors: [$sector]) { ${BENCHMARK_FIELDS} }`)
    .join("\n  ");
  return `query DashboardSector($sector: String!) {
  ${benchmarks}
}`;
}

// Which aliases the API refused under the cohort rule (COHORT_TOO_SMALL at one of their fields).
function refusedAliases(refused) {
  return new Set(refused.map((error) => error.path && error.path.find((part) => /^m\d+$/.test(part))));
}

async function loadSector(sector, metrics) {
  if (!sector || !metrics.length) {
    return { benchmarks: new Map(), refused: new Set(), internalOnly: new Set(), problem: null };
  }
  try {
    const { data, errors } = await graphql(benchmarksQuery(metrics), { sector });
    const { refused, internalOnly, others } = sortErrors(errors);
    const benchmarks = new Map();
    for (const { alias, metric } of aliased(metrics)) {
      const found = data[alias] && data[alias][0];
      if (found) {
        benchmarks.set(metric, found);
      }
    }
    return {
      benchmarks,
      refused: refusedAliases(refused),
      internalOnly: refusedAliases(internalOnly),
      problem: others.length ? errorLine(others) : null,
    };
  } catch (error) {
    if (error instanceof ApiError) {
      return { benchmarks: new Map(), refused: new Set(), internalOnly: new Set(), problem: error.message };
    }
    throw error;
  }
}

// The API formats values with Babel (CLDR), which knows fewer locales than the browser
// (de-XX formats in German here, and is refused there as an unknown locale): its values are
// then asked in this one, and a quiet line beside them says so.
const FALLBACK_LOCALE = "en";

function refusesLocale(errors) {
  return (errors || []).some(
    (error) =>
      error.extensions && error.extensions.code === "BAD_USER_INPUT" && error.path && error.path.includes("formattedValue")
  );
}

// The account in the page's locale, or, when the API refuses that locale, in FALLBACK_LOCALE:
// { data, errors, locale } with the locale its values are formatted in.
async function loadAccount(accountId, metrics) {
  const query = accountQuery(metrics);
  const answer = await graphql(query, { accountId, locale: LOCALE });
  if (LOCALE === FALLBACK_LOCALE || !refusesLocale(answer.errors)) {
    return { ...answer, locale: LOCALE };
  }
  return { ...(await graphql(query, { accountId, locale: FALLBACK_LOCALE })), locale: FALLBACK_LOCALE };
}

// Draws the customer into `container`; `definitions` are metricDefinitions by name, `known`
// what the picker knows of the account (its industry), `showError` one line for the page.
let latestCall = 0;

export async function showCustomer(container, { accountId, known, definitions, showError }) {
  // A customer picked while another loads wins: the older answer is dropped.
  const call = ++latestCall;
  container.dataset.state = "loading";
  container.setAttribute("aria-busy", "true");
  const metrics = [...definitions.keys()];
  // Its values formatted by the API in the page's locale, as the page formats its own numbers.
  const accountRequest = loadAccount(accountId, metrics);
  let sectorRequest = known && known.industry !== undefined ? loadSector(known.industry && known.industry.industryId, metrics) : null;
  let answer;
  try {
    answer = await accountRequest;
  } catch (error) {
    if (call !== latestCall) {
      return;
    }
    container.dataset.state = "error";
    container.removeAttribute("aria-busy");
    clear(container, h("p", { class: "placeholder" }, "This customer could not be loaded."));
    showError(error.message);
    return;
  }
  if (call !== latestCall) {
    return;
  }
  const account = answer.data.account;
  const { refused, internalOnly, unranked, others } = sortErrors(answer.errors);
  if (!account) {
    container.dataset.state = "error";
    container.removeAttribute("aria-busy");
    clear(container, h("p", { class: "placeholder" }, `No account ${accountId} for this key.`));
    showError(others.length ? errorLine(others) : `No account ${accountId} for this key.`);
    return;
  }
  if (sectorRequest === null) {
    sectorRequest = loadSector(account.industry && account.industry.industryId, metrics);
  }
  const sector = await sectorRequest;
  if (call !== latestCall) {
    return;
  }
  const problems = [...others.map((error) => errorLine([error])), sector.problem].filter(Boolean);
  if (problems.length) {
    showError(problems.join(" · "));
  }
  clear(
    container,
    header(account),
    metricsSection(account, definitions, answer.locale),
    positionSection(account, definitions, sector, {
      refused: refusedAliases(refused),
      internalOnly: new Set([...refusedAliases(internalOnly), ...sector.internalOnly]),
      unranked: refusedAliases(unranked),
    }),
    rfmSection(account.salesProfile),
    creditSection(account.creditRisk)
  );
  container.dataset.account = account.accountId;
  container.dataset.state = "ready";
  container.removeAttribute("aria-busy");
}

function header(account) {
  const profile = account.salesProfile;
  return h(
    "header",
    { class: "customer-header" },
    h("h2", {}, account.name, " ", h("span", { class: "muted" }, idBesideName(account))),
    h(
      "p",
      { class: "facts" },
      h("span", {}, "App ", h("strong", {}, account.app)),
      h("span", {}, "Sector ", h("strong", { id: "customer-sector" }, account.industry ? account.industry.name : "none")),
      account.nEmployees === null ? null : h("span", {}, `${formatNumber(account.nEmployees, 0)} employees`),
      account.isKeyAccount ? h("span", { class: "badge" }, "Key account") : null,
      profile && profile.isRecent ? h("span", { class: "badge recent" }, "Recent customer") : null
    )
  );
}

function rowsByMetric(rows) {
  const byMetric = new Map();
  for (const row of rows) {
    if (!byMetric.has(row.metricName)) {
      byMetric.set(row.metricName, []);
    }
    byMetric.get(row.metricName).push(row);
  }
  return byMetric;
}

function metricsSection(account, definitions, locale) {
  const byMetric = rowsByMetric(account.metrics);
  const cards = [...byMetric.entries()].map(([metric, rows]) => {
    const last = rows[rows.length - 1];
    const definition = definitions.get(metric);
    const unit = definition && definition.currency ? definition.currency : last.unit;
    return h(
      "figure",
      { class: "metric-card", "data-metric": metric },
      h(
        "figcaption",
        {},
        h("span", { class: "metric-name" }, metric.replace(/_/g, " ")),
        h("span", { class: "unit" }, unit)
      ),
      h(
        "p",
        { class: "latest" },
        h("strong", { class: "latest-value", "data-value": last.value }, last.formattedValue),
        h("span", { class: "muted" }, ` in ${formatMonth(last.effectiveDate)}`)
      ),
      lineChart(rows, { label: `${metric} by month, ${rows.length} months` })
    );
  });
  return h(
    "section",
    { class: "panel", id: "metrics" },
    h("h3", {}, "Metrics over time"),
    locale === LOCALE
      ? null
      : h("p", { class: "muted", id: "locale-fallback" }, `Values written in ${locale}: the server does not format numbers in ${LOCALE}.`),
    cards.length ? h("div", { class: "metric-grid" }, cards) : h("p", { class: "placeholder" }, "No metric values for this customer.")
  );
}

// The benchmark a metric's position is drawn from, and the month it describes: the one of the
// metric's comparison (the latest published month with the customer's value), else the latest
// published month's (request 2), where the customer has no value to place.
function positionOf(comparison, sector, metric) {
  if (comparison && comparison.benchmark) {
    return { benchmark: comparison.benchmark, own: comparison.customerValue, month: comparison.effectiveDate };
  }
  const benchmark = sector.benchmarks.get(metric);
  return { benchmark, own: null, month: benchmark ? benchmark.effectiveDate : null };
}

// Why a metric has no value of this customer to place, when its comparison is null though the
// sector has a benchmark of `month` (the latest published month): the customer may have a value
// of that very month, loaded after the month was published (its frozen cohort does not have
// it), or only values of months not published, or none at all.
function absence(rows, month) {
  const values = rows || [];
  if (!values.length) {
    return h("span", { class: "muted" }, "No value of this customer.");
  }
  if (!month) {
    return h("span", { class: "muted" }, "No comparison of this customer's values.");
  }
  const published = values.filter((row) => row.effectiveDate <= month);
  if (!published.length) {
    const first = values[0].effectiveDate;
    return h(
      "span",
      { class: "muted" },
      `No value of this customer in a published month: its values begin in ${formatMonth(first)}, which is not published yet.`
    );
  }
  const latest = published[published.length - 1];
  if (latest.effectiveDate === month) {
    return h(
      "span",
      { class: "muted late-value", "data-month": month },
      `${formatMonth(month)} was published before this value was loaded (${latest.formattedValue}): ` +
        "it is not in the sector comparison until the month is published again " +
        `(profiling publish --month ${month.slice(0, 7)} --revise).`
    );
  }
  return h(
    "span",
    { class: "muted late-value", "data-month": latest.effectiveDate },
    `Its value of ${formatMonth(latest.effectiveDate)} (${latest.formattedValue}) is in no published comparison: ` +
      "that month was not published, or was published before the value was loaded " +
      `(profiling publish --month ${latest.effectiveDate.slice(0, 7)} [--revise]).`
  );
}

function monthLabel(month) {
  return h("span", { class: "position-month muted", "data-month": month || "" }, month ? formatMonth(month) : "no published month");
}

// `withheld`: the aliases whose comparison the API refused (COHORT_TOO_SMALL), whose sector
// figures only internal keys get (INTERNAL_ONLY), and whose percentile it could not read off
// the release (RELEASE_BOUNDS_UNKNOWN).
function positionSection(account, definitions, sector, withheld) {
  if (!account.industry) {
    return h("section", { class: "panel", id: "positions" }, h("h3", {}, "Position in its sector"), h("p", { class: "placeholder" }, "This customer has no sector."));
  }
  const metrics = aliased([...definitions.keys()]);
  const byMetric = rowsByMetric(account.metrics);
  const months = new Set();
  let figureKind = null;
  const rows = metrics.map(({ alias, metric }) => {
    const definition = definitions.get(metric);
    const format = (value) => formatInUnit(value, definition);
    const comparison = account[alias];
    const { benchmark, own, month } = positionOf(comparison, sector, metric);
    const name = h(
      "span",
      { class: "metric-name" },
      metric.replace(/_/g, " "),
      definition && !definition.higherIsBetter ? [" ", h("span", { class: "muted small lower-is-better" }, "(lower is better)")] : null,
      " ",
      monthLabel(month)
    );
    if (month) {
      months.add(month);
    }
    if (benchmark) {
      figureKind = figureKind || benchmark.figureKind;
    }
    if (benchmark && !benchmark.publishable && withheld.internalOnly.has(alias)) {
      return h(
        "li",
        { class: "position refused internal-only", "data-metric": metric, "data-month": month || "" },
        name,
        h("span", { class: "refusal" }, "Internal keys only"),
        h(
          "span",
          { class: "muted" },
          comparison ? `This customer: ${format(comparison.customerValue)}. ` : "",
          `The metric had no bounds when ${formatMonth(month)} was published, so no private release of its sector figures was drawn for keys like this one.`
        )
      );
    }
    if (!benchmark || !benchmark.publishable) {
      return h(
        "li",
        { class: "position refused", "data-metric": metric, "data-month": month || "" },
        name,
        h("span", { class: "refusal" }, "Not enough peers to compare"),
        h(
          "span",
          { class: "muted" },
          comparison ? `This customer: ${format(comparison.customerValue)}. ` : absence(byMetric.get(metric), month),
          comparison ? "" : " ",
          benchmark
            ? // The API refuses a figure that leaves fewer than 5 accounts besides the key's own
              // (an account key in a cohort of exactly 5 is refused): say so, not "fewer than 5".
              `Fewer than 5 accounts in the sector's cohort in ${formatMonth(month)}, not counting the key's own: its figures are not published.`
            : "No published month to compare it in."
        )
      );
    }
    const percentile = comparison ? comparison.customerPercentile : null;
    // A rank read off a private release too imprecise to place the value is mostly noise (the
    // release can say 96 of an account whose exact rank is 33): the page says what the API's
    // insight says, that it cannot be placed, and shows no number, as the deck does.
    const unplaced = percentile !== null && comparison.informative === false;
    const percentileRefused = withheld.refused.has(alias) && percentile === null;
    const unranked = withheld.unranked.has(alias) && percentile === null;
    return h(
      "li",
      { class: "position", "data-metric": metric, "data-month": month },
      name,
      positionBar(benchmark, own, { label: `${metric} in ${formatMonth(month)}: the sector's p25 to p90, its median and this customer`, format }),
      h(
        "span",
        { class: "figures" },
        h("span", {}, "Median ", h("strong", { class: "p50" }, format(benchmark.p50))),
        h("span", {}, "p25–p90 ", h("strong", { class: "band-text" }, `${format(benchmark.p25)} – ${format(benchmark.p90)}`)),
        own === null
          ? absence(byMetric.get(metric), month)
          : h("span", {}, "This customer ", h("strong", { class: "own-value" }, format(own))),
        unplaced
          ? h("span", { class: "muted unplaced", "data-insight": comparison.insight || "" }, comparison.insight || "cannot be placed: the sector's private figures are too imprecise")
          : percentile !== null
            ? h("span", { class: "percentile", "data-percentile": percentile }, `percentile ${percentile}`)
            : percentileRefused
              ? h("span", { class: "muted" }, "percentile refused: too few peers besides this account")
              : unranked
                ? h(
                    "span",
                    { class: "muted unranked" },
                    "no percentile: these figures were published before the server kept the bounds they were drawn with, which are no longer known"
                  )
                : null,
        imprecision(benchmark)
      )
    );
  });
  // One month for every metric is said once; otherwise each row says its own.
  const caption =
    months.size === 1
      ? `${account.industry.name}, ${formatMonth([...months][0])}`
      : months.size > 1
        ? `${account.industry.name}, each metric in the latest published month with this customer's value`
        : account.industry.name;
  return h(
    "section",
    { class: "panel", id: "positions" },
    h("h3", {}, "Position in its sector ", h("span", { class: "muted" }, `${caption}${figureKind === "DIFFERENTIALLY_PRIVATE" ? " (differentially private figures)" : ""}`)),
    h("p", { class: "legend" }, h("span", { class: "swatch band" }), " 25th–90th percentile ", h("span", { class: "swatch median" }), " median ", h("span", { class: "swatch own" }), " this customer"),
    figureKind === "DIFFERENTIALLY_PRIVATE"
      ? h(
          "p",
          { class: "privacy-note", role: "note" },
          "The band and the median are a differentially private release, frozen when the month was published: " +
            "to protect every member they carry noise, which in a sector of tens of accounts can put them far from the true figures. " +
            "This customer's percentile is read off the same release, so it carries the same noise."
        )
      : null,
    h("ul", { class: "positions" }, rows)
  );
}

function segmentChip(segment, kind) {
  return h("span", { class: `chip segment-${segment.toLowerCase()}`, "data-kind": kind, "data-segment": segment, title: SEGMENT_LABELS[segment] }, SEGMENT_LABELS[segment]);
}

// An account key gets no segments for a quarter in which too few of the app's customers
// bought (NOT_COMPARED): the card says so instead of showing a segment.
const NOT_COMPARED_TEXT = "Too few customers this quarter to compare";

function quarterSegments(quarter) {
  if (quarter.frequencySegment === "NOT_COMPARED" || quarter.monetarySegment === "NOT_COMPARED") {
    return [h("span", { class: "not-compared muted small", "data-segment": "NOT_COMPARED" }, NOT_COMPARED_TEXT)];
  }
  return [
    h("span", { class: "row-label" }, "Frequency"),
    segmentChip(quarter.frequencySegment, "frequency"),
    h("span", { class: "row-label" }, "Monetary"),
    segmentChip(quarter.monetarySegment, "monetary"),
  ];
}

// The API counts the days up to the app's latest sale, or up to today for an account key
// (which sees only dates of its own data): the page names the day it counted to, which is
// right for both, instead of "ago".
const RECENCY_NOTE = "Counted to the latest sale on record of the customer's app (with an account key, to today).";

// Why the credit risk is as of its day: the same account's figures differ between keys only by
// it (an account key never learns its app's latest ledger date, another customer's).
const AS_OF_RULES = {
  LATEST_LEDGER_DATE: "the app's latest ledger date",
  LEDGER_PERIOD_END: "the end of the period of its latest ledger export",
  TODAY: "today: no export period of its ledger, or one not over",
  ASKED: "the day asked for",
};

function recencyText(profile) {
  const days = profile.daysSinceLastPurchase;
  const counted = new Date(`${profile.lastPurchase}T00:00:00Z`);
  counted.setUTCDate(counted.getUTCDate() + days);
  const upTo = counted.toISOString().slice(0, 10);
  return `${formatNumber(days, 0)} ${days === 1 ? "day" : "days"} before ${upTo}`;
}

// The last day of a quarter named "YYYY-Qn", as an ISO date.
function quarterEnd(name) {
  const year = Number(name.slice(0, 4));
  const quarter = Number(name.slice(6));
  return new Date(Date.UTC(year, quarter * 3, 0)).toISOString().slice(0, 10);
}

// A quarter that ends after the day the app's sales are known to (salesKnownTo: the end of the
// period a sales file's title states, else the app's latest sale on record, or today for an
// account key, which sees only its own dates) is not over in the data: its orders and revenue
// are so far, not the quarter's (the segments compare it with whole quarters). A file titled
// `1-Apr-24 to 30-Jun-24` makes 2024-Q2 whole, though its last sale was on 3 June.
function partialMark(quarter, asOf) {
  if (!asOf || quarterEnd(quarter.quarter) <= asOf) {
    return null;
  }
  return h(
    "span",
    { class: "badge partial", title: `The quarter had not ended on ${asOf}: its figures are partial.` },
    `so far: to ${asOf}`
  );
}

function rfmSection(profile) {
  const asOf = profile ? profile.salesKnownTo : null;
  const title = h("h3", {}, "Quarterly RFM story");
  if (!profile) {
    return h("section", { class: "panel", id: "rfm" }, title, h("p", { class: "placeholder" }, "No sales ingested for this customer."));
  }
  return h(
    "section",
    { class: "panel", id: "rfm" },
    title,
    h(
      "p",
      { class: "facts" },
      h("span", {}, "First purchase ", h("strong", { id: "first-purchase" }, profile.firstPurchase)),
      h("span", {}, "Last purchase ", h("strong", { id: "last-purchase" }, profile.lastPurchase)),
      h("span", { id: "days-since-purchase", title: RECENCY_NOTE }, recencyText(profile)),
      profile.isRecent ? h("span", { class: "badge recent" }, "Recent") : h("span", { class: "badge" }, "Not recent")
    ),
    h(
      "ol",
      { class: "timeline" },
      profile.quarters.map((quarter) =>
        h(
          "li",
          { class: "quarter", "data-quarter": quarter.quarter },
          h("span", { class: "quarter-name" }, quarter.quarter, partialMark(quarter, asOf)),
          ...quarterSegments(quarter),
          h(
            "span",
            { class: "muted small" },
            `${formatNumber(quarter.orders, 0)} ${quarter.orders === 1 ? "order" : "orders"} · `,
            h("span", { class: "revenue", "data-revenue": quarter.revenue, title: AMOUNTS_NOTE }, formatAmount(quarter.revenue))
          )
        )
      )
    ),
    h("p", { class: "muted small amounts-note" }, "Revenue per quarter as in the sales files, which name no currency.")
  );
}

function creditSection(risk) {
  const title = h("h3", {}, "Credit risk");
  if (!risk) {
    return h("section", { class: "panel", id: "credit" }, title, h("p", { class: "placeholder" }, "No ledger entries ingested for this customer."));
  }
  return h(
    "section",
    { class: "panel", id: "credit" },
    title,
    h(
      "div",
      { class: "credit-body" },
      h(
        "div",
        { class: "score-block" },
        h(
      "div",
      { class: "score" },
      h("strong", { class: "score-value", "data-score": risk.score }, String(risk.score)),
      h("span", { class: "muted" }, " / 100 "),
      h("span", { class: `chip credit-${risk.segment.toLowerCase()}`, "data-segment": risk.segment }, CREDIT_LABELS[risk.segment])
    ),
    h("div", { class: "gauge", role: "img", "aria-label": `score ${risk.score} of 100` }, h("span", { class: "gauge-fill", style: `width: ${risk.score}%` })),
        h("p", { class: "muted small" }, "The score is 100 less weighted penalties for the overdue share (0.4), the days late (0.3) and the days sales outstanding (0.3).")
      ),
    h(
      "dl",
      { class: "measures" },
      h("dt", {}, "Overdue share"),
      h("dd", { "data-measure": "overdueShare" }, formatShare(risk.overdueShare)),
      h("dt", {}, "Average days late"),
      h("dd", { "data-measure": "averageDaysLate" }, risk.averageDaysLate === null ? "–" : `${formatNumber(risk.averageDaysLate)} days`),
      h("dt", {}, "Days sales outstanding"),
      h("dd", { "data-measure": "daysSalesOutstanding" }, risk.daysSalesOutstanding === null ? "–" : `${formatNumber(risk.daysSalesOutstanding)} days`),
      h("dt", { title: "Invoiced in the DSO's period: the year up to the as-of date, from the first invoice if later" }, "Invoiced in the DSO period"),
      h("dd", { "data-measure": "invoiced", "data-value": risk.invoiced, title: AMOUNTS_NOTE }, formatAmount(risk.invoiced)),
      h("dt", {}, "Outstanding"),
      h("dd", { "data-measure": "outstanding", "data-value": risk.outstanding, title: AMOUNTS_NOTE }, formatAmount(risk.outstanding)),
      h("dt", {}, "As of"),
      // The rule on its own line inside the day's cell: a third cell would fall into the
      // names' column of the two-column list and widen it past a phone's width.
      h(
        "dd",
        { "data-measure": "asOf" },
        risk.asOf,
        h("span", { class: "muted small as-of-rule", "data-as-of-rule": risk.asOfRule }, AS_OF_RULES[risk.asOfRule] || "")
      )
    )
    ),
    h("p", { class: "muted small amounts-note" }, "Invoiced and outstanding as in the ledger files, which name no currency.")
  );
}
