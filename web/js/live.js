// Live events. One event socket per browser, `GET /ws`, carries every event
// of every task in the caller's list: `progress`, `minutes_updated`,
// `task_shared`, `access_lost`, `task_deleted`. An admin looking at someone
// else's task is not sent its events there, so that page watches it on its
// own `GET /ws/{task_id}`. Listeners also get `session_revoked` (close code
// 4001) and `resync` each time the socket opens — the first time too: the
// socket sends no snapshot, and whatever happened before it was open (since
// `start`, or while it was down) was never sent; pages read again then.

import { wsUrl } from "./api.js";
import { signal } from "./signal.js";

const events = signal();
/** @type {WebSocket|null} */
let hub = null;
/** @type {Map<string, WebSocket>} */
const perTask = new Map();
let generation = 0;
let retryTimer = 0;
let retryDelay = 1000;

/** @param {(event: any) => void} fn @returns {() => void} unsubscribe */
export const subscribe = events.subscribe;
const emit = events.emit;

function onMessage(m) {
  let event;
  try {
    event = JSON.parse(m.data);
  } catch {
    return;
  }
  emit(event);
}

/** Opens the event socket. Call after every session change: the socket belongs to one series. */
export function start() {
  stop();
  const gen = generation;
  const ws = new WebSocket(wsUrl("events"));
  hub = ws;
  ws.onopen = () => {
    retryDelay = 1000;
    emit({ type: "resync" });
  };
  ws.onmessage = onMessage;
  ws.onclose = (e) => {
    if (gen !== generation) return;
    hub = null;
    if (e.code === 4001) return emit({ type: "session_revoked" });
    // Dropped (a restart, the network): come back, a little later each time.
    retryTimer = window.setTimeout(() => gen === generation && start(), retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000) + 1;
  };
}

/** Closes every socket (before a session change, or when leaving). */
export function stop() {
  generation += 1;
  window.clearTimeout(retryTimer);
  if (hub) hub.close(1000);
  hub = null;
  for (const ws of perTask.values()) ws.close(1000);
  perTask.clear();
}

/**
 * Watches one task the event socket does not cover (an admin's view of
 * someone else's task). Closes when the task finishes.
 * @returns {() => void} stop watching
 */
export function watchTask(taskId) {
  if (perTask.has(taskId)) return () => unwatch(taskId);
  const ws = new WebSocket(wsUrl("watchTask", { task_id: taskId }));
  perTask.set(taskId, ws);
  ws.onmessage = onMessage;
  ws.onclose = (e) => {
    if (perTask.get(taskId) !== ws) return;
    perTask.delete(taskId);
    if (e.code === 4001) emit({ type: "session_revoked" });
    else if (e.code === 4004) emit({ type: "access_lost", task_id: taskId });
  };
  return () => unwatch(taskId);
}

function unwatch(taskId) {
  const ws = perTask.get(taskId);
  perTask.delete(taskId);
  if (ws) ws.close(1000);
}
