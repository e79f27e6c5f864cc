// The dashboard page (templates/dashboard.html): the API key, the pickers, and which view shows.

import { ApiError, graphql, storedKey, storeKey } from "./api.js";
import { showBenchmarks } from "./benchmarks-view.js";
import { showCustomer } from "./customer-view.js";
import { clear, h } from "./dom.js";
import { formatNumber, idBesideName } from "./format.js";
import { setUpLocalePicker } from "./locale-picker.js";
import { quartersBetween, recentQuarters, showQuarter } from "./quarter-view.js";

const LIST_SIZE = 25;
const SEARCH_DELAY = 200; // ms after the last keystroke

const element = (id) => document.getElementById(id);
const errorLineElement = element("error-line");
const controls = element("controls");
const appSelect = element("app-select");
const search = element("customer-search");
const list = element("customer-list");
const quarterControl = element("quarter-control");
const quarterSelect = element("quarter-select");
const views = {
  customer: element("customer-view"),
  quarter: element("quarter-view"),
  benchmarks: element("benchmarks-view"),
};
const tabs = { customer: element("tab-customer"), quarter: element("tab-quarter") };
setUpLocalePicker(element("locale-select"));

const state = {
  definitions: new Map(),
  known: new Map(),
  apps: [], // the ids of the apps this key sees, in the API's order
  sales: new Map(), // app id -> { firstSale, lastSale } of the accounts this key sees
  quarterAccess: false, // whether this key may read its apps' segmentation
  account: null,
  view: "customer",
  generation: 0,
};

function showError(message) {
  errorLineElement.textContent = message;
  errorLineElement.hidden = !message;
}

// A `showError` for work started under `generation` (one key's start): an answer that arrives
// after the key changed (the page's first, keyless request answering late) says nothing.
function errorsOf(generation) {
  return (message) => {
    if (generation === state.generation) {
      showError(message);
    }
  };
}

// ---- The API key -----------------------------------------------------------------------------

const keyForm = element("api-key-form");
const keyInput = element("api-key");
const keyForget = element("api-key-forget");
const keyStatus = element("api-key-status");
// Unless the server runs with --no-auth, a request without a key only earns a 401 (which the
// browser logs as an error): none is sent, and the page says to set a key.
const keysRequired = document.body.dataset.keysRequired !== "false";
if (keysRequired) {
  keyInput.placeholder = "paste a key";
}
const NO_KEY_LINE =
  "UNAUTHENTICATED: set an API key above: this server answers only requests that carry one.";

function describeKey(refused = false) {
  const key = storedKey();
  keyStatus.textContent = !key
    ? keysRequired
      ? "No key set: set one to see the data."
      : "No key set: requests are sent without one."
    : refused
      ? "The key set for this tab was refused: set another."
      : "A key is set for this tab.";
  keyStatus.dataset.refused = String(refused);
  keyForget.disabled = !key;
}

keyForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const key = keyInput.value.trim();
  keyInput.value = "";
  if (key) {
    storeKey(key);
    start();
  }
});

keyForget.addEventListener("click", () => {
  storeKey("");
  start();
});

// ---- Start: what this key sees ---------------------------------------------------------------

const START = `query DashboardStart {
  metricDefinitions { name unit currency higherIsBetter }
  apps { appId accountCount firstSale lastSale }
}`;

async function start() {
  const generation = ++state.generation;
  describeKey();
  showError("");
  state.known.clear();
  state.apps = [];
  state.sales.clear();
  state.account = null;
  allowQuarters(false, "unknown");
  clear(appSelect);
  delete appSelect.dataset.loaded;
  clear(list);
  clear(quarterSelect);
  search.value = "";
  controls.hidden = true;
  for (const view of Object.values(views)) {
    view.hidden = true;
    view.dataset.state = "empty";
    clear(view);
  }
  if (keysRequired && !storedKey()) {
    showError(NO_KEY_LINE);
    views.customer.hidden = false;
    clear(views.customer, h("p", { class: "placeholder" }, "Nothing to show: set an API key above."));
    return;
  }
  let answer;
  try {
    answer = await graphql(START);
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    if (generation !== state.generation) {
      return;
    }
    describeKey(error.codes.includes("UNAUTHENTICATED"));
    showError(error.message);
    views.customer.hidden = false;
    clear(views.customer, h("p", { class: "placeholder" }, "Nothing to show: set an API key above."));
    return;
  }
  if (generation !== state.generation) {
    return;
  }
  state.definitions = new Map(answer.data.metricDefinitions.map((definition) => [definition.name, definition]));
  const apps = answer.data.apps;
  if (apps.every((app) => app.accountCount === 0)) {
    // A public key sees no app (and no account): the sector benchmarks are what it may read.
    // The API has told it reads no app's quarters.
    allowQuarters(false, "noApp");
    views.benchmarks.hidden = false;
    await showBenchmarks(views.benchmarks, { definitions: state.definitions, showError: errorsOf(generation) });
    return;
  }
  showApps(apps);
  findQuarterAccess(apps, generation);
  controls.hidden = false;
  selectView("customer");
  clear(views.customer, h("p", { class: "placeholder" }, "Choose a customer."));
  const listed = await refreshList();
  if (listed && listed.totalCount === 1 && generation === state.generation) {
    // An account key: its own account is all there is.
    openCustomer(listed.edges[0].node.accountId);
  }
}

// ---- Apps and customers ----------------------------------------------------------------------

// The apps this key sees, from the start's `apps`: the picker lists them with the accounts the
// key sees in each; a single app is chosen outright.
function showApps(apps) {
  state.apps = apps.map((app) => app.appId);
  for (const app of apps) {
    state.sales.set(app.appId, { firstSale: app.firstSale, lastSale: app.lastSale });
  }
  const options = apps.map((app) =>
    h("option", { value: app.appId }, `${app.appId} (${formatNumber(app.accountCount, 0)} ${app.accountCount === 1 ? "account" : "accounts"})`)
  );
  clear(appSelect, apps.length > 1 ? h("option", { value: "" }, "every app") : null, options);
  appSelect.value = apps.length > 1 ? "" : apps[0].appId;
  appSelect.dataset.loaded = "true";
}

// App quarters (`segmentation`) are for internal keys and an app's own key. A key that sees more
// than one app, or more than one account, is one of those, and is not asked. A key that sees one
// account of one app may be an account key, or the key of an app with one account: nothing
// else tells them apart, so the API's answer for that app does (NOT_FOUND, saying that segments
// need the app's key, for an account key), asked once with the lightest selection before the
// tab is offered; the tab's title then says the same.
const QUARTER_ACCESS = `query DashboardQuarterAccess($app: String!, $quarter: String!) {
  segmentation(app: $app, quarter: $quarter) { app }
}`;

async function findQuarterAccess(apps, generation) {
  if (apps.length > 1 || apps[0].accountCount > 1) {
    allowQuarters(true);
    return;
  }
  let allowed;
  try {
    await graphql(QUARTER_ACCESS, { app: apps[0].appId, quarter: recentQuarters()[0] });
    allowed = true;
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    if (!error.codes.includes("NOT_FOUND")) {
      return; // not told (a network failure, a rate limit): the tab stays off, no verdict
    }
    allowed = false;
  }
  if (generation === state.generation) {
    allowQuarters(allowed);
  }
}

// Why the tab is off, by what the API has told of the key: its title says the one that holds.
const QUARTERS_OFF = {
  unknown: "App quarters are offered once the API tells whether this key may read them.",
  oneAccount: "Segments of the whole app need an internal key or the app's own key: this key sees one account.",
  noApp: "Segments of an app need an internal key or the app's own key: this key sees no app, only the sector benchmarks.",
};

// `why`: when not allowed, the key of QUARTERS_OFF that says why ("unknown" while the API has not
// told); the tab's data-access says "allowed", "refused", or "unknown".
function allowQuarters(allowed, why = "oneAccount") {
  state.quarterAccess = allowed;
  tabs.quarter.dataset.access = allowed ? "allowed" : why === "unknown" ? "unknown" : "refused";
  tabs.quarter.disabled = !allowed;
  tabs.quarter.title = allowed ? "" : QUARTERS_OFF[why];
  if (!allowed && state.view === "quarter") {
    selectView("customer");
  }
}

const LIST_QUERY = `query DashboardCustomers($search: String, $app: String) {
  accounts(search: $search, app: $app, first: ${LIST_SIZE}) {
    totalCount
    edges { node { accountId name app industry { industryId } salesProfile { isRecent } } }
  }
}`;

let listRequest = 0;

async function refreshList() {
  const request = ++listRequest;
  const report = errorsOf(state.generation);
  list.dataset.state = "loading";
  let answer;
  try {
    answer = await graphql(LIST_QUERY, { search: search.value.trim() || null, app: appSelect.value || null });
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    if (request === listRequest) {
      report(error.message);
    }
    return null;
  }
  if (request !== listRequest) {
    return null;
  }
  const accounts = answer.data.accounts;
  const items = accounts.edges.map(({ node }) => {
    state.known.set(node.accountId, node);
    const recent = node.salesProfile && node.salesProfile.isRecent;
    return h(
      "li",
      { role: "option", "data-account": node.accountId, "aria-selected": node.accountId === state.account ? "true" : "false" },
      h(
        "button",
        { type: "button" },
        h("span", { class: "name" }, node.name),
        h("span", { class: "muted" }, ` ${[idBesideName(node), node.app].filter(Boolean).join(" · ")}`),
        recent ? h("span", { class: "badge recent", title: "Purchased within the last quarter" }, "recent") : null
      )
    );
  });
  const more = accounts.totalCount - accounts.edges.length;
  clear(list, items, more > 0 ? h("li", { class: "muted more" }, `and ${more} more: refine the search`) : null);
  if (!items.length) {
    clear(list, h("li", { class: "muted more" }, "No customer matches."));
  }
  list.dataset.state = "ready";
  return accounts;
}

let searchTimer = null;
search.addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(refreshList, SEARCH_DELAY);
});
appSelect.addEventListener("change", () => {
  refreshList();
  if (state.view === "quarter") {
    openQuarter();
  }
});
list.addEventListener("click", (event) => {
  const item = event.target.closest("li[data-account]");
  if (item) {
    openCustomer(item.dataset.account);
  }
});

// ---- Views -----------------------------------------------------------------------------------

function selectView(name) {
  state.view = name;
  for (const [view, tab] of Object.entries(tabs)) {
    tab.setAttribute("aria-selected", String(view === name));
    views[view].hidden = view !== name;
  }
  quarterControl.hidden = name !== "quarter";
}

function openCustomer(accountId) {
  state.account = accountId;
  for (const item of list.querySelectorAll("li[data-account]")) {
    item.setAttribute("aria-selected", String(item.dataset.account === accountId));
  }
  selectView("customer");
  showError("");
  return showCustomer(views.customer, {
    accountId,
    known: state.known.get(accountId),
    definitions: state.definitions,
    showError: errorsOf(state.generation),
  });
}

function chosenApp() {
  if (appSelect.value) {
    return appSelect.value;
  }
  const account = state.account && state.known.get(state.account);
  return account ? account.app : state.apps[0];
}

// The quarters offered are the app's own calendar, from its first sale to its last (as the API
// tells for the accounts this key sees), newest first, whatever the browser's clock says. The
// quarter chosen stays when the app changes and has it; otherwise the one before the last sale's,
// the last complete quarter, is chosen first. False when the app has no sales.
function offerQuarters(app) {
  const sales = state.sales.get(app);
  const quarters = sales && sales.lastSale ? quartersBetween(sales.firstSale, sales.lastSale) : [];
  const chosen = quarterSelect.value;
  clear(quarterSelect, quarters.map((quarter) => h("option", { value: quarter }, quarter)));
  if (quarters.length) {
    quarterSelect.value = quarters.includes(chosen) ? chosen : quarters[Math.min(1, quarters.length - 1)];
  }
  return quarters.length > 0;
}

function openQuarter() {
  if (!state.quarterAccess) {
    return null;
  }
  selectView("quarter");
  showError("");
  const app = chosenApp();
  if (!app) {
    clear(views.quarter, h("p", { class: "placeholder" }, "Choose an app."));
    return null;
  }
  if (!offerQuarters(app)) {
    views.quarter.dataset.state = "empty";
    views.quarter.dataset.app = app;
    clear(
      views.quarter,
      h("p", { class: "placeholder" }, `No sales of ${app} yet: its quarters appear once a sales export is loaded and the segment job has run.`)
    );
    return null;
  }
  return showQuarter(views.quarter, { app, quarter: quarterSelect.value, showError: errorsOf(state.generation) });
}

tabs.customer.addEventListener("click", () => {
  selectView("customer");
});
tabs.quarter.addEventListener("click", openQuarter);
quarterSelect.addEventListener("change", openQuarter);

start();
