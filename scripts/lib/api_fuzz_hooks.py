"""schemathesis hooks for scripts/test-api-fuzz (loaded via SCHEMATHESIS_HOOKS).

Every generated request is sent as a logged-in admin: at the first request
the hook starts a session (`GET /api/session`), registers an account through
the API, grants it the admin role with `minutes user set-admin` (so the admin
endpoints are fuzzed past their 403), logs in through the API, and from then
on an auth provider adds that session's cookies and its `X-CSRF-Token` to
every request. No
`Origin` header is sent: the service accepts a request without one.

Generated requests may rotate that session or end it (logout, revoking
sessions, a generated register or login that replaces it): after an answer
that sets cookies, or a 401, the hook asks `GET /api/session` whether the
cookies are still the account's session (taking its new CSRF token), and
logs in again before the next request if not.

Hostile text: besides the NUL bytes schemathesis itself puts in strings
(`--generation-allow-x00 true`), about one case in three has one string of
its path parameters, query or JSON body replaced with a hostile one (NUL,
bidi overrides, zero-width and separator characters, and in bodies a lone
surrogate), so every operation meets them. Such input may be refused, with
a 4xx, however valid its shape; it must never be a 5xx.

Environment: FUZZ_BASE_URL (the service), FUZZ_MINUTES_BIN (its binary, with
the service's DATABASE_URL and MINUTES_ENV in the environment).
"""

import os
import secrets
import subprocess
import threading
from urllib.parse import unquote

import requests
import schemathesis
from hypothesis import strategies as st

BASE = os.environ["FUZZ_BASE_URL"].rstrip("/")
MINUTES_BIN = os.environ["FUZZ_MINUTES_BIN"]

_lock = threading.Lock()
_state = {"cookies": None, "csrf": None, "account": None, "device": None}


def _register(http, csrf):
    """A new admin account: its login body. The first is registered through
    the API; a replacement (a generated request may disable the account) is
    created with `minutes user create`, as registration is throttled per
    address and the generated registrations may have used it up."""
    username = f"fuzz-{secrets.token_hex(6)}"
    body = {"username": username, "password": secrets.token_urlsafe(18)}
    if _state.get("registered"):
        subprocess.run(
            [MINUTES_BIN, "user", "create", "--username", username, "--admin"],
            input=body["password"] + "\n", text=True, check=True, stdout=subprocess.DEVNULL,
        )
        return body
    r = http.post(f"{BASE}/api/auth/register", json=body, headers={"X-CSRF-Token": csrf}, timeout=60)
    if r.status_code != 201:
        raise RuntimeError(f"register answered {r.status_code}: {r.text}")
    _state["registered"] = True
    subprocess.run([MINUTES_BIN, "user", "set-admin", username], check=True, stdout=subprocess.DEVNULL)
    return body


def _log_in():
    """A logged-in session: (cookies, csrf token). The account is registered
    once; later logins reuse it (registration is throttled per address, and
    the device cookie the first login gave keeps the login throttle away),
    unless it no longer logs in (a generated request may disable it)."""
    http = requests.Session()
    if _state.get("device"):
        http.cookies.update(_state["device"])
    csrf = http.get(f"{BASE}/api/session", timeout=30).json()["csrf_token"]
    for attempt in range(2):
        if _state.get("account") is None:
            _state["account"] = _register(http, csrf)
            csrf = http.get(f"{BASE}/api/session", timeout=30).json()["csrf_token"]
        r = http.post(f"{BASE}/api/auth/login", json=_state["account"], headers={"X-CSRF-Token": csrf}, timeout=60)
        if r.status_code == 200:
            break
        if attempt or r.status_code != 401:
            raise RuntimeError(f"login answered {r.status_code}: {r.text}")
        _state["account"] = None
    session = http.get(f"{BASE}/api/session", timeout=30).json()
    if not session["authenticated"]:
        raise RuntimeError("the session is not authenticated after login")
    if not _state.get("uploaded"):
        # One task of the account's own, so the task operations (reached
        # through the list's ids) find something besides 404.
        files = {"file": ("notes.txt", b"Alice: we ship on Friday.\nBob: agreed.\n", "text/plain")}
        r = http.post(f"{BASE}/api/upload", files=files, headers={"X-CSRF-Token": session["csrf_token"]}, timeout=60)
        if r.status_code != 201:
            raise RuntimeError(f"upload answered {r.status_code}: {r.text}")
        _state["uploaded"] = True
    cookies = http.cookies.get_dict()
    _state["device"] = {k: v for k, v in cookies.items() if k not in ("sid", "rt")}
    return cookies, session["csrf_token"]


def _recheck(cookies):
    """(cookies, csrf token) if these cookies are still our account's
    session (its CSRF token changes with a rotation), else None."""
    http = requests.Session()
    http.cookies.update(cookies)
    r = http.get(f"{BASE}/api/session", timeout=30)
    if r.status_code != 200:
        return None
    session = r.json()
    user = session.get("user") or {}
    if user.get("username") != (_state["account"] or {}).get("username"):
        return None
    return http.cookies.get_dict(), session["csrf_token"]


def _session():
    with _lock:
        if _state["cookies"] is None:
            _state["cookies"], _state["csrf"] = _log_in()
        return dict(_state["cookies"]), _state["csrf"]


@schemathesis.auth(refresh_interval=None, retry_on=[])
class LoggedIn:
    """The session as explicit credentials, so the auth checks know them
    (`ignored_auth` probes each operation without them, and with others)."""

    def get(self, case, context):
        return _session()

    def set(self, case, data, context):
        cookies, csrf = data
        # The session's cookies replace any the case generated for the
        # security schemes (`sid`, `rt`); the CSRF header likewise.
        case.cookies = {**(case.cookies or {}), **cookies}
        case.headers = {**(case.headers or {}), "X-CSRF-Token": csrf}


# Text PostgreSQL cannot store (NUL), that reorders or hides what is shown
# (bidi overrides and isolates, zero-width characters, a BOM, line and
# paragraph separators), and what decoders trip on.
HOSTILE = ["\x00", "a\x00b", "\u202efdp.txt", "a\u200bb\u200d", "\u2066x\u2069", "\ufeff", "a\u2028b\u2029", "%00", "\\u0000"]
# JSON can carry a lone surrogate (as the escape \ud800); a URL or a form cannot.
HOSTILE_IN_BODIES = HOSTILE + ["\ud800", "a\udfffb"]
HOSTILE_CHARACTERS = set("".join(HOSTILE_IN_BODIES)) - set("abfdptx.%0\\u")


def _string_paths(value, at=()):
    """Where the strings are in a (JSON-like) value."""
    if isinstance(value, str):
        yield at
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _string_paths(item, at + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _string_paths(item, at + (i,))


def _replaced(value, path, text):
    if not path:
        return text
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], text)
    return copy


def _with_hostile_text(value, hostile, names=None):
    """`value` as generated, or (one time in three) with one of its strings
    (only those under `names`, when given) replaced by a hostile one."""
    paths = [p for p in _string_paths(value) if names is None or (p and p[0] in names)]
    if not paths:
        return st.just(value)
    hostile_case = st.builds(_replaced, st.just(value), st.sampled_from(paths), st.sampled_from(hostile))
    return st.one_of(st.just(value), st.just(value), hostile_case)


def _free_text(parameters):
    """The names of the parameters that are free text: a string without a
    format, pattern or list of values (a UUID is not text to be hostile in)."""
    names = set()
    for parameter in parameters:
        schema = parameter.definition.get("schema", {})
        kinds = schema.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "string" in kinds and not {"format", "pattern", "enum", "const"} & schema.keys():
            names.add(parameter.name)
    return names


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    return _with_hostile_text(path_parameters, HOSTILE, _free_text(context.operation.path_parameters))


@schemathesis.hook
def flatmap_query(context, query):
    return _with_hostile_text(query, HOSTILE, _free_text(context.operation.query))


@schemathesis.hook
def flatmap_body(context, body):
    json_body = any(getattr(p, "media_type", None) == "application/json" for p in context.operation.body)
    return _with_hostile_text(body, HOSTILE_IN_BODIES if json_body else HOSTILE)


def _is_hostile(case):
    """Whether the case carries hostile text, ours or schemathesis' own NUL,
    in a value or a key (path parameters are kept percent-encoded)."""
    return any(
        HOSTILE_CHARACTERS & set(text) or any(h in text for h in HOSTILE_IN_BODIES)
        for part in (case.path_parameters, case.query, case.body)
        for raw in _texts(part)
        for text in (raw, unquote(raw))
    )


def _texts(value):
    """Every string in a (JSON-like) value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield key
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


@schemathesis.hook
def after_call(context, case, response):
    with _lock:
        current = _state["cookies"]
        # Only an answer to the current session's cookies says anything about it.
        if current is None or (case.cookies or {}).get("sid") != current.get("sid"):
            return
        changed = response.status_code == 401
        # Headers have lowercase names and list values.
        for value in response.headers.get("set-cookie", []):
            name, _, rest = value.partition("=")
            name, cookie_value = name.strip(), rest.split(";", 1)[0]
            changed = True
            if "max-age=0" in value.lower() or not cookie_value:
                current.pop(name, None)
            else:
                current[name] = cookie_value
        if not changed:
            return
        # Rotated (new CSRF token), logged out, revoked, or logged in as a
        # generated account (a register or login): keep the session if it is
        # still ours, else log in again before the next request.
        checked = _recheck(current)
        if checked is None:
            _state["cookies"] = None
        else:
            _state["cookies"], _state["csrf"] = checked


# The codes of an upload refused for its contents (docs/api.md, "Tasks").
UPLOAD_REFUSALS = {"unsupported_media_type", "empty_file", "content_mismatch", "transcription_unavailable"}


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keeps every failure but two refusals of schema-valid data, where the
    service checks what no OpenAPI schema can state, and answers with the
    status documented for it:
    - `400 invalid_cursor`: a cursor is an opaque token the service issued
      (`next_cursor`); any other string is schema-valid and still no cursor.
    - `415` on `POST /api/upload` (`unsupported_media_type`, `empty_file`,
      `content_mismatch`, `transcription_unavailable`): the file is sniffed
      (audio, video or a transcript, by its bytes); random bytes are a
      schema-valid `format: binary` and still no recording.
    - `412 version_conflict` for an `If-Match` that names no current version:
      an entity tag is state, not shape; and the precondition is evaluated
      before the body (RFC 9110, 13.2.1), so a bad body with a stale tag is
      refused with 412 too, and nothing is saved.
    - `422 is_owner` for a share granted to the task's own owner: a valid
      username, and still not one a task can be shared with.
    - any 4xx to a case carrying hostile text (`HOSTILE`, or schemathesis'
      own NUL): a string of the right shape may still be one PostgreSQL
      cannot store (NUL: 400 naming the parameter, 422 `nul_character`),
      no JSON at all (a lone surrogate: 400), or outside what a field
      allows (a bidi override in a username: 422). A 5xx is never dropped.
    And one refusal the missing-header check expects as 400 or 422: `428
    precondition_required` for an edit without `If-Match`, the status RFC 6585
    defines for exactly that (documented on the operation)."""
    kind = type(failure).__name__
    try:
        code = response.json()["error"]["code"]
    except Exception:
        return True
    if response.status_code == 428 and code == "precondition_required":
        return kind != "MissingHeaderNotRejected"
    if response.status_code == 412 and code == "version_conflict" and "If-Match" in (case.headers or {}):
        return False
    if kind != "RejectedPositiveData":
        return True
    if response.status_code == 422 and "is_owner" in str(response.json()["error"].get("fields")):
        return False
    if 400 <= response.status_code < 500 and _is_hostile(case):
        return False
    if response.status_code == 400 and code == "invalid_cursor" and "cursor" in (case.query or {}):
        return False
    if response.status_code == 415 and code in UPLOAD_REFUSALS and case.operation.path == "/api/upload":
        return False
    return True
