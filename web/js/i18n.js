// The language choice (saved choice, else the browser's language), strings
// by key from the dictionaries in i18n/ (every string in English and
// Japanese), and API errors as sentences.

import { en } from "./i18n/en.js";
import { ja } from "./i18n/ja.js";

const KEY = "minutes.lang";

export const DICTIONARIES = { en, ja };

function initial() {
  const saved = localStorage.getItem(KEY);
  if (saved === "en" || saved === "ja") return saved;
  return (navigator.language || "en").toLowerCase().startsWith("ja") ? "ja" : "en";
}

let current = initial();
document.documentElement.lang = current;

export const lang = () => current;

/** Switches the language and remembers the choice. */
export function setLang(value) {
  current = value === "ja" ? "ja" : "en";
  localStorage.setItem(KEY, current);
  document.documentElement.lang = current;
}

/**
 * A string in the current (or the given) language, `{name}`s filled in.
 * @param {string} key @param {Record<string, any>} [vars] @param {string} [inLang]
 */
export function t(key, vars = {}, inLang = current) {
  const dict = DICTIONARIES[inLang] || en;
  const text = dict[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

/** Translates the page's static text (elements with `data-i18n`). */
export function translateStatic() {
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.getAttribute("data-i18n"));
  const skip = document.querySelector(".skip");
  if (skip) skip.textContent = t("skip");
}

/** A field as the API names it (`title`, `decisions[2].text`) in words: "Decision 3 text". */
function fieldLabel(name) {
  const word = (k) => (t(`field.${k}`) === `field.${k}` ? k : t(`field.${k}`));
  const m = /^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?$/.exec(name);
  if (!m) return name;
  const [, base, index, sub] = m;
  return [word(base), index !== undefined ? String(Number(index) + 1) : null, sub ? word(sub) : null].filter(Boolean).join(" ");
}

/** Field errors as `{field: "Password is too short"}`. @param {Record<string, string[]>} fields */
export function describeFields(fields) {
  const out = {};
  for (const [name, codes] of Object.entries(fields)) {
    const label = fieldLabel(name);
    const words = codes.map((c) => (t(`fielderr.${c}`) === `fielderr.${c}` ? t("fielderr.invalid") : t(`fielderr.${c}`)));
    const sep = current === "ja" ? "" : " ";
    out[name] = words.map((w) => `${label}${sep}${w}`).join(current === "ja" ? "。" : "; ") + (current === "ja" ? "。" : ".");
  }
  return out;
}

/** A failed task's error in this language, by its `error_code` (the server's sentence for a code unknown here). */
export function describeTaskError(task) {
  const key = `taskerr.${task.error_code}`;
  return t(key) !== key ? t(key, { error: task.error }) : task.error;
}

/** Any error as one or two readable sentences; never the raw body. */
export function describeError(err) {
  if (!err || typeof err.status !== "number") return t("error.generic");
  const byCode = `err.${err.code}`;
  let text = t(byCode) !== byCode ? t(byCode) : t(`err.status.${err.status}`) !== `err.status.${err.status}` ? t(`err.status.${err.status}`) : t("err.unknown", { status: err.status });
  if (err.fields) text += ` ${Object.values(describeFields(err.fields)).join(" ")}`;
  if (err.retryAfter) text += ` ${t("err.retryAfter", { n: err.retryAfter })}`;
  return text;
}
