// The minutes editor: title, summary, decisions, action items, speaker
// names. Saves with If-Match; a 412 shows what the other save changed and
// lets the person load it or overwrite it on purpose.

import * as api from "../api.js";
import { t, describeError } from "../i18n.js";
import { h, mount, field } from "../ui.js";

const lines = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean);

/**
 * @param {{taskId: string, base: import("../api.js").Minutes, etag: string|null,
 *   onSaved: (etag: string|null) => void, onCancel: () => void, onReload: () => void}} opts
 */
export function editor({ taskId, base, etag, onSaved, onCancel, onReload }) {
  const title = h("input", { name: "title", value: base.title, required: true, maxlength: 200 });
  const summary = h("textarea", { name: "summary", rows: 5 });
  summary.value = base.summary.join("\n");
  const decisions = h("textarea", { name: "decisions", rows: 4 });
  decisions.value = base.decisions.map((d) => d.text).join("\n");

  const actionRows = h("ul", { class: "edit-actions" });
  const addAction = (a = { text: "", owner: null, due: null, segment: 0 }) => {
    const row = h(
      "li",
      { class: "edit-action", dataset: { segment: String(a.segment || 0) } },
      field(t("edit.actionText"), h("input", { class: "a-text", value: a.text })),
      field(t("edit.actionOwner"), h("input", { class: "a-owner", value: a.owner || "" })),
      field(t("edit.actionDue"), h("input", { class: "a-due", value: a.due || "" })),
      h("button", { type: "button", class: "secondary small", onclick: () => row.remove() }, t("edit.removeAction")),
    );
    actionRows.append(row);
  };
  base.action_items.forEach(addAction);

  const speakers = [...new Set(base.transcript.map((s) => s.speaker).filter(Boolean))];
  const speakerInputs = speakers.map((name) => h("input", { class: "speaker-name", value: name, dataset: { original: name } }));

  const conflict = h("div", { class: "conflict", hidden: true, role: "alert" });
  const status = h("p", { class: "error-text", role: "alert", hidden: true });

  /** The edited minutes: the base with the form's values. */
  function collect() {
    const rename = new Map(speakerInputs.map((i) => [i.dataset.original, i.value.trim() || i.dataset.original]));
    const segmentFor = (i) => (base.decisions[i] ? base.decisions[i].segment : 0);
    return {
      ...base,
      title: title.value.trim(),
      summary: lines(summary.value),
      decisions: lines(decisions.value).map((text, i) => ({ text, segment: segmentFor(i) })),
      action_items: [...actionRows.children]
        .map((row) => ({
          text: row.querySelector(".a-text").value.trim(),
          owner: row.querySelector(".a-owner").value.trim() || null,
          due: row.querySelector(".a-due").value.trim() || null,
          segment: Number(row.dataset.segment) || 0,
        }))
        .filter((a) => a.text),
      transcript: base.transcript.map((s) => ({ ...s, speaker: s.speaker ? rename.get(s.speaker) || s.speaker : s.speaker })),
    };
  }

  async function save(withEtag) {
    status.hidden = true;
    try {
      const res = await api.saveMinutes(taskId, collect(), withEtag);
      onSaved(res.etag);
    } catch (e) {
      if (e instanceof api.ApiError && e.status === 412) return showConflict();
      status.textContent = describeError(e);
      status.hidden = false;
    }
  }

  async function showConflict() {
    let theirs;
    try {
      theirs = await api.minutes(taskId);
    } catch (e) {
      status.textContent = describeError(e);
      status.hidden = false;
      return;
    }
    const changed = diff(base, theirs.minutes);
    conflict.hidden = false;
    mount(
      conflict,
      h("h2", null, t("conflict.title")),
      h("p", null, t("conflict.explain")),
      changed.length
        ? h("ul", null, changed.map(([label, value]) => h("li", null, h("strong", null, label), value ? `: ${value}` : "")))
        : h("p", null, t("conflict.noVisible")),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: onReload }, t("conflict.reload")),
        h("button", { type: "button", class: "danger", onclick: () => save(theirs.etag) }, t("conflict.overwrite")),
      ),
    );
    conflict.querySelector("h2").setAttribute("tabindex", "-1");
    conflict.querySelector("h2").focus();
  }

  const form = h(
    "form",
    { class: "card editor", novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      save(etag);
    } },
    h("h2", null, t("edit.title")),
    conflict,
    field(t("edit.fieldTitle"), title),
    field(t("edit.fieldSummary"), summary, t("edit.onePerLine")),
    field(t("edit.fieldDecisions"), decisions, t("edit.onePerLine")),
    h("fieldset", null, h("legend", null, t("edit.fieldActions")), actionRows, h("button", { type: "button", class: "secondary small", onclick: () => addAction() }, t("edit.addAction"))),
    speakers.length ? h("fieldset", null, h("legend", null, t("edit.fieldSpeakers")), speakerInputs.map((input, i) => field(t("edit.speaker", { name: speakers[i] }), input))) : null,
    status,
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: onCancel }, t("common.cancel")), h("button", { type: "submit", class: "primary" }, t("edit.save"))),
  );
  return form;
}

/** What differs between the version editing started from and the saved one. */
function diff(a, b) {
  const out = [];
  if (a.title !== b.title) out.push([t("edit.fieldTitle"), b.title]);
  if (a.summary.join("\n") !== b.summary.join("\n")) out.push([t("edit.fieldSummary"), b.summary.join(" / ")]);
  if (a.decisions.map((d) => d.text).join("\n") !== b.decisions.map((d) => d.text).join("\n")) out.push([t("edit.fieldDecisions"), b.decisions.map((d) => d.text).join(" / ")]);
  const act = (m) => m.action_items.map((x) => `${x.text}|${x.owner || ""}|${x.due || ""}`).join("\n");
  if (act(a) !== act(b)) out.push([t("edit.fieldActions"), b.action_items.map((x) => x.text).join(" / ")]);
  const spk = (m) => m.transcript.map((s) => s.speaker || "").join("\n");
  if (spk(a) !== spk(b)) out.push([t("edit.fieldSpeakers"), null]);
  return out;
}
