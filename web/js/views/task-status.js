// A task at a glance, as the list, the task page and the admin's list all
// show it: status words with a progress bar while it runs, why it failed
// (a sentence in the page's language chosen by `error_code`; what went
// wrong in full, `error_detail`, only for admins), whose task it is, and whether the viewer may
// manage or retry it.

import { t, describeTaskError } from "../i18n.js";
import { h, progressBar } from "../ui.js";
import { capabilities } from "../capabilities.js";

const isFinal = (task) => task.status === "completed" || task.status === "failed";

/**
 * Failures that trying again cannot mend: the uploader's own file cannot be
 * read or transcribed, or its minutes cannot be stored (`tasks::ErrorCode`).
 */
const PERMANENT = new Set(["invalid_transcript", "transcription_failed", "unstorable_text"]);

/** Owner and admin delete and share (docs/api.md, "Sharing and roles"). */
export const mayManage = (task) => task.access === "owner" || task.access === "admin";

/**
 * Whether "Try again" makes sense: a failed task the viewer may retry,
 * which did not fail for good (a recording without a transcription
 * backend, only once the server has one).
 */
export function mayRetry(task) {
  if (task.status !== "failed" || task.access === "view") return false;
  if (task.error_code === "transcription_not_configured") return capabilities.recordings;
  return !PERMANENT.has(task.error_code);
}

/** Why a task failed, in the page's language (the server's sentence for a code unknown here). */
export function failureSentence(task) {
  return describeTaskError(task) || t("taskerr.unknown");
}

/** What names a task: its minutes' title once it has one, its file's name before. */
export const taskName = (task) => task.title || task.filename;

/** A task's name as a list shows it: the title, the meeting's date, and the file's name under them. */
export function taskHeading(task, href) {
  const name = h("a", { href, class: "task-name" }, taskName(task));
  const sub = [task.meeting_date && h("time", { class: "meeting-date", datetime: task.meeting_date }, task.meeting_date), task.title ? h("span", { class: "file-name" }, task.filename) : null].filter(Boolean);
  return [name, sub.length ? h("p", { class: "small muted task-sub" }, ...sub.flatMap((el, i) => (i ? [" · ", el] : [el]))) : null];
}

/** Whose task this is and what the viewer may do, for a task not their own. */
export function ownerLine(task) {
  const owner = task.owner ? task.owner.username : t("admin.anonymousOwner");
  return task.access === "admin" ? t("tasks.ownedBy", { owner }) : t("tasks.sharedBy", { owner, access: t(`access.${task.access}`) });
}

/** Status words and, while it runs, the progress bar. */
export function statusView(task) {
  const words = task.status === "processing" && task.stage ? t(`stage.${task.stage}`) : t(`status.${task.status}`);
  const label = h("span", { class: `status-label ${task.status}` }, words);
  const box = h("div", { class: "task-status" }, label);
  if (!isFinal(task)) {
    box.append(progressBar(task.progress, t("tasks.progressOf", { name: taskName(task) })), h("span", { class: "small muted" }, `${task.progress}%`));
  }
  if (task.status === "failed") {
    box.append(h("p", { class: "small error-text failure" }, failureSentence(task)));
    // `error_detail` reaches admins only (docs/api.md, "Tasks").
    if (task.error_detail) box.append(h("p", { class: "small muted failure-detail" }, t("tasks.failureDetail", { detail: task.error_detail })));
  }
  return box;
}
