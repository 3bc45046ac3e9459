// One task: status while it runs, then the minutes, downloads, the original
// media, editing (owner and `edit` grantees) with conflict handling, live
// updates from others, and the revision history.

import * as api from "../api.js";
import * as live from "../live.js";
import { state } from "../app.js";
import { t, describeError } from "../i18n.js";
import { h, mount, notify, formatDate, formatTime } from "../ui.js";
import { statusView } from "./tasks.js";
import { openShareDialog } from "./share.js";
import { editor } from "./editor.js";

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;

/** The meeting's language, for the minutes' own headings. */
function meetingLang(minutes) {
  const sample = [minutes.title, ...minutes.summary, ...minutes.transcript.slice(0, 20).map((s) => s.text)].join(" ");
  return JAPANESE.test(sample) ? "ja" : "en";
}

/** @param {HTMLElement} main @param {string} taskId */
export async function taskPage(main, taskId) {
  let task;
  try {
    task = await api.task(taskId);
  } catch (e) {
    mount(main, h("h1", null, t("task.notFoundTitle")), h("p", null, describeError(e)), h("p", null, h("a", { href: "#/" }, t("nav.backToTasks"))));
    return null;
  }
  const page = {
    task,
    /** @type {import("../api.js").Minutes|null} */ minutes: null,
    /** @type {string|null} */ etag: null,
    editing: false,
  };
  const heading = h("h1", { class: "task-title" }, task.filename);
  const statusBox = h("div", { class: "status-box" });
  const body = h("div", { class: "minutes-body" });
  const banner = h("div", { class: "banner", hidden: true, role: "status" });
  const toolbar = h("div", { class: "toolbar" });
  const history = h("details", { class: "card history" });
  mount(
    main,
    h("p", { class: "crumbs" }, h("a", { href: "#/" }, `← ${t("nav.backToTasks")}`)),
    heading,
    h("p", { class: "muted small" }, task.owner ? t("tasks.sharedBy", { owner: task.owner.username, access: t(`access.${task.access}`) }) : null),
    statusBox,
    banner,
    toolbar,
    body,
    mediaSection(task),
  );
  const canEdit = task.access === "owner" || task.access === "edit";

  function showStatus() {
    mount(statusBox, page.task.status === "completed" ? null : statusView(page.task));
  }

  async function loadMinutes(version) {
    try {
      const { minutes, etag } = await api.minutes(taskId, version);
      if (version === undefined) {
        page.minutes = minutes;
        page.etag = etag;
      }
      return minutes;
    } catch (e) {
      notify(describeError(e), "error");
      return null;
    }
  }

  function showMinutes(minutes = page.minutes, oldVersion = null) {
    if (!minutes) return;
    heading.textContent = minutes.title || task.filename;
    document.title = `${heading.textContent} · minutes`;
    mount(body, minutesView(minutes));
    const buttons = [
      h("a", { class: "button secondary small", href: api.minutesUrl(taskId, "md"), download: "" }, t("task.downloadMd")),
      h("a", { class: "button secondary small", href: api.minutesUrl(taskId, "txt"), download: "" }, t("task.downloadTxt")),
      h("a", { class: "button secondary small", href: api.minutesUrl(taskId, "json"), download: "" }, t("task.downloadJson")),
    ];
    // Without an ETag this server cannot take edits (no versioned minutes).
    if (canEdit && page.etag && oldVersion === null) buttons.unshift(h("button", { type: "button", class: "primary small", onclick: startEditing }, t("edit.button")));
    if (task.access === "owner" && state.user) buttons.push(h("button", { type: "button", class: "secondary small", onclick: () => openShareDialog(task) }, t("share.button")));
    mount(toolbar, buttons);
    if (page.etag && !history.isConnected) body.after(history);
  }

  function startEditing() {
    page.editing = true;
    banner.hidden = true;
    mount(toolbar);
    mount(body, editor({
      taskId,
      base: page.minutes,
      etag: page.etag,
      onSaved: async (etag) => {
        page.editing = false;
        await loadMinutes();
        if (etag) page.etag = etag;
        showMinutes();
        refreshHistory();
        notify(t("edit.saved"));
      },
      onCancel: () => {
        page.editing = false;
        showMinutes();
      },
      onReload: async () => {
        page.editing = false;
        await loadMinutes();
        showMinutes();
      },
    }));
  }

  // Revision history: loaded when opened.
  async function refreshHistory() {
    if (!history.open) {
      mount(history, h("summary", null, t("history.title")));
      return;
    }
    mount(history, h("summary", null, t("history.title")), h("p", { class: "muted" }, t("common.loading")));
    let revisions;
    try {
      revisions = await api.revisions(taskId);
    } catch (e) {
      mount(history, h("summary", null, t("history.title")), h("p", null, describeError(e)));
      return;
    }
    mount(
      history,
      h("summary", null, t("history.title")),
      h("ol", { class: "revisions" }, revisions.map((r, i) => h(
        "li",
        null,
        h("span", null, t("history.version", { n: r.version }), " · ", formatDate(r.created_at), r.author ? ` · ${r.author}` : "", i === 0 ? ` (${t("history.current")})` : ""),
        h("span", { class: "row" },
          h("button", { type: "button", class: "secondary small", onclick: async () => {
            const m = await loadMinutes(r.version);
            if (!m) return;
            showMinutes(m, r.version);
            banner.hidden = false;
            mount(banner, t("history.viewing", { n: r.version }), " ", h("button", { type: "button", class: "link", onclick: () => {
              banner.hidden = true;
              showMinutes();
            } }, t("history.backToCurrent")));
          } }, t("history.view")),
          canEdit && i > 0 ? h("button", { type: "button", class: "secondary small", onclick: () => restore(r.version) }, t("history.restore")) : null,
        ),
      ))),
    );
  }
  history.addEventListener("toggle", refreshHistory);

  async function restore(version) {
    const old = await loadMinutes(version);
    if (!old) return;
    try {
      await api.saveMinutes(taskId, old, page.etag);
      await loadMinutes();
      banner.hidden = true;
      showMinutes();
      refreshHistory();
      notify(t("history.restored", { n: version }));
    } catch (e) {
      notify(describeError(e), "error");
    }
  }

  const unsubscribe = live.subscribe(async (e) => {
    if (e.task_id !== taskId) return;
    if (e.type === "progress") {
      const wasDone = page.task.status === "completed";
      page.task = { ...page.task, status: e.status, stage: e.stage, progress: e.progress, error: e.error };
      showStatus();
      if (!wasDone && e.status === "completed" && (await loadMinutes())) showMinutes();
    } else if (e.type === "minutes_updated") {
      if (e.version !== undefined && page.etag && page.etag.includes(String(e.version))) return;
      if (page.editing) {
        banner.hidden = false;
        mount(banner, t("live.updatedWhileEditing", { author: e.author || t("live.someone") }));
      } else if (await loadMinutes()) {
        showMinutes();
        refreshHistory();
        notify(t("live.updated", { author: e.author || t("live.someone") }));
      }
    } else if (e.type === "access_lost" || e.type === "task_deleted") {
      mount(main, h("h1", null, t("task.goneTitle")), h("p", null, t(e.type === "task_deleted" ? "task.deleted" : "task.accessLost")), h("p", null, h("a", { href: "#/" }, t("nav.backToTasks"))));
    }
  });

  showStatus();
  refreshHistory();
  if (task.status === "completed") {
    if (await loadMinutes()) showMinutes();
  } else {
    live.watchTask(taskId);
  }
  return unsubscribe;
}

/** The rendered minutes, headed in the meeting's own language. */
export function minutesView(minutes) {
  const ml = meetingLang(minutes);
  const tm = (key) => t(key, {}, ml);
  const section = (key, content, empty) => h("section", { class: "card minutes-section", lang: ml }, h("h2", null, tm(key)), empty ? h("p", { class: "muted" }, tm("minutes.none")) : content);
  return h(
    "div",
    { class: "minutes" },
    section("minutes.summary", h("ul", null, minutes.summary.map((s) => h("li", null, s))), !minutes.summary.length),
    section("minutes.decisions", h("ul", null, minutes.decisions.map((d) => h("li", null, d.text))), !minutes.decisions.length),
    section("minutes.actionItems", h("ul", { class: "actions-list" }, minutes.action_items.map((a) => h(
      "li",
      null,
      h("span", null, a.text),
      a.owner || a.due ? h("span", { class: "small muted meta" }, [a.owner ? `${tm("minutes.owner")}: ${a.owner}` : null, a.due ? `${tm("minutes.due")}: ${a.due}` : null].filter(Boolean).join(" · ")) : null,
    ))), !minutes.action_items.length),
    section("minutes.transcript", h("ol", { class: "transcript" }, minutes.transcript.map((s) => h(
      "li",
      null,
      s.start !== null && s.start !== undefined ? h("time", { class: "ts small muted" }, formatTime(s.start)) : null,
      s.speaker ? h("strong", { class: "speaker" }, s.speaker) : null,
      h("span", null, s.text),
    ))), !minutes.transcript.length),
  );
}

/** The original file: a player where this browser can play it, else a download. */
function mediaSection(task) {
  const kind = task.content_type.startsWith("audio/") ? "audio" : task.content_type.startsWith("video/") ? "video" : null;
  const download = h("a", { href: api.mediaUrl(task.task_id), download: "" }, t("task.downloadOriginal"));
  let player = null;
  if (kind) {
    const probe = document.createElement(kind);
    if (probe.canPlayType(task.content_type)) {
      player = h(kind, { controls: true, preload: "metadata", src: api.mediaUrl(task.task_id), class: "player", "aria-label": t("task.player", { name: task.filename }) });
    } else {
      player = h("p", { class: "muted" }, t("task.cannotPlay"));
    }
  }
  return h("section", { class: "card" }, h("h2", null, t("task.original")), player, h("p", { class: "small" }, download, " · ", task.content_type));
}
