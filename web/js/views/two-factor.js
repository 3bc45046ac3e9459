// The account page's two-factor sign-in: set it up (the server's QR code,
// the secret as text, a code from the app to confirm), the recovery codes
// shown that once, and turning it off with a code or a recovery code.

import * as api from "../api.js";
import { t, describeError } from "../i18n.js";
import { h, mount, notify, field } from "../ui.js";

/** A small form with one code field; `onCode` gets the code typed. */
function codeForm(label, submitLabel, onCode, hint = null) {
  const status = h("p", { class: "error-text", role: "alert", hidden: true });
  const input = h("input", { name: "code", autocomplete: "one-time-code", required: true, autocapitalize: "none", spellcheck: false });
  const form = h("form", { class: "card narrow", novalidate: true }, field(label, input, hint), status, h("button", { type: "submit", class: "primary" }, submitLabel));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.hidden = true;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await onCode(input.value.trim());
    } catch (err) {
      status.textContent = describeError(err);
      status.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** The Two-factor sign-in section: heading, then what fits the account's state. */
export function twoFactorSection() {
  const body = h("div", { class: "two-factor" }, h("p", { class: "loading muted", role: "status" }, t("common.loading")));

  async function load() {
    let status;
    try {
      status = await api.twoFactor();
    } catch (e) {
      mount(body, h("p", null, describeError(e)));
      return;
    }
    if (status.enabled) return showEnabled(status);
    mount(body,
      h("p", { class: "muted" }, t("twoFactor.offIntro")),
      h("button", { type: "button", class: "primary", onclick: () => setUp().catch((e) => notify(describeError(e), "error")) }, t("twoFactor.setUp")));
  }

  function showEnabled(status) {
    mount(body,
      h("p", null, h("span", { class: "badge" }, t("twoFactor.on")), " ", t("twoFactor.codesLeft", { n: status.recovery_codes_left })),
      h("h3", { class: "h3" }, t("twoFactor.turnOff")),
      codeForm(t("twoFactor.codeOrRecovery"), t("twoFactor.turnOff"), async (code) => {
        await api.twoFactorDisable(code);
        notify(t("twoFactor.turnedOff"));
        await load();
      }));
  }

  async function setUp() {
    const setup = await api.twoFactorSetup();
    mount(body,
      h("ol", { class: "steps" },
        h("li", null, t("twoFactor.scan")),
        h("li", null, t("twoFactor.enterCode"))),
      h("img", { class: "qr", src: `${api.twoFactorQrUrl()}?t=${Date.now()}`, alt: t("twoFactor.qrAlt"), width: 200, height: 200 }),
      h("p", null, t("twoFactor.orType"), " ", h("code", { class: "secret", "data-secret": setup.secret }, setup.secret)),
      h("details", null, h("summary", null, t("twoFactor.uri")), h("code", { class: "uri" }, setup.otpauth_uri)),
      codeForm(t("twoFactor.code"), t("twoFactor.confirm"), async (code) => {
        const { recovery_codes } = await api.twoFactorConfirm(code);
        showRecoveryCodes(recovery_codes);
      }, t("twoFactor.codeHint")));
  }

  function showRecoveryCodes(codes) {
    mount(body,
      h("div", { class: "card narrow token-secret", role: "status" },
        h("p", null, h("strong", null, t("twoFactor.nowOn"))),
        h("p", null, t("twoFactor.recoveryIntro")),
        h("ul", { class: "recovery-codes" }, codes.map((c) => h("li", null, h("code", null, c)))),
        h("button", { type: "button", class: "secondary", onclick: () => load() }, t("twoFactor.saved"))));
  }

  load();
  return [h("h2", null, t("twoFactor.title")), body];
}
