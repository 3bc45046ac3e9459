// Templates: the built-in ones (read-only, named and headed in the page's
// language) and the person's own — create, edit, delete. A template decides
// which sections a meeting's minutes have, in which order, under which
// headings; its instructions are for an LLM summarizer.

import * as api from "../api.js";
import { t, lang, describeError, describeFields } from "../i18n.js";
import { h, mount, notify, confirmDialog, field, showFieldErrors } from "../ui.js";
import { templateName } from "../views/template-select.js";

/** The section kinds, in the order a new template lists them. */
const KINDS = ["summary", "decisions", "action_items", "transcript"];

/** A section kind's name in the page's language. */
const kindName = (kind) => t(`templates.kind.${kind}`);

/** @param {HTMLElement} main */
export async function templatesPage(main) {
  const own = h("ul", { class: "templates own", "aria-busy": "true" }, h("li", { class: "loading muted", role: "status" }, t("common.loading")));
  const builtins = h("ul", { class: "templates builtin" });
  const formBox = h("div", { class: "template-form-box" });
  mount(
    main,
    h("h1", null, t("templates.title")),
    h("p", { class: "intro" }, t("templates.intro")),
    h("section", { class: "card", "aria-labelledby": "own-h" }, h("h2", { id: "own-h" }, t("templates.own")), own,
      h("button", { type: "button", class: "primary", onclick: () => showForm(null) }, t("templates.new"))),
    formBox,
    h("section", { class: "card", "aria-labelledby": "builtin-h" }, h("h2", { id: "builtin-h" }, t("templates.builtin")), builtins),
  );

  const headingsOf = (tpl) => tpl.sections.map((s) => (lang() === "ja" ? s.heading.ja : s.heading.en)).join(" · ");

  async function load() {
    let templates;
    try {
      templates = await api.templates();
    } catch (e) {
      mount(own, h("li", null, describeError(e)));
      return;
    } finally {
      own.removeAttribute("aria-busy");
    }
    const mine = templates.filter((tpl) => !tpl.builtin);
    mount(own, mine.length ? mine.map((tpl) => h(
      "li",
      { class: "template", dataset: { template: tpl.id } },
      h("div", null, h("strong", null, templateName(tpl)), h("p", { class: "small muted" }, headingsOf(tpl))),
      h("span", { class: "row wrap" },
        h("button", { type: "button", class: "secondary small", "aria-label": t("templates.editNamed", { name: templateName(tpl) }), onclick: () => showForm(tpl) }, t("templates.edit")),
        h("button", { type: "button", class: "danger small", "aria-label": t("templates.deleteNamed", { name: templateName(tpl) }), onclick: () => remove(tpl) }, t("templates.delete")),
      ),
    )) : h("li", { class: "muted" }, t("templates.none")));
    mount(builtins, templates.filter((tpl) => tpl.builtin).map((tpl) => h(
      "li",
      { class: "template", dataset: { template: tpl.id } },
      h("div", null, h("strong", null, templateName(tpl)), h("p", { class: "small muted" }, headingsOf(tpl))),
    )));
  }

  async function remove(tpl) {
    if (!(await confirmDialog(t("templates.confirmDelete", { name: templateName(tpl) }), t("templates.delete")))) return;
    try {
      await api.deleteTemplate(tpl.id);
      notify(t("templates.deleted", { name: templateName(tpl) }));
    } catch (e) {
      notify(describeError(e), "error");
    }
    await load();
  }

  /** The form for a new template, or for one of the person's own. */
  function showForm(tpl) {
    const sections = tpl ? tpl.sections.map((s) => ({ kind: s.kind, heading: s.heading.en })) : [];
    const name = h("input", { name: "name", required: true, maxlength: 100, value: tpl ? tpl.name.en : "" });
    const rows = KINDS.map((kind) => {
      const chosen = sections.find((s) => s.kind === kind);
      const use = h("input", { type: "checkbox", name: `use-${kind}`, checked: tpl ? Boolean(chosen) : true });
      const heading = h("input", { name: `heading-${kind}`, maxlength: 100, value: chosen ? chosen.heading : kindName(kind) });
      const order = h("input", { type: "number", name: `order-${kind}`, min: 1, max: 4, class: "narrow", value: String(chosen ? sections.indexOf(chosen) + 1 : KINDS.indexOf(kind) + 1) });
      return { kind, use, heading, order, el: h("fieldset", { class: "section-row" },
        h("legend", null, h("label", null, use, " ", kindName(kind))),
        field(t("templates.heading"), heading),
        field(t("templates.order"), order)) };
    });
    const instructions = h("textarea", { name: "instructions", rows: 3, maxlength: 4000 }, tpl && tpl.instructions ? tpl.instructions : "");
    const error = h("p", { class: "error-text", role: "alert", hidden: true });
    const form = h("form", { class: "card template-form", "aria-labelledby": "form-h", onsubmit: async (e) => {
      e.preventDefault();
      const body = {
        name: name.value,
        sections: rows.filter((r) => r.use.checked)
          .sort((a, b) => Number(a.order.value) - Number(b.order.value))
          .map((r) => ({ kind: r.kind, heading: r.heading.value })),
        instructions: instructions.value.trim() ? instructions.value : null,
      };
      try {
        const saved = tpl ? await api.updateTemplate(tpl.id, body) : await api.createTemplate(body);
        mount(formBox);
        notify(t(tpl ? "templates.saved" : "templates.created", { name: templateName(saved) }));
        await load();
      } catch (err) {
        error.hidden = false;
        error.textContent = describeError(err);
        if (err.fields) showFieldErrors(form, describeFields(err.fields));
      }
    } },
    h("h2", { id: "form-h" }, t(tpl ? "templates.editTitle" : "templates.newTitle")),
    field(t("templates.name"), name),
    h("p", { class: "hint" }, t("templates.sectionsHint")),
    rows.map((r) => r.el),
    field(t("templates.instructions"), instructions, t("templates.instructionsHint")),
    error,
    h("div", { class: "row" },
      h("button", { type: "submit", class: "primary" }, t("templates.save")),
      h("button", { type: "button", class: "secondary", onclick: () => mount(formBox) }, t("common.cancel"))));
    mount(formBox, form);
    name.focus();
  }

  await load();
  return null;
}
