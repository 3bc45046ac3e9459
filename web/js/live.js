// Live events. One socket per browser on `GET /ws` (everything the caller
// can see) when the server has it; otherwise one `GET /ws/{task_id}` socket
// per unfinished task being watched. Either way listeners get the same
// events: `progress`, `minutes_updated`, `task_shared`, `access_lost`,
// `task_deleted`, and `session_revoked` (close code 4001).

import { wsUrl } from "./api.js";

/** @type {Set<(event: any) => void>} */
const listeners = new Set();
/** "unknown" until the first try, then "hub" or "per-task". */
let mode = "unknown";
/** @type {WebSocket|null} */
let hub = null;
/** @type {Map<string, WebSocket>} */
const perTask = new Map();
/** Tasks asked for while the mode is still being found out. */
const pending = new Set();
let generation = 0;
let retryTimer = 0;

/** @param {(event: any) => void} fn @returns {() => void} unsubscribe */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit(event) {
  for (const fn of [...listeners]) {
    try {
      fn(event);
    } catch (e) {
      console.error(e);
    }
  }
}

/** Opens the event socket (or learns it is absent). Call after every session change. */
export function start() {
  stop();
  const gen = ++generation;
  let opened = false;
  const ws = new WebSocket(wsUrl("events"));
  hub = ws;
  ws.onopen = () => {
    opened = true;
    mode = "hub";
    pending.clear();
  };
  ws.onmessage = (m) => {
    try {
      emit(JSON.parse(m.data));
    } catch {
      /* not an event */
    }
  };
  ws.onclose = (e) => {
    if (gen !== generation) return;
    hub = null;
    if (e.code === 4001) return emit({ type: "session_revoked" });
    if (!opened && mode !== "hub") {
      // No `/ws` on this server: watch tasks one by one instead.
      mode = "per-task";
      for (const id of pending) watchTask(id);
      pending.clear();
      return;
    }
    retryTimer = window.setTimeout(() => gen === generation && start(), 2000);
  };
}

/** Closes every socket (before a login, logout or on leaving). */
export function stop() {
  generation += 1;
  window.clearTimeout(retryTimer);
  if (hub) hub.close(1000);
  hub = null;
  for (const ws of perTask.values()) ws.close(1000);
  perTask.clear();
}

/** Asks for this task's events; a no-op on the event socket, which sends everything. */
export function watchTask(taskId) {
  if (mode === "hub") return;
  if (mode === "unknown") {
    pending.add(taskId);
    return;
  }
  if (perTask.has(taskId)) return;
  const ws = new WebSocket(wsUrl("watchTask", { task_id: taskId }));
  perTask.set(taskId, ws);
  ws.onmessage = (m) => {
    try {
      emit(JSON.parse(m.data));
    } catch {
      /* not an event */
    }
  };
  ws.onclose = (e) => {
    if (perTask.get(taskId) !== ws) return;
    perTask.delete(taskId);
    if (e.code === 4001) emit({ type: "session_revoked" });
    else if (e.code === 4004) emit({ type: "access_lost", task_id: taskId });
  };
}

/** Whether the one event socket is in use (minutes edits arrive live only there). */
export const hasHub = () => mode === "hub";
