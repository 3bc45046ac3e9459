// The minutes editor: title, summary, decisions, action items, speaker
// names, the meeting's language. Saves with If-Match; a 412 shows, field by
// field, where the person's draft and the version now saved differ, and
// lets them load that version or overwrite it on purpose (a PUT with the
// current ETag, which the 412 carries).

import * as api from "../api.js";
import { t, describeError } from "../i18n.js";
import { h, mount, field } from "../ui.js";

const lines = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean);

/**
 * @param {{save: (minutes: import("../api.js").Minutes, etag: string) => Promise<import("../api.js").Saved & {etag: string}>,
 *   base: import("../api.js").Minutes, etag: string,
 *   onSaved: (saved: import("../api.js").Saved & {etag: string}) => void, onCancel: () => void,
 *   onReload: (current: {version: number, minutes: import("../api.js").Minutes, etag: string}) => void}} opts
 */
export function editor({ save: saveMinutes, base, etag, onSaved, onCancel, onReload }) {
  const title = h("input", { name: "title", value: base.title, required: true, maxlength: 200 });
  const summary = h("textarea", { name: "summary", rows: 5 });
  summary.value = base.summary.join("\n");
  const decisions = h("textarea", { name: "decisions", rows: 4 });
  decisions.value = base.decisions.map((d) => d.text).join("\n");
  const language = h("select", { name: "language" }, h("option", { value: "en" }, "English"), h("option", { value: "ja" }, "日本語"));
  language.value = base.language === "ja" ? "ja" : "en";

  const actionRows = h("ul", { class: "edit-actions" });
  const addAction = (a = { text: "", owner: null, due: null, segment: 0 }) => {
    const n = actionRows.children.length + 1;
    const row = h(
      "li",
      { class: "edit-action", dataset: { segment: String(a.segment || 0) } },
      field(t("edit.actionText"), h("input", { class: "a-text", value: a.text })),
      field(t("edit.actionOwner"), h("input", { class: "a-owner", value: a.owner || "" })),
      field(t("edit.actionDue"), h("input", { class: "a-due", value: a.due || "" })),
      h("button", { type: "button", class: "secondary small", "aria-label": t("edit.removeActionNamed", { n }), onclick: () => row.remove() }, t("edit.removeAction")),
    );
    actionRows.append(row);
    return row;
  };
  base.action_items.forEach(addAction);

  const speakers = [...new Set(base.transcript.map((s) => s.speaker).filter(Boolean))];
  const speakerInputs = speakers.map((name) => h("input", { class: "speaker-name", value: name, dataset: { original: name } }));

  const conflict = h("div", { class: "conflict", hidden: true, role: "alert" });
  const status = h("p", { class: "error-text", role: "alert", tabindex: "-1", hidden: true });

  /** The edited minutes: the base with the form's values. */
  function collect() {
    const rename = new Map(speakerInputs.map((i) => [i.dataset.original, i.value.trim() || i.dataset.original]));
    const segmentFor = (i) => (base.decisions[i] ? base.decisions[i].segment : 0);
    return {
      ...base,
      language: language.value,
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
    const draft = collect();
    try {
      onSaved(await saveMinutes(draft, withEtag));
    } catch (e) {
      const current = e instanceof api.ApiError ? e.conflict : null;
      if (current) return showConflict(draft, current);
      status.textContent = describeError(e);
      status.hidden = false;
      status.focus();
    }
  }

  /** The 412's current version against the draft; the form keeps the draft. */
  function showConflict(draft, current) {
    const changed = diff(draft, current.minutes);
    conflict.hidden = false;
    mount(
      conflict,
      h("h2", { tabindex: "-1" }, t("conflict.title")),
      h("p", null, t("conflict.explain", { n: current.version })),
      changed.length
        ? h("dl", { class: "diff" }, changed.map(([label, mine, theirs]) => [
          h("dt", null, label),
          h("dd", { class: "mine" }, h("span", { class: "diff-tag" }, t("conflict.yours")), mine || t("minutes.none")),
          h("dd", { class: "theirs" }, h("span", { class: "diff-tag" }, t("conflict.theirs", { n: current.version })), theirs || t("minutes.none")),
        ]))
        : h("p", null, t("conflict.noVisible")),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: () => onReload(current) }, t("conflict.reload", { n: current.version })),
        h("button", { type: "button", class: "danger", onclick: () => save(current.etag) }, t("conflict.overwrite", { n: current.version })),
      ),
    );
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
    field(t("edit.fieldLanguage"), language, t("edit.languageHint")),
    field(t("edit.fieldSummary"), summary, t("edit.onePerLine")),
    field(t("edit.fieldDecisions"), decisions, t("edit.onePerLine")),
    h("fieldset", null, h("legend", null, t("edit.fieldActions")), actionRows, h("button", { type: "button", class: "secondary small", onclick: () => addAction() }, t("edit.addAction"))),
    speakers.length ? h("fieldset", null, h("legend", null, t("edit.fieldSpeakers")), speakerInputs.map((input, i) => field(t("edit.speaker", { name: speakers[i] }), input))) : null,
    status,
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: onCancel }, t("common.cancel")), h("button", { type: "submit", class: "primary" }, t("edit.save"))),
  );
  return form;
}

/** Where the draft and the saved version differ: [label, draft's, saved's]. */
function diff(mine, theirs) {
  const join = (xs) => xs.join(" / ");
  const fields = [
    [t("edit.fieldTitle"), (m) => m.title],
    [t("edit.fieldLanguage"), (m) => (m.language === "ja" ? "日本語" : "English")],
    [t("edit.fieldSummary"), (m) => join(m.summary)],
    [t("edit.fieldDecisions"), (m) => join(m.decisions.map((d) => d.text))],
    [t("edit.fieldActions"), (m) => join(m.action_items.map((a) => [a.text, a.owner, a.due].filter(Boolean).join(", ")))],
    [t("edit.fieldSpeakers"), (m) => join([...new Set(m.transcript.map((s) => s.speaker).filter(Boolean))])],
    [t("minutes.transcript"), (m) => join(m.transcript.map((s) => s.text))],
  ];
  return fields
    .map(([label, pick]) => [label, pick(mine), pick(theirs)])
    .filter(([, a, b]) => a !== b)
    .map(([label, a, b]) => (label === t("minutes.transcript") ? [label, t("conflict.transcriptMine"), t("conflict.transcriptTheirs")] : [label, a, b]));
}
