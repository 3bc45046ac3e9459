// Single sign-on in the page: the login form's provider buttons (with the
// error a refused sign-in came back with), and the account page's "Linked
// sign-in providers": link one (after a fresh sign-in, through the
// provider's own pages) or remove one.

import * as api from "../api.js";
import { hashQuery } from "../nav.js";
import { t, describeError } from "../i18n.js";
import { h, mount, notify } from "../ui.js";

/** The text for an error code the callback put in the hash. */
const oidcError = (code) => (t(`err.${code}`) !== `err.${code}` ? t(`err.${code}`) : t("error.generic"));

/** The login form's provider buttons, and a refused sign-in's error above them. */
export function providerButtons() {
  const code = hashQuery().get("oidc_error");
  const error = code ? h("p", { class: "error-text", role: "alert" }, oidcError(code)) : null;
  return [error, providerLinks()];
}

/**
 * A button for each configured provider (none when there is none): the
 * login form's, and the sign-in-again dialog's, where an account without a
 * password signs in again through its provider.
 */
export function providerLinks() {
  const box = h("div", { class: "sso" });
  api.oidcProviders().then((providers) => {
    if (!providers.length) return;
    mount(box,
      h("p", { class: "muted" }, t("account.orSignInWith")),
      ...providers.map((p) => h("a", { class: "button secondary sso-button", href: api.oidcStartUrl(p.name) }, t("account.signInWith", { name: p.display_name }))));
  }).catch(() => {});
  return box;
}

/**
 * The account page's section; nothing when no provider is configured.
 * `onNoPassword` runs when the account has no password (a provider made it).
 */
export function identitiesSection({ onNoPassword = () => {} } = {}) {
  const section = h("section", { class: "identities", hidden: true });
  const query = hashQuery();
  if (query.get("oidc_linked")) notify(t("identities.linked"));
  if (query.get("oidc_error")) notify(oidcError(query.get("oidc_error")), "error");

  async function load() {
    let providers, linked;
    try {
      [providers, linked] = await Promise.all([api.oidcProviders(), api.identities()]);
    } catch (e) {
      mount(section, h("p", null, describeError(e)));
      return;
    }
    if (!linked.has_password) onNoPassword();
    section.hidden = providers.length === 0;
    const byProvider = new Map(linked.identities.map((i) => [i.provider, i]));
    const onlyWay = !linked.has_password && linked.identities.length <= 1;
    const rows = providers.map((p) => {
      const identity = byProvider.get(p.name);
      const status = identity
        ? (identity.email ? t("identities.linkedAs", { email: identity.email }) : t("identities.linkedNoEmail"))
        : t("identities.notLinked");
      const action = identity
        ? h("button", { type: "button", class: "secondary small", disabled: onlyWay, title: onlyWay ? t("identities.onlyWay") : null, onclick: () => unlink(p.name) }, t("identities.unlink"))
        : h("button", { type: "button", class: "primary small", onclick: () => link(p.name) }, t("identities.link"));
      return h("li", { class: "identity", "data-provider": p.name }, h("strong", null, p.display_name), " ", h("span", { class: "muted" }, status), " ", action);
    });
    mount(section,
      h("h2", null, t("identities.title")),
      h("p", { class: "muted" }, t("identities.intro")),
      h("ul", { class: "card narrow" }, ...rows));
  }

  async function link(name) {
    try {
      const { authorization_url } = await api.oidcLink(name);
      location.href = authorization_url;
    } catch (e) {
      notify(describeError(e), "error");
    }
  }

  async function unlink(name) {
    try {
      await api.unlinkIdentity(name);
      notify(t("identities.unlinked"));
      await load();
    } catch (e) {
      notify(describeError(e), "error");
    }
  }

  load();
  return [section];
}
