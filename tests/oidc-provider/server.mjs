// A real OpenID Provider for the single sign-on tests: panva's
// oidc-provider (OpenID Certified) on 127.0.0.1:$OIDC_PORT, with one client
// ("minutes", secret "minutes-secret") for the redirect URIs in
// $OIDC_REDIRECT_URIS (comma-separated). Its sign-in page is a plain form
// where the test types the account id and the claims that account gets
// (email, username, groups). For the attacks the tests perform:
//   POST /admin/rotate   swaps the signing key for a new one (new kid);
//   GET  /admin/stats    how often the JWKS was read;
//   $OIDC_CLOCK_SKEW_SECS moves this provider's clock (e.g. -900, with
//                         ID tokens living 60 s: every ID token it issues
//                         has already expired).
// Loopback only; in-memory state; stops with its process.
import crypto from "node:crypto";
import http from "node:http";
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
if (!port) throw new Error("set OIDC_PORT");
const redirectUris = (process.env.OIDC_REDIRECT_URIS || "").split(",").filter(Boolean);
const skew = Number(process.env.OIDC_CLOCK_SKEW_SECS || 0);
if (skew) {
  const realNow = Date.now;
  Date.now = () => realNow() + skew * 1000;
}
const issuer = `http://127.0.0.1:${port}`;
/** account id -> the claims the test gave it */
const accounts = new Map();
const stats = { jwks: 0, rotations: 0 };

function newKey() {
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid: crypto.randomUUID(), alg: "RS256", use: "sig" };
}

function build(key) {
  return new Provider(issuer, {
    clients: [{
      client_id: "minutes",
      client_secret: "minutes-secret",
      redirect_uris: redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    }],
    jwks: { keys: [key] },
    cookies: { keys: ["minutes-oidc-test-cookie-key"] },
    pkce: { required: () => true },
    // The scopes' claims go into the ID token too (the app reads them there).
    conformIdTokenClaims: false,
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["preferred_username", "name", "groups"],
    },
    ttl: { IdToken: skew ? 60 : 3600 },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, id) => accounts.has(id)
      ? { accountId: id, claims: async () => ({ sub: id, ...accounts.get(id) }) }
      : undefined,
  });
}

let provider = build(newKey());

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(uid) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Test provider sign-in</title>
<meta name="viewport" content="width=device-width"></head><body>
<h1>Test provider</h1>
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Account <input name="login" autofocus required></label>
<label>Email <input name="email"></label>
<label>Username <input name="username"></label>
<label>Groups <input name="groups"></label>
<label><input type="checkbox" name="email_verified" value="true" checked> Email verified</label>
<button type="submit">Sign in</button>
</form></body></html>`;
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function signIn(req, res) {
  const form = await readForm(req);
  const login = form.get("login");
  if (!login) {
    res.writeHead(400).end("an account id is needed");
    return;
  }
  const claims = {
    preferred_username: form.get("username") || login,
    groups: (form.get("groups") || "").split(",").filter(Boolean),
  };
  if (form.get("email")) {
    claims.email = form.get("email");
    claims.email_verified = form.get("email_verified") === "true";
  }
  accounts.set(login, claims);
  const details = await provider.interactionDetails(req, res);
  const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId: login },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

const server = http.createServer(async (req, res) => {
  try {
    const { pathname } = new URL(req.url, issuer);
    if (pathname === "/admin/rotate" && req.method === "POST") {
      provider = build(newKey());
      stats.rotations += 1;
      res.writeHead(204).end();
      return;
    }
    if (pathname === "/admin/stats") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats));
      return;
    }
    const page = pathname.match(/^\/interaction\/([^/]+)$/);
    if (page && req.method === "GET") {
      const details = await provider.interactionDetails(req, res);
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(signInPage(details.uid));
      return;
    }
    if (/^\/interaction\/[^/]+\/login$/.test(pathname) && req.method === "POST") {
      await signIn(req, res);
      return;
    }
    if (pathname === "/jwks") stats.jwks += 1;
    provider.callback()(req, res);
  } catch (e) {
    res.writeHead(500, { "content-type": "text/plain" }).end(String(e));
  }
});
server.listen(port, "127.0.0.1", () => console.log(`oidc-provider listening on ${issuer}`));
