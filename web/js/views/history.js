// A task's revision history (`GET …/minutes/revisions`): who saved each
// version, from which device, when, which ones restored an older one and
// which were regenerated with a template;
// view an old one, restore it — a `PUT` of its content with the current
// ETag, so it becomes the newest version and the history keeps everything —
// or compare two versions, field by field.

import * as api from "../api.js";
import { t, describeError } from "../i18n.js";
import { h, mount, formatDate, parseUserAgent, field } from "../ui.js";

/** A revision's device, as "My sessions" shows one: browser and OS, then the IP. */
export function deviceLabel(device) {
  if (!device) return null;
  const { browser, os } = parseUserAgent(device.user_agent);
  const name = os ? t("sessions.browserOn", { browser, os }) : browser;
  return device.ip ? `${name} · ${device.ip}` : name;
}

/**
 * @param {{taskId: string, canEdit: () => boolean, onView: (version: number) => void,
 *   onRestore: (version: number) => Promise<void>}} opts
 * @returns {{el: HTMLElement, refresh: () => Promise<void>}}
 */
export function historySection({ taskId, canEdit, onView, onRestore }) {
  const el = h("details", { class: "card history" });
  const summary = () => h("summary", null, h("h2", { class: "h3 inline" }, t("history.title")));

  async function refresh() {
    // Read only while open: closed, it costs nothing.
    if (!el.open) return mount(el, summary());
    if (!el.querySelector("ol.revisions")) mount(el, summary(), h("p", { class: "loading muted", role: "status" }, t("common.loading")));
    let revisions;
    try {
      revisions = await api.revisions(taskId);
    } catch (e) {
      return mount(el, summary(), h("p", { class: "error-text" }, describeError(e)));
    }
    mount(el, summary(), revisions.length > 1 ? compareForm(taskId, revisions) : null, h("ol", { class: "revisions" }, revisions.map((r, i) => {
      const who = r.author ? t("history.by", { name: r.author }) : r.version === 1 ? t("history.byProcessing") : t("history.byAnonymous");
      return h(
        "li",
        { dataset: { version: String(r.version) } },
        h("div", null,
          h("strong", null, t("history.version", { n: r.version })),
          i === 0 ? h("span", { class: "badge" }, t("history.current")) : null,
          r.restored_from ? h("span", { class: "badge restored" }, t("history.restoredFrom", { n: r.restored_from })) : null,
          r.regenerated_with ? h("span", { class: "badge regenerated" }, t("history.regeneratedWith", { name: r.regenerated_with })) : null,
          h("p", { class: "small muted" }, [formatDate(r.created_at), who, deviceLabel(r.device)].filter(Boolean).join(" · ")),
        ),
        h("span", { class: "row wrap" },
          i > 0 ? h("button", { type: "button", class: "secondary small", "aria-label": t("history.viewNamed", { n: r.version }), onclick: () => onView(r.version) }, t("history.view")) : null,
          canEdit() && i > 0 ? h("button", { type: "button", class: "secondary small", "aria-label": t("history.restoreNamed", { n: r.version }), onclick: () => onRestore(r.version) }, t("history.restore")) : null,
        ),
      );
    })));
  }
  el.addEventListener("toggle", refresh);
  mount(el, summary());
  return { el, refresh };
}

/** Two versions to compare (the one before the newest, and the newest), and where they differ. */
function compareForm(taskId, revisions) {
  const options = () => revisions.map((r) => h("option", { value: String(r.version) }, t("history.version", { n: r.version })));
  const from = h("select", { name: "from" }, options());
  const to = h("select", { name: "to" }, options());
  from.value = String(revisions[1].version);
  to.value = String(revisions[0].version);
  const out = h("div", { class: "compare-result", "aria-live": "polite" });
  const form = h("form", { class: "row wrap filters compare", onsubmit: async (e) => {
    e.preventDefault();
    const [a, b] = [Number(from.value), Number(to.value)];
    mount(out, h("p", { class: "loading muted" }, t("common.loading")));
    try {
      const [older, newer] = await Promise.all([api.minutes(taskId, a), api.minutes(taskId, b)]);
      mount(out, differences(older.minutes, newer.minutes, a, b));
    } catch (err) {
      mount(out, h("p", { class: "error-text" }, describeError(err)));
    }
  } }, field(t("history.compareFrom"), from), field(t("history.compareTo"), to), h("button", { type: "submit", class: "secondary" }, t("history.compare")));
  return h("div", { class: "compare-box" }, form, out);
}

/** Field by field, what changed from version `a` to version `b`. */
function differences(older, newer, a, b) {
  const texts = {
    summary: (m) => m.summary,
    decisions: (m) => m.decisions.map((d) => d.text),
    action_items: (m) => m.action_items.map((x) => [x.text, x.owner, x.due].filter(Boolean).join(" · ")),
  };
  const rows = [];
  const scalar = (label, pick) => {
    if (pick(older) !== pick(newer)) rows.push([label, h("del", null, pick(older)), h("ins", null, pick(newer))]);
  };
  scalar(t("edit.fieldTitle"), (m) => m.title);
  scalar(t("edit.fieldLanguage"), (m) => (m.language === "ja" ? "日本語" : "English"));
  const list = (label, pick) => {
    const [was, now] = [pick(older), pick(newer)];
    const removed = was.filter((x) => !now.includes(x));
    const added = now.filter((x) => !was.includes(x));
    if (removed.length || added.length) {
      rows.push([label, removed.length ? h("ul", { class: "removed" }, removed.map((x) => h("li", null, h("del", null, x)))) : null,
        added.length ? h("ul", { class: "added" }, added.map((x) => h("li", null, h("ins", null, x)))) : null]);
    }
  };
  list(t("edit.fieldSummary"), texts.summary);
  list(t("edit.fieldDecisions"), texts.decisions);
  list(t("edit.fieldActions"), texts.action_items);
  newer.transcript.forEach((seg, i) => {
    const old = older.transcript[i];
    if (!old) return;
    const line = (s) => [s.speaker, s.text].filter(Boolean).join(": ");
    if (line(old) !== line(seg)) rows.push([t("conflict.transcriptLine", { n: i + 1 }), h("del", null, line(old)), h("ins", null, line(seg))]);
  });
  if (!rows.length) return h("p", { class: "muted" }, t("history.noDifference", { a, b }));
  return h(
    "div",
    null,
    h("p", { class: "small muted" }, t("history.comparing", { a, b })),
    h("dl", { class: "diff versions" }, rows.map(([label, was, now]) => [h("dt", null, label), was ? h("dd", { class: "was" }, was) : null, now ? h("dd", { class: "now" }, now) : null])),
  );
}
