// Administration (role `admin` only; the API enforces it anyway): users
// with roles, disabled and session counts; grant or remove admin, disable
// or enable, sign out everywhere. All tasks and the audit log are in
// views/admin-lists.js.

import * as api from "../api.js";
import { isAdmin, state } from "../session.js";
import { t, describeError } from "../i18n.js";
import { h, mount, notify, formatDate, confirmDialog } from "../ui.js";
import { tasksSection, auditSection, moreButton } from "../views/admin-lists.js";

/** @param {HTMLElement} main */
export async function adminPage(main) {
  if (!isAdmin()) {
    mount(main, h("h1", null, t("admin.title")), h("p", null, t("admin.notAllowed")));
    return null;
  }
  const users = h("section", { class: "card", "aria-labelledby": "adm-users" });
  const tasks = h("section", { class: "card", "aria-labelledby": "adm-tasks" });
  const audit = h("section", { class: "card", "aria-labelledby": "adm-audit" });
  const jump = (id, key) => h("li", null, h("a", { href: `#${id}`, onclick: (e) => {
    // Hash links are the router's: scroll and focus by hand instead.
    e.preventDefault();
    const target = document.getElementById(id);
    target.scrollIntoView();
    target.focus();
  } }, t(key)));
  mount(
    main,
    h("h1", null, t("admin.title")),
    h("nav", { "aria-label": t("admin.sections") }, h("ul", { class: "jump" }, jump("adm-users", "admin.users"), jump("adm-tasks", "admin.allTasks"), jump("adm-audit", "admin.audit"))),
    users,
    tasks,
    audit,
  );
  await Promise.all([usersSection(users), tasksSection(tasks), auditSection(audit)]);
  return null;
}

async function usersSection(el) {
  const list = h("ul", { class: "admin-users", "aria-busy": "true" }, h("li", { class: "loading muted", role: "status" }, t("common.loading")));
  const more = h("div");
  mount(el, h("h2", { id: "adm-users", tabindex: "-1" }, t("admin.users")), list, more);

  /** Reads the first page again, or appends the page at `cursor`. */
  async function load(cursor = null) {
    let page;
    try {
      page = await api.adminUsers(cursor);
    } catch (e) {
      mount(list, h("li", { class: "error-text" }, describeError(e)));
      return;
    } finally {
      list.removeAttribute("aria-busy");
    }
    if (!cursor) list.replaceChildren();
    list.append(...page.users.map((u) => userItem(u, () => load())));
    mount(more, moreButton(page.next_cursor, load));
  }
  await load();
}

/** @param {import("../api.js").AdminUser} u @param {() => Promise<void>} reload */
function userItem(u, reload) {
  const admin = u.roles.includes("admin");
  const me = state.user && state.user.id === u.id;
  const act = async (fn, done) => {
    try {
      await fn();
      await reload();
      notify(done);
    } catch (e) {
      notify(describeError(e), "error");
    }
  };
  const button = (cls, key, onclick) => h("button", { type: "button", class: `${cls} small`, "aria-label": t(`${key}Named`, { name: u.username }), onclick }, t(key));
  return h(
    "li",
    { class: "admin-user", dataset: { username: u.username } },
    h("div", null,
      h("strong", null, u.username), me ? ` (${t("admin.you")})` : null, " ",
      u.roles.map((r) => h("span", { class: "badge" }, t(`role.${r}`))),
      u.disabled ? h("span", { class: "badge danger" }, t("admin.disabled")) : null,
      h("p", { class: "small muted" }, [u.email, t("admin.sessionCount", { n: u.session_count }), t("admin.since", { date: formatDate(u.created_at) })].filter(Boolean).join(" · ")),
    ),
    h("div", { class: "row wrap" },
      button("secondary", admin ? "admin.removeAdmin" : "admin.makeAdmin", () => act(
        () => api.adminUpdateUser(u.id, { roles: admin ? u.roles.filter((r) => r !== "admin") : [...u.roles, "admin"] }),
        t(admin ? "admin.adminRemoved" : "admin.adminGranted", { name: u.username }),
      )),
      button(u.disabled ? "secondary" : "danger", u.disabled ? "admin.enable" : "admin.disable", async () => {
        if (!u.disabled && !(await confirmDialog(t("admin.confirmDisable", { name: u.username }), t("admin.disable")))) return;
        act(() => api.adminUpdateUser(u.id, { disabled: !u.disabled }), t(u.disabled ? "admin.enabled" : "admin.disabledDone", { name: u.username }));
      }),
      button("secondary", "admin.revokeSessions", async () => {
        if (!(await confirmDialog(t("admin.confirmRevoke", { name: u.username }), t("admin.revokeSessions")))) return;
        act(() => api.adminRevokeSessions(u.id), t("admin.sessionsRevoked", { name: u.username }));
      }),
    ),
  );
}
