// The account page's webhooks: register an endpoint (its URL and the events
// it wants; the signing secret shown once, with a copy button), and for each
// one send a test event, read the delivery log, redeliver, rotate the
// secret, delete it; an endpoint disabled after repeated failures says so
// and can be enabled again.

import * as api from "../api.js";
import { t, describeError } from "../i18n.js";
import { h, mount, notify, field, formatDate, confirmDialog, showOnce, formWithList } from "../ui.js";

const EVENTS = ["task.completed", "task.failed", "minutes.updated", "task.shared"];

/** The Webhooks section: heading, intro, the form, the new secret, the list. */
export function webhooksSection(user) {
  const secret = h("div", { class: "card narrow webhook-secret", hidden: true, role: "status" });
  const status = h("p", { class: "error-text", role: "alert", hidden: true });
  const events = h("fieldset", null, h("legend", null, t("webhooks.events")),
    EVENTS.map((e) => h("div", { class: "check-field" }, h("label", null,
      h("input", { type: "checkbox", name: "events", value: e, class: "check", defaultChecked: e === "task.completed" }), " ", t(`webhooks.event.${e}`)))));
  const allTasks = user.roles.includes("admin")
    ? h("div", { class: "check-field" }, h("label", null, h("input", { type: "checkbox", name: "all_tasks", class: "check" }), " ", t("webhooks.allTasks")))
    : null;
  const form = h("form", { class: "card narrow", novalidate: true },
    field(t("webhooks.url"), h("input", { name: "url", type: "url", required: true, maxlength: 2000, placeholder: "https://", autocomplete: "off", spellcheck: false }), t("webhooks.urlHint")),
    events,
    allTasks,
    status,
    h("button", { type: "submit", class: "primary" }, t("webhooks.create")));
  const list = formWithList(form, status, {
    listClass: "webhooks",
    create: async (data) => {
      const body = { url: String(data.get("url")).trim(), events: data.getAll("events").map(String) };
      if (data.get("all_tasks")) body.all_tasks = true;
      const created = await api.createWebhook(body);
      showSecret(secret, created.secret, t("webhooks.created", { url: created.webhook.url }));
    },
    read: api.webhooks,
    item: (hook, reload) => webhookItem(hook, { reload, secret }),
    none: t("webhooks.none"),
  });
  return [h("h2", { id: "webhooks" }, t("webhooks.title")), h("p", { class: "muted" }, t("webhooks.intro")), form, secret, list];
}

/** A new signing secret, this once, with a copy button. */
function showSecret(box, value, message) {
  showOnce(box, { message, value, label: t("webhooks.secretLabel"), copyLabel: t("tokens.copy"), copied: t("tokens.copied") });
}

/** Runs `action`, then reloads; a failure is told in a notice. */
async function act(action, done, reload) {
  try {
    await action();
    if (done) notify(done);
    await reload();
  } catch (e) {
    notify(describeError(e), "error");
  }
}

/** One endpoint: URL, events, state, and what can be done with it. */
function webhookItem(hook, { reload, secret }) {
  const log = h("div", { class: "webhook-log", hidden: true });
  const disabled = hook.disabled_at
    ? h("div", { class: "banner", role: "alert" },
      h("p", null, t("webhooks.disabledBanner", { date: formatDate(hook.disabled_at), n: hook.consecutive_failures })),
      h("button", { type: "button", class: "primary small", onclick: () =>
        act(() => api.changeWebhook(hook.id, { enabled: true }), t("webhooks.enabled"), reload) }, t("webhooks.enable")))
    : null;
  const buttons = h("div", { class: "row" },
    !hook.disabled_at && h("button", { type: "button", class: "secondary small", onclick: () =>
      act(async () => {
        await api.testWebhook(hook.id);
        await showLog(log, hook.id, reload);
        // The delivery is made in the background: look again shortly.
        setTimeout(() => showLog(log, hook.id, reload), 1500);
      }, t("webhooks.testSent"), async () => {}) }, t("webhooks.test")),
    h("button", { type: "button", class: "secondary small", "aria-expanded": "false", onclick: async (e) => {
      const open = log.hidden;
      e.currentTarget.setAttribute("aria-expanded", String(open));
      if (open) await showLog(log, hook.id, reload);
      else log.hidden = true;
    } }, t("webhooks.log")),
    h("button", { type: "button", class: "secondary small", onclick: async () => {
      if (!(await confirmDialog(t("webhooks.confirmRotate"), t("webhooks.rotate")))) return;
      await act(async () => {
        const rotated = await api.rotateWebhook(hook.id);
        showSecret(secret, rotated.secret, t("webhooks.rotated", { url: hook.url }));
      }, null, reload);
    } }, t("webhooks.rotate")),
    h("button", { type: "button", class: "danger small", "aria-label": t("webhooks.deleteNamed", { url: hook.url }), onclick: async () => {
      if (!(await confirmDialog(t("webhooks.confirmDelete", { url: hook.url }), t("webhooks.delete")))) return;
      await act(() => api.deleteWebhook(hook.id), t("webhooks.deleted"), reload);
    } }, t("webhooks.delete")));
  return h("li", { class: "card session", dataset: { id: hook.id } },
    h("div", null,
      h("h3", { class: "h3" }, h("code", null, hook.url),
        hook.disabled_at ? h("span", { class: "badge danger" }, t("webhooks.disabledBadge")) : null,
        hook.all_tasks ? h("span", { class: "badge" }, t("webhooks.allTasksBadge")) : null),
      disabled,
      h("dl", { class: "facts" },
        h("dt", null, t("webhooks.events")), h("dd", null, hook.events.map((e) => t(`webhooks.event.${e}`)).join(", ")),
        h("dt", null, t("tokens.createdAt")), h("dd", null, formatDate(hook.created_at)),
        hook.previous_secret_until ? [h("dt", null, t("webhooks.previousSecret")), h("dd", null, formatDate(hook.previous_secret_until))] : null,
      ),
      buttons,
      log,
    ));
}

/** The endpoint's delivery log, newest first, each with redeliver. */
async function showLog(box, id, reload) {
  let deliveries;
  try {
    deliveries = await api.webhookDeliveries(id);
  } catch (e) {
    mount(box, h("p", { class: "error-text" }, describeError(e)));
    box.hidden = false;
    return;
  }
  const refresh = h("button", { type: "button", class: "secondary small", onclick: () => showLog(box, id, reload) }, t("webhooks.refresh"));
  if (!deliveries.length) {
    mount(box, h("p", { class: "muted" }, t("webhooks.noDeliveries")), refresh);
    box.hidden = false;
    return;
  }
  const rows = deliveries.flatMap((d) => {
    const attempts = d.attempts.length ? d.attempts : [null];
    return attempts.map((a, i) => h("tr", { dataset: { state: d.state } },
      h("td", null, a ? formatDate(a.created_at) : formatDate(d.created_at)),
      h("td", null, i === 0 ? t(`webhooks.event.${d.event}`) : ""),
      h("td", null, i === 0 ? t(`webhooks.state.${d.state}`) : ""),
      h("td", null, a ? String(a.attempt) : "—"),
      h("td", null, a && a.status_code !== null ? String(a.status_code) : "—"),
      h("td", null, a && a.response_ms !== null ? t("webhooks.ms", { n: a.response_ms }) : "—"),
      h("td", null, a && a.error ? a.error : ""),
      h("td", null, i === 0 && d.state !== "pending"
        ? h("button", { type: "button", class: "secondary small", onclick: () =>
          act(() => api.redeliverWebhook(d.id), t("webhooks.redelivered"), () => showLog(box, id, reload)) }, t("webhooks.redeliver"))
        : "")));
  });
  mount(box,
    h("div", { class: "table-scroll" }, h("table", { class: "webhook-deliveries" },
      h("caption", null, t("webhooks.logCaption")),
      h("thead", null, h("tr", null, ["time", "event", "state", "attempt", "status", "duration", "error", "actions"].map((c) =>
        h("th", { scope: "col" }, t(`webhooks.col.${c}`))))),
      h("tbody", null, rows))),
    refresh);
  box.hidden = false;
}
