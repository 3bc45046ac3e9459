// New-sign-in notices: a sign-in to this account from a browser it had not
// seen is shown on the next page view ("New sign-in: Firefox on Linux,
// 203.0.113.7, 10:42") with a link to My sessions, until dismissed.

import * as api from "../api.js";
import { t } from "../i18n.js";
import { h, mount, formatDate, parseUserAgent } from "../ui.js";

/** Fills `slot` with the account's undismissed notices (nothing if none or unreachable). @param {HTMLElement} slot */
export async function showSignInNotices(slot) {
  let notices = [];
  try {
    notices = await api.notices();
  } catch {
    /* not signed in any more, or offline: nothing to show */
  }
  mount(slot, notices.map((n) => {
    const { browser, os } = parseUserAgent(n.user_agent);
    const where = os ? t("sessions.browserOn", { browser, os }) : browser;
    const item = h("div", { class: "card sign-in-notice", role: "status" },
      h("p", null,
        h("strong", null, t("notices.newSignIn")), " ",
        t("notices.details", { where, ip: n.ip || "—", when: formatDate(n.created_at) }), " ",
        h("a", { href: "#/sessions" }, t("notices.review"))),
      h("button", { type: "button", class: "secondary small", onclick: async () => {
        try {
          await api.dismissNotice(n.id);
        } finally {
          item.remove();
        }
      } }, t("notices.dismiss")));
    return item;
  }));
}
