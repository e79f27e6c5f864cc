// The chooser of how the page writes numbers (format.js's LOCALE): the browser's language, or
// one of a few locales, each shown with a sample so that the grouping itself is what one picks
// (en-IN "12,34,567.89", de-CH "1’234’567.89"). A choice goes into the address as `?locale=`,
// so that a link keeps it; the page then loads again, its numbers and the API's in that locale.

import { h } from "./dom.js";
import { LOCALE, LOCALE_CHOSEN, LOCALE_PARAMETER } from "./format.js";

const CHOICES = ["en", "en-GB", "en-IN", "hi-IN", "de-DE", "de-CH", "fr-FR", "es-ES", "pt-BR", "ja-JP"];
const SAMPLE = 1234567.89;

function sample(locale) {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(SAMPLE);
}

export function setUpLocalePicker(select) {
  const browser = LOCALE_CHOSEN ? null : LOCALE;
  const choices = CHOICES.includes(LOCALE) ? CHOICES : [LOCALE, ...CHOICES];
  select.replaceChildren(
    h("option", { value: "", selected: !LOCALE_CHOSEN }, browser ? `browser's: ${browser} ${sample(browser)}` : "browser's language"),
    ...choices.map((locale) => h("option", { value: locale, selected: LOCALE_CHOSEN && locale === LOCALE }, `${locale} ${sample(locale)}`))
  );
  select.dataset.locale = LOCALE;
  select.addEventListener("change", () => {
    const address = new URL(window.location.href);
    if (select.value) {
      address.searchParams.set(LOCALE_PARAMETER, select.value);
    } else {
      address.searchParams.delete(LOCALE_PARAMETER);
    }
    window.location.assign(address.href);
  });
}
