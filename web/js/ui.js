// Small DOM helpers. Text always goes in as text (never HTML), so nothing
// from an upload or another user can inject markup.

import { t, lang, describeError, describeFields } from "./i18n.js";

/**
 * Builds an element: h("button", {class: "primary", onclick: fn}, "Save").
 * @param {string} tag
 * @param {Record<string, any>|null} [attrs]
 * @param {...any} children strings, nodes, arrays, or null/false (skipped)
 * @returns {HTMLElement}
 */
export function h(tag, attrs = null, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's content. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** One line at the top of the page; `kind` is "info" or "error". */
export function notify(message, kind = "info") {
  const el = document.getElementById("notice");
  if (!el) return;
  if (!message) {
    el.hidden = true;
    el.replaceChildren();
    return;
  }
  el.hidden = false;
  el.className = `notice ${kind}`;
  el.setAttribute("role", kind === "error" ? "alert" : "status");
  mount(el, h("span", null, message), h("button", { class: "link", type: "button", onclick: () => notify(null), "aria-label": t("common.dismiss") }, "×"));
}

export function formatBytes(n) {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatDate(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang(), { dateStyle: "medium", timeStyle: "short" }).format(d);
}

/** Seconds as m:ss or h:mm:ss. */
export function formatTime(secs) {
  if (secs === null || secs === undefined) return "";
  const s = Math.max(0, Math.floor(secs));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return hh ? `${hh}:${String(mm).padStart(2, "0")}:${ss}` : `${mm}:${ss}`;
}

/**
 * A modal dialog asking to confirm; resolves true on confirm.
 * @param {string} message @param {string} confirmLabel
 */
export function confirmDialog(message, confirmLabel) {
  return new Promise((resolve) => {
    const back = returnFocus();
    const dialog = h(
      "dialog",
      { class: "confirm", "aria-label": message },
      h("p", null, message),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: () => dialog.close("cancel") }, t("common.cancel")),
        h("button", { type: "button", class: "danger", onclick: () => dialog.close("ok") }, confirmLabel),
      ),
    );
    dialog.addEventListener("close", () => {
      dialog.remove();
      back();
      resolve(dialog.returnValue === "ok");
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/**
 * A value shown this once (a new secret, a secret address) in `box`:
 * `message` above it, the value selected in a read-only field named
 * `label`, and a button that copies it and says `copied`.
 * @param {HTMLElement} box
 * @param {{message: string, value: string, label: string, copyLabel: string, copied: string}} what
 */
export function showOnce(box, { message, value, label, copyLabel, copied }) {
  const input = h("input", { readonly: true, value, "aria-label": label, spellcheck: false });
  const copy = h("button", { type: "button", class: "secondary small", onclick: async () => {
    try {
      await navigator.clipboard.writeText(value);
      notify(copied);
    } catch {
      input.select();
    }
  } }, copyLabel);
  mount(box, h("p", null, message), h("div", { class: "row" }, input, copy));
  box.hidden = false;
  input.focus();
  input.select();
}

/**
 * A form that makes something, and the list of those things (the account
 * page's tokens and webhooks): a submit sends `create(data)` with the
 * button disabled, shows field errors in place and anything else in
 * `status`, then empties the form and reloads the list; the list shows
 * what `read()` answers, each drawn by `item(x, reload)`, or `none`.
 * Returns the list, loading.
 * @template T
 * @param {HTMLFormElement} form @param {HTMLElement} status
 * @param {{listClass: string, create: (data: FormData) => Promise<void>, read: () => Promise<T[]>,
 *   item: (x: T, reload: () => Promise<void>) => Node, none: string}} how
 */
export function formWithList(form, status, { listClass, create, read, item, none }) {
  const list = h("ul", { class: `sessions ${listClass}`, "aria-busy": "true" }, h("li", { class: "loading muted", role: "status" }, t("common.loading")));
  async function load() {
    let items;
    try {
      items = await read();
    } catch (e) {
      mount(list, h("li", null, describeError(e)));
      return;
    } finally {
      list.removeAttribute("aria-busy");
    }
    if (!items.length) return mount(list, h("li", { class: "muted" }, none));
    mount(list, items.map((x) => item(x, load)));
  }
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.hidden = true;
    showFieldErrors(form, {});
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await create(new FormData(form));
      form.reset();
      await load();
    } catch (err) {
      if (err?.fields) showFieldErrors(form, describeFields(err.fields));
      status.textContent = describeError(err);
      status.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  load();
  return list;
}

/**
 * Remembers what has focus, for a dialog to give it back on closing; when
 * that element went away meanwhile (its list was redrawn), the page's
 * main region gets it, never the document's start.
 * @returns {() => void}
 */
export function returnFocus() {
  const was = document.activeElement;
  return () => {
    if (was instanceof HTMLElement && was.isConnected) was.focus();
    else document.getElementById("main")?.focus();
  };
}

/** A form field: label, control and a slot for its error. */
export function field(label, control, hint = null) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const err = h("p", { class: "field-error", id: `${id}-err`, hidden: true });
  const hintEl = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  control.setAttribute("aria-describedby", [hintEl ? `${id}-hint` : "", `${id}-err`].join(" ").trim());
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hintEl, err);
}

/** Shows per-field messages under the fields a form names, by `name`. */
export function showFieldErrors(form, messages) {
  for (const el of form.querySelectorAll(".field-error")) {
    el.hidden = true;
    el.textContent = "";
  }
  for (const [name, msg] of Object.entries(messages)) {
    const control = form.querySelector(`[name="${name}"]`);
    const err = control && form.querySelector(`#${control.id}-err`);
    if (err) {
      err.textContent = msg;
      err.hidden = false;
      control.setAttribute("aria-invalid", "true");
    }
  }
}

/** Browser and OS, roughly, from a user agent. */
export function parseUserAgent(ua) {
  if (!ua) return { browser: t("sessions.unknown"), os: "" };
  const browser =
    /Edg\//.test(ua) ? "Edge" :
    /OPR\/|Opera/.test(ua) ? "Opera" :
    /Firefox\//.test(ua) ? "Firefox" :
    /HeadlessChrome\//.test(ua) ? "Chrome (headless)" :
    /Chromium\//.test(ua) ? "Chromium" :
    /Chrome\//.test(ua) ? "Chrome" :
    /Safari\//.test(ua) ? "Safari" :
    /curl\//.test(ua) ? "curl" :
    ua.split(/[\s/]/)[0];
  const os =
    /Windows/.test(ua) ? "Windows" :
    /Android/.test(ua) ? "Android" :
    /iPhone|iPad|iPod/.test(ua) ? "iOS" :
    /Mac OS X|Macintosh/.test(ua) ? "macOS" :
    /CrOS/.test(ua) ? "ChromeOS" :
    /Linux/.test(ua) ? "Linux" : "";
  return { browser, os };
}

/** A labelled progress bar. */
export function progressBar(value, label) {
  return h("progress", { max: 100, value: Math.max(0, Math.min(100, value)), "aria-label": label });
}
