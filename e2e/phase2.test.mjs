// Browser tests of sharing, editing, revisions and administration (docs/api.md,
// "Sharing and roles", "Admin", "Editing minutes", "The event socket").
// The tests run in order and share two people: an owner and a grantee.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, person, shot, transcriptFile, uniqueName, register, login, uploadAndWait, hasHorizontalScroll, shotPath } from "./lib.mjs";

const ADMIN = process.env.E2E_ADMIN || "e2e-admin";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD;

let browser;
let owner;
let grantee;
let ownerName;
let granteeName;
let taskHref;

before(async () => {
  browser = await launch();
  owner = await person(browser);
  grantee = await person(browser);
  ownerName = uniqueName("owner");
  granteeName = uniqueName("grantee");
  await register(owner.page, ownerName);
  await register(grantee.page, granteeName);
  await uploadAndWait(owner.page, transcriptFile("shared-review.txt"));
  taskHref = await owner.page.locator("li.task", { hasText: "shared-review.txt" }).locator("a.task-name").getAttribute("href");
});
after(async () => {
  await browser?.close();
});

test("sharing with edit: the grantee sees the task and edits it while the owner's page updates live", async () => {
  const o = owner.page;
  await o.goto(`/${taskHref}`);
  await o.getByRole("heading", { name: "Summary" }).waitFor();
  await o.getByRole("button", { name: "Share" }).click();
  const dialog = o.locator("dialog");
  await dialog.getByLabel("Username").fill(granteeName);
  await dialog.getByLabel("Access").selectOption("edit");
  await dialog.getByRole("button", { name: "Share", exact: true }).click();
  await dialog.locator(`li[data-username="${granteeName}"]`).waitFor();
  await shot(o, "share-dialog");
  await dialog.getByRole("button", { name: "Close" }).click();

  const g = grantee.page;
  await g.goto("/");
  const row = g.locator("li.task", { hasText: "shared-review.txt" });
  await row.getByText(`Shared by ${ownerName} · can edit`).waitFor({ timeout: 10000 });
  await shot(g, "tasks-shared-with-me");
  await row.locator("a.task-name").click();
  await g.getByRole("button", { name: "Edit" }).click();
  await g.getByLabel("Title").fill("Billing launch review");
  await shot(g, "editor");
  await g.getByRole("button", { name: "Save" }).click();
  await g.getByRole("heading", { name: "Billing launch review" }).waitFor();

  // The owner did nothing: the new title arrives over the event socket.
  await o.getByRole("heading", { name: "Billing launch review" }).waitFor({ timeout: 10000 });
  await o.getByText(`${granteeName} just saved version 2; it is shown now.`).waitFor();
  // What the README shows: one screen of the product at work (docs/screenshot.png).
  await o.screenshot({ path: shotPath("task-live-update") });
  assert.deepEqual(o.errors, []);
  assert.deepEqual(g.errors, []);
});

test("an edit both people made to the same field asks which to keep, field by field", async () => {
  const o = owner.page;
  const g = grantee.page;
  const conflictAfter = async (mine, theirs) => {
    await o.getByRole("button", { name: "Edit" }).click();
    await g.getByRole("button", { name: "Edit" }).click();
    await g.getByLabel("Title").fill(theirs);
    await g.getByRole("button", { name: "Save" }).click();
    await g.getByRole("heading", { name: theirs }).waitFor();
    // The owner was told while editing, and their draft was left alone.
    await o.getByText(`${granteeName} saved version`).waitFor({ timeout: 10000 });
    await o.getByLabel("Title").fill(mine);
    await o.getByRole("button", { name: "Save" }).click();
    const conflict = o.locator(".conflict");
    await conflict.getByRole("heading", { name: "Someone else saved first" }).waitFor({ timeout: 10000 });
    // Only the field both changed, with both versions and a choice.
    const title = conflict.locator("fieldset.conflict-field", { has: o.locator("legend", { hasText: "Title" }) });
    await title.locator(".choice.mine", { hasText: mine }).waitFor();
    await title.locator(".choice.theirs", { hasText: theirs }).waitFor();
    assert.equal(await conflict.locator("fieldset.conflict-field").count(), 1, "nothing else both changed");
    return conflict;
  };

  let conflict = await conflictAfter("Owner's first title", "Grantee's title");
  await shot(o, "edit-conflict");
  await conflict.getByRole("button", { name: /^Load version \d+/ }).click();
  await o.getByRole("heading", { name: "Grantee's title" }).waitFor();

  conflict = await conflictAfter("Owner's title", "Grantee's second title");
  await conflict.getByRole("radio", { name: /Your draft/ }).check();
  await conflict.getByRole("button", { name: "Save with these choices" }).click();
  await o.getByRole("heading", { name: "Owner's title" }).waitFor();
  // A save like any other: the grantee sees it live.
  await g.getByRole("heading", { name: "Owner's title" }).waitFor({ timeout: 10000 });
});

test("the revision history names author and device, and restores an old version", async () => {
  const o = owner.page;
  await o.locator("details.history summary").click();
  const versions = o.locator("ol.revisions > li");
  await versions.nth(4).waitFor();
  // Newest first: the overwrite by the owner, from this browser.
  await versions.first().getByText(`by ${ownerName}`).waitFor();
  await versions.first().getByText(/Chrom.* on Linux · 127\.0\.0\.1/).waitFor();
  await o.locator('ol.revisions > li[data-version="1"]').getByText("made from the upload").waitFor();
  await shot(o, "history");

  const before = await versions.count();
  await o.getByRole("button", { name: "Restore version 1" }).click();
  await o.getByText(/^Version 1 was restored as version \d+\.$/).waitFor();
  await o.getByRole("heading", { name: "Owner's title" }).waitFor({ state: "detached" });
  await versions.nth(before).waitFor();
  assert.equal(await versions.count(), before + 1, "the restore is a new version; nothing is lost");
  const restored = await o.locator("main h1").textContent();
  await grantee.page.waitForFunction((title) => document.querySelector("main h1")?.textContent === title, restored, { timeout: 10000 });
});

test("revoking the share takes the task off the grantee's pages, live", async () => {
  const g = grantee.page;
  // A second tab of the grantee stays on the list while the first has the task open.
  const list = await grantee.context.newPage();
  await list.goto("/");
  await list.locator("li.task", { hasText: "shared-review.txt" }).waitFor();
  await g.goto(`/${taskHref}`);
  await g.getByRole("heading", { name: "Summary" }).waitFor();

  const o = owner.page;
  await o.goto("/");
  await o.locator("li.task", { hasText: "shared-review.txt" }).getByRole("button", { name: /^Share / }).click();
  await o.locator("dialog").locator(`li[data-username="${granteeName}"]`).getByRole("button", { name: "Stop sharing" }).click();
  await o.locator("dialog").getByText(`${granteeName} no longer has access.`).waitFor();
  await o.locator("dialog").getByRole("button", { name: "Close" }).click();

  // Neither page is reloaded: `access_lost` arrives on the event socket.
  await list.locator("li.task", { hasText: "shared-review.txt" }).waitFor({ state: "detached", timeout: 10000 });
  await g.getByRole("heading", { name: "This meeting is no longer available" }).waitFor({ timeout: 10000 });
  await g.getByText("You no longer have access to it.").waitFor();
  await list.close();
});

test("the admin page is hidden from a member and refused to them", async () => {
  const o = owner.page;
  await o.goto("/");
  assert.equal(await o.locator("#nav").getByRole("link", { name: "Admin", exact: true }).count(), 0);
  await o.goto("/#/admin");
  await o.getByText("Only administrators can see this page.").waitFor();
});

test("an admin disables a user, who is signed out and cannot log in", async () => {
  assert.ok(ADMIN_PASSWORD, "E2E_ADMIN_PASSWORD is set by scripts/test-e2e");
  const admin = await person(browser);
  try {
    const a = admin.page;
    await login(a, ADMIN, ADMIN_PASSWORD);
    await a.locator("#nav").getByRole("link", { name: "Admin", exact: true }).click();
    await a.getByRole("heading", { name: "Users" }).waitFor();
    const user = a.locator(`li.admin-user[data-username="${granteeName}"]`);
    await user.waitFor();
    await a.getByRole("heading", { name: "Audit log" }).waitFor();
    await shot(a, "admin");
    await a.locator("section", { has: a.locator("#adm-users") }).screenshot({ path: shotPath("admin-users") });
    // The audit log, filtered to the share events of this run.
    await a.getByLabel("Event kind").selectOption("share_revoked");
    await a.getByLabel("User", { exact: true }).fill(ownerName);
    await a.locator("section", { has: a.locator("#adm-audit") }).getByRole("button", { name: "Filter" }).click();
    const audit = a.locator("ol.audit > li");
    await audit.first().getByText("Share revoked").waitFor();
    await audit.first().getByText(`${ownerName} stopped sharing “`).waitFor();
    assert.equal(await audit.count(), 1);
    await a.locator("section", { has: a.locator("#adm-audit") }).screenshot({ path: shotPath("admin-audit") });
    await user.getByRole("button", { name: "Disable" }).click();
    await a.locator("dialog").getByRole("button", { name: "Disable" }).click();
    await a.getByText(`${granteeName} is disabled and signed out everywhere.`).waitFor();
    await user.getByText("disabled").waitFor();

    // The grantee does nothing: their event socket closes 4001 and the page says why.
    const g = grantee.page;
    await g.getByText("You were signed out: this session was ended on another device or by an administrator.").waitFor({ timeout: 10000 });
    await g.locator("#nav").getByRole("link", { name: "Log in", exact: true }).waitFor();
    await g.goto("/#/login");
    // A wrong password learns nothing; the right one is told the account
    // is disabled (issue 21, point 8).
    await g.getByLabel("Username").fill(granteeName);
    await g.getByLabel("Password", { exact: true }).fill("not the password at all");
    await g.locator("form").getByRole("button", { name: "Log in" }).click();
    await g.getByText("The username or password is not right.").waitFor();
    await g.getByLabel("Password", { exact: true }).fill("correct horse battery staple");
    await g.locator("form").getByRole("button", { name: "Log in" }).click();
    await g.getByText("This account has been disabled. Ask an administrator to enable it again.").waitFor();
    assert.equal(await g.getByText("The username or password is not right.").count(), 0);
  } finally {
    await admin.context.close();
  }
});

test("the sharing dialog works from the keyboard and gives focus back", async () => {
  const o = owner.page;
  await o.goto(`/${taskHref}`);
  const share = o.locator(".toolbar").getByRole("button", { name: "Share" });
  await share.focus();
  await o.keyboard.press("Enter");
  const dialog = o.locator("dialog");
  // Focus starts in the username field, and the focus ring shows.
  assert.equal(await o.evaluate(() => document.activeElement?.getAttribute("name")), "username");
  await o.keyboard.press("Tab");
  const ring = await o.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(ring, "none", "the focused control shows a focus ring");
  await o.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.equal(await share.evaluate((el) => el === document.activeElement), true, "focus is back on Share");
});

test("at 360 px the editor, the sharing dialog and the admin page do not scroll sideways", async () => {
  const o = owner.page;
  await o.setViewportSize({ width: 360, height: 800 });
  await o.goto(`/${taskHref}`);
  await o.getByRole("button", { name: "Edit" }).click();
  await o.getByLabel("Title").waitFor();
  assert.equal(await hasHorizontalScroll(o), false, "the editor scrolls sideways");
  await shot(o, "editor-360");
  await o.getByRole("button", { name: "Cancel" }).click();
  await o.getByRole("button", { name: "Share" }).click();
  await o.locator("dialog").getByLabel("Username").waitFor();
  assert.equal(await hasHorizontalScroll(o), false, "the sharing dialog scrolls sideways");
  await shot(o, "share-dialog-360");
  await o.locator("dialog").getByRole("button", { name: "Close" }).click();
  await o.setViewportSize({ width: 1100, height: 800 });

  const admin = await person(browser, { width: 360 });
  try {
    await login(admin.page, ADMIN, ADMIN_PASSWORD);
    await admin.page.goto("/#/admin");
    await admin.page.getByRole("heading", { name: "Audit log" }).waitFor();
    assert.equal(await hasHorizontalScroll(admin.page), false, "the admin page scrolls sideways");
    await shot(admin.page, "admin-360");
  } finally {
    await admin.context.close();
  }
});

test("the editor, history and admin page are in Japanese too", async () => {
  const admin = await person(browser, { locale: "ja-JP" });
  try {
    const a = admin.page;
    await a.goto("/#/login");
    await a.getByLabel("ユーザー名").fill(ADMIN);
    await a.getByLabel("パスワード", { exact: true }).fill(ADMIN_PASSWORD);
    await a.locator("form").getByRole("button", { name: "ログイン" }).click();
    await a.locator("#nav").getByRole("link", { name: "管理", exact: true }).click();
    await a.getByRole("heading", { name: "監査ログ" }).waitFor();
    await shot(a, "admin-ja");
    // The owner's task, seen by an admin: editable, in Japanese.
    await a.locator("section", { has: a.locator("#adm-tasks") }).locator("li.task", { hasText: "shared-review.txt" }).locator("a.task-name").first().click();
    await a.getByText(`${ownerName} さんの会議 · 管理者として表示`).waitFor();
    await a.getByRole("button", { name: "編集" }).click();
    await a.getByLabel("会議の言語").waitFor();
    await shot(a, "editor-ja");
    await a.getByRole("button", { name: "キャンセル" }).click();
    await a.locator("details.history summary").click();
    await a.getByText("アップロードから作成").waitFor();
    assert.deepEqual(a.errors, []);
  } finally {
    await admin.context.close();
  }
});
