// The task list: the upload box (views/upload-card.js), the filter bar
// (views/task-filters.js, its state in the URL), then every task that
// passes the filters with its live progress, delete, retry, share.
//
// The list is read with `GET /api/tasks` and kept current by the event
// socket; it is read again when events may have been missed (the socket
// opened, a task appeared). Answers and events race, so: each task shows
// the newest state seen of it (task-states.js); one read is in flight at a
// time, and a read asked for meanwhile runs once it is answered; and a read
// decides only about tasks it knew of when it was sent — a task uploaded,
// or one deleted, after the request left is not undone by its answer.

import * as api from "../api.js";
import * as live from "../live.js";
import * as states from "../task-states.js";
import * as uploads from "../uploads.js";
import { state } from "../session.js";
import { t, describeError } from "../i18n.js";
import { h, mount, notify, formatBytes, formatDate, confirmDialog } from "../ui.js";
import { statusView, mayManage, mayRetry, ownerLine, taskName, taskHeading } from "../views/task-status.js";
import { openShareDialog } from "../views/share-dialog.js";
import { uploadCard } from "../views/upload-card.js";
import { readFilters, filterQuery, filterBar, refocus, matches, order, narrowed } from "../views/task-filters.js";

/** @param {HTMLElement} main @param {URLSearchParams} query the hash's `?…`: the filters */
export async function tasksPage(main, query) {
  const filters = readFilters(query);
  /** The server's order for these filters. */
  const newerFirst = order(filters);
  /** @type {Map<string, {task: import("../api.js").Task, el: HTMLElement}>} */
  const items = new Map();
  const list = h("ul", { class: "tasks", "aria-label": t("tasks.listLabel"), "aria-busy": "true" });
  const empty = h("p", { class: "empty muted", hidden: true }, t(narrowed(filters) ? "filters.noMatch" : "tasks.empty"));
  const loading = h("p", { class: "loading muted", role: "status" }, t("common.loading"));
  /** Counts changes of membership; each read remembers where it started. */
  let clock = 0;
  /** @type {Map<string, number>} when a task was last added or removed here */
  const touched = new Map();

  const intro = state.user ? null : h("p", { class: "intro" }, t("tasks.anonymousIntro"), " ", h("a", { href: "#/register" }, t("nav.register")), " · ", h("a", { href: "#/login" }, t("nav.login")));
  const card = uploadCard();
  const bar = filterBar(filters, Boolean(state.user));
  mount(main, h("h1", null, t("tasks.title")), intro, card.el, h("h2", null, t("tasks.yours")), bar, loading, empty, list);
  refocus(bar);

  /** Shows a task (new, or with new facts), in its place by upload time. */
  function render(task) {
    const shown = states.apply(task);
    // A task that no longer passes the filters (it finished, say) leaves.
    if (!matches(shown, filters)) return remove(shown.task_id);
    const old = items.get(shown.task_id);
    const el = taskItem(shown, { onDelete: (id) => remove(id), onChanged: render });
    items.set(shown.task_id, { task: shown, el });
    if (old) old.el.replaceWith(el);
    else {
      const next = [...items.values()].filter((i) => i.el.isConnected && newerFirst(shown, i.task) < 0).sort((a, b) => newerFirst(a.task, b.task))[0];
      list.insertBefore(el, next ? next.el : null);
    }
    empty.hidden = items.size > 0;
  }

  function add(task) {
    touched.set(task.task_id, ++clock);
    render(task);
  }

  function remove(taskId) {
    touched.set(taskId, ++clock);
    const item = items.get(taskId);
    if (item) item.el.remove();
    items.delete(taskId);
    empty.hidden = items.size > 0;
  }

  /** Takes in a list read that started at `since`. */
  function merge(tasks, since) {
    const answered = new Set(tasks.map((task) => task.task_id));
    for (const [id] of items) {
      if (!answered.has(id) && (touched.get(id) || 0) <= since) remove(id);
    }
    for (const task of tasks) {
      if (!items.has(task.task_id) && (touched.get(task.task_id) || 0) > since) continue;
      render(task);
    }
    if (!state.user && !narrowed(filters)) state.anonymousTasks = tasks.length;
  }

  /** @type {Promise<void>|null} */
  let reading = null;
  let readAgain = false;
  function load() {
    if (reading) {
      readAgain = true;
      return reading;
    }
    reading = (async () => {
      do {
        readAgain = false;
        const since = clock;
        try {
          merge(await api.tasks(filterQuery(filters)), since);
        } catch (e) {
          notify(describeError(e), "error");
          break;
        }
      } while (readAgain);
      loading.hidden = true;
      list.removeAttribute("aria-busy");
      empty.hidden = items.size > 0;
    })().finally(() => {
      reading = null;
    });
    return reading;
  }

  const unsubscribe = live.subscribe((e) => {
    const item = e.task_id && items.get(e.task_id);
    if (e.type === "progress" && item) {
      // task-states.js has taken the event: shown only if it is the newest.
      render(item.task);
    } else if (e.type === "access_changed" && item) {
      render({ ...item.task, access: e.access });
    } else if ((e.type === "access_lost" || e.type === "task_deleted") && item) {
      remove(e.task_id);
    } else if (e.type === "task_shared" || e.type === "resync" || (e.type === "progress" && !item)) {
      // A task shared with us, or uploaded from another tab: its row comes from the list.
      load();
    }
  });
  const stopUploads = uploads.onTask(add);
  await load();
  return () => {
    unsubscribe();
    stopUploads();
    card.stop();
  };
}

/** One task in the list. */
function taskItem(task, { onDelete, onChanged }) {
  const name = taskName(task);
  const meta = [formatDate(task.upload_timestamp), formatBytes(task.size_bytes)];
  // "Shared by …" lists that person's shares with you.
  const shared = task.owner ? h("a", { class: "badge shared", href: `#/?owner=${encodeURIComponent(task.owner.username)}`, title: t("filters.byOwner", { name: task.owner.username }) }, ownerLine(task)) : null;
  const actions = h("div", { class: "task-actions" });
  if (mayRetry(task)) {
    actions.append(h("button", { type: "button", class: "secondary small", onclick: async () => {
      try {
        onChanged(await api.retry(task.task_id));
      } catch (e) {
        notify(describeError(e), "error");
      }
    } }, t("tasks.retry")));
  }
  if (mayManage(task) && state.user) {
    actions.append(h("button", { type: "button", class: "secondary small", "aria-label": t("share.buttonNamed", { name }), onclick: () => openShareDialog(task) }, t("share.button")));
  }
  if (mayManage(task)) {
    actions.append(h("button", { type: "button", class: "danger small", "aria-label": t("tasks.deleteNamed", { name }), onclick: async () => {
      if (!(await confirmDialog(t("tasks.confirmDelete", { name }), t("tasks.delete")))) return;
      try {
        await api.deleteTask(task.task_id);
        onDelete(task.task_id);
        notify(t("tasks.deleted", { name }));
      } catch (e) {
        notify(describeError(e), "error");
      }
    } }, t("tasks.delete")));
  }
  return h(
    "li",
    { class: `task status-${task.status}`, dataset: { taskId: task.task_id, status: task.status, stateVersion: String(task.state_version) } },
    h("div", { class: "task-main" }, ...taskHeading(task, `#/tasks/${task.task_id}`), shared, h("p", { class: "muted small" }, meta.join(" · "))),
    statusView(task),
    actions,
  );
}
