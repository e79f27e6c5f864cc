// One app in one quarter, from one GraphQL request (`segmentation`): accounts per segment, the
// moves between segments since the previous quarter, who entered and who lapsed, and the
// value x credit-risk matrix.

import { ApiError, errorLine, graphql } from "./api.js";
import { clear, h } from "./dom.js";
import { CREDIT_LABELS, CREDIT_SEGMENTS, SEGMENTS, SEGMENT_LABELS, formatNumber, idBesideName } from "./format.js";

const COUNT = "segment accounts";
const MEMBER = "segment account { accountId name }";
const FLOWS = `{
      accounts previousAccounts
      counts { ${COUNT} } previousCounts { ${COUNT} }
      transitions { from to accounts }
      entered { ${COUNT} } lapsed { ${COUNT} }
      enteredAccounts { ${MEMBER} } lapsedAccounts { ${MEMBER} }
    }`;

export const SEGMENTATION_QUERY = `query DashboardQuarter($app: String!, $quarter: String!) {
  segmentation(app: $app, quarter: $quarter) {
    app quarter previousQuarter status
    frequency ${FLOWS}
    monetary ${FLOWS}
    valueByCreditRisk { monetarySegment creditSegment accounts }
    accountsWithoutCreditRisk creditRiskAsOf
  }
}`;

// The last `count` calendar quarters up to today's, newest first ('2026-Q4', ...).
export function recentQuarters(today = new Date(), count = 12) {
  let year = today.getUTCFullYear();
  let quarter = Math.floor(today.getUTCMonth() / 3) + 1;
  const quarters = [];
  for (let index = 0; index < count; index += 1) {
    quarters.push(`${year}-Q${quarter}`);
    quarter -= 1;
    if (quarter === 0) {
      quarter = 4;
      year -= 1;
    }
  }
  return quarters;
}

// The quarters from the one of `first` to the one of `last` (ISO dates), newest first.
export function quartersBetween(first, last) {
  const index = (date) => Number(date.slice(0, 4)) * 4 + Math.floor((Number(date.slice(5, 7)) - 1) / 3);
  const quarters = [];
  for (let at = index(last); at >= index(first); at -= 1) {
    quarters.push(`${Math.floor(at / 4)}-Q${(at % 4) + 1}`);
  }
  return quarters;
}

let latestCall = 0;

export async function showQuarter(container, { app, quarter, showError }) {
  // A quarter or app chosen while another loads wins: the older answer is dropped.
  const call = ++latestCall;
  container.dataset.state = "loading";
  container.setAttribute("aria-busy", "true");
  let answer;
  try {
    answer = await graphql(SEGMENTATION_QUERY, { app, quarter });
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    if (call !== latestCall) {
      return;
    }
    container.dataset.state = "error";
    container.removeAttribute("aria-busy");
    clear(container, h("p", { class: "placeholder" }, `No segmentation of ${app} in ${quarter}.`));
    showError(error.message);
    return;
  }
  if (call !== latestCall) {
    return;
  }
  if (answer.errors.length) {
    showError(errorLine(answer.errors));
  }
  const answered = answer.data.segmentation;
  // 0001-Q1 has no quarter before it: the API answers null, the page names none.
  const segmentation = { ...answered, previousQuarter: answered.previousQuarter ?? "no earlier quarter" };
  clear(
    container,
    h(
      "header",
      { class: "customer-header" },
      h("h2", {}, `${segmentation.app} in ${segmentation.quarter}`),
      h("p", { class: "facts" }, `Against ${segmentation.previousQuarter}. Segments rank each account's orders (frequency) and monetary value among the app's accounts of the quarter.`),
      statusNote(segmentation)
    ),
    h("div", { class: "columns" }, flowsPanel("frequency", "Orders (frequency)", segmentation), flowsPanel("monetary", "Monetary value", segmentation)),
    creditMatrix(segmentation)
  );
  container.dataset.quarter = segmentation.quarter;
  container.dataset.status = segmentation.status;
  container.dataset.app = segmentation.app;
  container.dataset.state = "ready";
  container.removeAttribute("aria-busy");
}

// Why a quarter counts no account, in words: the API tells a quarter without sales from one
// whose sales the segment job has not segmented yet.
function statusNote(segmentation) {
  const { app, quarter, previousQuarter, status } = segmentation;
  if (status === "NO_SALES") {
    return h(
      "p",
      { class: "status-note", id: "quarter-status", role: "note", "data-status": status },
      `No sales of ${app} in ${quarter}: no account to segment. The ${previousQuarter} columns and the lapsed accounts still count that quarter.`
    );
  }
  if (status === "NOT_SEGMENTED") {
    return h(
      "p",
      { class: "status-note", id: "quarter-status", role: "note", "data-status": status },
      `Sales of ${app} in ${quarter} are loaded but not segmented yet: the counts of ${quarter} are 0 until the segment job runs (profiling segment --app ${app}).`
    );
  }
  return null;
}

function bySegment(counts) {
  return new Map(counts.map((count) => [count.segment, count.accounts]));
}

function flowsPanel(measure, title, segmentation) {
  const flows = segmentation[measure];
  const now = bySegment(flows.counts);
  const before = bySegment(flows.previousCounts);
  const entered = bySegment(flows.entered);
  const lapsed = bySegment(flows.lapsed);
  const largest = Math.max(1, ...now.values(), ...before.values());
  return h(
    "section",
    { class: "panel", id: `${measure}-flows`, "data-measure": measure },
    h("h3", {}, title, " ", h("span", { class: "muted" }, `${formatNumber(flows.accounts, 0)} accounts, ${formatNumber(flows.previousAccounts, 0)} before`)),
    h(
      "table",
      { class: "segment-counts" },
      h("thead", {}, h("tr", {}, h("th", {}, "Segment"), h("th", {}, segmentation.quarter), h("th", {}, segmentation.previousQuarter), h("th", {}, "Entered"), h("th", {}, "Lapsed"))),
      h(
        "tbody",
        {},
        SEGMENTS.map((segment) =>
          h(
            "tr",
            { "data-segment": segment },
            h("th", {}, h("span", { class: `dot segment-${segment.toLowerCase()}` }), SEGMENT_LABELS[segment]),
            h("td", { class: "count", "data-count": "now" }, bar(now.get(segment) || 0, largest), formatNumber(now.get(segment) || 0, 0)),
            h("td", { class: "count", "data-count": "before" }, formatNumber(before.get(segment) || 0, 0)),
            h("td", { class: "count", "data-count": "entered" }, signed("+", entered.get(segment) || 0)),
            h("td", { class: "count", "data-count": "lapsed" }, signed("−", lapsed.get(segment) || 0))
          )
        )
      )
    ),
    movesOrWhyNone(flows, segmentation),
    members("Entered", flows.enteredAccounts, "entered"),
    members("Lapsed", flows.lapsedAccounts, "lapsed")
  );
}

// No account bought in the previous quarter (the app's first quarter of sales): a matrix of
// moves would be all zeros, so one sentence says why there are none.
function movesOrWhyNone(flows, segmentation) {
  if (flows.previousAccounts > 0) return transitionMatrix(flows.transitions, segmentation);
  return h(
    "p",
    { class: "facts no-moves" },
    `No account bought in ${segmentation.previousQuarter}: every account of ${segmentation.quarter} entered, so no account moved between segments.`
  );
}

// Accounts gained (+) or lost (−); none is a plain 0, which has no sign.
function signed(sign, accounts) {
  return accounts ? `${sign}${formatNumber(accounts, 0)}` : "0";
}

function bar(value, largest) {
  return h("span", { class: "count-bar", style: `width: ${((value / largest) * 4).toFixed(2)}rem` });
}

// From (rows, the previous quarter) to (columns, this quarter); the diagonal stayed.
function transitionMatrix(transitions, segmentation) {
  const cell = new Map(transitions.map((move) => [`${move.from} ${move.to}`, move.accounts]));
  const largest = Math.max(1, ...transitions.map((move) => move.accounts));
  return h(
    "table",
    { class: "matrix transitions", "aria-label": "moves between segments" },
    h("caption", {}, `Moves between segments: ${segmentation.previousQuarter} (rows) to ${segmentation.quarter} (columns)`),
    h("thead", {}, h("tr", {}, h("th", {}, ""), SEGMENTS.map((segment) => h("th", { scope: "col" }, SEGMENT_LABELS[segment])))),
    h(
      "tbody",
      {},
      SEGMENTS.map((from) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, SEGMENT_LABELS[from]),
          SEGMENTS.map((to) => {
            const accounts = cell.get(`${from} ${to}`) || 0;
            return h(
              "td",
              { class: from === to ? "stayed" : null, "data-from": from, "data-to": to, "data-accounts": accounts, style: heat(accounts, largest) },
              formatNumber(accounts, 0)
            );
          })
        )
      )
    )
  );
}

function heat(value, largest) {
  const strength = value ? 0.12 + 0.6 * (value / largest) : 0;
  return `background: rgba(176, 35, 78, ${strength.toFixed(2)})`;
}

function members(title, list, kind) {
  return h(
    "details",
    // Short lists open, long ones a click away.
    { class: "members", "data-kind": kind, open: list.length > 0 && list.length <= 8 },
    h("summary", {}, `${title}: ${formatNumber(list.length, 0)} accounts`),
    h(
      "ul",
      {},
      list.map((member) =>
        h(
          "li",
          { "data-account": member.account.accountId, "data-segment": member.segment },
          h("span", { class: `dot segment-${member.segment.toLowerCase()}` }),
          `${member.account.name} `,
          h("span", { class: "muted" }, [idBesideName(member.account), SEGMENT_LABELS[member.segment]].filter(Boolean).join(", "))
        )
      )
    )
  );
}

function creditMatrix(segmentation) {
  const cells = segmentation.valueByCreditRisk;
  const cell = new Map(cells.map((entry) => [`${entry.monetarySegment} ${entry.creditSegment}`, entry.accounts]));
  const largest = Math.max(1, ...cells.map((entry) => entry.accounts));
  return h(
    "section",
    { class: "panel", id: "value-credit" },
    h(
      "h3",
      {},
      "Monetary value × credit risk ",
      h(
        "span",
        { class: "muted" },
        segmentation.creditRiskAsOf ? `credit risk as of ${segmentation.creditRiskAsOf}` : "no ledger entries"
      )
    ),
    h(
      "table",
      { class: "matrix value-credit" },
      h("caption", {}, "Accounts with orders in the quarter: monetary segment (rows) by credit segment (columns)"),
      h("thead", {}, h("tr", {}, h("th", {}, ""), CREDIT_SEGMENTS.map((segment) => h("th", { scope: "col" }, CREDIT_LABELS[segment])))),
      h(
        "tbody",
        {},
        SEGMENTS.map((monetary) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, SEGMENT_LABELS[monetary]),
            CREDIT_SEGMENTS.map((credit) => {
              const accounts = cell.get(`${monetary} ${credit}`) || 0;
              return h("td", { "data-monetary": monetary, "data-credit": credit, "data-accounts": accounts, style: heat(accounts, largest) }, formatNumber(accounts, 0));
            })
          )
        )
      )
    ),
    h(
      "p",
      { class: "muted small", id: "without-credit-risk", "data-accounts": segmentation.accountsWithoutCreditRisk },
      `${formatNumber(segmentation.accountsWithoutCreditRisk, 0)} accounts with orders have no credit risk (no ledger entry): not in the matrix.`
    )
  );
}
