// The account page's API tokens: create one with its scopes and expiry (the
// secret shown once, with a copy button), list them with their last use,
// revoke one.

import * as api from "../api.js";
import { t, describeError } from "../i18n.js";
import { h, notify, field, formatDate, confirmDialog, showOnce, formWithList } from "../ui.js";

const SCOPES = ["tasks:read", "tasks:write", "shares:write", "webhooks:write"];
const EXPIRY_DAYS = [7, 30, 90, 365];

/** The Tokens section: heading, intro, the form, the new secret, the list. */
export function tokensSection() {
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
  const list = formWithList(form, status, {
    listClass: "tokens",
    create: async (data) => {
      const body = { name: String(data.get("name")).trim(), scopes: data.getAll("scopes").map(String) };
      if (data.get("expires_in_days")) body.expires_in_days = Number(data.get("expires_in_days"));
      const created = await api.createToken(body);
      showOnce(secret, {
        message: t("tokens.created", { name: created.token.name }),
        value: created.secret,
        label: t("tokens.secretLabel"),
        copyLabel: t("tokens.copy"),
        copied: t("tokens.copied"),
      });
    },
    read: api.tokens,
    item: tokenItem,
    none: t("tokens.none"),
  });
  return [h("h2", { id: "tokens" }, t("tokens.title")), h("p", { class: "muted" }, t("tokens.intro")), form, secret, list];
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
