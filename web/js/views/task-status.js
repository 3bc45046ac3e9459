// A task at a glance, as the list, the task page and the admin's list all
// show it: status words with a progress bar while it runs, whose task it is,
// and whether the viewer may manage it.

import { t, describeTaskError } from "../i18n.js";
import { h, progressBar } from "../ui.js";

const isFinal = (task) => task.status === "completed" || task.status === "failed";

/** Owner and admin delete and share (docs/api.md, "Sharing and roles"). */
export const mayManage = (task) => task.access === "owner" || task.access === "admin";

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
    box.append(progressBar(task.progress, t("tasks.progressOf", { name: task.filename })), h("span", { class: "small muted" }, `${task.progress}%`));
  }
  if (task.status === "failed" && task.error) box.append(h("p", { class: "small error-text" }, describeTaskError(task)));
  if (task.status === "failed" && task.error_detail) box.append(h("p", { class: "small muted" }, task.error_detail));
  return box;
}
