// Browser tests of what the service offers today: anonymous upload with
// live progress, register keeping the tasks, isolation between browsers,
// session revocation, Japanese, 360 px. Run by scripts/test-e2e.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, person, shot, transcriptFile, uniqueName, register, login, uploadAndWait, hasHorizontalScroll } from "./lib.mjs";

/** @type {import("playwright-core").Browser} */
let browser;
/** The first person: anonymous, then registered. */
let alice;
let aliceName;

before(async () => {
  browser = await launch();
  alice = await person(browser);
});
after(async () => {
  await browser?.close();
});

test("anonymous upload: live progress to completed, then the minutes", async () => {
  const { page } = alice;
  await page.goto("/");
  await page.getByRole("heading", { name: "Meeting minutes" }).waitFor();
  await shot(page, "tasks-empty");
  // Limits are stated before any upload.
  await page.getByText(/Up to .* per file/).waitFor();
  await page.locator("#upload-input").setInputFiles(transcriptFile("planning.txt"));
  const row = page.locator("li.task", { hasText: "planning.txt" });
  await row.waitFor();
  // No reload: the row reaches "Done" through the task's WebSocket.
  await page.locator('li.task[data-status="completed"]', { hasText: "planning.txt" }).waitFor({ timeout: 30000 });
  await row.getByText("Done").waitFor();
  await shot(page, "tasks");

  // Named by its minutes' title now; the file name is the line under it.
  await row.locator(".file-name", { hasText: "planning.txt" }).waitFor();
  await row.locator("a.task-name").click();
  await page.getByRole("heading", { name: "Summary" }).waitFor();
  await page.getByRole("heading", { name: "Decisions" }).waitFor();
  await page.getByRole("heading", { name: "Action items" }).waitFor();
  await page.getByText("Owner: Carol · Due: Friday").waitFor();
  const transcript = page.locator("ol.transcript");
  await transcript.getByText("Alice").first().waitFor();
  for (const format of ["md", "txt", "json"]) {
    assert.equal(await page.locator(`a[href*="format=${format}"]`).count(), 1, `download ${format}`);
  }
  await shot(page, "task-detail");
  assert.deepEqual(page.errors, []);
});

test("an unsupported file is refused in words", async () => {
  const { page } = alice;
  await page.goto("/");
  await page.locator("#upload-input").setInputFiles({ name: "notes.exe", mimeType: "application/octet-stream", buffer: Buffer.from("MZ") });
  await page.getByText("“notes.exe” is a type of file this service does not read.").waitFor();
  // The server's own 415, for a name that passes the browser's check.
  await page.locator("#upload-input").setInputFiles({ name: "talk.vtt", mimeType: "text/vtt", buffer: Buffer.from("1\n00:00:00,000 --> 00:00:01,000\nhello\n") });
  await page.getByText("“talk.vtt” is not really a WebVTT subtitle file").waitFor();
});

test("register: the anonymous task is kept and the page says so", async () => {
  const { page } = alice;
  aliceName = uniqueName("alice");
  await page.goto("/#/register");
  await shot(page, "register");
  await register(page, aliceName);
  await page.getByText("meeting(s) you uploaded before are now in your account").waitFor();
  await page.locator("li.task", { hasText: "planning.txt" }).waitFor();
  await page.getByRole("link", { name: aliceName }).waitFor();
  await shot(page, "tasks-after-register");
  await page.goto("/#/account");
  await page.getByRole("heading", { name: "Your account" }).waitFor();
  await shot(page, "account");
});

test("a second browser sees nothing of it", async () => {
  const other = await person(browser);
  try {
    await other.page.goto("/");
    await other.page.getByText("No meetings yet").waitFor();
    assert.equal(await other.page.locator("li.task").count(), 0);
    const href = await alice.page.locator("li.task a.task-name").first().getAttribute("href").catch(() => null);
    if (!href) {
      await alice.page.goto("/");
    }
    const link = await alice.page.locator("li.task a.task-name").first().getAttribute("href");
    await other.page.goto(`/${link}`);
    await other.page.getByRole("heading", { name: "Meeting not found" }).waitFor();
    await other.page.getByText("This meeting does not exist or is not shared with you.").waitFor();
  } finally {
    await other.context.close();
  }
});

test("revoking a session from My sessions lands that browser on a clean anonymous page", async () => {
  const laptop = await person(browser);
  try {
    await login(laptop.page, aliceName);
    await laptop.page.locator("li.task", { hasText: "planning.txt" }).waitFor();

    const { page } = alice;
    await page.goto("/#/sessions");
    await page.getByRole("heading", { name: "My sessions" }).waitFor();
    await page.locator("li.session").nth(1).waitFor();
    assert.equal(await page.locator("li.session").count(), 2);
    await page.locator("li.session.current").getByText("this device").waitFor();
    await shot(page, "sessions");
    await page.locator("li.session:not(.current)").getByRole("button", { name: /Sign out/ }).click();
    await page.locator("dialog").getByRole("button", { name: "Sign out" }).click();
    await page.getByText(/was signed out\./).waitFor();
    await page.locator("li.session:not(.current)").waitFor({ state: "detached" });
    assert.equal(await page.locator("li.session").count(), 1);

    // The revoked browser does nothing: its event socket closes 4001 and it lands anonymous, with one line saying why.
    await laptop.page.getByText("You were signed out: this session was ended on another device or by an administrator.").waitFor();
    await laptop.page.locator("#nav").getByRole("link", { name: "Log in", exact: true }).waitFor();
    assert.equal(await laptop.page.locator("li.task").count(), 0);
    await shot(laptop.page, "session-ended");
    assert.deepEqual(laptop.page.errors, []);
  } finally {
    await laptop.context.close();
  }
});

test("the Japanese UI renders for Accept-Language: ja, and the switch is remembered", async () => {
  const ja = await person(browser, { locale: "ja-JP" });
  try {
    await ja.page.goto("/");
    await ja.page.getByRole("heading", { name: "議事録" }).waitFor();
    await ja.page.locator("#nav").getByRole("link", { name: "ログイン", exact: true }).waitFor();
    await ja.page.getByText("ファイルを選択").waitFor();
    assert.equal(await ja.page.getAttribute("html", "lang"), "ja");
    await shot(ja.page, "tasks-ja");
    await ja.page.locator("#lang").selectOption("en");
    await ja.page.getByRole("heading", { name: "Meeting minutes" }).waitFor();
    await ja.page.reload();
    await ja.page.getByRole("heading", { name: "Meeting minutes" }).waitFor();
  } finally {
    await ja.context.close();
  }
});

test("at 360 px wide no page scrolls sideways", async () => {
  const narrow = await person(browser, { width: 360 });
  try {
    const { page } = narrow;
    await uploadAndWait(page, transcriptFile("a-rather-long-file-name-for-a-weekly-planning-meeting.txt"));
    const pages = { "": "tasks-360", "#/login": "login-360", "#/register": "register-360", "#/sessions": "sessions-360" };
    for (const [hash, name] of Object.entries(pages)) {
      await page.goto(`/${hash}`);
      await page.locator("main h1").waitFor();
      await page.waitForTimeout(200);
      assert.equal(await hasHorizontalScroll(page), false, `${name} scrolls sideways`);
      await shot(page, name);
    }
    await page.goto("/");
    await page.locator("li.task a.task-name").first().click();
    await page.getByRole("heading", { name: "Transcript" }).waitFor();
    assert.equal(await hasHorizontalScroll(page), false, "the task page scrolls sideways");
    await shot(page, "task-detail-360");
  } finally {
    await narrow.context.close();
  }
});

test("every string exists in English and Japanese", async () => {
  const { en } = await import("../web/js/i18n/en.js");
  const { ja } = await import("../web/js/i18n/ja.js");
  const keys = (dict) => Object.keys(dict).sort();
  assert.ok(keys(en).length > 100);
  assert.deepEqual(keys(ja), keys(en));
  for (const [key, text] of Object.entries(ja)) {
    assert.ok(text.trim(), `ja ${key} is empty`);
    // The same placeholders in both, so no sentence loses a name or number.
    const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(holes(text), holes(en[key]), `placeholders of ${key}`);
  }
  // Every key the code asks for is in the dictionary.
  const { readdirSync } = await import("node:fs");
  const dir = new URL("../web/js/", import.meta.url);
  const files = readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(".js") && !f.startsWith("i18n/"));
  for (const file of files) {
    for (const m of readFileSync(new URL(file, dir), "utf8").matchAll(/\bt\("([\w.]+)"/g)) {
      assert.ok(m[1] in en, `${file} asks for ${m[1]}, which the dictionaries lack`);
    }
  }
});
