// The API client: the only module that talks HTTP. It uses the public
// contract exactly as an external frontend would — cookies with
// `credentials: "include"`, the CSRF token from `GET /api/session` in
// `X-CSRF-Token` on unsafe methods, and the WebSockets.
//
// Every endpoint the app calls is in ENDPOINTS, and requests are built only
// from it: a Rust test (tests/api/web.rs) checks each entry against
// `/api/openapi.json`, so a contract change that breaks the app fails a test.

/**
 * @typedef {{id: string, username: string, email: string|null, roles: string[], created_at: string}} User
 * @typedef {{authenticated: boolean, user: User|null, csrf_token: string, session_expires_at: string, refresh_expires_at: string}} Session
 * @typedef {{task_id: string, title: string|null, meeting_date: string, filename: string, content_type: string, size_bytes: number,
 *   status: "queued"|"processing"|"completed"|"failed", stage: string|null, progress: number,
 *   error: string|null, error_code: string|null, error_detail?: string, upload_timestamp: string, updated_at: string,
 *   state_version: number, access: "owner"|"admin"|"edit"|"view", owner: {username: string}|null}} Task
 * @typedef {{recordings: boolean, max_upload_bytes: number, max_anonymous_bytes: number,
 *   formats: {recordings: string[], transcripts: string[]}}} Capabilities
 * @typedef {{start: number|null, end: number|null, speaker: string|null, text: string}} Segment
 * @typedef {{text: string, segment: number}} Decision
 * @typedef {{text: string, segment: number, owner: string|null, due: string|null}} ActionItem
 * @typedef {{kind: "summary"|"decisions"|"action_items"|"transcript", heading: string}} Section
 * @typedef {{template_id: string, template_name: string, sections: Section[]}} Layout
 * @typedef {{title: string, meeting_date?: string|null, summary: string[], decisions: Decision[], action_items: ActionItem[], transcript: Segment[], language: "en"|"ja", layout?: Layout}} Minutes
 * @typedef {{en: string, ja: string}} Localized
 * @typedef {{id: string, builtin: boolean, name: Localized, sections: {kind: Section["kind"], heading: Localized}[],
 *   instructions: string|null, updated_at: string|null}} Template
 * @typedef {{name: string, sections: Section[], instructions?: string|null}} TemplateInput
 * @typedef {{version: number, minutes: Minutes}} Saved  `PUT …/minutes`' answer, and a 412's `current`
 * @typedef {{id: string, created_at: string, last_seen_at: string, user_agent: string|null, ip: string|null, current: boolean}} SeriesInfo
 * @typedef {{username: string, permission: "view"|"edit", granted_by: string|null, created_at: string}} Share
 * @typedef {{user_agent: string|null, ip: string|null}} Device  as `GET /api/sessions` shows one
 * @typedef {{version: number, author: string|null, device: Device|null, restored_from: number|null,
 *   regenerated_with: string|null, created_at: string}} Revision
 * @typedef {User & {disabled: boolean, session_count: number}} AdminUser
 * @typedef {{id: number, kind: string, actor: string|null, subject: string|null, subject_name: string|null,
 *   task_name: string|null, ip: string|null, created_at: string, detail: Record<string, any>}} AuditEvent
 * @typedef {{id: string, name: string, prefix: string, scopes: string[], task_id: string|null, created_at: string,
 *   expires_at: string|null, last_used_at: string|null, last_used_ip: string|null, revoked_at: string|null}} ApiToken
 * @typedef {{name: string, method: string, path: string}} Endpoint
 */

// The table is JSON so that the Rust test can read it as it is.
/** @type {ReadonlyArray<Endpoint>} */
export const ENDPOINTS = Object.freeze([
  {"name": "session", "method": "GET", "path": "/api/session"},
  {"name": "sessions", "method": "GET", "path": "/api/sessions"},
  {"name": "revokeSession", "method": "DELETE", "path": "/api/sessions/{id}"},
  {"name": "revokeOthers", "method": "POST", "path": "/api/sessions/revoke-others"},
  {"name": "register", "method": "POST", "path": "/api/auth/register"},
  {"name": "login", "method": "POST", "path": "/api/auth/login"},
  {"name": "logout", "method": "POST", "path": "/api/auth/logout"},
  {"name": "me", "method": "GET", "path": "/api/auth/me"},
  {"name": "password", "method": "POST", "path": "/api/auth/password"},
  {"name": "tokens", "method": "GET", "path": "/api/tokens"},
  {"name": "createToken", "method": "POST", "path": "/api/tokens"},
  {"name": "revokeToken", "method": "DELETE", "path": "/api/tokens/{token_id}"},
  {"name": "upload", "method": "POST", "path": "/api/upload"},
  {"name": "tasks", "method": "GET", "path": "/api/tasks"},
  {"name": "search", "method": "GET", "path": "/api/search"},
  {"name": "task", "method": "GET", "path": "/api/tasks/{task_id}"},
  {"name": "deleteTask", "method": "DELETE", "path": "/api/tasks/{task_id}"},
  {"name": "media", "method": "GET", "path": "/api/tasks/{task_id}/media"},
  {"name": "minutes", "method": "GET", "path": "/api/tasks/{task_id}/minutes"},
  {"name": "retry", "method": "POST", "path": "/api/tasks/{task_id}/retry"},
  {"name": "watchTask", "method": "GET", "path": "/ws/{task_id}"},
  {"name": "saveMinutes", "method": "PUT", "path": "/api/tasks/{task_id}/minutes"},
  {"name": "revisions", "method": "GET", "path": "/api/tasks/{task_id}/minutes/revisions"},
  {"name": "regenerate", "method": "POST", "path": "/api/tasks/{task_id}/minutes/regenerate"},
  {"name": "templates", "method": "GET", "path": "/api/templates"},
  {"name": "createTemplate", "method": "POST", "path": "/api/templates"},
  {"name": "updateTemplate", "method": "PUT", "path": "/api/templates/{template_id}"},
  {"name": "deleteTemplate", "method": "DELETE", "path": "/api/templates/{template_id}"},
  {"name": "events", "method": "GET", "path": "/ws"},
  {"name": "shares", "method": "GET", "path": "/api/tasks/{task_id}/shares"},
  {"name": "share", "method": "PUT", "path": "/api/tasks/{task_id}/shares/{username}"},
  {"name": "unshare", "method": "DELETE", "path": "/api/tasks/{task_id}/shares/{username}"},
  {"name": "adminUsers", "method": "GET", "path": "/api/admin/users"},
  {"name": "adminUpdateUser", "method": "PATCH", "path": "/api/admin/users/{user_id}"},
  {"name": "adminRevokeSessions", "method": "DELETE", "path": "/api/admin/users/{user_id}/sessions"},
  {"name": "adminTasks", "method": "GET", "path": "/api/admin/tasks"},
  {"name": "adminAudit", "method": "GET", "path": "/api/admin/audit"},
  {"name": "capabilities", "method": "GET", "path": "/api/capabilities"}
]);

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** An error answered by the API (or the network), kept structured. */
export class ApiError extends Error {
  /**
   * @param {number} status 0 when the server could not be reached
   * @param {string} code the contract's `error.code`
   * @param {string} message the server's own sentence (English)
   * @param {Record<string, string[]>|null} fields on 422
   * @param {any} body the whole error body (e.g. 412's current version)
   */
  constructor(status, code, message, fields = null, body = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.body = body;
    /** @type {number|null} seconds, from Retry-After */
    this.retryAfter = null;
    /** @type {string|null} the answer's ETag (a 412 names the current version) */
    this.etag = null;
  }

  /**
   * What a 412 `version_conflict` says is current, with the ETag that
   * overwrites it on purpose; null for any other error.
   * @returns {{version: number, minutes: Minutes, etag: string}|null}
   */
  get conflict() {
    const current = this.status === 412 && this.body && this.body.current;
    if (!current) return null;
    return { version: current.version, minutes: current.minutes, etag: this.etag || etagOf(current.version) };
  }
}

/** The strong validator the server gives version `n` (README "Editing minutes"). */
export const etagOf = (n) => `"v${n}"`;

/** Where the API is: the page's own origin unless configured. */
let base = "";
/** @type {string|null} */
let csrfToken = null;

/** For a frontend served from another origin (listed in `server.allowed_origins`). */
export function configure({ apiBase = "" } = {}) {
  base = apiBase.replace(/\/$/, "");
}

/**
 * The URL of a table entry, its `{params}` filled in and a query appended.
 * @param {string} name
 * @param {Record<string, string>} [params]
 * @param {Record<string, string|number|undefined|null>} [query]
 */
export function url(name, params = {}, query = {}) {
  const ep = endpoint(name);
  const path = ep.path.replace(/\{(\w+)\}/g, (_, key) => {
    if (!(key in params)) throw new Error(`missing ${key} for ${name}`);
    return encodeURIComponent(params[key]);
  });
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const qs = q.toString();
  return base + path + (qs ? `?${qs}` : "");
}

/** @param {string} name */
function endpoint(name) {
  const ep = ENDPOINTS.find((e) => e.name === name);
  if (!ep) throw new Error(`unknown endpoint ${name}`);
  return ep;
}

/**
 * One request to a table entry.
 * @param {string} name
 * @param {{params?: Record<string,string>, query?: Record<string, any>, body?: any, headers?: Record<string,string>, raw?: boolean}} [opts]
 * @returns {Promise<any>} parsed JSON, null for 204, or the Response when `raw`
 */
export async function call(name, opts = {}) {
  const ep = endpoint(name);
  const headers = { Accept: "application/json", ...(opts.headers || {}) };
  if (UNSAFE.has(ep.method) && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  /** @type {RequestInit} */
  const init = { method: ep.method, credentials: "include", headers, cache: "no-store" };
  if (opts.body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(url(name, opts.params, opts.query), init);
  } catch {
    throw new ApiError(0, "network", "the server could not be reached");
  }
  if (!res.ok) throw await toError(res);
  if (opts.raw) return res;
  if (res.status === 204) return null;
  const type = res.headers.get("Content-Type") || "";
  return type.startsWith("application/json") ? res.json() : res.text();
}

/** @param {Response} res */
async function toError(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON: described by its status alone */
  }
  const e = body && body.error ? body.error : {};
  const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message || res.statusText, e.fields || null, body);
  const retry = Number(res.headers.get("Retry-After"));
  if (retry > 0) err.retryAfter = retry;
  err.etag = res.headers.get("ETag");
  return err;
}

// ---- session and accounts -------------------------------------------------

/** Starts a session if there is none and keeps its CSRF token. @returns {Promise<Session>} */
export async function session() {
  const s = await call("session");
  csrfToken = s.csrf_token;
  return s;
}

/** @returns {Promise<User>} 401 `not_authenticated` when the session is gone */
export const me = () => call("me");

/** Logs in; the series is replaced, so the session (and CSRF token) is read again. */
export async function login(username, password) {
  await call("login", { body: { username, password } });
  return session();
}

export async function register(username, email, password) {
  const body = { username, password };
  if (email) body.email = email;
  await call("register", { body });
  return session();
}

export async function logout() {
  await call("logout");
  return session();
}

/** Every series of the user is revoked and this browser gets a new pair. */
export async function changePassword(current_password, new_password) {
  await call("password", { body: { current_password, new_password } });
  return session();
}

/** @returns {Promise<SeriesInfo[]>} */
export const sessions = async () => (await call("sessions")).sessions;
export const revokeSession = (id) => call("revokeSession", { params: { id } });
export const revokeOthers = () => call("revokeOthers");

/** @returns {Promise<ApiToken[]>} */
export const tokens = async () => (await call("tokens")).tokens;
/**
 * @param {{name: string, scopes: string[], expires_in_days?: number, password?: string}} body
 * @returns {Promise<{secret: string, token: ApiToken}>} the secret, shown this once
 */
export const createToken = (body) => call("createToken", { body });
export const revokeToken = (token_id) => call("revokeToken", { params: { token_id } });

// ---- tasks ------------------------------------------------------------------

/**
 * Every page of the caller's tasks that pass `filters` (`GET /api/tasks`' own), in their sort (newest upload first by default).
 * @param {Record<string, string>} [filters] @returns {Promise<Task[]>}
 */
export async function tasks(filters = {}) {
  const all = [];
  let cursor = null;
  do {
    const page = await call("tasks", { query: { ...filters, limit: 100, cursor } });
    all.push(...page.tasks);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}

/** @returns {Promise<Task>} */
export const task = (task_id) => call("task", { params: { task_id } });
/** Meetings found by what their minutes say; `all`: an admin's every task. */
export const search = (q, cursor, all) => call("search", { query: { q, cursor, all: all ? "true" : undefined, limit: 20 } });
export const deleteTask = (task_id) => call("deleteTask", { params: { task_id } });
export const retry = (task_id) => call("retry", { params: { task_id } });
export const mediaUrl = (task_id) => url("media", { task_id });
/** @param {"md"|"txt"|"json"} format */
export const minutesUrl = (task_id, format) => url("minutes", { task_id }, { format });
/** The minutes (a version, or the newest) as Markdown text. @returns {Promise<string>} */
export const minutesMarkdown = (task_id, version) => call("minutes", { params: { task_id }, query: { format: "md", version }, headers: { Accept: "text/markdown" } });

/**
 * The minutes as JSON with the ETag a save must send back (`"vN"`).
 * @param {string} task_id
 * @param {number} [version] an older revision; the newest by default
 * @returns {Promise<{minutes: Minutes, etag: string, version: number}>}
 */
export async function minutes(task_id, version) {
  const res = await call("minutes", { params: { task_id }, query: { format: "json", version }, raw: true });
  const etag = res.headers.get("ETag") || "";
  const named = /^"v(\d+)"$/.exec(etag);
  return { minutes: await res.json(), etag, version: named ? Number(named[1]) : version || 0 };
}

/**
 * Saves edited minutes as the next version. A stale `etag` is a 412
 * `version_conflict` whose `ApiError.conflict` holds the current version.
 * @param {string} task_id @param {Minutes} body @param {string} etag
 * @param {number} [restoredFrom] the older version this save restores
 * @returns {Promise<Saved & {etag: string}>}
 */
export async function saveMinutes(task_id, body, etag, restoredFrom) {
  const res = await call("saveMinutes", { params: { task_id }, query: { restored_from: restoredFrom }, body, headers: { "If-Match": etag }, raw: true });
  /** @type {Saved} */
  const saved = await res.json();
  return { ...saved, etag: res.headers.get("ETag") || etagOf(saved.version) };
}

/** @returns {Promise<Revision[]>} */
export const revisions = async (task_id) => (await call("revisions", { params: { task_id } })).revisions;

/**
 * Makes the minutes again with a template, as a new version (announced by
 * `minutes_updated` when ready). @param {string} etag the version seen
 * @returns {Promise<{from_version: number, template: string}>}
 */
export const regenerate = (task_id, template, etag) =>
  call("regenerate", { params: { task_id }, body: { template }, headers: etag ? { "If-Match": etag } : {} });

// ---- templates --------------------------------------------------------------

/** The built-ins, then the caller's own. @returns {Promise<Template[]>} */
export const templates = async () => (await call("templates")).templates;
/** @param {TemplateInput} body @returns {Promise<Template>} */
export const createTemplate = (body) => call("createTemplate", { body });
/** @param {TemplateInput} body @returns {Promise<Template>} */
export const updateTemplate = (template_id, body) => call("updateTemplate", { params: { template_id }, body });
export const deleteTemplate = (template_id) => call("deleteTemplate", { params: { template_id } });

/** @returns {Promise<Share[]>} */
export const shares = async (task_id) => (await call("shares", { params: { task_id } })).shares;
/** @param {"view"|"edit"} permission */
export const share = (task_id, username, permission) =>
  call("share", { params: { task_id, username }, body: { permission } });
export const unshare = (task_id, username) => call("unshare", { params: { task_id, username } });

/**
 * Uploads with XMLHttpRequest, the one way to see upload progress.
 * @param {File} file
 * @param {(fraction: number) => void} onProgress
 * @param {string} [template] a template's id; the default layout without
 * @returns {{promise: Promise<Task>, abort: () => void}}
 */
export function upload(file, onProgress, template) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open("POST", url("upload"));
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    if (csrfToken) xhr.setRequestHeader("X-CSRF-Token", csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* described by status */
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body);
      const e = body && body.error ? body.error : {};
      reject(new ApiError(xhr.status, e.code || `http_${xhr.status}`, e.message || "", e.fields || null, body));
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "the server could not be reached"));
    xhr.onabort = () => reject(new ApiError(0, "aborted", "the upload was cancelled"));
    const form = new FormData();
    if (template) form.append("template", template);
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

// ---- admin ------------------------------------------------------------------

/** One page, by username. @returns {Promise<{users: AdminUser[], next_cursor: string|null}>} */
export const adminUsers = (cursor) => call("adminUsers", { query: { limit: 100, cursor } });
/** @param {{roles?: string[], disabled?: boolean}} patch */
export const adminUpdateUser = (user_id, patch) => call("adminUpdateUser", { params: { user_id }, body: patch });
export const adminRevokeSessions = (user_id) => call("adminRevokeSessions", { params: { user_id } });
/** Every task, newest first; `owner` a username. @returns {Promise<{tasks: Task[], next_cursor: string|null}>} */
export const adminTasks = (owner, cursor) => call("adminTasks", { query: { owner, cursor, limit: 50 } });
/**
 * Newest first. @param {{kind?: string, exclude_kind?: string, user?: string, since?: string, until?: string,
 *   cursor?: string|null, limit?: number}} filters
 * @returns {Promise<{events: AuditEvent[], next_cursor: string|null}>}
 */
export const adminAudit = (filters) => call("adminAudit", { query: filters });

/** What uploads the server takes (no session needed). @returns {Promise<Capabilities>} */
export const capabilities = () => call("capabilities");

// ---- WebSockets ---------------------------------------------------------------

/** A WebSocket URL for a table entry, on the API's origin. */
export function wsUrl(name, params = {}) {
  const http = new URL(url(name, params), window.location.href);
  http.protocol = http.protocol === "https:" ? "wss:" : "ws:";
  return http.toString();
}
