// One task: status while it runs, then the minutes, downloads, the original
// media, editing (owner, admin and `edit` grantees) with edits merged,
// saves by others shown live, and the revision history. What the viewer may
// do follows their access live: a share changed to edit brings the Edit
// button, one changed to view takes it (and an open editor) away.

import * as api from "../api.js";
import * as live from "../live.js";
import * as states from "../task-states.js";
import { state } from "../session.js";
import { t, describeError } from "../i18n.js";
import { h, mount, notify, field } from "../ui.js";
import { templateSelect } from "../views/template-select.js";
import { statusView, mayManage, ownerLine, taskName } from "../views/task-status.js";
import { openShareDialog } from "../views/share-dialog.js";
import { editor } from "../views/editor.js";
import { historySection } from "../views/history.js";
import { minutesView } from "../views/minutes-view.js";
import { recordingPlayer } from "../views/player.js";

/**
 * @param {HTMLElement} main @param {string} taskId
 * @param {string|null} [segment] a transcript line to show (a search hit's), as `#/tasks/…?segment=N`
 */
export async function taskPage(main, taskId, segment = null) {
  let task;
  try {
    task = states.apply(await api.task(taskId));
  } catch (e) {
    mount(main, h("h1", null, t("task.notFoundTitle")), h("p", null, describeError(e)), h("p", null, h("a", { href: "#/" }, t("nav.backToTasks"))));
    return null;
  }
  const page = {
    task,
    /** @type {import("../api.js").Minutes|null} */ minutes: null,
    etag: "",
    version: 0,
    editing: false,
    /** @type {{version: number, minutes: import("../api.js").Minutes}|null} an old version being looked at */
    viewing: null,
    /** @type {Promise<unknown>|null} a save on its way: its own event must not read as someone else's */
    saving: null,
  };

  /** Every save of this page goes through here. */
  function save(minutes, etag, restoredFrom) {
    const request = api.saveMinutes(taskId, minutes, etag, restoredFrom);
    page.saving = request.catch(() => null);
    return request;
  }
  const canEdit = () => page.task.access !== "view";
  const heading = h("h1", { class: "task-title" }, taskName(task));
  const dated = h("p", { class: "muted small task-sub" });
  /** The meeting's date and the file's name, under the title. */
  const showDated = (date) => mount(dated, h("time", { class: "meeting-date", datetime: date }, t("task.meetingDate", { date })), " · ", h("span", { class: "file-name" }, t("task.fileName", { name: page.task.filename })));
  showDated(task.meeting_date);
  const statusBox = h("div", { class: "status-box" });
  const body = h("div", { class: "minutes-body" });
  const banner = h("div", { class: "banner", hidden: true, role: "status" });
  const toolbar = h("div", { class: "toolbar" });
  const history = historySection({ taskId, canEdit, onView: viewVersion, onRestore: restore });
  const player = recordingPlayer(task);
  // A line, a decision or an action item with a moment plays from there.
  body.addEventListener("click", (e) => {
    const from = e.target instanceof Element ? e.target.closest("[data-seek]") : null;
    if (from && player) player.seek(Number(from.getAttribute("data-seek")));
  });
  mount(
    main,
    h("p", { class: "crumbs" }, h("a", { href: "#/" }, `← ${t("nav.backToTasks")}`)),
    heading,
    dated,
    task.owner || task.access === "admin" ? h("p", { class: "muted small" }, ownerLine(task)) : null,
    player ? player.el : null,
    statusBox,
    banner,
    toolbar,
    body,
    mediaSection(task, Boolean(player)),
  );

  function showStatus() {
    mount(statusBox, page.task.status === "completed" ? null : statusView(page.task));
  }

  function showBanner(...content) {
    banner.hidden = content.length === 0;
    mount(banner, ...content);
  }

  /** Reads the newest version (or another one, without making it the page's). */
  async function loadMinutes(version) {
    try {
      const read = await api.minutes(taskId, version);
      if (version === undefined) Object.assign(page, { minutes: read.minutes, etag: read.etag, version: read.version });
      return read.minutes;
    } catch (e) {
      notify(describeError(e), "error");
      return null;
    }
  }

  /** Shows minutes: the current version, or an old one being looked at (no editing then). */
  function showMinutes(minutes = page.minutes, old = false) {
    if (!minutes) return;
    heading.textContent = minutes.title || task.filename;
    showDated(minutes.meeting_date || page.task.meeting_date);
    document.title = `${heading.textContent} · minutes`;
    mount(body, minutesView(minutes, { seekable: Boolean(player) }));
    if (player) player.follow(body);
    const link = (format, key) => h("a", { class: "button secondary small", href: api.minutesUrl(taskId, format), download: "" }, t(key));
    mount(
      toolbar,
      canEdit() && !old ? h("button", { type: "button", class: "primary small", onclick: startEditing }, t("edit.button")) : null,
      link("md", "task.downloadMd"),
      link("txt", "task.downloadTxt"),
      link("json", "task.downloadJson"),
      link("docx", "task.downloadDocx"),
      h("button", { type: "button", class: "secondary small", onclick: () => copyMarkdown(taskId, old ? page.viewing?.version : undefined) }, t("task.copyMarkdown")),
      h("button", { type: "button", class: "secondary small", onclick: () => window.print() }, t("task.print")),
      (mayManage(task) || task.access === "edit") && state.user ? h("button", { type: "button", class: "secondary small", onclick: () => openShareDialog(task) }, t("share.button")) : null,
      canEdit() && !old ? h("button", { type: "button", class: "secondary small", "aria-expanded": "false", onclick: (e) => toggleRegenerate(e.currentTarget) }, t("regenerate.button")) : null,
    );
    if (!history.el.isConnected) body.after(history.el);
  }

  function showCurrent() {
    page.viewing = null;
    showBanner();
    showMinutes();
  }

  /** The "Regenerate with template…" form under the toolbar, opened and closed by its button. */
  function toggleRegenerate(button) {
    const open = toolbar.nextElementSibling && toolbar.nextElementSibling.classList.contains("regenerate");
    if (open) {
      toolbar.nextElementSibling.remove();
      button.setAttribute("aria-expanded", "false");
      return;
    }
    button.setAttribute("aria-expanded", "true");
    const select = templateSelect({ name: "template", withDefault: false });
    const form = h("form", { class: "card regenerate row wrap", onsubmit: async (e) => {
      e.preventDefault();
      const name = select.selectedOptions[0] ? select.selectedOptions[0].textContent : select.value;
      try {
        await api.regenerate(taskId, select.value, page.etag);
        form.remove();
        button.setAttribute("aria-expanded", "false");
        notify(t("regenerate.queued", { name }));
      } catch (err) {
        notify(describeError(err), "error");
      }
    } }, h("p", { class: "small muted" }, t("regenerate.intro")), field(t("regenerate.template"), select), h("button", { type: "submit", class: "primary small" }, t("regenerate.submit")));
    toolbar.after(form);
    select.focus();
  }

  function startEditing() {
    page.editing = true;
    showBanner();
    mount(toolbar);
    mount(body, editor({
      save,
      base: page.minutes,
      etag: page.etag,
      onSaved: (saved, mergedWith) => {
        Object.assign(page, { editing: false, minutes: saved.minutes, etag: saved.etag, version: saved.version });
        showCurrent();
        history.refresh();
        notify(mergedWith ? t("edit.savedMerged", { m: mergedWith, n: saved.version }) : t("edit.saved", { n: saved.version }));
      },
      onCancel: () => {
        page.editing = false;
        showCurrent();
      },
      onReload: (current) => {
        Object.assign(page, { editing: false, minutes: current.minutes, etag: current.etag, version: current.version });
        showCurrent();
        history.refresh();
      },
    }));
    body.querySelector("input")?.focus();
  }

  /** The viewer's access changed: what they may do changes with it, at once. */
  function accessChanged(access) {
    page.task = { ...page.task, access };
    if (page.editing && !canEdit()) {
      page.editing = false;
      showCurrent();
      notify(t("edit.noLongerAllowed"), "error");
    } else if (!page.editing && page.minutes) {
      // The toolbar and the history's Restore buttons follow the access.
      showMinutes(page.viewing ? page.viewing.minutes : page.minutes, Boolean(page.viewing));
      history.refresh();
    }
  }

  async function viewVersion(version) {
    const old = await loadMinutes(version);
    if (!old || page.editing) return;
    page.viewing = { version, minutes: old };
    showMinutes(old, true);
    showBanner(t("history.viewing", { n: version }), " ", h("button", { type: "button", class: "link-text", onclick: showCurrent }, t("history.backToCurrent")));
    heading.scrollIntoView({ block: "nearest" });
  }

  async function restore(version) {
    const old = await loadMinutes(version);
    if (!old) return;
    try {
      const saved = await save(old, page.etag, version);
      Object.assign(page, { minutes: saved.minutes, etag: saved.etag, version: saved.version });
      if (!page.editing) showCurrent();
      history.refresh();
      notify(t("history.restored", { n: version, v: saved.version }));
    } catch (e) {
      if (e instanceof api.ApiError && e.conflict) {
        // Someone saved meanwhile: show what is current; restoring again is one click.
        const { minutes, etag, version: v } = e.conflict;
        Object.assign(page, { minutes, etag, version: v });
        if (!page.editing) showCurrent();
        history.refresh();
      }
      notify(describeError(e), "error");
    }
  }

  const unsubscribe = live.subscribe(async (e) => {
    if (e.type === "resync") return refresh();
    if (e.task_id !== taskId) return;
    if (e.type === "progress") {
      const wasDone = page.task.status === "completed";
      // task-states.js has taken the event; an older state than shown changes nothing.
      page.task = states.apply(page.task);
      showStatus();
      if (!wasDone && page.task.status === "completed" && (await loadMinutes())) showMinutes();
    } else if (e.type === "minutes_updated") {
      // The event of our own save may come before its answer: wait for it.
      if (page.saving) await page.saving;
      if (e.version <= page.version) return;
      const author = e.author || t("live.someone");
      history.refresh();
      if (page.editing) {
        // Not pulled in under the person's hands: saving merges the two.
        showBanner(t("live.updatedWhileEditing", { author, n: e.version }));
      } else if (await loadMinutes()) {
        showCurrent();
        notify(t("live.updated", { author, n: e.version }));
      }
    } else if (e.type === "access_changed") {
      accessChanged(e.access);
    } else if (e.type === "access_lost" || e.type === "task_deleted") {
      gone(e.type);
    }
  });

  function gone(type) {
    unsubscribe();
    stopWatching();
    if (player) player.stop();
    // Whatever the page said about the meeting no longer applies.
    notify(null);
    mount(main, h("h1", null, t("task.goneTitle")), h("p", null, t(type === "task_deleted" ? "task.deleted" : "task.accessLost")), h("p", null, h("a", { href: "#/" }, t("nav.backToTasks"))));
  }

  /** After the event socket reconnects: whatever was missed. */
  async function refresh() {
    const access = page.task.access;
    try {
      page.task = states.apply(await api.task(taskId));
    } catch (e) {
      if (e instanceof api.ApiError && e.status === 404) gone("access_lost");
      return;
    }
    if (page.task.access !== access) accessChanged(page.task.access);
    showStatus();
    if (page.task.status !== "completed" || page.editing) return;
    // Shown again only when it changed: the page may be in use.
    const shownVersion = page.minutes ? page.version : null;
    if ((await loadMinutes()) && page.version !== shownVersion && !page.viewing) showCurrent();
  }

  // The event socket covers the caller's own and shared tasks; an admin's
  // view of anyone else's is watched on its own socket until it finishes.
  const stopWatching = task.access === "admin" && task.status !== "completed" && task.status !== "failed" ? live.watchTask(taskId) : () => {};
  showStatus();
  if (task.status === "completed" && (await loadMinutes())) {
    showMinutes();
    if (segment !== null) showSegment(body, segment);
  }
  return () => {
    unsubscribe();
    stopWatching();
    if (player) player.stop();
  };
}

/** Copies the minutes (the version shown) as Markdown, as the download has them. */
async function copyMarkdown(taskId, version) {
  try {
    await navigator.clipboard.writeText(await api.minutesMarkdown(taskId, version));
    notify(t("task.copied"));
  } catch {
    notify(t("task.copyFailed"), "error");
  }
}

/** Brings a transcript line into view, marked, with focus on it. */
function showSegment(body, segment) {
  const line = body.querySelector(`#segment-${CSS.escape(String(Number(segment)))}`);
  if (!line) return;
  line.classList.add("found");
  line.tabIndex = -1;
  line.scrollIntoView({ block: "center" });
  line.focus({ preventScroll: true });
}

/** The original file: a download, and a note when this browser cannot play the recording (`played`: it plays at the top). */
function mediaSection(task, played) {
  const recording = task.content_type.startsWith("audio/") || task.content_type.startsWith("video/");
  const download = h("a", { href: api.mediaUrl(task.task_id), download: "" }, t("task.downloadOriginal"));
  return h("section", { class: "card media" }, h("h2", null, t("task.original")), recording && !played ? h("p", { class: "muted" }, t("task.cannotPlay")) : null, h("p", { class: "small" }, download, " · ", task.content_type));
}
