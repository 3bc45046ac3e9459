// A task's revision history (`GET …/minutes/revisions`): who saved each
// version, from which device, when; view an old one, or restore it — a
// `PUT` of its content with the current ETag, so it becomes the newest
// version and the history keeps everything.

import * as api from "../api.js";
import { t, describeError } from "../i18n.js";
import { h, mount, formatDate, parseUserAgent } from "../ui.js";

/** A revision's device, as "My sessions" shows one: browser and OS, then the IP. */
export function deviceLabel(device) {
  if (!device) return null;
  const { browser, os } = parseUserAgent(device.user_agent);
  const name = os ? t("sessions.browserOn", { browser, os }) : browser;
  return device.ip ? `${name} · ${device.ip}` : name;
}

/**
 * @param {{taskId: string, canEdit: boolean, onView: (version: number) => void,
 *   onRestore: (version: number) => Promise<void>}} opts
 * @returns {{el: HTMLElement, refresh: () => Promise<void>}}
 */
export function historySection({ taskId, canEdit, onView, onRestore }) {
  const el = h("details", { class: "card history" });
  const summary = () => h("summary", null, h("h2", { class: "h3 inline" }, t("history.title")));

  async function refresh() {
    // Read only while open: closed, it costs nothing.
    if (!el.open) return mount(el, summary());
    let revisions;
    try {
      revisions = await api.revisions(taskId);
    } catch (e) {
      return mount(el, summary(), h("p", { class: "error-text" }, describeError(e)));
    }
    mount(el, summary(), h("ol", { class: "revisions" }, revisions.map((r, i) => {
      const who = r.author ? t("history.by", { name: r.author }) : r.version === 1 ? t("history.byProcessing") : t("history.byAnonymous");
      return h(
        "li",
        { dataset: { version: String(r.version) } },
        h("div", null,
          h("strong", null, t("history.version", { n: r.version })),
          i === 0 ? h("span", { class: "badge" }, t("history.current")) : null,
          h("p", { class: "small muted" }, [formatDate(r.created_at), who, deviceLabel(r.device)].filter(Boolean).join(" · ")),
        ),
        h("span", { class: "row wrap" },
          i > 0 ? h("button", { type: "button", class: "secondary small", "aria-label": t("history.viewNamed", { n: r.version }), onclick: () => onView(r.version) }, t("history.view")) : null,
          canEdit && i > 0 ? h("button", { type: "button", class: "secondary small", "aria-label": t("history.restoreNamed", { n: r.version }), onclick: () => onRestore(r.version) }, t("history.restore")) : null,
        ),
      );
    })));
  }
  el.addEventListener("toggle", refresh);
  mount(el, summary());
  return { el, refresh };
}
