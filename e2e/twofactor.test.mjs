// Browser tests of two-factor sign-in and fresh sign-in (issue 23): a
// person turns two-factor sign-in on from the account page (the key read
// from the page's text, codes made by the `otpauth` package, not by the
// server's code), keeps the recovery codes, signs out, and signs in with
// password and code; a sign-in gone stale is asked for the password in a
// dialog, and the action it interrupted goes through; a sign-in from a new
// browser is shown to the account's other browser until dismissed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as OTPAuth from "otpauth";
import { launch, person, shot, uniqueName, register, PASSWORD } from "./lib.mjs";

/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The code of `secret` (base32) `steps` periods from now. */
function code(secret, steps = 0) {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" });
  return totp.generate({ timestamp: Date.now() + steps * 30_000 });
}

/** Makes `username`'s sign-ins an hour old, as time would. */
function goStale(username) {
  execFileSync("psql", [process.env.DATABASE_URL, "-qc",
    `UPDATE session_series SET signed_in_at = now() - interval '1 hour'
     WHERE user_id = (SELECT id FROM users WHERE username = '${username}')`]);
}

test("two-factor sign-in: set up in the page, then password and code", async () => {
  const { context, page } = await person(browser);
  try {
    const name = uniqueName("tfa");
    await register(page, name);
    await page.goto("/#/account");
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    const key = page.locator("code.secret");
    await key.waitFor();
    const secret = (await key.textContent()).trim();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    const qr = page.getByRole("img", { name: "QR code of your two-factor key" });
    await qr.waitFor();
    // Loaded, or failed: the image may still be on its way when it shows.
    const loaded = (img) => (img.complete ? img.naturalWidth > 0
      : new Promise((done) => { img.onload = () => done(img.naturalWidth > 0); img.onerror = () => done(false); }));
    assert.ok(await qr.evaluate(loaded), "the server's QR code loads");
    await shot(page, "twofactor-setup");

    await page.getByLabel("Six-digit code").fill(code(secret, -1));
    await page.getByRole("button", { name: "Turn on" }).click();
    await page.getByText("Two-factor sign-in is on.").waitFor();
    const recovery = await page.locator("ul.recovery-codes code").allTextContents();
    assert.equal(recovery.length, 10);
    await page.getByRole("button", { name: "I have saved them" }).click();
    await page.getByText("Recovery codes left: 10").waitFor();

    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByText("You are logged out.").waitFor();
    await page.goto("/#/login");
    await page.getByLabel("Username").fill(name);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.locator("form").getByRole("button", { name: "Log in" }).click();
    const codeField = page.getByLabel("Code from your app, or a recovery code");
    await codeField.waitFor();
    await shot(page, "twofactor-login-code");
    await codeField.fill("000000" === code(secret) ? "111111" : "000000");
    await page.locator("form").getByRole("button", { name: "Sign in" }).click();
    await page.getByText("That code is not right").waitFor();
    await codeField.fill(code(secret));
    await page.locator("form").getByRole("button", { name: "Sign in" }).click();
    await page.getByText(`Logged in as ${name}`).waitFor();
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("a stale sign-in is asked for the password and the action goes through", async () => {
  const { context, page } = await person(browser);
  try {
    const name = uniqueName("fresh");
    await register(page, name);
    goStale(name);
    await page.goto("/#/account");
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    const dialog = page.getByRole("dialog", { name: "Confirm it is you" });
    await dialog.waitFor();
    await shot(page, "twofactor-reauth-dialog");
    await dialog.getByLabel("Password").fill("not the password at all");
    await dialog.getByRole("button", { name: "Continue" }).click();
    await dialog.getByText("The username or password is not right.").waitFor();
    await dialog.getByLabel("Password").fill(PASSWORD);
    await dialog.getByRole("button", { name: "Continue" }).click();
    // The setup it interrupted was sent again and answered.
    await page.locator("code.secret").waitFor();
    assert.equal(await dialog.count(), 0);
    assert.deepEqual(page.errors.filter((e) => !/403/.test(e)), []);
  } finally {
    await context.close();
  }
});

test("the two-factor section and the second step speak Japanese", async () => {
  const { context, page } = await person(browser, { locale: "ja-JP" });
  try {
    await page.goto("/#/register");
    await page.locator("input[name=username]").fill(uniqueName("tfaja"));
    await page.locator("input[name=password]").fill(PASSWORD);
    await page.locator("form button[type=submit]").click();
    await page.waitForURL(/#\/$/);
    await page.goto("/#/account");
    await page.getByRole("heading", { name: "2 段階認証" }).waitFor();
    await page.getByRole("button", { name: "2 段階認証を設定する" }).click();
    await page.getByText("認証アプリでこの QR コードを読み取るか").waitFor();
    await page.getByRole("button", { name: "有効にする" }).waitFor();
    await shot(page, "twofactor-ja");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("a sign-in from a new browser is shown on the next page view, with a way to My sessions", async () => {
  const desk = await person(browser);
  const laptop = await person(browser);
  try {
    const name = uniqueName("seen");
    await register(desk.page, name);
    await laptop.page.goto("/#/login");
    await laptop.page.getByLabel("Username").fill(name);
    await laptop.page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await laptop.page.locator("form").getByRole("button", { name: "Log in" }).click();
    await laptop.page.getByText(`Logged in as ${name}`).waitFor();
    assert.equal(await laptop.page.locator(".sign-in-notice").count(), 0, "not told about itself");

    await desk.page.goto("/#/templates");
    const notice = desk.page.locator(".sign-in-notice");
    await notice.getByText("New sign-in:").waitFor();
    await notice.getByText(/127\.0\.0\.1/).waitFor();
    await shot(desk.page, "twofactor-new-sign-in");
    await notice.getByRole("link", { name: /Review My sessions/ }).click();
    await desk.page.getByRole("heading", { name: "My sessions" }).waitFor();
    await desk.page.locator(".sign-in-notice").getByRole("button", { name: "Dismiss" }).click();
    await desk.page.locator(".sign-in-notice").waitFor({ state: "detached" });
    await desk.page.goto("/#/");
    await desk.page.locator("#main h1").waitFor();
    await desk.page.waitForTimeout(300);
    assert.equal(await desk.page.locator(".sign-in-notice").count(), 0, "dismissed for good");
    assert.deepEqual(desk.page.errors, []);
  } finally {
    await desk.context.close();
    await laptop.context.close();
  }
});
