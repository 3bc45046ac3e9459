// My sessions: every browser signed in to this account (or this browser
// alone when anonymous), with revoke one and, for an account, revoke all
// others; and the browsers trusted to skip the second factor, each
// revocable.

import * as api from "../api.js";
import { state, sessionLost, setSession } from "../session.js";
import { t, describeError } from "../i18n.js";
import { h, mount, notify, formatDate, parseUserAgent, confirmDialog } from "../ui.js";

/** @param {HTMLElement} main */
export async function sessionsPage(main) {
  const list = h("ul", { class: "sessions", "aria-busy": "true" }, h("li", { class: "loading muted", role: "status" }, t("common.loading")));
  // Only an account has other devices: a browser without one is not offered this.
  const others = state.user && h("button", { type: "button", class: "danger", onclick: async () => {
    if (!(await confirmDialog(t("sessions.confirmOthers"), t("sessions.revokeOthers")))) return;
    try {
      await api.revokeOthers();
      await load();
      notify(t("sessions.othersRevoked"));
    } catch (e) {
      notify(describeError(e), "error");
    }
  } }, t("sessions.revokeOthers"));
  const trusted = h("ul", { class: "sessions trusted" });
  mount(main, h("h1", null, t("sessions.title")), h("p", { class: "intro" }, t(state.user ? "sessions.intro" : "sessions.introAnonymous")), others, list,
    state.user ? [h("h2", null, t("trusted.title")), h("p", { class: "muted" }, t("trusted.intro")), trusted] : null);

  async function loadTrusted() {
    let browsers = [];
    try {
      browsers = await api.trustedBrowsers();
    } catch (e) {
      mount(trusted, h("li", null, describeError(e)));
      return;
    }
    if (!browsers.length) return mount(trusted, h("li", { class: "muted" }, t("trusted.none")));
    mount(trusted, browsers.map((b) => {
      const { browser, os } = parseUserAgent(b.user_agent);
      const name = os ? t("sessions.browserOn", { browser, os }) : browser;
      return h("li", { class: "card session", dataset: { id: b.id } },
        h("div", null,
          h("h3", { class: "h3" }, name),
          h("dl", { class: "facts" },
            h("dt", null, t("sessions.ip")), h("dd", null, b.ip || "—"),
            h("dt", null, t("trusted.since")), h("dd", null, formatDate(b.created_at)),
            h("dt", null, t("trusted.until")), h("dd", null, formatDate(b.expires_at)))),
        h("button", { type: "button", class: "danger small", "aria-label": t("trusted.revokeNamed", { name }), onclick: async () => {
          try {
            await api.revokeTrustedBrowser(b.id);
            await loadTrusted();
            notify(t("trusted.revoked", { name }));
          } catch (e) {
            notify(describeError(e), "error");
          }
        } }, t("trusted.revoke")));
    }));
  }

  async function load() {
    let sessions;
    try {
      sessions = await api.sessions();
    } catch (e) {
      mount(list, h("li", null, describeError(e)));
      return;
    } finally {
      list.removeAttribute("aria-busy");
    }
    mount(list, sessions.map((s) => {
      const { browser, os } = parseUserAgent(s.user_agent);
      const name = os ? t("sessions.browserOn", { browser, os }) : browser;
      return h(
        "li",
        { class: `card session${s.current ? " current" : ""}`, dataset: { id: s.id } },
        h("div", null,
          h("h2", { class: "h3" }, name, s.current ? h("span", { class: "badge" }, t("sessions.thisDevice")) : null),
          h("dl", { class: "facts" },
            h("dt", null, t("sessions.ip")), h("dd", null, s.ip || "—"),
            h("dt", null, t("sessions.created")), h("dd", null, formatDate(s.created_at)),
            h("dt", null, t("sessions.lastActive")), h("dd", null, formatDate(s.last_seen_at)),
          ),
        ),
        h("button", { type: "button", class: "danger small", "aria-label": t("sessions.revokeNamed", { name }), onclick: async () => {
          if (!(await confirmDialog(s.current ? t("sessions.confirmThis") : t("sessions.confirmOne", { name }), t("sessions.revoke")))) return;
          try {
            await api.revokeSession(s.id);
            if (s.current && state.user) return sessionLost();
            if (s.current) setSession(await api.session());
            // The list first, then the sentence: what it says is already shown.
            await load();
            notify(t("sessions.revoked", { name }));
          } catch (e) {
            notify(describeError(e), "error");
          }
        } }, t("sessions.revoke")),
      );
    }));
  }
  await load();
  if (state.user) await loadTrusted();
  return null;
}
