// Administration (role `admin` only; the API enforces it anyway): users,
// all tasks with an owner filter, the audit log with filters.

import * as api from "../api.js";
import { isAdmin } from "../app.js";
import { t, describeError } from "../i18n.js";
import { h, mount, notify, formatDate, formatBytes, field, confirmDialog } from "../ui.js";
import { statusView } from "./tasks.js";

/** @param {HTMLElement} main */
export async function adminPage(main) {
  if (!isAdmin()) {
    mount(main, h("h1", null, t("admin.title")), h("p", null, t("admin.notAllowed")));
    return null;
  }
  const users = h("section", { class: "card", "aria-labelledby": "adm-users" });
  const tasks = h("section", { class: "card", "aria-labelledby": "adm-tasks" });
  const audit = h("section", { class: "card", "aria-labelledby": "adm-audit" });
  mount(main, h("h1", null, t("admin.title")), users, tasks, audit);
  await Promise.all([usersSection(users), tasksSection(tasks), auditSection(audit)]);
  return null;
}

async function usersSection(el) {
  const list = h("ul", { class: "admin-users" });
  mount(el, h("h2", { id: "adm-users" }, t("admin.users")), list);
  async function load() {
    let page;
    try {
      page = await api.adminUsers();
    } catch (e) {
      mount(list, h("li", null, describeError(e)));
      return;
    }
    mount(list, page.users.map((u) => {
      const admin = u.roles.includes("admin");
      const act = async (fn, done) => {
        try {
          await fn();
          notify(done);
          load();
        } catch (e) {
          notify(describeError(e), "error");
        }
      };
      return h(
        "li",
        { class: "admin-user", dataset: { username: u.username } },
        h("div", null,
          h("strong", null, u.username), " ",
          u.roles.map((r) => h("span", { class: "badge" }, t(`role.${r}`))),
          u.disabled ? h("span", { class: "badge danger" }, t("admin.disabled")) : null,
          h("p", { class: "small muted" }, [u.email || "", t("admin.sessionCount", { n: u.session_count ?? 0 }), formatDate(u.created_at)].filter(Boolean).join(" · ")),
        ),
        h("div", { class: "row wrap" },
          h("button", { type: "button", class: "secondary small", onclick: () => act(
            () => api.adminUpdateUser(u.id, { roles: admin ? u.roles.filter((r) => r !== "admin") : [...u.roles, "admin"] }),
            t(admin ? "admin.adminRemoved" : "admin.adminGranted", { name: u.username }),
          ) }, t(admin ? "admin.removeAdmin" : "admin.makeAdmin")),
          h("button", { type: "button", class: u.disabled ? "secondary small" : "danger small", onclick: async () => {
            if (!u.disabled && !(await confirmDialog(t("admin.confirmDisable", { name: u.username }), t("admin.disable")))) return;
            act(() => api.adminUpdateUser(u.id, { disabled: !u.disabled }), t(u.disabled ? "admin.enabled" : "admin.disabledDone", { name: u.username }));
          } }, t(u.disabled ? "admin.enable" : "admin.disable")),
          h("button", { type: "button", class: "secondary small", onclick: () => act(() => api.adminRevokeSessions(u.id), t("admin.sessionsRevoked", { name: u.username })) }, t("admin.revokeSessions")),
        ),
      );
    }));
  }
  await load();
}

async function tasksSection(el) {
  const owner = h("input", { name: "owner", autocapitalize: "none", spellcheck: false });
  const list = h("ul", { class: "tasks" });
  const form = h("form", { class: "row wrap filters", onsubmit: (e) => {
    e.preventDefault();
    load();
  } }, field(t("admin.ownerFilter"), owner), h("button", { type: "submit", class: "secondary" }, t("admin.filter")));
  mount(el, h("h2", { id: "adm-tasks" }, t("admin.allTasks")), form, list);
  async function load() {
    try {
      const page = await api.adminTasks(owner.value.trim() || undefined);
      mount(list, page.tasks.length ? page.tasks.map((task) => h(
        "li",
        { class: "task" },
        h("div", { class: "task-main" }, h("a", { href: `#/tasks/${task.task_id}` }, task.filename), h("p", { class: "small muted" }, [task.owner ? task.owner.username : t("admin.anonymousOwner"), formatDate(task.upload_timestamp), formatBytes(task.size_bytes)].join(" · "))),
        statusView(task),
      )) : h("li", { class: "muted" }, t("tasks.empty")));
    } catch (e) {
      mount(list, h("li", null, describeError(e)));
    }
  }
  await load();
}

async function auditSection(el) {
  const kind = h("input", { name: "kind", autocapitalize: "none", spellcheck: false, placeholder: "login_failed" });
  const user = h("input", { name: "user", autocapitalize: "none", spellcheck: false });
  const list = h("ol", { class: "audit" });
  const form = h("form", { class: "row wrap filters", onsubmit: (e) => {
    e.preventDefault();
    load();
  } }, field(t("admin.kind"), kind), field(t("admin.user"), user), h("button", { type: "submit", class: "secondary" }, t("admin.filter")));
  mount(el, h("h2", { id: "adm-audit" }, t("admin.audit")), form, list);
  async function load() {
    try {
      const page = await api.adminAudit({ kind: kind.value.trim() || undefined, user: user.value.trim() || undefined, limit: 100 });
      mount(list, page.events.length ? page.events.map((ev) => h(
        "li",
        null,
        h("strong", null, ev.kind), " ",
        h("span", { class: "small muted" }, [formatDate(ev.created_at), ev.actor && `${t("admin.actor")}: ${who(ev.actor)}`, ev.subject && `${t("admin.subject")}: ${who(ev.subject)}`, ev.ip].filter(Boolean).join(" · ")),
        ev.detail && Object.keys(ev.detail).length ? h("p", { class: "small mono" }, Object.entries(ev.detail).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ")) : null,
      )) : h("li", { class: "muted" }, t("admin.noEvents")));
    } catch (e) {
      mount(list, h("li", null, describeError(e)));
    }
  }
  await load();
}


/** An audit event's actor or subject, however the server spells it. */
function who(x) {
  if (typeof x !== "object") return String(x);
  return x.username || x.id || JSON.stringify(x);
}
