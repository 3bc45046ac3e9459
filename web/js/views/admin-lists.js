// The admin page's two long lists: every task (filtered by owner) and the
// audit log (filtered by kind and user), each a page at a time.

import * as api from "../api.js";
import { t, describeError } from "../i18n.js";
import { h, mount, formatDate, formatBytes, field } from "../ui.js";
import { statusView } from "./task-status.js";

/** The audit kinds the README lists; the filter offers these, the log shows any. */
export const AUDIT_KINDS = [
  "login_succeeded", "login_failed", "logout", "user_registered", "password_changed",
  "series_created", "series_revoked", "refresh_token_reused",
  "share_granted", "share_changed", "share_revoked",
  "role_granted", "role_removed", "user_disabled", "user_enabled", "sessions_revoked_by_admin",
  "minutes_edited",
];

/** "More" for a list with another page; nothing on the last page. */
export function moreButton(cursor, load) {
  return cursor ? h("button", { type: "button", class: "secondary small more", onclick: () => load(cursor) }, t("admin.more")) : null;
}

/** A filter form: fields, a button, and the list reloads on submit. */
function filterForm(fields, load) {
  return h("form", { class: "row wrap filters", onsubmit: (e) => {
    e.preventDefault();
    load();
  } }, fields, h("button", { type: "submit", class: "secondary" }, t("admin.filter")));
}

/**
 * A list read a page at a time: the first page on load, more on demand.
 * @param {HTMLElement} list @param {HTMLElement} more
 * @param {(cursor: string|null) => Promise<{items: any[], next_cursor: string|null}>} fetchPage
 * @param {(item: any) => HTMLElement} render @param {string} emptyKey
 */
function pagedList(list, more, fetchPage, render, emptyKey) {
  return async function load(cursor = null) {
    let page;
    try {
      page = await fetchPage(cursor);
    } catch (e) {
      mount(list, h("li", { class: "error-text" }, describeError(e)));
      mount(more);
      return;
    }
    if (!cursor) list.replaceChildren();
    list.append(...page.items.map(render));
    if (!list.children.length) list.append(h("li", { class: "muted" }, t(emptyKey)));
    mount(more, moreButton(page.next_cursor, load));
  };
}

export async function tasksSection(el) {
  const owner = h("input", { name: "owner", autocapitalize: "none", autocomplete: "off", spellcheck: false });
  const list = h("ul", { class: "tasks" });
  const more = h("div");
  const load = pagedList(
    list,
    more,
    async (cursor) => {
      const page = await api.adminTasks(owner.value.trim().toLowerCase() || undefined, cursor);
      return { items: page.tasks, next_cursor: page.next_cursor };
    },
    (task) => h(
      "li",
      { class: "task", dataset: { taskId: task.task_id, status: task.status } },
      h("div", { class: "task-main" },
        h("a", { href: `#/tasks/${task.task_id}`, class: "task-name" }, task.filename),
        h("p", { class: "small muted" }, [task.owner ? task.owner.username : t("admin.anonymousOwner"), formatDate(task.upload_timestamp), formatBytes(task.size_bytes)].join(" · ")),
      ),
      statusView(task),
    ),
    "admin.noTasks",
  );
  mount(el, h("h2", { id: "adm-tasks", tabindex: "-1" }, t("admin.allTasks")), filterForm(field(t("admin.ownerFilter"), owner), () => load()), list, more);
  await load();
}

export async function auditSection(el) {
  const kind = h("select", { name: "kind" }, h("option", { value: "" }, t("admin.anyKind")), AUDIT_KINDS.map((k) => h("option", { value: k }, kindLabel(k))));
  const user = h("input", { name: "user", autocapitalize: "none", autocomplete: "off", spellcheck: false });
  const list = h("ol", { class: "audit" });
  const more = h("div");
  const load = pagedList(
    list,
    more,
    async (cursor) => {
      const page = await api.adminAudit({ kind: kind.value || undefined, user: user.value.trim().toLowerCase() || undefined, limit: 50, cursor });
      return { items: page.events, next_cursor: page.next_cursor };
    },
    (ev) => h(
      "li",
      { dataset: { kind: ev.kind } },
      h("strong", null, kindLabel(ev.kind)), " ", h("code", { class: "small muted" }, ev.kind),
      h("p", { class: "small muted" }, [
        formatDate(ev.created_at),
        ev.actor && t("admin.actorIs", { name: ev.actor }),
        ev.subject && t("admin.subjectIs", { name: ev.subject }),
        ev.ip && t("admin.ipIs", { ip: ev.ip }),
      ].filter(Boolean).join(" · ")),
      ev.detail && Object.keys(ev.detail).length ? h("p", { class: "small mono" }, Object.entries(ev.detail).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ")) : null,
    ),
    "admin.noEvents",
  );
  mount(el, h("h2", { id: "adm-audit", tabindex: "-1" }, t("admin.audit")), filterForm([field(t("admin.kind"), kind), field(t("admin.user"), user)], () => load()), list, more);
  await load();
}

/** An audit kind in words, or the code itself for a kind this page does not know. */
function kindLabel(kind) {
  const key = `audit.${kind}`;
  return t(key) === key ? kind : t(key);
}
