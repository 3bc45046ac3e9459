// The meeting list's filter bar: status, mine or shared, the meeting-date
// range and the sort, kept in the page's URL (`#/?status=completed&sort=
// meeting_date`), so a filtered list can be bookmarked and the back button
// returns to the previous filters. The server filters (`GET /api/tasks`);
// `matches` and `order` tell the live list where a task changed by an
// event belongs, without asking it again.

import { t } from "../i18n.js";
import { h } from "../ui.js";

const STATUSES = ["queued", "processing", "completed", "failed"];
const SCOPES = ["mine", "shared"];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The control whose change brought the page now shown: it keeps the focus. */
let changed = null;

/**
 * @typedef {{status: string|null, scope: string|null, owner: string|null, from: string|null, to: string|null, sort: "uploaded"|"meeting_date"}} Filters
 */

/** The filters the URL's `?…` names; values the server would refuse are left out. @returns {Filters} */
export function readFilters(query) {
  const status = (query.get("status") || "").split(",").filter((s) => STATUSES.includes(s));
  const scope = query.get("scope");
  const date = (name) => (DATE.test(query.get(name) || "") ? query.get(name) : null);
  return {
    status: status.length ? status.join(",") : null,
    scope: SCOPES.includes(scope) ? scope : null,
    owner: query.get("owner") || null,
    from: date("from"),
    to: date("to"),
    sort: query.get("sort") === "meeting_date" ? "meeting_date" : "uploaded",
  };
}

/** The filters as `GET /api/tasks` takes them (and the URL holds them): only those set. */
export function filterQuery(filters) {
  const query = {};
  for (const [k, v] of Object.entries(filters)) if (v && !(k === "sort" && v === "uploaded")) query[k] = v;
  return query;
}

/** Whether any filter narrows the list (the sort does not). */
export const narrowed = (filters) => Object.keys(filterQuery({ ...filters, sort: "uploaded" })).length > 0;

/** Whether `task` belongs in the list these filters show. */
export function matches(task, filters) {
  if (filters.status && !filters.status.split(",").includes(task.status)) return false;
  const mine = !task.owner;
  if (filters.scope === "mine" && !mine) return false;
  if (filters.scope === "shared" && mine) return false;
  if (filters.owner && (!task.owner || task.owner.username.toLowerCase() !== filters.owner.toLowerCase())) return false;
  if (filters.from && task.meeting_date < filters.from) return false;
  if (filters.to && task.meeting_date > filters.to) return false;
  return true;
}

/** The list's order as the server sorts it: negative when `a` comes first. */
export function order(filters) {
  const key = filters.sort === "meeting_date" ? "meeting_date" : "upload_timestamp";
  return (a, b) => (a[key] === b[key] ? (a.task_id < b.task_id ? 1 : -1) : a[key] < b[key] ? 1 : -1);
}

/**
 * The bar; a change goes to the URL with the new filters, and the page follows the URL.
 * @param {Filters} filters @param {boolean} signedIn (only then are there meetings shared with the caller)
 */
export function filterBar(filters, signedIn) {
  const select = (name, value, options) => {
    const el = h("select", { name }, options.map(([v, label]) => h("option", { value: v }, label)));
    el.value = value || "";
    return el;
  };
  const control = (label, el) => h("label", null, label, el);
  const status = select("status", filters.status && !filters.status.includes(",") ? filters.status : "", [["", t("filters.anyStatus")], ...STATUSES.map((s) => [s, t(`status.${s}`)])]);
  if (filters.status && filters.status.includes(",")) {
    // A combination the URL named: kept as it is, offered as one choice.
    status.prepend(h("option", { value: filters.status }, filters.status.split(",").map((s) => t(`status.${s}`)).join(", ")));
    status.value = filters.status;
  }
  const scope = signedIn ? select("scope", filters.scope, [["", t("filters.scopeAll")], ["mine", t("filters.scopeMine")], ["shared", t("filters.scopeShared")]]) : null;
  const from = h("input", { type: "date", name: "from", value: filters.from || "" });
  const to = h("input", { type: "date", name: "to", value: filters.to || "" });
  const sort = select("sort", filters.sort, [["uploaded", t("filters.sortUploaded")], ["meeting_date", t("filters.sortMeeting")]]);

  const go = (next) => {
    const query = new URLSearchParams(filterQuery(next)).toString();
    const hash = query ? `#/?${query}` : "#/";
    if (hash !== location.hash) location.hash = hash;
  };
  const form = h(
    "form",
    { class: "filters card", role: "search", "aria-label": t("filters.label"), onsubmit: (e) => e.preventDefault() },
    control(t("filters.status"), status),
    scope ? control(t("filters.scope"), scope) : null,
    control(t("filters.from"), from),
    control(t("filters.to"), to),
    control(t("filters.sort"), sort),
    filters.owner ? h("span", { class: "badge shared" }, t("filters.owner", { name: filters.owner })) : null,
    narrowed(filters) ? h("button", { type: "button", class: "link-text", onclick: () => go({ ...filters, status: null, scope: null, owner: null, from: null, to: null }) }, t("filters.clear")) : null,
  );
  form.addEventListener("change", (e) => {
    const el = /** @type {HTMLInputElement|HTMLSelectElement} */ (e.target);
    // A date being typed is half a date until it is whole.
    if (el.type === "date" && el.value && !DATE.test(el.value)) return;
    changed = el.name;
    go({ ...filters, [el.name]: el.value || null });
  });
  return form;
}

/** Once the bar is in the page: the control just changed has the focus again. */
export function refocus(form) {
  const el = changed && form.querySelector(`[name="${changed}"]`);
  changed = null;
  if (el) el.focus();
}
