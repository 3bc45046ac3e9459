// The minutes of a meeting, read only: the task page and a share link's
// page both show them this way.

import { t } from "../i18n.js";
import { h, formatTime } from "../ui.js";

/** The sections every minutes have without a template, with their headings' keys. */
const DEFAULT_SECTIONS = [
  ["summary", "minutes.summary"],
  ["decisions", "minutes.decisions"],
  ["action_items", "minutes.actionItems"],
  ["transcript", "minutes.transcript"],
];

/**
 * The rendered minutes, headed in the meeting's own language (`minutes.language`), as the downloads are:
 * the sections and headings of the template they were made with (`minutes.layout`), else every section.
 * `transcript: false` leaves the transcript's section out (a share link made without it). With
 * `seekable` (a recording plays above), each line, decision and action item with a moment carries it
 * (`data-seek`), and a button plays from there.
 */
export function minutesView(minutes, { transcript = true, seekable = false } = {}) {
  const ml = minutes.language === "ja" ? "ja" : "en";
  const tm = (key) => t(key, {}, ml);
  const sections = minutes.layout ? minutes.layout.sections.map((s) => [s.kind, s.heading]) : DEFAULT_SECTIONS.map(([kind, key]) => [kind, tm(key)]);
  const startOf = (segment) => {
    const line = typeof segment === "number" ? minutes.transcript[segment] : null;
    return line && typeof line.start === "number" ? line.start : null;
  };
  /** The "play from 1:23" button of a moment, when there is one to play. */
  const playFrom = (start) => (seekable && start !== null ? h("button", { type: "button", class: "link-text seek small", "data-seek": String(start), "aria-label": t("player.playFrom", { time: formatTime(start) }) }, `▶ ${formatTime(start)}`) : null);
  const section = (heading, content, empty) => h("section", { class: "card minutes-section", lang: ml }, h("h2", null, heading), empty ? h("p", { class: "muted" }, tm("minutes.none")) : content);
  const parts = {
    summary: () => [h("ul", null, minutes.summary.map((s) => h("li", null, s))), !minutes.summary.length],
    decisions: () => [h("ul", null, minutes.decisions.map((d) => h("li", null, h("span", null, d.text), " ", playFrom(startOf(d.segment))))), !minutes.decisions.length],
    action_items: () => [h("ul", { class: "actions-list" }, minutes.action_items.map((a) => h(
      "li",
      { class: a.done ? "done" : null },
      h("span", null, a.text),
      a.done ? h("span", { class: "badge" }, tm("minutes.done")) : null,
      a.owner || a.due ? h("span", { class: "small muted meta" }, [a.owner ? `${tm("minutes.owner")}: ${a.owner}` : null, a.due ? `${tm("minutes.due")}: ${a.due}` : null].filter(Boolean).join(" · ")) : null,
      " ",
      playFrom(startOf(a.segment)),
    ))), !minutes.action_items.length],
    transcript: () => [h("ol", { class: "transcript" }, minutes.transcript.map((s, i) => h(
      "li",
      typeof s.start === "number" && seekable ? { id: `segment-${i}`, "data-start": String(s.start), "data-seek": String(s.start), class: "seekable" } : { id: `segment-${i}` },
      typeof s.start !== "number" ? null :
        seekable ? h("button", { type: "button", class: "ts link-text small", "aria-label": t("player.playFrom", { time: formatTime(s.start) }) }, formatTime(s.start)) :
        h("time", { class: "ts small muted" }, formatTime(s.start)),
      s.speaker ? h("strong", { class: "speaker" }, s.speaker) : null,
      h("span", null, s.text),
    ))), !minutes.transcript.length],
  };
  return h(
    "div",
    { class: "minutes" },
    sections.filter(([kind]) => parts[kind] && (transcript || kind !== "transcript")).map(([kind, heading]) => section(heading, ...parts[kind]())),
  );
}
