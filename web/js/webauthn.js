// The browser's side of passkeys (WebAuthn): the server's options, JSON with
// binary fields in base64url, turned into what `navigator.credentials`
// takes, and the credential it gives turned back into such JSON.

/** @param {string} s base64url @returns {ArrayBuffer} */
function fromB64url(s) {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(s.length / 4) * 4, "=");
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
}

/** @param {ArrayBuffer|null} buf @returns {string|null} base64url */
function toB64url(buf) {
  if (!buf) return null;
  let s = "";
  for (const byte of new Uint8Array(buf)) s += String.fromCharCode(byte);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Whether this browser can use passkeys at all. */
export const supported = () => typeof window.PublicKeyCredential === "function" && !!navigator.credentials;

/** @param {{id: string}[]|undefined} list */
const withIds = (list) => (list || []).map((c) => ({ ...c, id: fromB64url(c.id) }));

/**
 * Makes a passkey with the server's creation options (`{publicKey: …}`).
 * @returns {Promise<object>} the credential as JSON, for the server
 */
export async function create(options) {
  const pk = options.publicKey;
  const publicKey = {
    ...pk,
    challenge: fromB64url(pk.challenge),
    user: { ...pk.user, id: fromB64url(pk.user.id) },
    excludeCredentials: withIds(pk.excludeCredentials),
  };
  const cred = /** @type {PublicKeyCredential} */ (await navigator.credentials.create({ publicKey }));
  const res = /** @type {AuthenticatorAttestationResponse} */ (cred.response);
  return {
    id: cred.id,
    rawId: toB64url(cred.rawId),
    type: cred.type,
    response: {
      attestationObject: toB64url(res.attestationObject),
      clientDataJSON: toB64url(res.clientDataJSON),
      transports: typeof res.getTransports === "function" ? res.getTransports() : undefined,
    },
    extensions: cred.getClientExtensionResults(),
  };
}

/**
 * Signs with a passkey the person picks, with the server's request options
 * (`{publicKey: …}`); asked as a modal request whatever mediation they name.
 * @returns {Promise<object>} the assertion as JSON, for the server
 */
export async function get(options) {
  const pk = options.publicKey;
  const publicKey = { ...pk, challenge: fromB64url(pk.challenge), allowCredentials: withIds(pk.allowCredentials) };
  const cred = /** @type {PublicKeyCredential} */ (await navigator.credentials.get({ publicKey }));
  const res = /** @type {AuthenticatorAssertionResponse} */ (cred.response);
  return {
    id: cred.id,
    rawId: toB64url(cred.rawId),
    type: cred.type,
    response: {
      authenticatorData: toB64url(res.authenticatorData),
      clientDataJSON: toB64url(res.clientDataJSON),
      signature: toB64url(res.signature),
      userHandle: toB64url(res.userHandle),
    },
    extensions: cred.getClientExtensionResults(),
  };
}
