// The account page's passkeys: add one (named; the browser and the
// authenticator do the rest), list them with their last use, rename or
// remove one. Hidden when the browser has no WebAuthn or the server has
// passkeys off.

import * as api from "../api.js";
import * as webauthn from "../webauthn.js";
import { t, describeError } from "../i18n.js";
import { h, notify, field, formatDate, confirmDialog, formWithList } from "../ui.js";

/** The Passkeys section: heading, intro, the form, the list. */
export function passkeysSection() {
  const section = h("section", { class: "passkeys", hidden: !webauthn.supported() });
  if (section.hidden) return [section];
  const status = h("p", { class: "error-text", role: "alert", hidden: true });
  const form = h("form", { class: "card narrow", novalidate: true },
    field(t("passkeys.name"), h("input", { name: "name", maxlength: 100, autocomplete: "off" }), t("passkeys.nameHint")),
    status,
    h("button", { type: "submit", class: "primary" }, t("passkeys.add")));
  const list = formWithList(form, status, {
    listClass: "passkey-list",
    create: async (data) => {
      const made = await api.addPasskey(String(data.get("name")).trim(), webauthn.create);
      notify(t("passkeys.added", { name: made.name }));
    },
    read: async () => {
      try {
        return await api.passkeys();
      } catch (e) {
        if (e instanceof api.ApiError && e.code === "passkeys_unavailable") {
          section.hidden = true;
          return [];
        }
        throw e;
      }
    },
    item: passkeyItem,
    none: t("passkeys.none"),
  });
  section.append(h("h2", { id: "passkeys" }, t("passkeys.title")), h("p", { class: "muted" }, t("passkeys.intro")), form, list);
  return [section];
}

/** One passkey: its name (renamable), dates, and a remove button. */
function passkeyItem(key, reload) {
  const name = h("input", { name: "name", value: key.name, maxlength: 100, "aria-label": t("passkeys.renameNamed", { name: key.name }) });
  const rename = h("form", { class: "row wrap", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api.renamePasskey(key.id, name.value.trim());
      await reload();
      notify(t("passkeys.renamed"));
    } catch (err) {
      notify(describeError(err), "error");
    }
  } }, name, h("button", { type: "submit", class: "secondary small" }, t("passkeys.rename")));
  const remove = h("button", { type: "button", class: "danger small", "aria-label": t("passkeys.removeNamed", { name: key.name }), onclick: async () => {
    if (!(await confirmDialog(t("passkeys.confirmRemove", { name: key.name }), t("passkeys.remove")))) return;
    try {
      await api.removePasskey(key.id);
      await reload();
      notify(t("passkeys.removed", { name: key.name }));
    } catch (e) {
      notify(describeError(e), "error");
    }
  } }, t("passkeys.remove"));
  return h("li", { class: "card session", dataset: { id: key.id } },
    h("div", null,
      h("h3", { class: "h3" }, key.name),
      rename,
      h("dl", { class: "facts" },
        h("dt", null, t("passkeys.createdAt")), h("dd", null, formatDate(key.created_at)),
        h("dt", null, t("passkeys.lastUsed")), h("dd", null, key.last_used_at ? formatDate(key.last_used_at) : t("passkeys.neverUsed")),
      ),
    ),
    remove);
}
