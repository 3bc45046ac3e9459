// The app's entry point: the session, the hash router and the navigation.

import * as api from "./api.js";
import * as live from "./live.js";
import { t, setLang, lang, translateStatic } from "./i18n.js";
import { h, mount, notify } from "./ui.js";
import { tasksPage } from "./pages/tasks.js";
import { taskPage } from "./pages/task.js";
import { loginPage, registerPage, accountPage } from "./pages/account.js";
import { sessionsPage } from "./pages/sessions.js";
import { adminPage } from "./pages/admin.js";

/** Remembered across reloads so a session ended elsewhere can be explained. */
const SIGNED_IN_KEY = "minutes.signedInAs";

/** What every page may read. */
export const state = {
  /** @type {import("./api.js").Session|null} */
  session: null,
  /** @type {import("./api.js").User|null} */
  user: null,
  /** Tasks the anonymous session owned, to say they were kept after login. */
  anonymousTasks: 0,
};

export const isAdmin = () => Boolean(state.user && state.user.roles.includes("admin"));

/** Takes in a fresh `GET /api/session` answer (after start, login, logout, password change). */
export function setSession(session) {
  state.session = session;
  state.user = session.user;
  if (state.user) localStorage.setItem(SIGNED_IN_KEY, state.user.username);
  else localStorage.removeItem(SIGNED_IN_KEY);
  live.start();
  renderNav();
}

/** @type {[string, string]|null} a notice to show once the next page is up */
let pendingNotice = null;

/** Goes to a page and then shows a one-line notice there. */
export function navigate(hash, message = null, kind = "info") {
  pendingNotice = message ? [message, kind] : null;
  if (location.hash === hash || (hash === "#/" && !location.hash)) {
    route();
  } else {
    location.hash = hash;
  }
}

/**
 * The series was revoked: a clean anonymous page and one line saying why.
 * A revocation this browser caused itself (a password change, a login
 * replacing the anonymous series) already left it a new session: then the
 * socket is only reopened.
 */
export async function sessionLost() {
  const wasUser = Boolean(state.user || localStorage.getItem(SIGNED_IN_KEY));
  let session = null;
  try {
    session = await api.session();
  } catch {
    /* unreachable: shown as anonymous below */
  }
  if (session && (session.authenticated || !wasUser)) return setSession(session);
  localStorage.removeItem(SIGNED_IN_KEY);
  if (session) setSession(session);
  else {
    state.user = null;
    renderNav();
  }
  navigate("#/", t("session.ended"), "error");
}

/** Asks whether the logged-in session still stands; cheap, starts nothing. */
async function checkSession() {
  if (!state.user) return;
  try {
    await api.me();
  } catch (e) {
    if (e instanceof api.ApiError && e.status === 401) await sessionLost();
  }
}

function renderNav() {
  const nav = document.getElementById("nav");
  const link = (href, label) => h("a", { href, "aria-current": currentPath() === href.slice(1) ? "page" : null }, label);
  const items = [link("#/", t("nav.tasks"))];
  if (state.user) {
    items.push(link("#/sessions", t("nav.sessions")));
    if (isAdmin()) items.push(link("#/admin", t("nav.admin")));
    items.push(link("#/account", state.user.username));
  } else {
    items.push(link("#/sessions", t("nav.sessions")), link("#/login", t("nav.login")), link("#/register", t("nav.register")));
  }
  mount(nav, h("ul", null, items.map((a) => h("li", null, a))));
}

const currentPath = () => (location.hash || "#/").slice(1) || "/";

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
    path === "/" ? tasksPage :
    m ? (el) => taskPage(el, m[1]) :
    path === "/login" ? loginPage :
    path === "/register" ? registerPage :
    path === "/account" ? accountPage :
    path === "/sessions" ? sessionsPage :
    path === "/admin" ? adminPage :
    notFoundPage;
  try {
    leave = (await page(main)) || null;
  } catch (e) {
    mount(main, h("h1", null, t("error.title")), h("p", null, t("error.generic")));
    console.error(e);
  }
  if (pendingNotice) notify(...pendingNotice);
  pendingNotice = null;
  const heading = main.querySelector("h1");
  document.title = heading ? `${heading.textContent} · minutes` : "minutes";
  if (document.activeElement === document.body || !main.contains(document.activeElement)) main.focus({ preventScroll: true });
  checkSession();
}

function notFoundPage(main) {
  mount(main, h("h1", null, t("error.notFoundTitle")), h("p", null, h("a", { href: "#/" }, t("nav.backToTasks"))));
}

async function main() {
  const select = /** @type {HTMLSelectElement} */ (document.getElementById("lang"));
  select.value = lang();
  select.addEventListener("change", () => {
    setLang(select.value);
    translateStatic();
    route();
  });
  translateStatic();
  live.subscribe((e) => {
    if (e.type === "session_revoked") sessionLost();
  });
  window.addEventListener("hashchange", () => route());
  window.addEventListener("focus", checkSession);
  try {
    const session = await api.session();
    const was = localStorage.getItem(SIGNED_IN_KEY);
    setSession(session);
    if (was && !session.authenticated) pendingNotice = [t("session.ended"), "error"];
  } catch (e) {
    mount(document.getElementById("main"), h("h1", null, t("error.title")), h("p", null, t("error.unreachable")));
    return;
  }
  await route();
}

main();
