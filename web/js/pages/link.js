// The page a share link opens (`/l#mnl_…`): the meeting, read only, for
// someone without an account. The secret is the address's fragment, which
// the browser never sends to the server; the page hands it to the API in a
// header, with no cookies. No navigation, no account, no edit controls;
// a passphrase is asked for when the link has one.

import * as api from "../api.js";
import { t, describeError } from "../i18n.js";
import { h, mount, field, formatDate } from "../ui.js";
import { minutesView } from "../views/minutes-view.js";

/** @param {HTMLElement} main */
export async function linkPage(main) {
  const secret = decodeURIComponent(location.hash.slice(1));
  /** @type {string|null} */
  let passphrase = null;

  async function open() {
    try {
      show(await api.viewLink(secret, passphrase));
    } catch (e) {
      if (e.code === "passphrase_required") return ask(passphrase !== null);
      if (e.code === "link_not_found" || e.status === 404) {
        return mount(main, h("h1", null, t("link.goneTitle")), h("p", null, t("link.gone")));
      }
      mount(main, h("h1", null, t("error.title")), h("p", { role: "alert" }, describeError(e)));
    }
    title();
  }

  function ask(wrong) {
    const input = h("input", { type: "password", name: "passphrase", autocomplete: "off", required: true });
    const form = h("form", { class: "card narrow", onsubmit: (e) => {
      e.preventDefault();
      passphrase = input.value;
      open();
    } },
    field(t("link.passphrase"), input),
    wrong ? h("p", { class: "error", role: "alert" }, t("link.wrongPassphrase")) : null,
    h("button", { type: "submit", class: "primary" }, t("link.open")));
    mount(main, h("h1", null, t("link.protectedTitle")), h("p", null, t("link.protected")), form);
    input.focus();
    title();
  }

  /** @param {import("../api.js").LinkedMeeting} meeting */
  function show(meeting) {
    const name = meeting.minutes?.title || meeting.title || meeting.filename;
    const recording = meeting.include_recording ? h("button", { type: "button", class: "secondary small", onclick: async (e) => {
      const button = /** @type {HTMLButtonElement} */ (e.currentTarget);
      button.disabled = true;
      try {
        const blob = await api.linkRecording(secret, passphrase);
        const a = h("a", { href: URL.createObjectURL(blob), download: meeting.filename });
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
      } catch (err) {
        button.after(h("span", { class: "small error", role: "alert" }, describeError(err)));
      } finally {
        button.disabled = false;
      }
    } }, t("link.downloadRecording")) : null;
    mount(
      main,
      h("h1", null, name),
      h("p", { class: "muted small" }, meeting.meeting_date, " · ", t("link.until", { date: formatDate(meeting.expires_at) })),
      h("p", { class: "small" }, t("link.readOnly"), " ", recording),
      meeting.minutes ? minutesView(meeting.minutes, { transcript: meeting.include_transcript }) : h("p", { class: "muted" }, t("link.notReady")),
    );
    title();
  }

  function title() {
    const heading = main.querySelector("h1");
    document.title = heading ? `${heading.textContent} · minutes` : "minutes";
  }

  if (!secret) {
    mount(main, h("h1", null, t("link.goneTitle")), h("p", null, t("link.gone")));
    return;
  }
  mount(main, h("p", { class: "muted", role: "status" }, t("common.loading")));
  await open();
}
