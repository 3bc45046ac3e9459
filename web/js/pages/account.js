// Register, log in (with its second step when the account has two-factor
// sign-in, with a passkey, and the single sign-on providers' buttons), and
// the account page (change password, two-factor sign-in, passkeys, linked
// sign-in providers, API tokens, webhooks, log out).
// After each the session is read again: the CSRF token has changed.

import * as api from "../api.js";
import * as live from "../live.js";
import { state, setSession } from "../session.js";
import { navigate } from "../nav.js";
import { t, describeError, describeFields } from "../i18n.js";
import { h, mount, notify, field, showFieldErrors } from "../ui.js";
import { tokensSection } from "../views/tokens.js";
import { webhooksSection } from "../views/webhooks.js";
import { twoFactorSection } from "../views/two-factor.js";
import { passkeysSection } from "../views/passkeys.js";
import * as webauthn from "../webauthn.js";
import { providerButtons, identitiesSection } from "../views/identities.js";

/** A form that shows field errors in place and everything else above the button. */
function authForm(fields, submitLabel, onSubmit) {
  const status = h("p", { class: "error-text", role: "alert", hidden: true });
  const form = h("form", { class: "card narrow", novalidate: true }, fields, status, h("button", { type: "submit", class: "primary" }, submitLabel));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.hidden = true;
    showFieldErrors(form, {});
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await onSubmit(new FormData(form));
    } catch (err) {
      if (err instanceof api.ApiError && err.fields) showFieldErrors(form, describeFields(err.fields));
      status.textContent = describeError(err);
      status.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function keptMessage(before) {
  return before > 0 ? t("account.tasksKept", { n: before }) : "";
}

/** @param {HTMLElement} main */
export function loginPage(main) {
  if (state.user) {
    location.hash = "#/";
    return null;
  }
  const form = authForm([
    field(t("account.username"), h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: false })),
    field(t("account.password"), h("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
  ], t("nav.login"), async (data) => {
    const before = state.anonymousTasks;
    live.stop();
    const step = await api.login(String(data.get("username")).trim(), String(data.get("password")));
    if ("secondFactor" in step) {
      live.start();
      return mount(main, h("h1", null, t("nav.login")), secondFactorForm(before));
    }
    signedIn(step.session, before);
  });
  const [ssoError, ssoButtons] = providerButtons();
  mount(main, h("h1", null, t("nav.login")), ssoError, form, passkeySignIn(), ssoButtons, h("p", null, t("account.noAccount"), " ", h("a", { href: "#/register" }, t("nav.register"))));
  return null;
}

/** "Sign in with a passkey": no username asked, the authenticator picks the account. */
function passkeySignIn() {
  if (!webauthn.supported()) return null;
  const status = h("p", { class: "error-text", role: "alert", hidden: true });
  const button = h("button", { type: "button", class: "secondary", onclick: async () => {
    status.hidden = true;
    button.disabled = true;
    const before = state.anonymousTasks;
    live.stop();
    try {
      signedIn(await api.passkeySignIn(webauthn.get), before);
    } catch (err) {
      status.textContent = err instanceof api.ApiError ? describeError(err) : t("passkeys.cancelled");
      status.hidden = false;
    } finally {
      button.disabled = false;
    }
  } }, t("passkeys.signIn"));
  return h("div", { class: "card narrow passkey-sign-in" }, status, button);
}

function signedIn(session, before) {
  setSession(session);
  navigate("#/", [t("account.loggedIn", { name: state.user.username }), keptMessage(before)].join(" ").trim());
}

/** The sign-in's second step: a code from the app or a recovery code. */
function secondFactorForm(before) {
  const form = authForm([
    field(t("twoFactor.codeOrRecovery"), h("input", { name: "code", autocomplete: "one-time-code", required: true, autocapitalize: "none", spellcheck: false, autofocus: true })),
    h("div", { class: "check-field" }, h("label", null, h("input", { type: "checkbox", name: "trust_browser", class: "check" }), " ", t("twoFactor.trustBrowser"))),
  ], t("twoFactor.verify"), async (data) => {
    live.stop();
    signedIn(await api.secondFactor(String(data.get("code")).trim(), data.get("trust_browser") === "on"), before);
  });
  return [h("p", { class: "intro" }, t("twoFactor.loginIntro")), form, h("p", null, h("a", { href: "#/login", onclick: (e) => { e.preventDefault(); loginPage(form.closest("main")); } }, t("twoFactor.startOver")))];
}

/** @param {HTMLElement} main */
export function registerPage(main) {
  if (state.user) {
    location.hash = "#/";
    return null;
  }
  const form = authForm([
    field(t("account.username"), h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: false, pattern: "[a-z0-9_.\\-]{3,32}" }), t("account.usernameHint")),
    field(t("account.emailOptional"), h("input", { name: "email", type: "email", autocomplete: "email" })),
    field(t("account.password"), h("input", { name: "password", type: "password", autocomplete: "new-password", required: true, minlength: 12 }), t("account.passwordHint")),
  ], t("nav.register"), async (data) => {
    const before = state.anonymousTasks;
    live.stop();
    setSession(await api.register(String(data.get("username")).trim(), String(data.get("email")).trim(), String(data.get("password"))));
    navigate("#/", [t("account.registered", { name: state.user.username }), keptMessage(before)].join(" ").trim());
  });
  mount(main, h("h1", null, t("account.registerTitle")), h("p", { class: "intro" }, t("account.registerIntro")), form, h("p", null, t("account.haveAccount"), " ", h("a", { href: "#/login" }, t("nav.login"))));
  return null;
}

/** @param {HTMLElement} main */
export function accountPage(main) {
  if (!state.user) {
    location.hash = "#/login";
    return null;
  }
  const user = state.user;
  const form = authForm([
    field(t("account.currentPassword"), h("input", { name: "current_password", type: "password", autocomplete: "current-password", required: true })),
    field(t("account.newPassword"), h("input", { name: "new_password", type: "password", autocomplete: "new-password", required: true, minlength: 12 }), t("account.passwordHint")),
  ], t("account.changePassword"), async (data) => {
    setSession(await api.changePassword(String(data.get("current_password")), String(data.get("new_password"))));
    form.reset();
    notify(t("account.passwordChanged"));
  });
  // An account a sign-in provider made has no password to change.
  const passwordPart = [h("h2", null, t("account.changePassword")), h("p", { class: "muted" }, t("account.passwordEffect")), form];
  const logout = h("button", { type: "button", class: "secondary", onclick: async () => {
    try {
      live.stop();
      setSession(await api.logout());
      navigate("#/", t("account.loggedOut"));
    } catch (e) {
      notify(describeError(e), "error");
    }
  } }, t("account.logout"));
  mount(
    main,
    h("h1", null, t("account.title")),
    h("dl", { class: "facts card narrow" },
      h("dt", null, t("account.username")), h("dd", null, user.username),
      h("dt", null, t("account.email")), h("dd", null, user.email || "—"),
      h("dt", null, t("account.roles")), h("dd", null, user.roles.map((r) => t(`role.${r}`)).join(", ")),
    ),
    ...passwordPart,
    ...twoFactorSection(),
    ...passkeysSection(),
    ...identitiesSection({ onNoPassword: () => passwordPart.forEach((el) => { el.hidden = true; }) }),
    ...tokensSection(),
    ...webhooksSection(user),
    h("h2", null, t("account.logout")),
    logout,
  );
  return null;
}
