// The admin page's two long lists: every task (filtered by owner) and the
// audit log (filtered by kind, user and time; sessions started left out
// unless asked for; each event a sentence naming people and meetings), each
// a page at a time.

import * as api from "../api.js";
import { t, describeError } from "../i18n.js";
import { h, mount, formatDate, formatBytes, field } from "../ui.js";
import { statusView, taskHeading } from "./task-status.js";

/** The audit kinds the README lists; the filter offers these, the log shows any. */
export const AUDIT_KINDS = [
  "login_succeeded", "login_failed", "login_throttled", "logout", "user_registered", "password_changed",
  "series_created", "series_revoked", "refresh_token_reused",
  "share_granted", "share_changed", "share_revoked",
  "role_granted", "role_removed", "user_disabled", "user_enabled", "sessions_revoked_by_admin",
  "minutes_edited", "minutes_regenerated",
  "token_created", "token_used_from_new_address", "token_revoked",
  "link_created", "link_revoked",
  "calendar_feed_created", "calendar_feed_stopped",
  "webhook_created", "webhook_changed", "webhook_rotated", "webhook_disabled", "webhook_deleted",
  "two_factor_enabled", "two_factor_disabled", "passkey_added", "passkey_removed",
  "identity_linked", "identity_unlinked",
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
 * A list read a page at a time: the first page on load, more on demand;
 * "Loading…" while the first page is on its way.
 * @param {HTMLElement} list @param {HTMLElement} more
 * @param {(cursor: string|null) => Promise<{items: any[], next_cursor: string|null}>} fetchPage
 * @param {(item: any) => HTMLElement} render @param {string} emptyKey
 */
function pagedList(list, more, fetchPage, render, emptyKey) {
  return async function load(cursor = null) {
    let page;
    if (!cursor) {
      mount(list, h("li", { class: "loading muted", role: "status" }, t("common.loading")));
      mount(more);
    }
    list.setAttribute("aria-busy", "true");
    try {
      page = await fetchPage(cursor);
    } catch (e) {
      mount(list, h("li", { class: "error-text" }, describeError(e)));
      mount(more);
      return;
    } finally {
      list.removeAttribute("aria-busy");
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
        ...taskHeading(task, `#/tasks/${task.task_id}`),
        h("p", { class: "small muted" }, [task.owner ? task.owner.username : t("admin.anonymousOwner"), formatDate(task.upload_timestamp), formatBytes(task.size_bytes)].join(" · ")),
      ),
      statusView(task),
    ),
    "admin.noTasks",
  );
  mount(el, h("h2", { id: "adm-tasks", tabindex: "-1" }, t("admin.allTasks")), filterForm(field(t("admin.ownerFilter"), owner), () => load()), list, more);
  await load();
}

/** A `datetime-local` value as RFC 3339 (the browser's time zone), or undefined. */
const asTime = (value) => (value ? new Date(value).toISOString() : undefined);

export async function auditSection(el) {
  const kind = h("select", { name: "kind" }, h("option", { value: "" }, t("admin.anyKind")), AUDIT_KINDS.map((k) => h("option", { value: k }, kindLabel(k))));
  const user = h("input", { name: "user", autocapitalize: "none", autocomplete: "off", spellcheck: false });
  const since = h("input", { name: "since", type: "datetime-local" });
  const until = h("input", { name: "until", type: "datetime-local" });
  // Sessions started are most of the log: left out unless asked for.
  const starts = h("input", { name: "starts", type: "checkbox", class: "check" });
  const list = h("ol", { class: "audit" });
  const more = h("div");
  const load = pagedList(
    list,
    more,
    async (cursor) => {
      const page = await api.adminAudit({
        kind: kind.value || undefined,
        exclude_kind: kind.value || starts.checked ? undefined : "series_created",
        user: user.value.trim().toLowerCase() || undefined,
        since: asTime(since.value),
        until: asTime(until.value),
        limit: 50,
        cursor,
      });
      return { items: page.events, next_cursor: page.next_cursor };
    },
    (ev) => h(
      "li",
      { dataset: { kind: ev.kind } },
      h("strong", null, kindLabel(ev.kind)),
      h("p", { class: "audit-line" }, auditSentence(ev)),
      h("p", { class: "small muted" }, [formatDate(ev.created_at), ev.ip && t("admin.ipIs", { ip: ev.ip })].filter(Boolean).join(" · ")),
    ),
    "admin.noEvents",
  );
  const startsField = h("div", { class: "field check-field" }, h("label", null, starts, " ", t("admin.showSessionStarts")));
  mount(
    el,
    h("h2", { id: "adm-audit", tabindex: "-1" }, t("admin.audit")),
    filterForm([field(t("admin.kind"), kind), field(t("admin.user"), user), field(t("admin.timeFrom"), since), field(t("admin.timeTo"), until), startsField], () => load()),
    list,
    more,
  );
  await load();
}

/** An audit kind in words, or the code itself for a kind this page does not know. */
function kindLabel(kind) {
  const key = `audit.${kind}`;
  return t(key) === key ? kind : t(key);
}

/** A word from a dictionary family (`auditreason.logout`), or the code itself. */
function word(family, code) {
  const key = `${family}.${code}`;
  return t(key) === key ? String(code) : t(key);
}

/**
 * What happened, in a sentence: people and meetings by name, the detail in
 * words for each kind.
 * @param {import("../api.js").AuditEvent} ev
 */
export function auditSentence(ev) {
  const d = ev.detail || {};
  const actor = ev.actor || t("auditline.someone");
  const session = ev.subject_name ? t("auditline.sessionOf", { name: ev.subject_name }) : t("auditline.anonymousSession");
  const vars = {
    actor,
    subject: ev.subject_name || ev.subject || "—",
    session,
    task: ev.task_name || ev.subject_name || t("auditline.deletedTask"),
    grantee: d.grantee || ev.subject || "—",
    access: d.permission ? t(`access.${d.permission}`) : "",
    role: d.role ? word("role", d.role) : "",
    reason: d.reason ? word("auditreason", d.reason) : t("auditreason.none"),
    count: d.count ?? 0,
    episode: d.episode ?? "—",
    version: d.version ?? "?",
    token: d.name ?? "—",
    url: d.url ?? "—",
    passkey: d.name ?? "—",
    provider: d.provider ?? "—",
    device: d.trusted_device ? t("auditline.knownDevice") : t("auditline.newDevice"),
  };
  const key = ev.kind === "minutes_edited" && d.restored_from ? "auditline.minutes_restored"
    : ev.kind === "login_succeeded" && d.method === "passkey" ? "auditline.login_passkey"
    : `auditline.${ev.kind}`;
  if (t(key) !== key) return t(key, { ...vars, from: d.restored_from ?? d.from_version, template: d.template ?? "" });
  // A kind this page does not know: its facts as they are.
  return [ev.actor, ev.subject, ...Object.entries(d).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)].filter(Boolean).join(" · ");
}
