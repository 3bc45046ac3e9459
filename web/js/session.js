// The session as the app knows it: who is signed in, and a notification to
// every subscriber when that changes (the shape live.js has). Pages read
// `state`; a login, logout or password change hands the new session to
// `setSession`; a revoked series ends in `sessionLost`.

import * as api from "./api.js";
import * as live from "./live.js";
import { t } from "./i18n.js";
import { navigate } from "./nav.js";
import { signal } from "./signal.js";

/** Remembered across reloads so a session ended elsewhere can be explained. */
const SIGNED_IN_KEY = "minutes.signedInAs";

/** What every page may read. */
export const state = {
  /** @type {import("./api.js").Session|null} */
  session: null,
  /** @type {import("./api.js").User|null} */
  user: null,
  /** Tasks the anonymous session owned, to say they were kept after login. */
  anonymousTasks: 0,
};

export const isAdmin = () => Boolean(state.user && state.user.roles.includes("admin"));

/** Whether this browser was signed in when it last ran (a session may have ended since). */
export const wasSignedIn = () => localStorage.getItem(SIGNED_IN_KEY) !== null;

const userChanged = signal();

/** Called after every change of `state.user`. @param {() => void} fn @returns {() => void} unsubscribe */
export const subscribe = userChanged.subscribe;
const changed = userChanged.emit;

/** Takes in a fresh `GET /api/session` answer (after start, login, logout, password change). */
export function setSession(session) {
  state.session = session;
  state.user = session.user;
  if (state.user) localStorage.setItem(SIGNED_IN_KEY, state.user.username);
  else localStorage.removeItem(SIGNED_IN_KEY);
  live.start();
  changed();
}

/**
 * The series was revoked: a clean anonymous page and one line saying why.
 * A revocation this browser caused itself (a password change, a login
 * replacing the anonymous series) already left it a new session: then the
 * socket is only reopened.
 */
export async function sessionLost() {
  const wasUser = Boolean(state.user || wasSignedIn());
  let session = null;
  try {
    session = await api.session();
  } catch {
    /* unreachable: shown as anonymous below */
  }
  if (session && (session.authenticated || !wasUser)) return setSession(session);
  localStorage.removeItem(SIGNED_IN_KEY);
  if (session) setSession(session);
  else {
    state.user = null;
    changed();
  }
  navigate("#/", t("session.ended"), "error");
}

/** Asks whether the logged-in session still stands; cheap, starts nothing. */
export async function checkSession() {
  if (!state.user) return;
  try {
    await api.me();
  } catch (e) {
    if (e instanceof api.ApiError && e.status === 401) await sessionLost();
  }
}
