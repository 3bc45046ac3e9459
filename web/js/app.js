// The app's entry point, imported by nothing: the page table, the router
// that shows a page for the hash (and the account's new-sign-in notices
// above it), and the start-up (language, session, sockets, the dialog that
// asks for the password again before a sensitive action). Session state
// lives in session.js, navigation in nav.js. A share link's page (`/l#…`)
// starts none of it: no session, no navigation.

import * as api from "./api.js";
import * as live from "./live.js";
import * as session from "./session.js";
import * as capabilities from "./capabilities.js";
import { theme, setTheme } from "./theme.js";
import { currentPath, hashQuery, setRouter, noticeOnArrival, takeNotice } from "./nav.js";
import { t, setLang, lang, translateStatic } from "./i18n.js";
import { h, mount, notify } from "./ui.js";
import { renderNav } from "./views/topnav.js";
import { askToSignInAgain } from "./views/reauth-dialog.js";
import { showSignInNotices } from "./views/sign-in-notices.js";
import { tasksPage } from "./pages/tasks.js";
import { taskPage } from "./pages/task.js";
import { searchPage } from "./pages/search.js";
import { itemsPage } from "./pages/items.js";
import { loginPage, registerPage, accountPage } from "./pages/account.js";
import { sessionsPage } from "./pages/sessions.js";
import { adminPage } from "./pages/admin.js";
import { templatesPage } from "./pages/templates.js";
import { linkPage } from "./pages/link.js";

/** @type {(() => void)|null} what the current page cleans up when left */
let leave = null;

async function route() {
  if (leave) leave();
  leave = null;
  notify(null);
  const path = currentPath();
  const main = document.getElementById("main");
  renderNav();
  const m = path.match(/^\/tasks\/([0-9a-fA-F-]{36})$/);
  const page =
    path === "/" ? (el) => tasksPage(el, hashQuery()) :
    m ? (el) => taskPage(el, m[1], hashQuery().get("segment")) :
    path === "/search" ? (el) => searchPage(el, hashQuery()) :
    path === "/items" ? itemsPage :
    path === "/login" ? loginPage :
    path === "/register" ? registerPage :
    path === "/account" ? accountPage :
    path === "/sessions" ? sessionsPage :
    path === "/templates" ? templatesPage :
    path === "/admin" ? adminPage :
    notFoundPage;
  try {
    leave = (await page(main)) || null;
  } catch (e) {
    mount(main, h("h1", null, t("error.title")), h("p", null, t("error.generic")));
    console.error(e);
  }
  const notice = takeNotice();
  if (notice) notify(...notice);
  const signIns = document.getElementById("sign-in-notices");
  if (session.state.user) showSignInNotices(signIns);
  else mount(signIns);
  const heading = main.querySelector("h1");
  document.title = heading ? `${heading.textContent} · minutes` : "minutes";
  if (document.activeElement === document.body || !main.contains(document.activeElement)) main.focus({ preventScroll: true });
  session.checkSession();
}

function notFoundPage(main) {
  mount(main, h("h1", null, t("error.notFoundTitle")), h("p", null, h("a", { href: "#/" }, t("nav.backToTasks"))));
}

/** A share link's page: the language chooser and the meeting, nothing else. */
function startLinkPage() {
  const main = document.getElementById("main");
  const select = /** @type {HTMLSelectElement} */ (document.getElementById("lang"));
  select.value = lang();
  select.addEventListener("change", () => {
    setLang(select.value);
    translateStatic();
    linkPage(main);
  });
  document.getElementById("nav").hidden = true;
  document.querySelector(".brand").removeAttribute("href");
  translateStatic();
  window.addEventListener("hashchange", () => linkPage(main));
  linkPage(main);
}

async function main() {
  if (location.pathname === "/l") return startLinkPage();
  const select = /** @type {HTMLSelectElement} */ (document.getElementById("lang"));
  select.value = lang();
  select.addEventListener("change", () => {
    setLang(select.value);
    translateStatic();
    route();
  });
  const colours = /** @type {HTMLSelectElement} */ (document.getElementById("theme"));
  colours.value = theme();
  colours.addEventListener("change", () => setTheme(colours.value));
  translateStatic();
  setRouter(route);
  api.onReauthenticationRequired(askToSignInAgain);
  session.subscribe(renderNav);
  live.subscribe((e) => {
    if (e.type === "session_revoked") session.sessionLost();
  });
  window.addEventListener("hashchange", () => route());
  window.addEventListener("focus", session.checkSession);
  try {
    const [current] = await Promise.all([api.session(), capabilities.load()]);
    const was = session.wasSignedIn();
    session.setSession(current);
    if (was && !current.authenticated) noticeOnArrival(t("session.ended"), "error");
  } catch (e) {
    mount(document.getElementById("main"), h("h1", null, t("error.title")), h("p", null, t("error.unreachable")));
    return;
  }
  await route();
}

main();
