// The recording of a meeting, tied to its transcript: the player at the
// top of the meeting's page; `seek` plays from a moment (a transcript line,
// a decision, an action item); the line being spoken is marked
// (`aria-current`) while it plays; and the keyboard drives it — space plays
// or pauses, ← and → go back or on 5 seconds — except while typing in a
// field or with a modifier held, so no shortcut takes a keystroke meant for
// text. The server answers byte ranges, so the browser can seek anywhere.

import * as api from "../api.js";
import { t } from "../i18n.js";
import { h } from "../ui.js";
import { taskName } from "./task-status.js";

const STEP_SECS = 5;

/** Where typing happens: keys there are the text's, never the player's. */
const typing = (el) => el instanceof Element && (el.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])") !== null);
/** What space already presses. */
const pressable = (el) => el instanceof Element && el.closest("button, a[href], audio, video, summary, [role='button']") !== null;

/**
 * The player of a task with a recording this browser can play, else null.
 * @param {import("../api.js").Task} task
 */
export function recordingPlayer(task) {
  const kind = task.content_type.startsWith("audio/") ? "audio" : task.content_type.startsWith("video/") ? "video" : null;
  if (!kind || !document.createElement(kind).canPlayType(task.content_type)) return null;
  const media = /** @type {HTMLMediaElement} */ (h(kind, { controls: true, preload: "metadata", src: api.mediaUrl(task.task_id), class: "player", "aria-label": t("task.player", { name: taskName(task) }) }));
  const el = h("section", { class: "card recording", "aria-label": t("player.label") }, media, h("p", { class: "small muted shortcuts" }, t("player.shortcuts")));
  /** @type {{start: number, el: Element}[]} the transcript's lines with a start, in order */
  let lines = [];
  /** @type {Element|null} */
  let current = null;

  function mark() {
    const now = media.currentTime;
    let at = null;
    for (const line of lines) {
      if (line.start > now + 0.05) break;
      at = line.el;
    }
    if (at === current) return;
    if (current) current.removeAttribute("aria-current");
    if (at) at.setAttribute("aria-current", "true");
    current = at;
  }

  function onKey(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey || typing(e.target)) return;
    if (e.key === " " && !pressable(e.target)) {
      e.preventDefault();
      if (media.paused) media.play().catch(() => {});
      else media.pause();
    } else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      // The player's own controls take arrows themselves.
      if (e.target instanceof HTMLMediaElement) return;
      e.preventDefault();
      const to = media.currentTime + (e.key === "ArrowLeft" ? -STEP_SECS : STEP_SECS);
      media.currentTime = Math.max(0, Number.isFinite(media.duration) ? Math.min(to, media.duration) : to);
    }
  }

  media.addEventListener("timeupdate", mark);
  media.addEventListener("seeked", mark);
  document.addEventListener("keydown", onKey);

  return {
    el,
    media,
    /** Plays from `secs`. */
    seek(secs) {
      media.currentTime = Math.max(0, secs);
      media.play().catch(() => {});
    },
    /** The transcript lines shown now (`[data-start]` elements of `root`), to mark while playing. */
    follow(root) {
      current = null;
      lines = [...root.querySelectorAll("ol.transcript > li[data-start]")].map((li) => ({ start: Number(li.getAttribute("data-start")), el: li }));
      mark();
    },
    stop() {
      document.removeEventListener("keydown", onKey);
      media.pause();
    },
  };
}
