// The dialog that asks for the password again when a sensitive action
// (a password change, two-factor changes, an API token, an admin's role or
// disable change) is refused for a sign-in older than the server allows;
// one of the account's passkeys does instead, where the browser has them.
// api.js calls it and retries the action once it resolves true. An account
// without a password signs in again through its provider's button instead.

import * as api from "../api.js";
import * as webauthn from "../webauthn.js";
import { t, describeError } from "../i18n.js";
import { h, field, returnFocus } from "../ui.js";
import { providerLinks } from "./identities.js";

/** Asks for the password and signs in again; false if the person cancels. @returns {Promise<boolean>} */
export function askToSignInAgain() {
  return new Promise((resolve) => {
    const back = returnFocus();
    const status = h("p", { class: "error-text", role: "alert", hidden: true });
    const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
    let done = false;
    const form = h("form", { method: "dialog", novalidate: true },
      h("h2", null, t("reauth.title")),
      h("p", null, t("reauth.intro")),
      field(t("account.password"), password),
      status,
      providerLinks(),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, t("common.cancel")),
        h("button", { type: "submit", class: "primary" }, t("reauth.confirm"))),
      webauthn.supported() ? h("p", null, h("button", { type: "button", class: "secondary", onclick: async () => {
        status.hidden = true;
        try {
          await api.passkeyReauthenticate(webauthn.get);
          done = true;
          dialog.close();
        } catch (err) {
          status.textContent = err instanceof api.ApiError ? describeError(err) : t("passkeys.cancelled");
          status.hidden = false;
        }
      } }, t("reauth.passkey"))) : null);
    const dialog = h("dialog", { class: "reauth", "aria-label": t("reauth.title") }, form);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      status.hidden = true;
      try {
        await api.reauthenticate(password.value);
        done = true;
        dialog.close();
      } catch (err) {
        status.textContent = describeError(err);
        status.hidden = false;
        password.select();
      }
    });
    dialog.addEventListener("close", () => {
      dialog.remove();
      back();
      resolve(done);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
