// The minutes editor: title, summary, decisions, action items, the
// transcript's lines (text and speaker), the meeting's language. Renaming a
// line's speaker offers to rename that speaker everywhere, action items'
// owners who name them included, all in the one save. Saves with If-Match. When someone saved
// first (412), the draft is merged with the version now saved, field by
// field, against the version the editor started from (merge.js): changes
// that do not overlap are saved without asking; only fields both changed
// are shown, each with both versions and a choice. The actions (Save,
// Cancel, whether anything is unsaved) stay in view at the bottom of the
// screen however long the form is, and the long fields grow with their text.

import * as api from "../api.js";
import { merge3, setAt, canonical } from "../merge.js";
import { t, describeError } from "../i18n.js";
import { h, mount, field, formatTime, confirmDialog } from "../ui.js";

const lines = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean);
const oneLine = (text) => text.replace(/\s*\n\s*/g, " ").trim();
const same = (a, b) => canonical(a) === canonical(b);

/** A text area that is as tall as its text. */
function growing(attrs, value) {
  const area = h("textarea", { rows: 1, ...attrs, class: `grow ${attrs.class || ""}`.trim() });
  area.value = value;
  const fit = () => {
    area.style.height = "auto";
    area.style.height = `${area.scrollHeight + 2}px`;
  };
  area.addEventListener("input", fit);
  // Sized once it is in the page (scrollHeight is 0 before).
  requestAnimationFrame(fit);
  return area;
}

/**
 * @typedef {import("../api.js").Minutes} Minutes
 * @typedef {{version: number, minutes: Minutes, etag: string}} Current
 * @param {{save: (minutes: Minutes, etag: string) => Promise<import("../api.js").Saved & {etag: string}>,
 *   base: Minutes, etag: string,
 *   onSaved: (saved: import("../api.js").Saved & {etag: string}, mergedWith: number|null) => void, onCancel: () => void,
 *   onReload: (current: Current) => void}} opts
 */
export function editor({ save: saveMinutes, base, etag, onSaved, onCancel, onReload }) {
  const title = h("input", { name: "title", value: base.title, required: true, maxlength: 200 });
  const summary = growing({ name: "summary", rows: 3 }, base.summary.join("\n"));
  const decisions = growing({ name: "decisions", rows: 3 }, base.decisions.map((d) => d.text).join("\n"));
  const meetingDate = h("input", { name: "meeting_date", type: "date", value: base.meeting_date || "" });
  const language = h("select", { name: "language" }, h("option", { value: "en" }, "English"), h("option", { value: "ja" }, "日本語"));
  language.value = base.language === "ja" ? "ja" : "en";

  const actionRows = h("ul", { class: "edit-actions" });
  const addAction = (a = { text: "", owner: null, due: null, due_date: null, segment: 0 }) => {
    const n = actionRows.children.length + 1;
    const row = h(
      "li",
      { class: "edit-action", dataset: { segment: String(a.segment || 0), due: a.due || "", dueDate: a.due_date || "", done: a.done ? "true" : "" } },
      h("div", { class: "a-text-field" }, field(t("edit.actionText"), growing({ class: "a-text" }, a.text))),
      field(t("edit.actionOwner"), h("input", { class: "a-owner", value: a.owner || "" })),
      field(t("edit.actionDue"), h("input", { class: "a-due", value: a.due || "" })),
      h("button", { type: "button", class: "secondary small", "aria-label": t("edit.removeActionNamed", { n }), onclick: () => {
        row.remove();
        markChanged();
      } }, t("edit.removeAction")),
    );
    actionRows.append(row);
    return row;
  };
  base.action_items.forEach(addAction);

  const transcript = transcriptFields(base.transcript, actionRows, () => markChanged());

  const conflict = h("div", { class: "conflict", hidden: true, role: "alert" });
  const status = h("p", { class: "error-text", role: "alert", tabindex: "-1", hidden: true });
  const unsaved = h("span", { class: "unsaved small", role: "status" });

  /** The edited minutes: the version the editor started from, with the form's values. */
  function collect() {
    const segmentFor = (i) => (base.decisions[i] ? base.decisions[i].segment : 0);
    return {
      ...base,
      language: language.value,
      title: title.value.trim(),
      meeting_date: meetingDate.value || base.meeting_date || null,
      summary: lines(summary.value),
      decisions: lines(decisions.value).map((text, i) => ({ text, segment: segmentFor(i) })),
      action_items: [...actionRows.children]
        .map((row) => {
          const due = row.querySelector(".a-due").value.trim() || null;
          return {
            text: oneLine(row.querySelector(".a-text").value),
            owner: row.querySelector(".a-owner").value.trim() || null,
            due,
            // The date the server resolved belongs to the deadline as said:
            // kept while that is unchanged, dropped with it.
            due_date: due === (row.dataset.due || null) ? row.dataset.dueDate || null : null,
            segment: Number(row.dataset.segment) || 0,
            // Marked on the items page; the editor keeps it as it was.
            done: row.dataset.done === "true",
          };
        })
        .filter((a) => a.text),
      transcript: transcript.collect(),
    };
  }

  function markChanged() {
    const changed = !same(collect(), base);
    unsaved.textContent = changed ? t("edit.unsaved") : t("edit.noChanges");
    unsaved.classList.toggle("changed", changed);
  }

  /**
   * Saves `draft`, an edit of `from`. On a 412 it merges with the version
   * now saved and saves again, unless both changed the same field.
   * @param {Minutes} draft @param {Current} from
   */
  async function save(draft, from) {
    status.hidden = true;
    let mergedWith = null;
    for (;;) {
      try {
        return onSaved(await saveMinutes(draft, from.etag), mergedWith);
      } catch (e) {
        const current = e instanceof api.ApiError ? e.conflict : null;
        if (!current) {
          status.textContent = describeError(e);
          status.hidden = false;
          status.focus();
          return;
        }
        const { merged, conflicts } = merge3(from.minutes, draft, current.minutes);
        if (conflicts.length) return showConflicts(merged, conflicts, current);
        [draft, from, mergedWith] = [merged, current, current.version];
      }
    }
  }

  /** Only what both changed, each with both versions and a choice; the rest is merged already. */
  function showConflicts(merged, conflicts, current) {
    const groups = groupConflicts(conflicts);
    conflict.hidden = false;
    const choices = groups.map((g, i) => {
      const name = `choice-${i}`;
      const option = (which, tag, value, checked) => h(
        "label",
        { class: `choice ${which}` },
        h("input", { type: "radio", name, value: which, checked }),
        h("span", { class: "diff-tag" }, tag),
        h("span", { class: "choice-value" }, value || t("minutes.none")),
      );
      return h(
        "fieldset",
        { class: "conflict-field", dataset: { path: g.paths.map((p) => p.join(".")).join(" ") } },
        h("legend", null, g.label),
        option("mine", t("conflict.yours"), g.mine, true),
        option("theirs", t("conflict.theirs", { n: current.version }), g.theirs, false),
      );
    });
    const resolve = () => {
      let doc = merged;
      groups.forEach((g, i) => {
        const pick = choices[i].querySelector("input:checked").value;
        for (const c of g.conflicts) doc = setAt(doc, c.path, pick === "mine" ? c.mine : c.theirs);
      });
      conflict.hidden = true;
      save(doc, current);
    };
    mount(
      conflict,
      h("h2", { tabindex: "-1" }, t("conflict.title")),
      h("p", null, t("conflict.explainMerge", { n: current.version, count: groups.length })),
      choices,
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: () => onReload(current) }, t("conflict.reload", { n: current.version })),
        h("button", { type: "button", class: "primary", onclick: resolve }, t("conflict.saveChoices")),
      ),
    );
    conflict.querySelector("h2").focus();
  }

  const bar = h(
    "div",
    { class: "edit-bar" },
    unsaved,
    h("span", { class: "edit-bar-buttons" },
      h("button", { type: "button", class: "secondary", onclick: onCancel }, t("common.cancel")),
      h("button", { type: "submit", class: "primary" }, t("edit.save")),
    ),
  );
  const form = h(
    "form",
    { class: "card editor", novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      save(collect(), { version: 0, minutes: base, etag });
    } },
    h("h2", null, t("edit.title")),
    conflict,
    field(t("edit.fieldTitle"), title),
    field(t("edit.fieldMeetingDate"), meetingDate),
    field(t("edit.fieldLanguage"), language, t("edit.languageHint")),
    field(t("edit.fieldSummary"), summary, t("edit.onePerLine")),
    field(t("edit.fieldDecisions"), decisions, t("edit.onePerLine")),
    h("fieldset", null, h("legend", null, t("edit.fieldActions")), actionRows, h("button", { type: "button", class: "secondary small", onclick: () => {
      addAction().querySelector(".a-text").focus();
      markChanged();
    } }, t("edit.addAction"))),
    transcript.el,
    status,
    bar,
  );
  form.addEventListener("input", markChanged);
  form.addEventListener("change", markChanged);
  markChanged();
  return form;
}

/**
 * The transcript's lines, each with its speaker and text to correct. A
 * speaker renamed on one line offers to rename them on every line and in
 * every action item's owner that names them.
 * @param {import("../api.js").Minutes["transcript"]} lines
 * @param {HTMLElement} actionRows the action items' rows (their `.a-owner` fields)
 * @param {() => void} changed
 */
function transcriptFields(lines, actionRows, changed) {
  const names = [...new Set(lines.map((s) => s.speaker).filter(Boolean))];
  const list = h("datalist", { id: "speaker-names" }, names.map((n) => h("option", { value: n })));
  const rows = lines.map((s, i) => {
    const speaker = h("input", { class: "seg-speaker", value: s.speaker || "", list: "speaker-names", maxlength: 100, "aria-label": t("edit.segmentSpeaker", { n: i + 1 }), dataset: { was: s.speaker || "" } });
    const text = growing({ class: "seg-text", "aria-label": t("edit.segmentText", { n: i + 1 }) }, s.text);
    speaker.addEventListener("change", () => renamed(speaker));
    return { speaker, text, el: h("li", { class: "edit-segment" }, h("span", { class: "ts small muted" }, typeof s.start === "number" ? formatTime(s.start) : ""), speaker, text) };
  });
  const same = (a, b) => a.trim().toLowerCase() === b.trim().toLowerCase();

  /** A line's speaker changed: everywhere else too, if the person says so. */
  async function renamed(input) {
    const from = input.dataset.was || "";
    const to = input.value.trim();
    input.dataset.was = to;
    if (!from || !to || same(from, to)) return;
    const others = rows.filter((r) => r.speaker !== input && same(r.speaker.value, from));
    const owners = [...actionRows.querySelectorAll(".a-owner")].filter((o) => same(o.value, from));
    if (!others.length && !owners.length) return;
    const message = t("edit.renameEverywhere", { from, to, lines: others.length, items: owners.length });
    if (!(await confirmDialog(message, t("edit.renameEverywhereButton")))) return;
    for (const r of others) {
      r.speaker.value = to;
      r.speaker.dataset.was = to;
    }
    for (const o of owners) o.value = to;
    changed();
  }

  return {
    el: lines.length ? h("fieldset", { class: "edit-transcript" }, h("legend", null, t("edit.fieldTranscript")), h("p", { class: "small muted" }, t("edit.transcriptHint")), list, h("ol", { class: "edit-segments" }, rows.map((r) => r.el))) : null,
    /** The lines as edited: an unchanged text stays exactly as it was. */
    collect: () => lines.map((s, i) => {
      const text = rows[i].text.value;
      return { ...s, speaker: rows[i].speaker.value.trim() || null, text: text === s.text ? s.text : text.trim() };
    }),
  };
}

/** A conflict's place in words: "Title", "Decision 3", "Action item 2: owner". */
function conflictLabel(path) {
  const [top, index, sub] = path;
  const n = typeof index === "number" ? index + 1 : null;
  switch (top) {
    case "title": return t("edit.fieldTitle");
    case "language": return t("edit.fieldLanguage");
    case "meeting_date": return t("edit.fieldMeetingDate");
    case "summary": return n ? t("conflict.summaryPoint", { n }) : t("edit.fieldSummary");
    case "decisions": return n ? t("conflict.decision", { n }) : t("edit.fieldDecisions");
    case "action_items": {
      if (!n) return t("edit.fieldActions");
      const part = { text: "edit.actionText", owner: "edit.actionOwner", due: "edit.actionDue" }[sub];
      return part ? t("conflict.actionPart", { n, part: t(part) }) : t("conflict.action", { n });
    }
    case "transcript": return t("conflict.transcriptLine", { n });
    default: return String(top);
  }
}

/** A value as the conflict shows it. */
function shown(v) {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map(shown).join("\n");
  if (typeof v === "object") return [v.text, v.owner, v.due].filter(Boolean).join(" · ");
  if (v === "en") return "English";
  if (v === "ja") return "日本語";
  return String(v);
}

/**
 * Conflicts as the person decides them: one speaker renamed two ways is
 * one choice, however many lines that speaker has.
 */
function groupConflicts(conflicts) {
  const groups = [];
  const bySpeaker = new Map();
  for (const c of conflicts) {
    const speaker = c.path[0] === "transcript" && c.path[2] === "speaker";
    const k = speaker ? JSON.stringify([c.base, c.mine, c.theirs]) : null;
    if (k && bySpeaker.has(k)) {
      const g = bySpeaker.get(k);
      g.conflicts.push(c);
      g.paths.push(c.path);
      continue;
    }
    const g = {
      conflicts: [c],
      paths: [c.path],
      label: speaker ? t("conflict.speakerNamed", { name: c.base || "" }) : conflictLabel(c.path),
      mine: shown(c.mine),
      theirs: shown(c.theirs),
    };
    if (k) bySpeaker.set(k, g);
    groups.push(g);
  }
  return groups;
}
