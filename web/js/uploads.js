// Uploads in progress, kept by the app rather than by a page: an upload
// goes on while the person looks at another page, and the upload box shows
// it again (progress, Cancel) when they come back. Leaving the site while
// one is on its way asks first (`beforeunload`). Once the server has the
// file, the entry says it is queued until the task's first state change
// arrives; then it goes, as the task's own row tells the rest.

import * as api from "./api.js";
import * as live from "./live.js";
import * as states from "./task-states.js";
import { signal } from "./signal.js";

/**
 * @typedef {{id: number, name: string, fraction: number,
 *   state: "sending"|"queued"|"failed"|"cancelled",
 *   error: import("./api.js").ApiError|null, task: import("./api.js").Task|null, abort: () => void}} Upload
 */

/** @type {Upload[]} newest last */
const uploads = [];
let nextId = 1;

const uploadChanged = signal();
const accepted = signal();

/** Called after every change of an upload. @returns {() => void} unsubscribe */
export const subscribe = uploadChanged.subscribe;

/** Called with the task of each upload the server accepted. @returns {() => void} unsubscribe */
export const onTask = accepted.subscribe;

const changed = uploadChanged.emit;

/** Every upload the box shows, oldest first. */
export const all = () => [...uploads];

/** Whether a file is still on its way to the server. */
export const sending = () => uploads.some((u) => u.state === "sending");

/** Sends a file (with a template's id, or none); its progress and outcome are announced to subscribers. */
export function start(file, template) {
  /** @type {Upload} */
  const upload = { id: nextId++, name: file.name, fraction: 0, state: "sending", error: null, task: null, abort: () => {} };
  const { promise, abort } = api.upload(file, (f) => {
    upload.fraction = f;
    changed();
  }, template);
  upload.abort = abort;
  uploads.push(upload);
  changed();
  promise.then(
    (answer) => {
      // Its first change may have come over the socket before this answer.
      const task = states.apply(answer);
      Object.assign(upload, { state: "queued", task, fraction: 1 });
      if (task.status !== "queued") uploads.splice(uploads.indexOf(upload), 1);
      changed();
      accepted.emit(task);
    },
    (e) => {
      Object.assign(upload, { state: e.code === "aborted" ? "cancelled" : "failed", error: e });
      changed();
    },
  );
  return upload;
}

/** Removes a finished upload's line from the box. */
export function dismiss(id) {
  const i = uploads.findIndex((u) => u.id === id);
  if (i >= 0 && uploads[i].state !== "sending") {
    uploads.splice(i, 1);
    changed();
  }
}

// "Queued for processing" stops being true with the task's first change.
live.subscribe((e) => {
  if (e.type !== "progress" || e.status === "queued") return;
  const i = uploads.findIndex((u) => u.state === "queued" && u.task && u.task.task_id === e.task_id);
  if (i >= 0) {
    uploads.splice(i, 1);
    changed();
  }
});

window.addEventListener("beforeunload", (e) => {
  if (!sending()) return;
  e.preventDefault();
  e.returnValue = "";
});
