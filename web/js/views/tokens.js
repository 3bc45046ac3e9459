// The account page's API tokens: create one with its scopes and expiry (the
// secret shown once, with a copy button), list them with their last use,
// revoke one.

import * as api from "../api.js";
import { t, describeError, describeFields } from "../i18n.js";
import { h, mount, notify, field, showFieldErrors, formatDate, confirmDialog } from "../ui.js";

const SCOPES = ["tasks:read", "tasks:write", "shares:write", "webhooks:write"];
const EXPIRY_DAYS = [7, 30, 90, 365];

/** The Tokens section: heading, intro, the form, the new secret, the list. */
export function tokensSection() {
  const list = h("ul", { class: "sessions tokens", "aria-busy": "true" }, h("li", { class: "loading muted", role: "status" }, t("common.loading")));
  const secret = h("div", { class: "card narrow token-secret", hidden: true, role: "status" });
  const status = h("p", { class: "error-text", role: "alert", hidden: true });
  const scopes = h("fieldset", null, h("legend", null, t("tokens.scopes")),
    SCOPES.map((s) => h("div", { class: "check-field" }, h("label", null,
      h("input", { type: "checkbox", name: "scopes", value: s, class: "check", defaultChecked: s === "tasks:read" }), " ", t(`tokens.scope.${s}`)))));
  const expiry = h("select", { name: "expires_in_days" },
    EXPIRY_DAYS.map((n) => h("option", { value: String(n), defaultSelected: n === 90 }, t("tokens.expiry.days", { n }))),
    h("option", { value: "" }, t("tokens.expiry.never")));
  const form = h("form", { class: "card narrow", novalidate: true },
    field(t("tokens.name"), h("input", { name: "name", required: true, maxlength: 100, autocomplete: "off" }), t("tokens.nameHint")),
    scopes,
    field(t("tokens.expiry"), expiry),
    status,
    h("button", { type: "submit", class: "primary" }, t("tokens.create")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.hidden = true;
    showFieldErrors(form, {});
    const data = new FormData(form);
    const body = { name: String(data.get("name")).trim(), scopes: data.getAll("scopes").map(String) };
    if (data.get("expires_in_days")) body.expires_in_days = Number(data.get("expires_in_days"));
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const created = await api.createToken(body);
      form.reset();
      showSecret(secret, created);
      await load();
    } catch (err) {
      if (err instanceof api.ApiError && err.fields) showFieldErrors(form, describeFields(err.fields));
      status.textContent = describeError(err);
      status.hidden = false;
    } finally {
      button.disabled = false;
    }
  });

  async function load() {
    let tokens;
    try {
      tokens = await api.tokens();
    } catch (e) {
      mount(list, h("li", null, describeError(e)));
      return;
    } finally {
      list.removeAttribute("aria-busy");
    }
    if (!tokens.length) return mount(list, h("li", { class: "muted" }, t("tokens.none")));
    mount(list, tokens.map((tok) => tokenItem(tok, load)));
  }
  load();
  return [h("h2", { id: "tokens" }, t("tokens.title")), h("p", { class: "muted" }, t("tokens.intro")), form, secret, list];
}

/** The new token's secret, once, with a copy button. */
function showSecret(box, created) {
  const input = h("input", { readonly: true, value: created.secret, "aria-label": t("tokens.secretLabel"), spellcheck: false });
  const copy = h("button", { type: "button", class: "secondary small", onclick: async () => {
    try {
      await navigator.clipboard.writeText(created.secret);
      notify(t("tokens.copied"));
    } catch {
      input.select();
    }
  } }, t("tokens.copy"));
  mount(box, h("p", null, t("tokens.created", { name: created.token.name })), h("div", { class: "row" }, input, copy));
  box.hidden = false;
  input.focus();
  input.select();
}

/** One token: name, prefix, scopes, dates, last use; revoke while live. */
function tokenItem(tok, reload) {
  const used = tok.last_used_at ? `${formatDate(tok.last_used_at)} (${tok.last_used_ip || "—"})` : t("tokens.neverUsed");
  const revoke = !tok.revoked_at && h("button", { type: "button", class: "danger small", "aria-label": t("tokens.revokeNamed", { name: tok.name }), onclick: async () => {
    if (!(await confirmDialog(t("tokens.confirmRevoke", { name: tok.name }), t("tokens.revoke")))) return;
    try {
      await api.revokeToken(tok.id);
      await reload();
      notify(t("tokens.revoked", { name: tok.name }));
    } catch (e) {
      notify(describeError(e), "error");
    }
  } }, t("tokens.revoke"));
  return h("li", { class: "card session", dataset: { id: tok.id } },
    h("div", null,
      h("h3", { class: "h3" }, tok.name, tok.revoked_at ? h("span", { class: "badge danger" }, t("tokens.revokedBadge")) : null),
      h("dl", { class: "facts" },
        h("dt", null, t("tokens.prefix")), h("dd", null, h("code", null, `mnt_${tok.prefix}_…`)),
        h("dt", null, t("tokens.scopes")), h("dd", null, tok.scopes.map((s) => t(`tokens.scope.${s}`)).join(", ")),
        tok.task_id ? [h("dt", null, t("tokens.task")), h("dd", null, h("a", { href: `#/tasks/${tok.task_id}` }, tok.task_id))] : null,
        h("dt", null, t("tokens.createdAt")), h("dd", null, formatDate(tok.created_at)),
        h("dt", null, t("tokens.lastUsed")), h("dd", null, used),
        h("dt", null, t("tokens.expiresAt")), h("dd", null, tok.expires_at ? formatDate(tok.expires_at) : t("tokens.expiry.never")),
      ),
    ),
    revoke || null);
}
