// Browser tests of sharing, editing and administration (DESIGN section 4,
// Phase 2). scripts/test-e2e runs this file only when the served OpenAPI
// document has the sharing endpoints.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, person, shot, transcriptFile, uniqueName, register, login, uploadAndWait } from "./lib.mjs";

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
  taskHref = await owner.page.locator("li.task a.task-name", { hasText: "shared-review.txt" }).getAttribute("href");
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
  await row.getByRole("link", { name: "shared-review.txt" }).click();
  await g.getByRole("button", { name: "Edit" }).click();
  await g.getByLabel("Title").fill("Billing launch review");
  await shot(g, "editor");
  await g.getByRole("button", { name: "Save" }).click();
  await g.getByRole("heading", { name: "Billing launch review" }).waitFor();

  // The owner did nothing: the new title arrives over the event socket.
  await o.getByRole("heading", { name: "Billing launch review" }).waitFor({ timeout: 10000 });
  await o.getByText(/just saved a new version/).waitFor();
});

test("a conflicting edit shows what changed and lets the person choose", async () => {
  const o = owner.page;
  const g = grantee.page;
  await o.getByRole("button", { name: "Edit" }).click();
  await g.getByRole("button", { name: "Edit" }).click();
  await g.getByLabel("Title").fill("Grantee's title");
  await g.getByRole("button", { name: "Save" }).click();
  await g.getByRole("heading", { name: "Grantee's title" }).waitFor();

  await o.getByLabel("Title").fill("Owner's title");
  await o.getByRole("button", { name: "Save" }).click();
  await o.getByRole("heading", { name: "Someone else saved first" }).waitFor({ timeout: 10000 });
  await o.locator(".conflict").getByText("Grantee's title").waitFor();
  await shot(o, "edit-conflict");
  await o.getByRole("button", { name: /Load their version/ }).click();
  await o.getByRole("heading", { name: "Grantee's title" }).waitFor();

  // History lists the versions.
  await o.locator("details.history summary").click();
  await o.locator("ol.revisions li").nth(1).waitFor();
  await shot(o, "history");
});

test("revoking the share takes the task off the grantee's page", async () => {
  const g = grantee.page;
  await g.goto("/");
  await g.locator("li.task", { hasText: "shared-review.txt" }).waitFor();

  const o = owner.page;
  await o.goto("/");
  await o.locator("li.task", { hasText: "shared-review.txt" }).getByRole("button", { name: "Share" }).click();
  await o.locator("dialog").locator(`li[data-username="${granteeName}"]`).getByRole("button", { name: "Stop sharing" }).click();
  await o.locator("dialog").getByText(`${granteeName} no longer has access.`).waitFor();
  await o.locator("dialog").getByRole("button", { name: "Close" }).click();

  await g.locator("li.task", { hasText: "shared-review.txt" }).waitFor({ state: "detached", timeout: 10000 });
});

test("the admin page is hidden from a member and refused to them", async () => {
  const o = owner.page;
  await o.goto("/");
  assert.equal(await o.locator("#nav").getByRole("link", { name: "Admin" }).count(), 0);
  await o.goto("/#/admin");
  await o.getByText("Only administrators can see this page.").waitFor();
});

test("an admin disables a user, who is signed out and cannot log in", async () => {
  assert.ok(ADMIN_PASSWORD, "E2E_ADMIN_PASSWORD is set by scripts/test-e2e");
  const admin = await person(browser);
  try {
    const a = admin.page;
    await login(a, ADMIN, ADMIN_PASSWORD);
    await a.locator("#nav").getByRole("link", { name: "Admin" }).click();
    await a.getByRole("heading", { name: "Users" }).waitFor();
    const user = a.locator(`li.admin-user[data-username="${granteeName}"]`);
    await user.waitFor();
    await a.getByRole("heading", { name: "Audit log" }).waitFor();
    await shot(a, "admin");
    await user.getByRole("button", { name: "Disable" }).click();
    await a.locator("dialog").getByRole("button", { name: "Disable" }).click();
    await a.getByText(`${granteeName} is disabled and signed out everywhere.`).waitFor();
    await user.getByText("disabled").waitFor();

    const g = grantee.page;
    await g.locator("#nav").getByRole("link", { name: "My sessions" }).click();
    await g.getByText("You were signed out: this session was ended on another device or by an administrator.").waitFor({ timeout: 10000 });
    await g.goto("/#/login");
    await g.getByLabel("Username").fill(granteeName);
    await g.getByLabel("Password", { exact: true }).fill("correct horse battery staple");
    await g.locator("form").getByRole("button", { name: "Log in" }).click();
    await g.getByText("The username or password is not right.").waitFor();
  } finally {
    await admin.context.close();
  }
});
