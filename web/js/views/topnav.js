// The main navigation in the top bar: the tasks, then what the session
// allows (my action items, sessions, admin, the account; or log in and
// register), the current page marked.

import { state, isAdmin } from "../session.js";
import { currentPath } from "../nav.js";
import { t } from "../i18n.js";
import { h, mount } from "../ui.js";

export function renderNav() {
  const nav = document.getElementById("nav");
  const link = (href, label) => h("a", { href, "aria-current": currentPath() === href.slice(1) ? "page" : null }, label);
  const items = [link("#/", t("nav.tasks")), link("#/search", t("nav.search")), link("#/templates", t("nav.templates"))];
  if (state.user) {
    items.splice(1, 0, link("#/items", t("nav.items")));
    items.push(link("#/sessions", t("nav.sessions")));
    if (isAdmin()) items.push(link("#/admin", t("nav.admin")));
    items.push(link("#/account", state.user.username));
  } else {
    items.push(link("#/sessions", t("nav.sessions")), link("#/login", t("nav.login")), link("#/register", t("nav.register")));
  }
  mount(nav, h("ul", null, items.map((a) => h("li", null, a))));
}
