// Browser tests of share links (issue 22): a link made in the meeting's
// share dialog opens the minutes in a fresh browser with no cookies and no
// account, its view shows up in the owner's list, and after the owner
// revokes it a reload finds nothing; a passphrase link asks for its
// passphrase; the link page speaks Japanese to a Japanese browser; an
// editor makes links only once the owner allows it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, person, shot, uniqueName, register, uploadAndWait, transcriptFile } from "./lib.mjs";

/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A registered owner with a completed meeting, its share dialog open. */
async function ownerWithDialog(file) {
  const owner = await person(browser);
  await register(owner.page, uniqueName("lnk"));
  await uploadAndWait(owner.page, transcriptFile(file));
  const href = await owner.page.locator("li.task", { hasText: file }).locator("a.task-name").getAttribute("href");
  await owner.page.goto(`/${href}`);
  await owner.page.getByRole("heading", { name: "Summary" }).waitFor();
  await owner.page.locator(".toolbar").getByRole("button", { name: "Share" }).click();
  const dialog = owner.page.locator("dialog.share-dialog");
  await dialog.getByRole("heading", { name: "Links" }).waitFor();
  return { ...owner, dialog };
}

/** Creates a link in the dialog; its address, as shown this once. */
async function createLink(dialog, { days = "7 days", passphrase = null } = {}) {
  await dialog.getByLabel("Expires after").selectOption({ label: days });
  if (passphrase) await dialog.getByLabel("Passphrase (optional)").fill(passphrase);
  await dialog.getByRole("button", { name: "Create link" }).click();
  const box = dialog.getByLabel("Link address");
  await box.waitFor();
  return box.inputValue();
}

test("a link made in the page opens the minutes without an account, records the view, and is gone once revoked", async () => {
  const owner = await ownerWithDialog("launch-link.txt");
  const visitor = await person(browser);
  try {
    const url = await createLink(owner.dialog);
    assert.match(url, /\/l#mnl_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    await shot(owner.page, "links-created");

    assert.equal((await visitor.context.cookies()).length, 0);
    await visitor.page.goto(url);
    await visitor.page.getByRole("heading", { name: "Decisions" }).waitFor();
    await visitor.page.getByText("We decided to launch the billing page on Monday.").first().waitFor();
    assert.equal(await visitor.page.locator("#nav").isVisible(), false, "no navigation");
    assert.equal(await visitor.page.getByRole("button", { name: "Edit" }).count(), 0, "no edit controls");
    assert.equal(await visitor.page.locator('meta[name="robots"][content*="noindex"]').count(), 1);
    const [download] = await Promise.all([
      visitor.page.waitForEvent("download"),
      visitor.page.getByRole("button", { name: "Download the uploaded file" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "launch-link.txt");
    assert.equal((await visitor.context.cookies()).length, 0, "a link starts no session");
    await shot(visitor.page, "links-visitor");

    // The owner sees the view, then revokes the link.
    await owner.dialog.getByRole("button", { name: "Close" }).click();
    await owner.page.locator(".toolbar").getByRole("button", { name: "Share" }).click();
    const item = owner.page.locator("dialog.share-dialog li.link.live").first();
    await item.getByText("Views: 1").click();
    await item.getByText("127.0.0.1").waitFor();
    await item.getByRole("button", { name: /^Revoke link/ }).click();
    await owner.page.locator("dialog.confirm").getByRole("button", { name: "Revoke" }).click();
    await owner.page.locator("dialog.share-dialog").getByText("Link revoked.").waitFor();

    await visitor.page.reload();
    await visitor.page.getByRole("heading", { name: "Link not available" }).waitFor();
    assert.equal(await visitor.page.getByText("We decided to launch the billing page on Monday.").count(), 0);
    assert.deepEqual(owner.page.errors, []);
    assert.deepEqual(visitor.page.errors, []);
  } finally {
    await owner.context.close();
    await visitor.context.close();
  }
});

test("a passphrase link asks for it, refuses a wrong one and opens with the right one, in Japanese too", async () => {
  const owner = await ownerWithDialog("secret-link.txt");
  const visitor = await person(browser, { locale: "ja-JP" });
  try {
    const url = await createLink(owner.dialog, { days: "1 day", passphrase: "blue harbour 42" });
    await visitor.page.goto(url);
    await visitor.page.getByRole("heading", { name: "合言葉で保護された会議" }).waitFor();
    await visitor.page.getByLabel("合言葉").fill("red harbour 42");
    await visitor.page.getByRole("button", { name: "開く" }).click();
    await visitor.page.getByText("合言葉が違います。").waitFor();
    await visitor.page.getByLabel("合言葉").fill("blue harbour 42");
    await visitor.page.getByRole("button", { name: "開く" }).click();
    await visitor.page.getByText("閲覧専用で共有されています。").waitFor();
    await visitor.page.getByText("We decided to launch the billing page on Monday.").first().waitFor();
    await shot(visitor.page, "links-passphrase-ja");
    assert.deepEqual(visitor.page.errors, []);
  } finally {
    await owner.context.close();
    await visitor.context.close();
  }
});

test("an editor makes links only once the owner lets editors do it", async () => {
  const owner = await ownerWithDialog("editor-link.txt");
  const editor = await person(browser);
  const editorName = uniqueName("edl");
  try {
    await register(editor.page, editorName);
    await owner.dialog.getByLabel("Username").fill(editorName);
    await owner.dialog.getByLabel("Access").selectOption("edit");
    await owner.dialog.getByRole("button", { name: "Share", exact: true }).click();
    await owner.dialog.locator(`li[data-username="${editorName}"]`).waitFor();
    const href = new URL(owner.page.url()).hash;

    await editor.page.goto(`/${href}`);
    await editor.page.getByRole("heading", { name: "Summary" }).waitFor();
    await editor.page.locator(".toolbar").getByRole("button", { name: "Share" }).click();
    const dialog = editor.page.locator("dialog.share-dialog");
    await dialog.getByText("The owner has not let editors create links to this meeting.").waitFor();
    assert.equal(await dialog.getByLabel("Username").count(), 0, "an editor does not manage shares");
    assert.equal(await dialog.getByRole("button", { name: "Create link" }).isVisible(), false);
    await dialog.getByRole("button", { name: "Close" }).click();

    await owner.dialog.getByLabel("People who can edit may create links too").check();
    await owner.dialog.getByText("Editors may now create links.").waitFor();
    await editor.page.locator(".toolbar").getByRole("button", { name: "Share" }).click();
    const url = await createLink(editor.page.locator("dialog.share-dialog"));
    assert.match(url, /\/l#mnl_/);
    await owner.dialog.getByRole("button", { name: "Close" }).click();
    await owner.page.locator(".toolbar").getByRole("button", { name: "Share" }).click();
    await owner.page.locator("dialog.share-dialog li.link.live", { hasText: `by ${editorName}` }).waitFor();
    assert.deepEqual(editor.page.errors, []);
  } finally {
    await owner.context.close();
    await editor.context.close();
  }
});
