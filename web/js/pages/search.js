// Search across meetings: a box, and the meetings found (best first, a
// page at a time), each with the passages it was found in — their matches
// marked — linking to the meeting at the transcript line they are in. The
// query lives in the address (`#/search?q=…`), so a search can be shared
// and the Back button returns to it.

import * as api from "../api.js";
import { isAdmin } from "../session.js";
import { t, describeError } from "../i18n.js";
import { h, mount } from "../ui.js";
import { navigate } from "../nav.js";
import { ownerLine, taskName } from "../views/task-status.js";

/** Where a hit is: the meeting, at its transcript line when it has one. */
const hitHref = (taskId, segment) => `#/tasks/${taskId}${segment === null || segment === undefined ? "" : `?segment=${segment}`}`;

/** A snippet's runs, the matches in `<mark>`; all of it text, never markup. */
const snippetView = (parts) => parts.map((p) => (p.hit ? h("mark", null, p.text) : p.text));

/** @param {HTMLElement} main @param {URLSearchParams} query */
export async function searchPage(main, query) {
  const q = (query.get("q") || "").trim();
  const all = query.get("all") === "true";
  const input = h("input", { type: "search", name: "q", value: q, required: true, maxlength: 200, "aria-label": t("search.label"), placeholder: t("search.placeholder") });
  const everything = isAdmin() ? h("input", { type: "checkbox", name: "all", class: "check", checked: all }) : null;
  const form = h(
    "form",
    { class: "search-form", role: "search", onsubmit: (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      const params = new URLSearchParams({ q: text });
      if (everything && everything.checked) params.set("all", "true");
      navigate(`#/search?${params}`);
    } },
    input,
    h("button", { type: "submit", class: "primary" }, t("search.button")),
    everything ? h("label", { class: "small" }, everything, " ", t("search.all")) : null,
  );
  const list = h("ol", { class: "search-results", "aria-label": t("search.resultsLabel") });
  const status = h("p", { class: "muted", role: "status" });
  const more = h("div");
  mount(main, h("h1", null, q ? t("search.titleFor", { q }) : t("search.title")), form, status, list, more);
  if (!q) {
    input.focus();
    return null;
  }

  async function load(cursor) {
    status.textContent = t("common.loading");
    try {
      const page = await api.search(q, cursor, all);
      list.append(...page.results.map(resultItem));
      status.textContent = list.children.length ? "" : t("search.noResults", { q });
      mount(more, page.next_cursor ? h("button", { type: "button", class: "secondary", onclick: () => load(page.next_cursor) }, t("search.more")) : null);
    } catch (e) {
      status.textContent = describeError(e);
    }
  }
  await load();
  return null;
}

/** One meeting found. */
function resultItem(result) {
  const task = result.task;
  const first = result.hits.find((hit) => hit.segment !== null);
  const meta = [task.meeting_date, task.title ? task.filename : null, task.owner ? ownerLine(task) : null].filter(Boolean).join(" · ");
  return h(
    "li",
    { class: "search-result card", dataset: { taskId: task.task_id } },
    h("h2", { class: "result-title" }, h("a", { href: hitHref(task.task_id, first ? first.segment : null) }, taskName(task))),
    h("p", { class: "small muted" }, meta),
    h("ul", { class: "hits" }, result.hits.map((hit) => h(
      "li",
      { class: "hit", dataset: { part: hit.part } },
      h("span", { class: "badge" }, t(`search.part.${hit.part}`)),
      " ",
      h("a", { href: hitHref(task.task_id, hit.segment), class: "snippet" }, snippetView(hit.snippet)),
    ))),
  );
}
