// My action items: the items of every meeting this account can open whose
// owner is the person — their username or a speaker name they claim here —
// open and overdue first, each a checkbox that marks it done (an edit of
// that meeting's minutes, so every open page hears of it) and a link to
// the moment it was said. Below, the names claimed, and the calendar feed
// of the due items with its secret address.

import * as api from "../api.js";
import * as live from "../live.js";
import { state } from "../session.js";
import { t, describeError } from "../i18n.js";
import { h, mount, notify, formatDate, confirmDialog } from "../ui.js";

/** The meeting at the transcript line the item was said in. */
const itemHref = (item) => `#/tasks/${item.task_id}?segment=${item.segment}`;

/** @param {HTMLElement} main */
export async function itemsPage(main) {
  if (!state.user) {
    mount(main, h("h1", null, t("items.title")), h("p", null, t("items.loginFirst"), " ", h("a", { href: "#/login" }, t("nav.login"))));
    return null;
  }
  const list = h("ul", { class: "items-list", "aria-label": t("items.title"), "aria-busy": "true" });
  const status = h("p", { class: "muted", role: "status" }, t("common.loading"));
  const names = h("input", { id: "names-field", name: "names", class: "names-input", autocomplete: "off", "aria-describedby": "names-hint" });
  const namesForm = h(
    "form",
    { class: "names-form", onsubmit: async (e) => {
      e.preventDefault();
      try {
        await api.claimNames(names.value.split(/[,、，]/).map((n) => n.trim()).filter(Boolean));
        await load();
        notify(t("items.namesSaved"));
      } catch (err) {
        notify(describeError(err), "error");
      }
    } },
    h("label", { for: "names-field" }, t("items.namesLabel")),
    h("div", { class: "inline-form" }, names, h("button", { type: "submit", class: "secondary" }, t("items.namesSave"))),
    h("p", { class: "small muted", id: "names-hint" }, t("items.namesHint", { username: state.user.username })),
  );
  const feed = h("div", { class: "feed" });
  mount(
    main,
    h("h1", null, t("items.title")),
    h("p", { class: "intro" }, t("items.intro", { username: state.user.username })),
    status,
    list,
    h("section", { class: "card" }, h("h2", null, t("items.namesTitle")), namesForm),
    h("section", { class: "card" }, h("h2", null, t("items.feedTitle")), h("p", { class: "small muted" }, t("items.feedIntro")), feed),
  );

  async function load() {
    let answer;
    try {
      answer = await api.actionItems();
    } catch (e) {
      status.textContent = describeError(e);
      return;
    } finally {
      list.removeAttribute("aria-busy");
    }
    if (document.activeElement !== names) names.value = answer.names.join(", ");
    status.textContent = answer.items.length ? t("items.count", { n: answer.items.filter((i) => !i.done).length }) : t("items.none");
    mount(list, answer.items.map((item) => itemRow(item, load)));
  }

  async function showFeed(created = null) {
    let current;
    try {
      current = await api.feed();
    } catch (e) {
      mount(feed, h("p", null, describeError(e)));
      return;
    }
    const make = h("button", { type: "button", class: current.active ? "secondary" : "primary", onclick: async () => {
      if (current.active && !(await confirmDialog(t("items.feedConfirmReplace"), t("items.feedReplace")))) return;
      try {
        await showFeed(await api.newFeed());
      } catch (e) {
        notify(describeError(e), "error");
      }
    } }, t(current.active ? "items.feedReplace" : "items.feedCreate"));
    const stop = current.active ? h("button", { type: "button", class: "danger", onclick: async () => {
      if (!(await confirmDialog(t("items.feedConfirmStop"), t("items.feedStop")))) return;
      try {
        await api.stopFeed();
        await showFeed();
        notify(t("items.feedStopped"));
      } catch (e) {
        notify(describeError(e), "error");
      }
    } }, t("items.feedStop")) : null;
    const address = created ? h("input", { class: "feed-url", readonly: true, value: created.url, "aria-label": t("items.feedAddress") }) : null;
    mount(
      feed,
      h("p", null, current.active ? t("items.feedActive", { when: formatDate(current.created_at) }) : t("items.feedNone")),
      created ? h("div", { class: "inline-form" }, address, h("button", { type: "button", class: "secondary", onclick: async () => {
        try {
          await navigator.clipboard.writeText(created.url);
          notify(t("items.feedCopied"));
        } catch {
          address.select();
        }
      } }, t("items.feedCopy"))) : null,
      created ? h("p", { class: "small", role: "status" }, t("items.feedShownOnce")) : null,
      h("div", { class: "actions" }, make, stop),
    );
    if (address) address.select();
  }

  const unsubscribe = live.subscribe((e) => {
    if (["resync", "minutes_updated", "task_shared", "access_lost", "task_deleted"].includes(e.type)) load();
  });
  await Promise.all([load(), showFeed()]);
  return unsubscribe;
}

/** One item: done or not (a checkbox where the person may edit), what, whose, when, where. */
function itemRow(item, reload) {
  const label = item.done ? t("items.markOpen", { text: item.text }) : t("items.markDone", { text: item.text });
  const box = h("input", { type: "checkbox", class: "check item-done", checked: item.done, disabled: item.access === "view", "aria-label": label, title: item.access === "view" ? t("items.viewOnly") : label });
  box.addEventListener("change", async () => {
    box.disabled = true;
    try {
      await api.markActionItem(item.task_id, item.index, box.checked, item.version);
    } catch (e) {
      notify(e.status === 412 ? t("items.changedMeanwhile") : describeError(e), "error");
    }
    await reload();
  });
  const due = item.due_date || item.due;
  return h(
    "li",
    { class: `card item${item.done ? " done" : ""}${item.overdue ? " overdue" : ""}`, dataset: { taskId: item.task_id, index: String(item.index) } },
    box,
    h("div", { class: "item-body" },
      h("p", { class: "item-text" }, item.text, item.overdue ? h("span", { class: "badge danger" }, t("items.overdue")) : null, item.done ? h("span", { class: "badge" }, t("items.done")) : null),
      h("p", { class: "small muted" },
        [due ? t("items.due", { due }) : t("items.noDue"), t("items.owner", { owner: item.owner })].join(" · "),
        " · ",
        h("a", { href: itemHref(item) }, item.title),
        ` (${item.meeting_date})`,
        item.access === "view" ? ` · ${t("items.viewOnly")}` : "",
      ),
    ),
  );
}
