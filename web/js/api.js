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
 * @typedef {{viewed_at: string, user_agent: string|null, ip: string|null}} LinkViewEntry
 * @typedef {{id: string, task_id: string, prefix: string, created_by: string|null, has_passphrase: boolean,
 *   include_transcript: boolean, include_recording: boolean, created_at: string, expires_at: string,
 *   revoked_at: string|null, view_count: number, views: LinkViewEntry[]}} ShareLink
 * @typedef {{title: string|null, meeting_date: string, filename: string, status: Task["status"], minutes: Minutes|null,
 *   include_transcript: boolean, include_recording: boolean, expires_at: string}} LinkedMeeting
 * @typedef {{id: string, url: string, events: string[], all_tasks: boolean, consecutive_failures: number,
 *   disabled_at: string|null, previous_secret_until: string|null, created_at: string}} Webhook
 * @typedef {{attempt: number, status_code: number|null, response_ms: number|null, error: string|null, created_at: string}} WebhookAttempt
 * @typedef {{id: string, message_id: string, event: string, task_id: string|null,
 *   state: "pending"|"delivered"|"failed"|"dropped", created_at: string, attempts: WebhookAttempt[]}} WebhookDelivery
 * @typedef {{name: string, method: string, path: string}} Endpoint
 */

// The table is JSON so that the Rust test can read it as it is.
/** @type {ReadonlyArray<Endpoint>} */
export const ENDPOINTS = Object.freeze([
  {"name": "session", "method": "GET", "path": "/api/session"},
  {"name": "sessions", "method": "GET", "path": "/api/sessions"},
  {"name": "secondFactor", "method": "POST", "path": "/api/auth/login/second-factor"},
  {"name": "reauthenticate", "method": "POST", "path": "/api/auth/reauthenticate"},
  {"name": "twoFactor", "method": "GET", "path": "/api/auth/two-factor"},
  {"name": "twoFactorSetup", "method": "POST", "path": "/api/auth/two-factor/setup"},
  {"name": "twoFactorQr", "method": "GET", "path": "/api/auth/two-factor/setup/qr.svg"},
  {"name": "twoFactorConfirm", "method": "POST", "path": "/api/auth/two-factor/confirm"},
  {"name": "twoFactorDisable", "method": "POST", "path": "/api/auth/two-factor/disable"},
  {"name": "trustedBrowsers", "method": "GET", "path": "/api/auth/trusted-browsers"},
  {"name": "revokeTrustedBrowser", "method": "DELETE", "path": "/api/auth/trusted-browsers/{id}"},
  {"name": "passkeys", "method": "GET", "path": "/api/auth/passkeys"},
  {"name": "passkeyRegisterBegin", "method": "POST", "path": "/api/auth/passkeys/register/begin"},
  {"name": "passkeyRegisterFinish", "method": "POST", "path": "/api/auth/passkeys/register/finish"},
  {"name": "renamePasskey", "method": "PATCH", "path": "/api/auth/passkeys/{id}"},
  {"name": "removePasskey", "method": "DELETE", "path": "/api/auth/passkeys/{id}"},
  {"name": "passkeySignInBegin", "method": "POST", "path": "/api/auth/passkeys/sign-in/begin"},
  {"name": "passkeySignInFinish", "method": "POST", "path": "/api/auth/passkeys/sign-in/finish"},
  {"name": "passkeyReauthBegin", "method": "POST", "path": "/api/auth/reauthenticate/passkey/begin"},
  {"name": "passkeyReauthFinish", "method": "POST", "path": "/api/auth/reauthenticate/passkey/finish"},
  {"name": "notices", "method": "GET", "path": "/api/auth/notices"},
  {"name": "dismissNotice", "method": "DELETE", "path": "/api/auth/notices/{id}"},
  {"name": "revokeSession", "method": "DELETE", "path": "/api/sessions/{id}"},
  {"name": "revokeOthers", "method": "POST", "path": "/api/sessions/revoke-others"},
  {"name": "register", "method": "POST", "path": "/api/auth/register"},
  {"name": "login", "method": "POST", "path": "/api/auth/login"},
  {"name": "logout", "method": "POST", "path": "/api/auth/logout"},
  {"name": "me", "method": "GET", "path": "/api/auth/me"},
  {"name": "oidcProviders", "method": "GET", "path": "/api/auth/oidc/providers"},
  {"name": "oidcStart", "method": "GET", "path": "/api/auth/oidc/{provider}/start"},
  {"name": "oidcLink", "method": "POST", "path": "/api/auth/oidc/{provider}/link"},
  {"name": "identities", "method": "GET", "path": "/api/account/identities"},
  {"name": "unlinkIdentity", "method": "DELETE", "path": "/api/account/identities/{provider}"},
  {"name": "password", "method": "POST", "path": "/api/auth/password"},
  {"name": "tokens", "method": "GET", "path": "/api/tokens"},
  {"name": "createToken", "method": "POST", "path": "/api/tokens"},
  {"name": "revokeToken", "method": "DELETE", "path": "/api/tokens/{token_id}"},
  {"name": "webhooks", "method": "GET", "path": "/api/webhooks"},
  {"name": "createWebhook", "method": "POST", "path": "/api/webhooks"},
  {"name": "changeWebhook", "method": "PATCH", "path": "/api/webhooks/{webhook_id}"},
  {"name": "deleteWebhook", "method": "DELETE", "path": "/api/webhooks/{webhook_id}"},
  {"name": "rotateWebhook", "method": "POST", "path": "/api/webhooks/{webhook_id}/rotate"},
  {"name": "testWebhook", "method": "POST", "path": "/api/webhooks/{webhook_id}/test"},
  {"name": "webhookDeliveries", "method": "GET", "path": "/api/webhooks/{webhook_id}/deliveries"},
  {"name": "redeliverWebhook", "method": "POST", "path": "/api/webhooks/deliveries/{delivery_id}/redeliver"},
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
  {"name": "links", "method": "GET", "path": "/api/tasks/{task_id}/links"},
  {"name": "createLink", "method": "POST", "path": "/api/tasks/{task_id}/links"},
  {"name": "linkPolicy", "method": "PUT", "path": "/api/tasks/{task_id}/links/policy"},
  {"name": "revokeLink", "method": "DELETE", "path": "/api/links/{link_id}"},
  {"name": "viewLink", "method": "POST", "path": "/api/links/view"},
  {"name": "linkRecording", "method": "POST", "path": "/api/links/recording"},
  {"name": "adminUsers", "method": "GET", "path": "/api/admin/users"},
  {"name": "adminUpdateUser", "method": "PATCH", "path": "/api/admin/users/{user_id}"},
  {"name": "adminRevokeSessions", "method": "DELETE", "path": "/api/admin/users/{user_id}/sessions"},
  {"name": "adminTasks", "method": "GET", "path": "/api/admin/tasks"},
  {"name": "adminAudit", "method": "GET", "path": "/api/admin/audit"},
  {"name": "capabilities", "method": "GET", "path": "/api/capabilities"},
  {"name": "actionItems", "method": "GET", "path": "/api/action-items"},
  {"name": "markActionItem", "method": "PATCH", "path": "/api/tasks/{task_id}/action-items/{index}"},
  {"name": "claimNames", "method": "PUT", "path": "/api/action-items/names"},
  {"name": "feed", "method": "GET", "path": "/api/action-items/feed"},
  {"name": "newFeed", "method": "POST", "path": "/api/action-items/feed"},
  {"name": "stopFeed", "method": "DELETE", "path": "/api/action-items/feed"}
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
 * Asked when a sensitive action answers 403 `reauthentication_required`:
 * resolves true once the person signed in again (the action is then sent
 * once more), false if they gave up.
 * @type {(() => Promise<boolean>)|null}
 */
let reauthenticator = null;

/** Sets what asks the person to sign in again (app.js: a password dialog). */
export function onReauthenticationRequired(fn) {
  reauthenticator = fn;
}

/**
 * One request to a table entry. A sensitive action refused for a stale
 * sign-in is retried once, after the person signed in again.
 * @param {string} name
 * `anonymous` sends no cookies and no CSRF token (a share link's holder acts as nobody).
 * @param {{params?: Record<string,string>, query?: Record<string, any>, body?: any, headers?: Record<string,string>, raw?: boolean, anonymous?: boolean}} [opts]
 * @returns {Promise<any>} parsed JSON, null for 204, or the Response when `raw`
 */
export async function call(name, opts = {}) {
  try {
    return await send(name, opts);
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== "reauthentication_required" || !reauthenticator) throw e;
    if (!(await reauthenticator())) throw e;
    return send(name, opts);
  }
}

/** @param {string} name @param {Parameters<typeof call>[1]} opts */
async function send(name, opts = {}) {
  const ep = endpoint(name);
  const headers = { Accept: "application/json", ...(opts.headers || {}) };
  if (UNSAFE.has(ep.method) && csrfToken && !opts.anonymous) headers["X-CSRF-Token"] = csrfToken;
  /** @type {RequestInit} */
  const init = { method: ep.method, credentials: opts.anonymous ? "omit" : "include", headers, cache: "no-store" };
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

/**
 * Logs in; the series is replaced, so the session (and CSRF token) is read
 * again. An account with two-factor sign-in stops half-way: no session yet.
 * @returns {Promise<{session: Session}|{secondFactor: {expires_at: string}}>}
 */
export async function login(username, password) {
  const res = await call("login", { body: { username, password }, raw: true });
  if (res.status === 202) return { secondFactor: await res.json() };
  return { session: await session() };
}

/** The second step: a code from the app or a recovery code. @returns {Promise<Session>} */
export async function secondFactor(code, trust_browser) {
  await call("secondFactor", { body: { code, trust_browser } });
  return session();
}

/** The password again, for sensitive actions within the server's window. */
export const reauthenticate = (password) => call("reauthenticate", { body: { password } });
/** @returns {Promise<{enabled: boolean, pending: boolean, recovery_codes_left: number}>} */
export const twoFactor = () => call("twoFactor");
/** @returns {Promise<{secret: string, otpauth_uri: string}>} */
export const twoFactorSetup = () => call("twoFactorSetup");
/** The pending setup's QR code (an SVG drawn by the server). */
export const twoFactorQrUrl = () => url("twoFactorQr");
/** @returns {Promise<{recovery_codes: string[]}>} shown this once */
export const twoFactorConfirm = (code) => call("twoFactorConfirm", { body: { code } });
export const twoFactorDisable = (code) => call("twoFactorDisable", { body: { code } });
/** @returns {Promise<{id: string, user_agent: string|null, ip: string|null, created_at: string, expires_at: string}[]>} */
export const trustedBrowsers = async () => (await call("trustedBrowsers")).trusted_browsers;
export const revokeTrustedBrowser = (id) => call("revokeTrustedBrowser", { params: { id } });
/** @returns {Promise<{id: string, name: string, created_at: string, last_used_at: string|null}[]>} 404 `passkeys_unavailable` when off */
export const passkeys = async () => (await call("passkeys")).passkeys;
/**
 * Registers a passkey: the server's options, the authenticator (`create`
 * makes the credential from them), the server again.
 * @param {string} name @param {(options: object) => Promise<object>} create
 */
export async function addPasskey(name, create) {
  const options = await call("passkeyRegisterBegin");
  return call("passkeyRegisterFinish", { body: { credential: await create(options), name } });
}
export const renamePasskey = (id, name) => call("renamePasskey", { params: { id }, body: { name } });
export const removePasskey = (id) => call("removePasskey", { params: { id } });
/**
 * Signs in with a passkey (`get` asks the authenticator); the series is
 * replaced, so the session is read again.
 * @param {(options: object) => Promise<object>} get @returns {Promise<Session>}
 */
export async function passkeySignIn(get) {
  await call("passkeySignInFinish", { body: { credential: await get(await call("passkeySignInBegin")) } });
  return session();
}
/** One of the account's passkeys instead of the password, for sensitive actions. @param {(options: object) => Promise<object>} get */
export async function passkeyReauthenticate(get) {
  await call("passkeyReauthFinish", { body: { credential: await get(await call("passkeyReauthBegin")) } });
}
/** @returns {Promise<{id: string, user_agent: string|null, ip: string|null, created_at: string}[]>} */
/** The single sign-on providers the login page offers. @returns {Promise<{name: string, display_name: string}[]>} */
export const oidcProviders = () => call("oidcProviders");
/** Where the browser goes to sign in through a provider (a page load, not a fetch). */
export const oidcStartUrl = (provider) => url("oidcStart", { provider });
/** Begins linking a provider to the account. @returns {Promise<{authorization_url: string}>} */
export const oidcLink = (provider) => call("oidcLink", { params: { provider } });
/** @returns {Promise<{has_password: boolean, identities: {provider: string, email: string|null, created_at: string}[]}>} */
export const identities = () => call("identities");
export const unlinkIdentity = (provider) => call("unlinkIdentity", { params: { provider } });

export const notices = async () => (await call("notices")).notices;
export const dismissNotice = (id) => call("dismissNotice", { params: { id } });

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

// ---- webhooks ---------------------------------------------------------------

/** @returns {Promise<Webhook[]>} */
export const webhooks = async () => (await call("webhooks")).webhooks;
/**
 * @param {{url: string, events: string[], all_tasks?: boolean}} body
 * @returns {Promise<{secret: string, webhook: Webhook}>} the secret, shown this once
 */
export const createWebhook = (body) => call("createWebhook", { body });
/** @param {{url?: string, events?: string[], enabled?: boolean}} body @returns {Promise<Webhook>} */
export const changeWebhook = (webhook_id, body) => call("changeWebhook", { params: { webhook_id }, body });
export const deleteWebhook = (webhook_id) => call("deleteWebhook", { params: { webhook_id } });
/** @returns {Promise<{secret: string, webhook: Webhook}>} the new secret, shown this once */
export const rotateWebhook = (webhook_id) => call("rotateWebhook", { params: { webhook_id } });
export const testWebhook = (webhook_id) => call("testWebhook", { params: { webhook_id } });
/** @returns {Promise<WebhookDelivery[]>} newest first */
export const webhookDeliveries = async (webhook_id) => (await call("webhookDeliveries", { params: { webhook_id } })).deliveries;
export const redeliverWebhook = (delivery_id) => call("redeliverWebhook", { params: { delivery_id } });

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

// ---- my action items -------------------------------------------------------

/** The caller's action items across meetings, and the speaker names they claim. */
export const actionItems = () => call("actionItems");
/** Marks an item done or not, as an edit of `version` of its minutes (412 when it changed since). */
export const markActionItem = (task_id, index, done, version) =>
  call("markActionItem", { params: { task_id, index: String(index) }, body: { done }, headers: { "If-Match": etagOf(version) } });
export const claimNames = async (names) => (await call("claimNames", { body: { names } })).names;
export const feed = () => call("feed");
/** A new calendar feed address, shown this once; the old one stops. */
export const newFeed = () => call("newFeed");
export const stopFeed = () => call("stopFeed");

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

// ---- share links ------------------------------------------------------------

/** @returns {Promise<{links: ShareLink[], editors_may_create: boolean}>} */
export const links = (task_id) => call("links", { params: { task_id } });
/** @returns {Promise<{secret: string, url: string, link: ShareLink}>} */
export const createLink = (task_id, body) => call("createLink", { params: { task_id }, body });
export const setLinkPolicy = (task_id, editors_may_create) => call("linkPolicy", { params: { task_id }, body: { editors_may_create } });
export const revokeLink = (link_id) => call("revokeLink", { params: { link_id } });
/**
 * What a link shows, asked for as nobody: the secret in a header, never in a URL.
 * @param {string} secret @param {string|null} passphrase @returns {Promise<LinkedMeeting>}
 */
export const viewLink = (secret, passphrase) =>
  call("viewLink", { anonymous: true, headers: { "Link-Secret": secret }, body: passphrase ? { passphrase } : {} });
/** The link's recording as a Blob. @param {string} secret @param {string|null} passphrase */
export async function linkRecording(secret, passphrase) {
  const res = await call("linkRecording", { anonymous: true, raw: true, headers: { "Link-Secret": secret }, body: passphrase ? { passphrase } : {} });
  return res.blob();
}

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
