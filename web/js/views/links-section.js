// The "Links" part of a meeting's share dialog: make a link for people
// without an account (an expiry of 1, 7 or 30 days, an optional
// passphrase, with or without the transcript and the recording), copy it
// (shown this once), see each link's views, revoke one; the owner also
// decides whether editors may make links.

import * as api from "../api.js";
import { t, describeError } from "../i18n.js";
import { h, mount, field, formatDate, parseUserAgent, confirmDialog, showOnce } from "../ui.js";

const PRESET_DAYS = [1, 7, 30];

/** @param {import("../api.js").Task} task */
export function linksSection(task) {
  const list = h("ul", { class: "links" }, h("li", { class: "loading muted", role: "status" }, t("common.loading")));
  const created = h("div", { class: "link-created", hidden: true });
  const status = h("p", { class: "small", role: "status" });
  const expiry = h("select", { name: "expires_in_days" }, PRESET_DAYS.map((d) => h("option", { value: String(d), defaultSelected: d === 7 }, t(`links.days${d}`))));
  const passphrase = h("input", { name: "passphrase", type: "password", autocomplete: "new-password", minlength: 8, maxlength: 128 });
  const transcript = h("input", { type: "checkbox", name: "include_transcript", class: "check", defaultChecked: true });
  const recording = h("input", { type: "checkbox", name: "include_recording", class: "check", defaultChecked: true });
  const editors = h("input", { type: "checkbox", name: "editors_may_create", class: "check", onchange: async () => {
    try {
      await api.setLinkPolicy(task.task_id, editors.checked);
      status.textContent = t(editors.checked ? "links.editorsAllowed" : "links.editorsNotAllowed");
    } catch (e) {
      editors.checked = !editors.checked;
      status.textContent = describeError(e);
    }
  } });
  const owner = task.access === "owner" || task.access === "admin";

  async function load() {
    try {
      const { links, editors_may_create } = await api.links(task.task_id);
      editors.checked = editors_may_create;
      mount(list, links.length ? links.map((l) => linkItem(l, load, status)) : h("li", { class: "muted" }, t("links.none")));
    } catch (e) {
      // An editor whom the owner has not let make links.
      if (e.status === 403) form.hidden = true;
      mount(list, h("li", { class: "muted" }, e.status === 403 ? t("links.notAllowed") : describeError(e)));
    }
  }

  const form = h(
    "form",
    { class: "link-form", onsubmit: async (e) => {
      e.preventDefault();
      const body = {
        expires_in_days: Number(expiry.value),
        include_transcript: transcript.checked,
        include_recording: recording.checked,
      };
      if (passphrase.value) body.passphrase = passphrase.value;
      try {
        const made = await api.createLink(task.task_id, body);
        passphrase.value = "";
        showOnce(created, { message: t("links.created"), value: made.url, label: t("links.address"), copyLabel: t("links.copy"), copied: t("links.copied") });
        load();
      } catch (err) {
        status.textContent = err.fields && err.fields.passphrase ? t("links.passphraseLength") : describeError(err);
      }
    } },
    field(t("links.expiry"), expiry),
    field(t("links.passphrase"), passphrase, t("links.passphraseHint")),
    check(transcript, t("links.includeTranscript")),
    check(recording, t("links.includeRecording")),
    h("button", { type: "submit", class: "primary" }, t("links.create")),
  );

  load();
  return h(
    "section",
    { class: "links-section", "aria-labelledby": "links-h" },
    h("h3", { id: "links-h" }, t("links.title")),
    h("p", { class: "small muted" }, t("links.intro")),
    form,
    created,
    status,
    owner ? check(editors, t("links.editorsMayCreate")) : null,
    list,
  );
}

/** A checkbox with its label after it. */
function check(input, label) {
  return h("div", { class: "check-field" }, h("label", null, input, " ", label));
}

/** One link: its state, options and views; revoke while live. */
function linkItem(link, reload, status) {
  const live = !link.revoked_at && new Date(link.expires_at) > new Date();
  const state = link.revoked_at ? t("links.revokedOn", { date: formatDate(link.revoked_at) })
    : live ? t("links.until", { date: formatDate(link.expires_at) })
    : t("links.expiredOn", { date: formatDate(link.expires_at) });
  const options = [
    link.has_passphrase ? t("links.withPassphrase") : null,
    link.include_transcript ? null : t("links.noTranscript"),
    link.include_recording ? null : t("links.noRecording"),
  ].filter(Boolean).join(" · ");
  const views = link.views.map((v) => {
    const ua = parseUserAgent(v.user_agent);
    return h("li", null, `${formatDate(v.viewed_at)} · ${ua.browser}${ua.os ? ` (${ua.os})` : ""} · ${v.ip || "—"}`);
  });
  const revoke = live && h("button", { type: "button", class: "danger small", "aria-label": t("links.revokeNamed", { prefix: link.prefix }), onclick: async () => {
    if (!(await confirmDialog(t("links.confirmRevoke"), t("links.revoke")))) return;
    try {
      await api.revokeLink(link.id);
      status.textContent = t("links.revoked");
      reload();
    } catch (e) {
      status.textContent = describeError(e);
    }
  } }, t("links.revoke"));
  return h(
    "li",
    { class: live ? "link live" : "link muted", dataset: { linkId: link.id } },
    h("div", { class: "row wrap" },
      h("span", null, h("code", null, `mnl_${link.prefix}_…`), ` · ${state}`, options ? ` · ${options}` : "",
        link.created_by ? ` · ${t("links.by", { name: link.created_by })}` : ""),
      revoke || null),
    h("details", { class: "link-views" },
      h("summary", null, t("links.views", { count: link.view_count })),
      views.length ? h("ul", { class: "small" }, views) : h("p", { class: "small muted" }, t("links.noViews"))),
  );
}
