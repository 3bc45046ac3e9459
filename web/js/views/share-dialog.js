// The sharing dialog of one task: add a user with view or edit, see the
// current shares, revoke one; below, the task's share links. An editor
// (whom the owner may let make links) sees the links only.

import * as api from "../api.js";
import { t, describeError } from "../i18n.js";
import { h, mount, field, formatDate, returnFocus } from "../ui.js";
import { taskName, mayManage } from "./task-status.js";
import { linksSection } from "./links-section.js";

/** @param {import("../api.js").Task} task */
export function openShareDialog(task) {
  const list = h("ul", { class: "shares" }, h("li", { class: "loading muted", role: "status" }, t("common.loading")));
  const status = h("p", { class: "small", role: "status" });
  const username = h("input", { name: "username", autocomplete: "off", required: true, autocapitalize: "none", spellcheck: false });
  const permission = h("select", { name: "permission" }, h("option", { value: "view" }, t("access.view")), h("option", { value: "edit" }, t("access.edit")));

  async function load() {
    try {
      const shares = await api.shares(task.task_id);
      mount(list, shares.length ? shares.map((s) => h(
        "li",
        { dataset: { username: s.username } },
        h("span", null, h("strong", null, s.username), ` · ${t(`access.${s.permission}`)} · ${formatDate(s.created_at)}`),
        h("button", { type: "button", class: "danger small", onclick: async () => {
          try {
            await api.unshare(task.task_id, s.username);
            status.textContent = t("share.revoked", { name: s.username });
            load();
          } catch (e) {
            status.textContent = describeError(e);
          }
        } }, t("share.revoke")),
      )) : h("li", { class: "muted" }, t("share.none")));
    } catch (e) {
      mount(list, h("li", null, describeError(e)));
    }
  }

  const form = h(
    "form",
    { class: "share-form", onsubmit: async (e) => {
      e.preventDefault();
      const name = username.value.trim().toLowerCase();
      if (!name) return username.focus();
      try {
        await api.share(task.task_id, name, /** @type {"view"|"edit"} */ (permission.value));
        status.textContent = t("share.added", { name, access: t(`access.${permission.value}`) });
        username.value = "";
        load();
      } catch (err) {
        status.textContent = err.status === 404 ? t("share.noSuchUser", { name }) : describeError(err);
      }
    } },
    field(t("share.username"), username),
    field(t("share.permission"), permission, t("share.permissionHint")),
    h("button", { type: "submit", class: "primary" }, t("share.add")),
  );

  const manage = mayManage(task);
  const dialog = h(
    "dialog",
    { class: "share-dialog", "aria-labelledby": "share-h" },
    h("h2", { id: "share-h" }, t("share.title", { name: taskName(task) })),
    manage ? [form, status, h("h3", null, t("share.current")), list] : null,
    linksSection(task),
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, t("common.close"))),
  );
  const back = returnFocus();
  dialog.addEventListener("close", () => {
    dialog.remove();
    back();
  });
  document.body.append(dialog);
  dialog.showModal();
  if (!manage) return;
  username.focus();
  load();
}
