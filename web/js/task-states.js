// The newest state seen of each task. A task's state (status, stage,
// progress, error, title, meeting date) reaches the page two ways — HTTP answers and socket
// events — and they can arrive out of order: a `GET /api/tasks` read before
// a `completed` event may be answered after it. Every state carries the
// task's `state_version` (docs/api.md), so whatever arrives, each task keeps
// the state with the largest version this page has seen, and an older one
// never replaces it. Events are taken in here before any page hears them
// (this module subscribes first), so a page reads `apply` or `current`.

import * as live from "./live.js";

/** The fields that make a task's state. */
const STATE = ["status", "stage", "progress", "error", "error_code", "state_version", "title", "meeting_date"];

/** @type {Map<string, Record<string, any>>} task id → its newest state */
const newest = new Map();

const pick = (from) => Object.fromEntries(STATE.map((k) => [k, from[k] ?? null]));
const versionOf = (s) => (typeof s.state_version === "number" ? s.state_version : -1);

/** Keeps `state` when it is newer than what is known; answers whether it was. */
function offer(taskId, state) {
  const known = newest.get(taskId);
  if (known && versionOf(known) >= versionOf(state)) return false;
  newest.set(taskId, pick(state));
  return true;
}

/**
 * A task from an HTTP answer, with the newest state known for it: its own,
 * unless a newer one was seen already.
 * @template {{task_id: string}} T @param {T} task @returns {T}
 */
export function apply(task) {
  offer(task.task_id, task);
  return { ...task, ...newest.get(task.task_id) };
}

/** The newest state seen of a task, or null. */
export const current = (taskId) => newest.get(taskId) || null;

live.subscribe((e) => {
  if (e.type === "progress") offer(e.task_id, e);
  else if (e.type === "task_deleted" || e.type === "access_lost") newest.delete(e.task_id);
});
