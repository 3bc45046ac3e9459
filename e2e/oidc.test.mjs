// Browser tests of single sign-on (issue 23) against a real OpenID
// Provider (panva's oidc-provider, started by scripts/test-e2e as the
// provider "e2e", "Test provider"): the login page's button signs in
// through the provider's own pages; a password account links the provider
// from its account page and then signs in by it; the login page in
// Japanese at 360 px, with a refused sign-in's error; a forged state and a
// replayed callback refused in the page; a provider key rotation accepted.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, person, shot, uniqueName, register, hasHorizontalScroll } from "./lib.mjs";

const ISSUER = process.env.E2E_OIDC_ISSUER;

/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  browser = await launch();
  // scripts/test-e2e waits for the provider; a run started by hand may not.
  for (let i = 0; i < 100; i += 1) {
    const res = await fetch(`${ISSUER}/.well-known/openid-configuration`).catch(() => null);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the test OpenID Provider does not answer at ${ISSUER}`);
});
after(async () => {
  await browser?.close();
});

/** On the provider's sign-in page: signs in as `account` with these claims. */
async function atProvider(page, account, { username = account, email = "" } = {}) {
  await page.waitForURL(`${ISSUER}/interaction/**`);
  await page.getByLabel("Account").fill(account);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * The signed-in account's username, as the account page says, once the
 * page is up after the callback (the top bar names the account).
 */
async function signedInAs(page, name) {
  await page.waitForURL(/\/#\/$/);
  await page.getByRole("link", { name, exact: true }).waitFor();
  await page.goto("/#/account");
  const dd = page.locator("dl.facts dd").first();
  await dd.waitFor();
  return (await dd.textContent()).trim();
}

test("single sign-on: the login page's button signs in through the provider's pages", async () => {
  const { context, page } = await person(browser);
  try {
    const name = uniqueName("sso");
    await page.goto("/#/login");
    const button = page.getByRole("link", { name: "Sign in with Test provider" });
    await button.waitFor();
    await shot(page, "oidc-login-en");
    await button.click();
    await atProvider(page, `idp-${name}`, { username: name, email: `${name}@example.test` });
    assert.equal(await signedInAs(page, name), name);
    // The account has no password: its provider is its only way in.
    const row = page.locator("li.identity[data-provider=e2e]");
    await row.getByText(`Linked (${name}@example.test)`).waitFor();
    assert.ok(await row.getByRole("button", { name: "Remove" }).isDisabled());
    assert.equal(await page.getByRole("heading", { name: "Change password" }).isVisible(), false, "no password to change");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("single sign-on: a password account links the provider, then signs in by it", async () => {
  const { context, page } = await person(browser);
  const other = await person(browser);
  try {
    const name = uniqueName("lnk");
    await register(page, name);
    await page.goto("/#/account");
    const section = page.locator("section.identities");
    await section.getByRole("heading", { name: "Linked sign-in providers" }).waitFor();
    await section.getByText("Not linked").waitFor();
    await section.getByRole("button", { name: "Link" }).click();
    await atProvider(page, `idp-${name}`);
    await page.waitForURL(/#\/account\?oidc_linked=e2e/);
    await page.getByText("The provider is linked").waitFor();
    await section.getByText("Linked", { exact: true }).waitFor();
    await shot(page, "oidc-account-linked-en");
    assert.ok(await page.getByRole("heading", { name: "Change password" }).isVisible(), "a password account keeps its password form");

    // Another browser signs in by the provider, as the same account.
    await other.page.goto("/#/login");
    await other.page.getByRole("link", { name: "Sign in with Test provider" }).click();
    await atProvider(other.page, `idp-${name}`);
    assert.equal(await signedInAs(other.page, name), name);
    assert.deepEqual([...page.errors, ...other.page.errors], []);
  } finally {
    await context.close();
    await other.context.close();
  }
});

test("single sign-on in Japanese at 360 px: the button, a refused sign-in's error, the account page", async () => {
  const { context, page } = await person(browser, { locale: "ja-JP", width: 360 });
  try {
    await page.goto("/#/login?oidc_error=oidc_email_taken");
    await page.getByRole("alert").filter({ hasText: "そのメールアドレスのアカウントが既にあります" }).waitFor();
    const button = page.getByRole("link", { name: "Test provider でログイン" });
    await button.waitFor();
    assert.equal(await hasHorizontalScroll(page), false, "no sideways scroll at 360 px");
    await shot(page, "oidc-login-ja-360");

    const name = uniqueName("jsso");
    await button.click();
    await atProvider(page, `idp-${name}`, { username: name });
    assert.equal(await signedInAs(page, name), name);
    await page.getByRole("heading", { name: "連携したログインサービス" }).waitFor();
    assert.equal(await hasHorizontalScroll(page), false, "no sideways scroll at 360 px");
    await shot(page, "oidc-account-ja-360");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("single sign-on attacks in the browser: a forged state and a replayed callback are refused; a key rotation is accepted", async () => {
  const attacker = await person(browser);
  const victim = await person(browser);
  const later = await person(browser);
  try {
    const name = uniqueName("atk");
    // The attacker signs in through the provider; the callback's URL (its
    // code and state) is what they would then carry to someone else.
    let callback = null;
    attacker.page.on("request", (r) => {
      if (r.url().includes("/api/auth/oidc/e2e/callback")) callback = r.url();
    });
    await attacker.page.goto("/#/login");
    await attacker.page.getByRole("link", { name: "Sign in with Test provider" }).click();
    await atProvider(attacker.page, `idp-${name}`, { username: name });
    assert.equal(await signedInAs(attacker.page, name), name);
    assert.ok(callback, "the callback was seen");

    const refused = victim.page.getByRole("alert").filter({ hasText: "This sign-in was not started here" });
    const forged = new URL(callback);
    forged.searchParams.set("state", "forged");
    await victim.page.goto(forged.href);
    await refused.waitFor();
    await victim.page.goto("/#/");
    await victim.page.goto(callback);
    await victim.page.waitForURL(/oidc_error=oidc_state_invalid/);
    await refused.waitFor();
    await shot(victim.page, "oidc-refused-en");
    assert.equal(await victim.page.getByRole("link", { name, exact: true }).count(), 0, "the victim is not signed in as the attacker");

    // The provider swaps its signing key; the next sign-in still goes through.
    const rotated = await fetch(`${ISSUER}/admin/rotate`, { method: "POST" });
    assert.equal(rotated.status, 204);
    await later.page.goto("/#/login");
    await later.page.getByRole("link", { name: "Sign in with Test provider" }).click();
    await atProvider(later.page, `idp-${name}`, { username: name });
    assert.equal(await signedInAs(later.page, name), name);
  } finally {
    await attacker.context.close();
    await victim.context.close();
    await later.context.close();
  }
});
