// How the page writes numbers. Its words are English; its numbers are grouped and marked in
// the reader's locale (LOCALE), as the API's formattedValue is when the page asks in it: an
// Indian reader sees 12,34,567.00 (lakh and crore), a Swiss one 1’234’567.00.

// The page's locale: the `locale` of its address when given (the chooser in its bar sets it),
// else the browser's preferred language (navigator.languages, what the reader set), else en.
// Only a locale the browser can format numbers in is taken: anything else falls to the next.
// Neither the book nor its currency tells: sales and ledger files name no currency, and an
// Indian book is read as often from a browser set to en-GB as to en-IN.
export const LOCALE_PARAMETER = "locale";
export const LOCALE = pageLocale(
  new URLSearchParams(window.location.search).get(LOCALE_PARAMETER),
  navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language]
);
// Whether the address chose the locale (else the browser did).
export const LOCALE_CHOSEN = LOCALE === canonical(new URLSearchParams(window.location.search).get(LOCALE_PARAMETER));

export function pageLocale(asked, preferred) {
  for (const candidate of [asked, ...preferred]) {
    const locale = canonical(candidate);
    if (locale) {
      return locale;
    }
  }
  return "en";
}

// A locale's canonical BCP 47 tag ("en_in" → "en-IN") if the browser formats numbers in it,
// else null; without its extensions (`-u-nu-arab`), which the API (Babel) refuses. The API takes
// the same tags (`en-IN` and `en_IN` alike).
function canonical(text) {
  if (!text) {
    return null;
  }
  try {
    const locale = new Intl.Locale(text.trim().replace(/_/g, "-")).baseName;
    return Intl.NumberFormat.supportedLocalesOf([locale]).length ? locale : null;
  } catch {
    return null; // RangeError: not a locale tag
  }
}

// Numbers the API gives without a formattedValue (benchmark percentiles, credit measures),
// written in their metric's unit the way the API writes formattedValue: its English unit
// words, the locale's grouping and decimal mark.

const SHORT_UNITS = { minutes: "min", hours: "h", days: " days", percent: "%" };

export function formatInUnit(value, definition) {
  if (value === null || value === undefined) {
    return "–";
  }
  if (definition && definition.currency) {
    const large = Math.abs(value) >= 1000;
    return new Intl.NumberFormat(LOCALE, {
      style: "currency",
      currency: definition.currency,
      maximumFractionDigits: large ? 0 : 2,
    }).format(value);
  }
  const unit = definition ? definition.unit : "";
  if (unit === "minutes" || unit === "hours") {
    return duration(unit === "hours" ? value * 60 : value);
  }
  if (unit === "ratio") {
    // A share of one, read as the percentage it is (0.574 → 57.4%), as the API writes it.
    return formatNumber(value * 100, 1) + "%";
  }
  const digits = unit === "count" && Number.isInteger(value) ? 0 : 1;
  const number = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: digits }).format(value);
  return number + (SHORT_UNITS[unit] || "");
}

// As the API writes durations, in their two largest units, each whole: 2941 minutes → '49h
// 1min', 44.8 hours → '44h 48min', 35.4 minutes → '35min 24s', 0.4 minutes → '24s'.
function duration(totalMinutes) {
  const sign = totalMinutes < 0 ? "-" : "";
  const seconds = Math.round(Math.abs(totalMinutes) * 60);
  if (seconds === 0) {
    return "0min";
  }
  if (seconds < 60) {
    return `${sign}${seconds}s`;
  }
  if (seconds < 3600) {
    const second = seconds % 60;
    const minute = (seconds - second) / 60;
    return second ? `${sign}${minute}min ${second}s` : `${sign}${minute}min`;
  }
  const rounded = Math.round(Math.abs(totalMinutes));
  const hours = Math.floor(rounded / 60);
  const minutes = rounded % 60;
  if (!hours) {
    return `${sign}${minutes}min`;
  }
  const grouped = new Intl.NumberFormat(LOCALE).format(hours);
  return minutes ? `${sign}${grouped}h ${minutes}min` : `${sign}${grouped}h`;
}

// The labels of one metric's months, at one precision: the API writes a whole amount without
// its cents (€6,396) and another with them (€5,423.50), which side by side in one chart read as
// two precisions. When some month of a currency series has cents, its whole amounts show them
// too (€6,396.00); any other series keeps the API's formattedValue as it is.
// rows: [{ value (decimal string), currency, formattedValue }].
export function seriesLabels(rows) {
  const currency = rows.length ? rows[0].currency : null;
  const whole = rows.map((row) => !/\.\d*[1-9]/.test(row.value));
  if (!currency || whole.every(Boolean) || !whole.some(Boolean)) {
    return rows.map((row) => row.formattedValue);
  }
  const digits = new Intl.NumberFormat(LOCALE, { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
  const withCents = new Intl.NumberFormat(LOCALE, {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return rows.map((row, index) => (whole[index] ? withCents.format(Number(row.value)) : row.formattedValue));
}

export function formatNumber(value, digits = 1) {
  if (value === null || value === undefined) {
    return "–";
  }
  return new Intl.NumberFormat(LOCALE, { maximumFractionDigits: digits }).format(value);
}

export function formatShare(share) {
  return share === null || share === undefined ? "–" : `${formatNumber(share * 100, 1)}%`;
}

// Amounts of sales and ledgers (quarterly revenue, invoiced, outstanding) come without a
// currency: the files they are ingested from name none, so the API has none to give. They are
// written as plain numbers grouped in the page's locale, with cents, never with a guessed symbol.
export function formatAmount(decimal) {
  return new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Number(decimal));
}

export const AMOUNTS_NOTE = "Amounts as in the sales and ledger files, which name no currency.";

// Months in English, as every other word of the page.
export function formatMonth(isoDate) {
  const [year, month] = isoDate.split("-");
  return new Date(Date.UTC(Number(year), Number(month) - 1, 1)).toLocaleDateString("en", {
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

export const SEGMENT_LABELS = {
  HIGH_VALUE: "High value",
  AVERAGE: "Average",
  BELOW_AVERAGE: "Below average",
  LOW_VALUE: "Low value",
};
export const SEGMENTS = ["HIGH_VALUE", "AVERAGE", "BELOW_AVERAGE", "LOW_VALUE"];
export const CREDIT_LABELS = { LOW_RISK: "Low risk", MEDIUM_RISK: "Medium risk", HIGH_RISK: "High risk" };
export const CREDIT_SEGMENTS = ["LOW_RISK", "MEDIUM_RISK", "HIGH_RISK"];

// An account's id beside its name, unless they are the same: a customer created from an
// accounting export is named and identified by the party's name ("Gupta Traders").
export function idBesideName(account) {
  return account.accountId === account.name ? "" : account.accountId;
}
