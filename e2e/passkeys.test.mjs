// Browser tests of passkeys (issue 23), with Chromium's virtual
// authenticator (the DevTools protocol's WebAuthn domain: a CTAP2
// authenticator holding discoverable credentials, verifying its user): a
// person adds a passkey from the account page, signs out, signs in with it
// without a username, removes it (asked to sign in again, with the passkey),
// and the removed passkey signs in no more;
// a passkey copied with an older signature counter (a clone) is refused,
// in Japanese on a 360 px screen.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { launch, person, shot, uniqueName, register, hasHorizontalScroll, PASSWORD } from "./lib.mjs";

/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A virtual platform authenticator for `page`, as a phone's screen lock would be. */
async function authenticator(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const credentials = async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
  return { cdp, authenticatorId, credentials };
}

/** Makes `username`'s sign-ins an hour old, as time would. */
function goStale(username) {
  execFileSync("psql", [process.env.DATABASE_URL, "-qc",
    `UPDATE session_series SET signed_in_at = now() - interval '1 hour'
     WHERE user_id = (SELECT id FROM users WHERE username = '${username}')`]);
}

/** Signs in from the login page with the passkey button, in `signIn`'s words. */
async function passkeySignIn(page, signIn) {
  // A fresh load first: the cookies may have been cleared behind the page's back.
  await page.reload();
  await page.goto("/#/login");
  await page.getByRole("button", { name: signIn }).click();
}

test("a passkey added in the page signs in without a username, and not once removed", async () => {
  const { context, page } = await person(browser);
  try {
    const auth = await authenticator(context, page);
    const name = uniqueName("pk");
    await register(page, name);
    await page.goto("/#/account");
    await page.getByRole("heading", { name: "Passkeys" }).waitFor();
    await page.locator("section.passkeys input[name=name]").first().fill("Laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByText("Passkey “Laptop” added.").waitFor();
    await page.locator("ul.passkey-list li", { hasText: "Laptop" }).waitFor();
    const [made] = await auth.credentials();
    assert.equal(made.isResidentCredential, true, "a discoverable credential");
    assert.equal(made.rpId, "localhost");
    await shot(page, "passkeys-account");

    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByText("You are logged out.").waitFor();
    await passkeySignIn(page, "Sign in with a passkey");
    await page.getByText(`Logged in as ${name}.`).waitFor();

    // Removing needs a fresh sign-in: gone stale, the page asks again, and
    // the passkey answers instead of the password.
    goStale(name);
    await page.goto("/#/account");
    await page.getByRole("button", { name: "Remove the passkey Laptop" }).click();
    await page.locator("dialog.confirm").getByRole("button", { name: "Remove" }).click();
    await page.locator("dialog.reauth").getByRole("button", { name: "Use a passkey instead" }).click();
    await page.getByText("Passkey “Laptop” removed.").waitFor();
    await page.getByText("No passkeys yet.").waitFor();

    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByText("You are logged out.").waitFor();
    // The authenticator still holds it; the server no longer knows it.
    assert.equal((await auth.credentials()).length, 1);
    await passkeySignIn(page, "Sign in with a passkey");
    await page.getByText("This passkey was not accepted.", { exact: false }).waitFor();
    const me = await page.request.get("/api/auth/me");
    assert.equal(me.status(), 401);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("a cloned passkey, its counter gone back, is refused (Japanese, 360 px)", async () => {
  const { context, page } = await person(browser, { locale: "ja-JP", width: 360 });
  try {
    const auth = await authenticator(context, page);
    const name = uniqueName("pkc");
    await page.goto("/#/register");
    await page.getByLabel("ユーザー名").fill(name);
    await page.getByLabel("パスワード", { exact: true }).fill(PASSWORD);
    await page.locator("form").getByRole("button", { name: "アカウント作成" }).click();
    await page.getByText(`ようこそ、${name} さん。`, { exact: false }).waitFor();
    await page.goto("/#/account");
    await page.getByRole("heading", { name: "パスキー", exact: true }).waitFor();
    await page.locator("section.passkeys input[name=name]").first().fill("スマートフォン");
    await page.getByRole("button", { name: "パスキーを追加" }).click();
    await page.getByText("パスキー「スマートフォン」を追加しました。").waitFor();
    assert.equal(await hasHorizontalScroll(page), false, "the account page fits 360 px");
    await shot(page, "passkeys-account-ja-360");

    // Two sign-ins: the server has seen the counter go up to at least 2.
    for (let i = 0; i < 2; i += 1) {
      await context.clearCookies();
      await passkeySignIn(page, "パスキーでログイン");
      await page.getByText(`${name} としてログインしました。`).waitFor();
    }
    const [original] = await auth.credentials();
    assert.ok(original.signCount >= 2, `signCount ${original.signCount}`);

    // The same key, copied before those sign-ins: its counter starts over.
    await auth.cdp.send("WebAuthn.removeCredential", { authenticatorId: auth.authenticatorId, credentialId: original.credentialId });
    await auth.cdp.send("WebAuthn.addCredential", {
      authenticatorId: auth.authenticatorId,
      credential: { ...original, signCount: 0 },
    });
    await context.clearCookies();
    await passkeySignIn(page, "パスキーでログイン");
    await page.getByText("このパスキーは受け付けられませんでした。", { exact: false }).waitFor();
    assert.equal(await hasHorizontalScroll(page), false, "the login page fits 360 px");
    await shot(page, "passkeys-clone-refused-ja-360");
    const me = await page.request.get("/api/auth/me");
    assert.equal(me.status(), 401);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
