// Browser tests of the account page's API tokens (issue 22): a token made in
// the page works for a script (no cookies) with its scope and no other, is
// shown once, and stops the moment it is revoked in the page; the section
// speaks Japanese too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, person, shot, uniqueName, register } from "./lib.mjs";

/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A script's upload with the token: no cookies, no CSRF token. */
async function scriptUpload(token) {
  const form = new FormData();
  form.append("file", new Blob(["Alice: We decided to ship on Friday.\n"], { type: "text/plain" }), "script.txt");
  return fetch(`${BASE}/api/upload`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: form });
}

test("a token created in the page uploads for a script, is shown once, and stops when revoked", async () => {
  const { context, page } = await person(browser);
  try {
    await register(page, uniqueName("tok"));
    await page.goto("/#/account");
    await page.getByRole("heading", { name: "API tokens" }).waitFor();
    await page.locator("ul.tokens:not([aria-busy])").waitFor({ state: "attached" });
    await page.getByLabel("Name", { exact: true }).fill("recorder");
    await page.getByLabel("Upload, edit, delete and retry meetings").check();
    await page.getByLabel("Read meetings and minutes").uncheck();
    await page.getByRole("button", { name: "Create token" }).click();
    const secretBox = page.getByLabel("Your new token");
    await secretBox.waitFor();
    const token = await secretBox.inputValue();
    assert.match(token, /^mnt_[0-9a-f]{8}_/);
    const item = page.locator("li.session", { hasText: "recorder" });
    await item.waitFor();
    assert.ok(!(await item.textContent()).includes(token), "the list never shows the secret");
    await shot(page, "tokens-created");

    assert.equal((await scriptUpload(token)).status, 201);
    const read = await fetch(`${BASE}/api/tasks`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(read.status, 403, "no tasks:read scope");
    assert.match((await read.json()).error.message, /tasks:read/);

    await page.reload();
    await page.locator("ul.tokens:not([aria-busy])").waitFor({ state: "attached" });
    assert.equal(await page.getByLabel("Your new token").count(), 0, "the secret is gone after a reload");
    await item.getByText("127.0.0.1").waitFor();
    await item.getByRole("button", { name: "Revoke the token recorder" }).click();
    await page.locator("dialog").getByRole("button", { name: "Revoke" }).click();
    await item.getByText("Revoked").waitFor();
    // Asked without a body: an upload refused before its body is read can
    // lose its 401 to the connection's reset on a loaded machine.
    const revoked = await fetch(`${BASE}/api/tasks`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(revoked.status, 401);
    assert.equal((await revoked.json()).error.code, "invalid_token");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("the tokens section speaks Japanese", async () => {
  const { context, page } = await person(browser, { locale: "ja-JP" });
  try {
    await page.goto("/#/register");
    const name = uniqueName("tokja");
    await page.locator("input[name=username]").fill(name);
    await page.locator("input[name=password]").fill("correct horse battery staple");
    await page.locator("form button[type=submit]").click();
    await page.waitForURL(/#\/$/);
    await page.goto("/#/account");
    await page.getByRole("heading", { name: "API トークン" }).waitFor();
    await page.getByText("トークンはまだありません。").waitFor();
    await page.getByRole("button", { name: "トークンを作成" }).waitFor();
    await shot(page, "tokens-ja");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
