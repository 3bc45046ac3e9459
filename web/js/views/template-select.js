// A choice of template (`GET /api/templates`): the built-ins, then the
// person's own, each by its name in the page's language. The upload box and
// a meeting's "Regenerate with template…" both offer it.

import * as api from "../api.js";
import { t, lang } from "../i18n.js";
import { h, mount } from "../ui.js";

/** A template's name in the page's language. @param {import("../api.js").Template} tpl */
export const templateName = (tpl) => (lang() === "ja" ? tpl.name.ja : tpl.name.en);

/**
 * A `<select>` of templates, filled once they are read.
 * @param {{name: string, withDefault: boolean}} opts `withDefault` offers "the default layout" first
 * @returns {HTMLSelectElement}
 */
export function templateSelect({ name, withDefault }) {
  const select = /** @type {HTMLSelectElement} */ (h("select", { name }));
  const fill = (templates) => {
    const own = templates.filter((tpl) => !tpl.builtin);
    const option = (tpl) => h("option", { value: tpl.id }, templateName(tpl));
    mount(
      select,
      withDefault ? h("option", { value: "" }, t("templates.defaultLayout")) : null,
      h("optgroup", { label: t("templates.builtin") }, templates.filter((tpl) => tpl.builtin).map(option)),
      own.length ? h("optgroup", { label: t("templates.own") }, own.map(option)) : null,
    );
  };
  fill([]);
  api.templates().then(fill, () => {});
  return select;
}
