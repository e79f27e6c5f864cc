// The dashboard's only source of data: POST /graphql, as any frontend app would send it, with
// the API key of this tab. The key lives in sessionStorage under the same name as on the
// GraphiQL page, so one key serves both pages of a tab and dies with it.

const STORAGE_KEY = "customer-profiling.api-key";
// The page is /dashboard beside /graphql, also under a path prefix.
const ENDPOINT = new URL("graphql", document.baseURI).pathname;

export function storedKey() {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY) || "";
  } catch {
    return "";
  }
}

export function storeKey(key) {
  try {
    if (key) {
      window.sessionStorage.setItem(STORAGE_KEY, key);
    } else {
      window.sessionStorage.removeItem(STORAGE_KEY);
    }
  } catch {
    // Storage refused (a private window's policy): the key lasts as long as the page.
  }
}

// A request that produced no data at all: its message is one line for the page, its `codes`
// the errors' extensions.code (NOT_FOUND, UNAUTHENTICATED, ...), none for a transport failure.
export class ApiError extends Error {
  constructor(message, codes = []) {
    super(message);
    this.codes = codes;
  }
}

// The answer's errors, by what they refuse: { refused: COHORT_TOO_SMALL, internalOnly:
// INTERNAL_ONLY (a metric published without bounds: no private release for this key),
// unranked: RELEASE_BOUNDS_UNKNOWN (sector figures given, no percentile read off them),
// others: every other error }. Refusals are a state of the page, not a failure.
const STATES = { COHORT_TOO_SMALL: "refused", INTERNAL_ONLY: "internalOnly", RELEASE_BOUNDS_UNKNOWN: "unranked" };

export function sortErrors(errors) {
  const sorted = { refused: [], internalOnly: [], unranked: [], others: [] };
  for (const error of errors || []) {
    const code = error.extensions && error.extensions.code;
    sorted[STATES[code] || "others"].push(error);
  }
  return sorted;
}

// One readable line for a list of GraphQL errors (the first, and how many more).
export function errorLine(errors) {
  const first = errors[0];
  const code = first.extensions && first.extensions.code ? `${first.extensions.code}: ` : "";
  const where = first.path ? ` (at ${first.path.join(".")})` : "";
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  return `${code}${first.message}${where}${more}`.replace(/\s+/g, " ");
}

// Sends one query with this tab's key; answers { data, errors }. Throws ApiError with one
// line when there is no data: HTTP refusals (401, 413, 429), network failures, and answers
// whose data is null.
export async function graphql(query, variables = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const key = storedKey();
  if (key) {
    headers.Authorization = `Bearer ${key}`;
  }
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
      credentials: "same-origin",
    });
  } catch (error) {
    throw new ApiError(`The server did not answer: ${error.message}`);
  }
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(`HTTP ${response.status}: ${text.slice(0, 200)}`.replace(/\s+/g, " "));
  }
  if (!body.data) {
    const errors = body.errors && body.errors.length ? body.errors : [{ message: `HTTP ${response.status}` }];
    throw new ApiError(
      errorLine(errors),
      errors.map((error) => error.extensions && error.extensions.code).filter(Boolean)
    );
  }
  return { data: body.data, errors: body.errors || [] };
}
