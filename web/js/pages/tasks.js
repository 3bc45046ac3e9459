// The task list: upload (button or drag-and-drop, with progress), live
// progress per task, delete, retry, share.

import * as api from "../api.js";
import * as live from "../live.js";
import { state } from "../session.js";
import { t, describeError } from "../i18n.js";
import { h, mount, notify, formatBytes, formatDate, confirmDialog, progressBar } from "../ui.js";
import { statusView, mayManage, ownerLine } from "../views/task-status.js";
import { openShareDialog } from "../views/share-dialog.js";

export const MEDIA_EXTENSIONS = ["wav", "mp3", "mpga", "aac", "ogg", "oga", "opus", "flac", "m4a", "mp4", "mov", "webm", "weba", "mkv"];
export const TRANSCRIPT_EXTENSIONS = ["txt", "md", "srt", "vtt", "json"];

/** The server's limit, written into the page by the server. */
export function maxUploadBytes() {
  const meta = document.querySelector('meta[name="minutes:max-upload-bytes"]');
  const n = Number(meta && meta.getAttribute("content"));
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** @param {HTMLElement} main */
export async function tasksPage(main) {
  /** @type {Map<string, {task: import("../api.js").Task, el: HTMLElement}>} */
  const items = new Map();
  const list = h("ul", { class: "tasks", "aria-label": t("tasks.listLabel") });
  const empty = h("p", { class: "empty muted" }, t("tasks.empty"));

  const intro = state.user ? null : h("p", { class: "intro" }, t("tasks.anonymousIntro"), " ", h("a", { href: "#/register" }, t("nav.register")), " · ", h("a", { href: "#/login" }, t("nav.login")));
  mount(main, h("h1", null, t("tasks.title")), intro, uploadCard(onUploaded), h("h2", null, t("tasks.yours")), empty, list);

  function render(task) {
    const old = items.get(task.task_id);
    const el = taskItem(task, { onDelete: remove, onChanged: render });
    if (old) old.el.replaceWith(el);
    items.set(task.task_id, { task, el });
    if (!old) list.append(el);
    empty.hidden = items.size > 0;
  }

  function remove(taskId) {
    const item = items.get(taskId);
    if (item) item.el.remove();
    items.delete(taskId);
    empty.hidden = items.size > 0;
  }

  function onUploaded(task) {
    const old = list.firstChild;
    render(task);
    const el = items.get(task.task_id).el;
    if (old) list.insertBefore(el, old);
  }

  async function load() {
    try {
      const tasks = await api.tasks();
      list.replaceChildren();
      items.clear();
      tasks.forEach(render);
      empty.hidden = tasks.length > 0;
      if (!state.user) state.anonymousTasks = tasks.length;
    } catch (e) {
      notify(describeError(e), "error");
    }
  }

  // The event socket sends no snapshot: the list is read once, then kept
  // current by events, and read again when they may have been missed.
  const unsubscribe = live.subscribe((e) => {
    const item = e.task_id && items.get(e.task_id);
    if (e.type === "progress" && item) {
      render({ ...item.task, status: e.status, stage: e.stage, progress: e.progress, error: e.error, error_code: e.error_code });
    } else if ((e.type === "access_lost" || e.type === "task_deleted") && item) {
      remove(e.task_id);
    } else if (e.type === "task_shared" || e.type === "resync" || (e.type === "progress" && !item)) {
      // A task shared with us, or uploaded from another tab: its row comes from the list.
      load();
    }
  });
  await load();
  return unsubscribe;
}

/** One task in the list. */
function taskItem(task, { onDelete, onChanged }) {
  const open = h("a", { href: `#/tasks/${task.task_id}`, class: "task-name" }, task.filename);
  const meta = [formatDate(task.upload_timestamp), formatBytes(task.size_bytes)];
  const shared = task.owner ? h("span", { class: "badge shared" }, ownerLine(task)) : null;
  const actions = h("div", { class: "task-actions" });
  if (task.status === "failed" && task.access !== "view") {
    actions.append(h("button", { type: "button", class: "secondary small", onclick: async () => {
      try {
        onChanged(await api.retry(task.task_id));
      } catch (e) {
        notify(describeError(e), "error");
      }
    } }, t("tasks.retry")));
  }
  if (mayManage(task) && state.user) {
    actions.append(h("button", { type: "button", class: "secondary small", "aria-label": t("share.buttonNamed", { name: task.filename }), onclick: () => openShareDialog(task) }, t("share.button")));
  }
  if (mayManage(task)) {
    actions.append(h("button", { type: "button", class: "danger small", "aria-label": t("tasks.deleteNamed", { name: task.filename }), onclick: async () => {
      if (!(await confirmDialog(t("tasks.confirmDelete", { name: task.filename }), t("tasks.delete")))) return;
      try {
        await api.deleteTask(task.task_id);
        onDelete(task.task_id);
        notify(t("tasks.deleted", { name: task.filename }));
      } catch (e) {
        notify(describeError(e), "error");
      }
    } }, t("tasks.delete")));
  }
  return h(
    "li",
    { class: `task status-${task.status}`, dataset: { taskId: task.task_id, status: task.status } },
    h("div", { class: "task-main" }, open, shared, h("p", { class: "muted small" }, meta.join(" · "))),
    statusView(task),
    actions,
  );
}

/** The upload card: limits up front, a button, a drop zone, a progress bar. */
function uploadCard(onUploaded) {
  const max = maxUploadBytes();
  const input = h("input", {
    type: "file",
    id: "upload-input",
    class: "sr-only",
    accept: [...MEDIA_EXTENSIONS, ...TRANSCRIPT_EXTENSIONS].map((e) => `.${e}`).join(","),
  });
  const status = h("div", { class: "upload-status", "aria-live": "polite" });
  const zone = h(
    "div",
    { class: "dropzone" },
    h("p", { class: "drop-title" }, t("upload.drop")),
    h("label", { for: "upload-input", class: "button primary" }, t("upload.choose")),
    input,
    h("p", { class: "small muted" }, max ? t("upload.limitSize", { size: formatBytes(max) }) : null),
    h("p", { class: "small muted" }, t("upload.limitMedia", { list: MEDIA_EXTENSIONS.join(", ") })),
    h("p", { class: "small muted" }, t("upload.limitTranscripts", { list: TRANSCRIPT_EXTENSIONS.join(", ") })),
  );

  function send(file) {
    const ext = (file.name.split(".").pop() || "").toLowerCase();
    if (max && file.size > max) {
      mount(status, h("p", { class: "error-text" }, t("upload.tooLarge", { name: file.name, size: formatBytes(max) })));
      return;
    }
    if (!file.name.includes(".") || ![...MEDIA_EXTENSIONS, ...TRANSCRIPT_EXTENSIONS].includes(ext)) {
      mount(status, h("p", { class: "error-text" }, t("upload.unsupported", { name: file.name })));
      return;
    }
    const bar = progressBar(0, t("upload.progress", { name: file.name }));
    const pct = h("span", { class: "small muted" }, "0%");
    const { promise, abort } = api.upload(file, (f) => {
      bar.value = Math.round(f * 100);
      pct.textContent = `${Math.round(f * 100)}%`;
    });
    mount(status, h("p", null, t("upload.sending", { name: file.name })), h("div", { class: "row" }, bar, pct, h("button", { type: "button", class: "secondary small", onclick: abort }, t("common.cancel"))));
    promise.then(
      (task) => {
        mount(status, h("p", null, t("upload.done", { name: file.name })));
        onUploaded(task);
      },
      (e) => {
        const msg = e.status === 413 ? t("upload.tooLarge", { name: file.name, size: max ? formatBytes(max) : "?" })
          : e.status === 415 ? t("upload.unsupported", { name: file.name })
          : describeError(e);
        mount(status, h("p", { class: "error-text", role: "alert" }, msg));
      },
    );
  }

  input.addEventListener("change", () => {
    if (input.files && input.files[0]) send(input.files[0]);
    input.value = "";
  });
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file) send(file);
  });
  return h("section", { class: "card upload", "aria-labelledby": "upload-h" }, h("h2", { id: "upload-h" }, t("upload.title")), zone, status);
}
