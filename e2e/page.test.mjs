// Browser tests of the page as a new user meets it (issue 21): states that
// race, hidden things that must stay hidden, what the server can do, wrong
// files, merged edits, access that changes live, uploads across pages, the
// editor at 360 px, the audit log in words, dark colours, loading states
// and the history's comparison. Each test makes its own people.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, person, shot, shotPath, transcriptFile, uniqueName, register, login, uploadAndWait } from "./lib.mjs";

const ADMIN = process.env.E2E_ADMIN || "e2e-admin";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD;

/** A minimal WAV file: a real recording as far as the server can tell. */
const WAV = Buffer.from("RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\x40\x1f\0\0\x80\x3e\0\0\x02\0\x10\0data\0\0\0\0", "latin1");
/** A transcript the service cannot parse: it fails for good. */
const BROKEN_SRT = Buffer.from("1\n00:00:01,000 --> 00:00:xx,000\nhello\n");

/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Two registered people; the first owns a completed meeting shared with the second. */
async function ownerAndGrantee(file, permission = "edit", opts = {}) {
  const owner = await person(browser, opts);
  const grantee = await person(browser, opts);
  const ownerName = uniqueName("own");
  const granteeName = uniqueName("gra");
  await register(owner.page, ownerName);
  await register(grantee.page, granteeName);
  await uploadAndWait(owner.page, transcriptFile(file));
  const href = await owner.page.locator("li.task", { hasText: file }).locator("a.task-name").getAttribute("href");
  await setShare(owner.page, href, granteeName, permission);
  return { owner, grantee, ownerName, granteeName, href };
}

/** The owner shares (or changes the share of) their meeting through the dialog. */
async function setShare(page, href, name, permission) {
  await page.goto(`/${href}`);
  await page.getByRole("heading", { name: "Summary" }).waitFor();
  await page.locator(".toolbar").getByRole("button", { name: "Share" }).click();
  const dialog = page.locator("dialog");
  await dialog.getByLabel("Username").fill(name);
  await dialog.getByLabel("Access").selectOption(permission);
  await dialog.getByRole("button", { name: "Share", exact: true }).click();
  await dialog.locator(`li[data-username="${name}"]`, { hasText: permission === "edit" ? "can edit" : "can view" }).waitFor();
  await dialog.getByRole("button", { name: "Close" }).click();
}

/** Elements with `hidden` that the browser still draws (any box at all). */
async function drawnHidden(page) {
  return page.evaluate(() => [...document.querySelectorAll("[hidden]")]
    .filter((el) => getComputedStyle(el).display !== "none" || el.getBoundingClientRect().height > 0)
    .map((el) => el.outerHTML.slice(0, 120)));
}

test("1. a list answer older than a socket event does not undo it, however late it lands", async () => {
  const { context, page } = await person(browser);
  try {
    // The event socket goes through the test, so it can drop the connection.
    /** @type {import("playwright-core").WebSocketRoute[]} */
    const sockets = [];
    await page.routeWebSocket(/\/ws$/, (ws) => {
      ws.connectToServer();
      sockets.push(ws);
    });
    await page.goto("/");
    await page.getByRole("heading", { name: "Meeting minutes" }).waitFor();
    await page.locator("ul.tasks:not([aria-busy])").waitFor({ state: "attached" });
    const answer = page.waitForResponse((r) => r.url().endsWith("/api/upload"));
    await page.locator("#upload-input").setInputFiles(transcriptFile("race.txt"));
    const uploaded = await (await answer).json();
    assert.equal(uploaded.status, "queued");
    const row = page.locator("li.task", { hasText: "race.txt" });
    // The socket brings the task to its end.
    await page.locator('li.task[data-status="completed"]', { hasText: "race.txt" }).waitFor({ timeout: 30000 });

    // Then a list answer that is out of date lands: it says the task is
    // queued, as the server did when it was read, and it comes late (held
    // by the route until the test lets it go).
    let release;
    const released = new Promise((resolve) => { release = resolve; });
    let held = 0;
    await page.route(/\/api\/tasks\?/, async (route) => {
      held += 1;
      const response = await route.fetch();
      const body = await response.json();
      body.tasks = body.tasks.map((task) => (task.task_id === uploaded.task_id ? uploaded : task));
      await released;
      await route.fulfill({ response, json: body });
    });
    // A dropped connection: the page reconnects and reads the list again.
    const reread = page.waitForRequest(/\/api\/tasks\?/);
    sockets.at(-1).close();
    await reread;
    for (let i = 0; i < 50 && held === 0; i += 1) await page.waitForTimeout(100);
    assert.ok(held > 0, "a list read was held back");
    const delivered = page.waitForResponse(/\/api\/tasks\?/);
    release();
    await delivered;
    await page.waitForTimeout(500);
    assert.equal(await row.getAttribute("data-status"), "completed", "the late answer did not put the task back");
    await row.getByText("Done").waitFor();
    assert.equal(await page.locator("li.task", { hasText: "race.txt" }).count(), 1, "one row per task");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("1. an upload, its events and the list reads racing leave one row in its final state", async () => {
  const { context, page } = await person(browser);
  try {
    await page.goto("/");
    await page.locator("ul.tasks:not([aria-busy])").waitFor({ state: "attached" });
    // Every list read lands late, in any order. (An upload cannot be held
    // this way: a route that fetches loses a file's body.)
    await page.route(/\/api\/tasks\?/, async (route) => {
      const response = await route.fetch();
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
      await route.fulfill({ response });
    });
    for (const name of ["race-a.txt", "race-b.txt", "race-c.txt"]) {
      await page.locator("#upload-input").setInputFiles(transcriptFile(name));
    }
    for (const name of ["race-a.txt", "race-b.txt", "race-c.txt"]) {
      await page.locator('li.task[data-status="completed"]', { hasText: name }).waitFor({ timeout: 30000 });
    }
    await page.waitForTimeout(1500);
    for (const name of ["race-a.txt", "race-b.txt", "race-c.txt"]) {
      assert.equal(await page.locator("li.task", { hasText: name }).count(), 1, name);
      assert.equal(await page.locator("li.task", { hasText: name }).getAttribute("data-status"), "completed", name);
    }
    await page.unroute(/\/api\/tasks\?/);
    const names = await page.locator("li.task a.task-name").allTextContents();
    const listed = await page.evaluate(async () => (await (await fetch("/api/tasks")).json()).tasks.map((task) => task.title || task.filename));
    assert.deepEqual(names, listed, "in the server's order, newest first");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("2. nothing with the hidden attribute is drawn, on any page, nor a dismissed notice", async () => {
  assert.ok(ADMIN_PASSWORD, "E2E_ADMIN_PASSWORD is set by scripts/test-e2e");
  const { context, page } = await person(browser);
  try {
    const check = async (name) => {
      await page.locator("main h1").waitFor();
      await page.waitForTimeout(300);
      assert.deepEqual(await drawnHidden(page), [], `${name}: hidden elements are drawn`);
      await shot(page, `hidden-${name}`);
    };
    for (const [hash, name] of [["", "tasks"], ["#/login", "login"], ["#/register", "register"], ["#/sessions", "sessions"], ["#/nowhere", "not-found"]]) {
      await page.goto(`/${hash}`);
      await check(`anonymous-${name}`);
    }
    await login(page, ADMIN, ADMIN_PASSWORD);
    // The login's notice, dismissed: no empty bar stays.
    await page.getByRole("button", { name: "Dismiss" }).first().click();
    assert.deepEqual(await drawnHidden(page), [], "a dismissed notice is drawn");
    assert.equal(await page.locator("#notice").boundingBox(), null, "the notice takes no space");
    await uploadAndWait(page, transcriptFile("hidden-check.txt"));
    await check("tasks");
    await page.locator("li.task", { hasText: "hidden-check.txt" }).locator("a.task-name").first().click();
    await page.getByRole("heading", { name: "Summary" }).waitFor();
    await check("task");
    await page.getByRole("button", { name: "Edit" }).click();
    await check("editor");
    for (const [hash, name] of [["#/sessions", "sessions"], ["#/account", "account"], ["#/admin", "admin"]]) {
      await page.goto(`/${hash}`);
      await check(name);
    }
  } finally {
    await context.close();
  }
});

test("3. without a transcription backend the upload box offers transcripts only and refuses a recording in the page's language", async () => {
  for (const [locale, sentence, hint] of [
    ["en-US", "“call.wav” is a recording, and this server cannot transcribe recordings. Upload a transcript, or ask the administrator to connect a transcription service.", "This server cannot transcribe recordings: upload a transcript."],
    ["ja-JP", "「call.wav」は録音・録画ですが、このサーバーは録音・録画を文字起こしできません。文字起こしをアップロードするか、管理者に文字起こしサービスの接続を依頼してください。", "このサーバーは録音・録画を文字起こしできません。文字起こしをアップロードしてください。"],
  ]) {
    const { context, page } = await person(browser, { locale });
    try {
      let sent = 0;
      page.on("request", (r) => { if (r.url().endsWith("/api/upload")) sent += 1; });
      await page.goto("/");
      await page.getByText(hint).waitFor();
      const card = page.locator("section.upload");
      assert.equal(await card.getByText(/Recordings:|録音・録画:/).count(), 0, "no recordings listed");
      const accept = await page.locator("#upload-input").getAttribute("accept");
      assert.ok(accept.includes(".vtt") && !accept.includes(".wav") && !accept.includes(".mp3"), accept);
      await page.locator("#upload-input").setInputFiles({ name: "call.wav", mimeType: "audio/wav", buffer: WAV });
      await page.getByText(sentence).waitFor();
      assert.equal(sent, 0, "the recording was refused before uploading");
      await shot(page, locale === "en-US" ? "upload-capabilities" : "upload-capabilities-ja");
    } finally {
      await context.close();
    }
  }
});

test("3. a task failed for good offers no retry, says why in the page's language, and shows what went wrong in full to admins only", async () => {
  const { context, page } = await person(browser);
  try {
    const name = uniqueName("brk");
    await register(page, name);
    await page.goto("/");
    await page.locator("#upload-input").setInputFiles({ name: "broken.srt", mimeType: "application/x-subrip", buffer: BROKEN_SRT });
    const row = page.locator('li.task[data-status="failed"]', { hasText: "broken.srt" });
    await row.waitFor({ timeout: 30000 });
    await row.getByText(/The transcript cannot be read: .*timestamp/).waitFor();
    assert.equal(await row.getByRole("button", { name: "Try again" }).count(), 0, "no retry for a permanent failure");
    assert.equal(await row.getByText(/For administrators/).count(), 0, "the detail is for admins");
    await page.locator("#lang").selectOption("ja");
    await page.locator("li.task", { hasText: "broken.srt" }).getByText("文字起こしを読み取れません").waitFor();
    await shot(page, "task-failed-ja");
    await page.locator("#lang").selectOption("en");

    const admin = await person(browser);
    try {
      await login(admin.page, ADMIN, ADMIN_PASSWORD);
      await admin.page.goto("/#/admin");
      await admin.page.getByLabel("Owner (username)").fill(name);
      await admin.page.locator("section", { has: admin.page.locator("#adm-tasks") }).getByRole("button", { name: "Filter" }).click();
      const seen = admin.page.locator("#adm-tasks ~ ul li.task", { hasText: "broken.srt" });
      await seen.getByText(/The transcript cannot be read/).waitFor();
      await seen.getByText(/For administrators: .*timestamp/i).waitFor();
    } finally {
      await admin.context.close();
    }
  } finally {
    await context.close();
  }
});

test("4. wrong files are told apart: empty, not really what the name says, not a type this service reads", async () => {
  const { context, page } = await person(browser);
  try {
    await page.goto("/");
    const input = page.locator("#upload-input");
    await input.setInputFiles({ name: "empty.vtt", mimeType: "text/vtt", buffer: Buffer.alloc(0) });
    await page.getByText("“empty.vtt” is empty: there is nothing in it to make minutes from.").waitFor();
    // Sent, and refused by the server for what its bytes are.
    await input.setInputFiles({ name: "talk.vtt", mimeType: "text/vtt", buffer: Buffer.from("1\n00:00:00,000 --> 00:00:01,000\nhello\n") });
    await page.getByText("“talk.vtt” is not really a WebVTT subtitle file: its contents do not match its name.").waitFor();
    await input.setInputFiles({ name: "notes.exe", mimeType: "application/octet-stream", buffer: Buffer.from("MZ") });
    await page.getByText("“notes.exe” is a type of file this service does not read.").waitFor();
    await shot(page, "upload-wrong-files");
  } finally {
    await context.close();
  }
  // A Windows program renamed .mp3, on a server that takes recordings: the
  // page sends it, and the server tells it is no MP3.
  const other = await person(browser);
  try {
    const { page: p } = other;
    await p.route("**/api/capabilities", async (route) => {
      const response = await route.fetch();
      const caps = await response.json();
      await route.fulfill({ response, json: { ...caps, recordings: true, formats: { ...caps.formats, recordings: ["wav", "mp3"] } } });
    });
    await p.goto("/");
    await p.getByText("Recordings: wav, mp3.").waitFor();
    await p.locator("#upload-input").setInputFiles({ name: "setup.mp3", mimeType: "audio/mpeg", buffer: Buffer.from("MZ\x90\0\x03\0\0\0\x04\0", "latin1") });
    await p.getByText("“setup.mp3” is not really an MP3 file: its contents do not match its name.").waitFor();
  } finally {
    await other.context.close();
  }
});

test("5. edits that do not overlap merge: both people's changes are kept, without a question", async () => {
  const { owner, grantee, ownerName, granteeName } = await ownerAndGrantee("merge-review.txt");
  try {
    const a = owner.page;
    const b = grantee.page;
    await b.goto("/");
    await b.locator("li.task", { hasText: "merge-review.txt" }).locator("a.task-name").click();
    await b.getByRole("heading", { name: "Summary" }).waitFor();
    await a.getByRole("button", { name: "Edit" }).click();
    await b.getByRole("button", { name: "Edit" }).click();
    // The owner adds a decision; the grantee changes the title and saves first.
    const decisions = a.getByLabel("Decisions");
    await decisions.fill(`${await decisions.inputValue()}\nWe will hire a designer.`);
    await b.getByLabel("Title").fill("Billing review, merged");
    await b.getByRole("button", { name: "Save" }).click();
    await b.getByRole("heading", { name: "Billing review, merged" }).waitFor();
    await a.getByText(`${granteeName} saved version 2`).waitFor({ timeout: 10000 });
    await a.getByRole("button", { name: "Save" }).click();
    await a.getByText("Your changes were merged with version 2, saved meanwhile, and saved as version 3.").waitFor({ timeout: 10000 });
    assert.equal(await a.locator(".conflict:not([hidden])").count(), 0, "nothing to ask");
    await a.getByRole("heading", { name: "Billing review, merged" }).waitFor();
    await a.locator(".minutes").getByText("We will hire a designer.").waitFor();
    await a.screenshot({ path: shotPath("edit-merged") });
    // The grantee's page shows both, live.
    await b.getByText(`${ownerName} just saved version 3; it is shown now.`).waitFor({ timeout: 10000 });
    await b.locator(".minutes").getByText("We will hire a designer.").waitFor();
    await b.getByRole("heading", { name: "Billing review, merged" }).waitFor();

    // Both change the title, the owner the summary too: only the title is asked.
    await a.getByRole("button", { name: "Edit" }).click();
    await b.getByRole("button", { name: "Edit" }).click();
    await b.getByLabel("Title").fill("The grantee's title");
    await b.getByRole("button", { name: "Save" }).click();
    await b.getByRole("heading", { name: "The grantee's title" }).waitFor();
    await a.getByLabel("Title").fill("The owner's title");
    await a.getByLabel("Summary").fill("A summary only the owner wrote.");
    await a.getByRole("button", { name: "Save" }).click();
    const conflict = a.locator(".conflict");
    await conflict.getByRole("heading", { name: "Someone else saved first" }).waitFor({ timeout: 10000 });
    assert.equal(await conflict.locator("fieldset.conflict-field").count(), 1);
    await conflict.locator("legend", { hasText: "Title" }).waitFor();
    await conflict.scrollIntoViewIfNeeded();
    await a.screenshot({ path: shotPath("edit-conflict-choice") });
    await conflict.getByRole("radio", { name: /Version 4/ }).check();
    await conflict.getByRole("button", { name: "Save with these choices" }).click();
    await a.getByRole("heading", { name: "The grantee's title" }).waitFor();
    await a.locator(".minutes").getByText("A summary only the owner wrote.").waitFor();
    assert.deepEqual(a.errors, []);
    assert.deepEqual(b.errors, []);
  } finally {
    await owner.context.close();
    await grantee.context.close();
  }
});

test("6. permission changes arrive live, and notices that no longer apply go away", async () => {
  const { owner, grantee, ownerName, granteeName, href } = await ownerAndGrantee("access-live.txt", "view");
  try {
    const a = owner.page;
    const b = grantee.page;
    await b.goto(`/${href}`);
    await b.getByRole("heading", { name: "Summary" }).waitFor();
    const edit = b.locator(".toolbar").getByRole("button", { name: "Edit" });
    assert.equal(await edit.count(), 0, "a viewer has no Edit button");

    await setShare(a, href, granteeName, "edit");
    await edit.waitFor({ timeout: 10000 });
    await edit.click();
    await b.getByLabel("Title").fill("A draft the viewer will not save");

    await setShare(a, href, granteeName, "view");
    await b.getByText("You can now only view this meeting, so the editor was closed; your draft was not saved.").waitFor({ timeout: 10000 });
    assert.equal(await b.locator("form.editor").count(), 0, "the editor is gone");
    assert.equal(await edit.count(), 0, "and so is Edit");

    // A save by the owner is announced; losing the meeting clears that notice.
    await a.getByRole("button", { name: "Edit" }).click();
    await a.getByLabel("Title").fill("Saved by the owner");
    await a.getByRole("button", { name: "Save" }).click();
    await b.getByText(`${ownerName} just saved version 2; it is shown now.`).waitFor({ timeout: 10000 });
    await a.locator(".toolbar").getByRole("button", { name: "Share" }).click();
    await a.locator("dialog").locator(`li[data-username="${granteeName}"]`).getByRole("button", { name: "Stop sharing" }).click();
    await a.locator("dialog").getByText(`${granteeName} no longer has access.`).waitFor();
    await a.locator("dialog").getByRole("button", { name: "Close" }).click();
    await b.getByRole("heading", { name: "This meeting is no longer available" }).waitFor({ timeout: 10000 });
    assert.equal(await b.getByText("just saved version").count(), 0, "the notice about the meeting went with it");
    assert.equal(await b.locator("#notice").boundingBox(), null);

    // "Queued for processing" is said only while it is true.
    await a.goto("/");
    await a.locator("#upload-input").setInputFiles(transcriptFile("queued-notice.txt"));
    await a.locator('li.task[data-status="completed"]', { hasText: "queued-notice.txt" }).waitFor({ timeout: 30000 });
    await a.getByText("“queued-notice.txt” is uploaded and queued for processing.").waitFor({ state: "detached" });
  } finally {
    await owner.context.close();
    await grantee.context.close();
  }
});

test("7. an upload survives navigation, can be cancelled from any visit, and leaving the site asks first", async () => {
  const { context, page } = await person(browser);
  try {
    await page.goto("/");
    let release;
    const released = new Promise((resolve) => { release = resolve; });
    await page.route("**/api/upload", async (route) => {
      await released;
      await route.continue().catch(() => {});
    });
    await page.locator("#upload-input").setInputFiles(transcriptFile("long-upload.txt"));
    const sending = page.locator(".upload-line.sending", { hasText: "long-upload.txt" });
    await sending.waitFor();
    await page.locator("#nav").getByRole("link", { name: "My sessions" }).click();
    await page.getByRole("heading", { name: "My sessions" }).waitFor();
    await page.locator("#nav").getByRole("link", { name: "Meetings" }).click();
    await page.getByRole("heading", { name: "Meeting minutes" }).waitFor();
    await sending.getByText("Uploading “long-upload.txt”…").waitFor();
    await sending.getByRole("button", { name: "Cancel the upload of long-upload.txt" }).waitFor();
    await shot(page, "upload-after-navigation");

    // Leaving asks first (a real beforeunload prompt needs a gesture on the page).
    await page.locator("main h1").click();
    const asked = new Promise((resolve) => page.once("dialog", async (dialog) => {
      resolve(dialog.type());
      await dialog.dismiss();
    }));
    await page.close({ runBeforeUnload: true });
    assert.equal(await asked, "beforeunload");
    assert.equal(page.isClosed(), false, "the person chose to stay");

    // The held request is released only once the browser has given it up,
    // so what reaches the server afterwards is what a cancel lets through.
    const abandoned = page.waitForEvent("requestfailed", (r) => r.url().endsWith("/api/upload"));
    await sending.getByRole("button", { name: "Cancel the upload of long-upload.txt" }).click();
    await page.getByText("The upload of “long-upload.txt” was cancelled.").waitFor();
    await abandoned;
    release();
    assert.equal(await page.evaluate(() => {
      const e = new Event("beforeunload", { cancelable: true });
      window.dispatchEvent(e);
      return e.defaultPrevented;
    }), false, "nothing on its way: leaving does not ask");
    await page.unroute("**/api/upload");
    await uploadAndWait(page, transcriptFile("after-cancel.txt"));
    assert.equal(await page.locator("li.task", { hasText: "long-upload.txt" }).count(), 0);
  } finally {
    await context.close();
  }
});

test("8. an anonymous visitor is not offered to sign out all other devices; an account is", async () => {
  const { context, page } = await person(browser);
  try {
    await page.goto("/#/sessions");
    await page.getByRole("heading", { name: "My sessions" }).waitFor();
    await page.locator("li.session.current").waitFor();
    assert.equal(await page.getByRole("button", { name: "Sign out all other devices" }).count(), 0);
    assert.equal(await page.getByText("Sign out all other devices").count(), 0);
    await register(page, uniqueName("devices"));
    await page.goto("/#/sessions");
    await page.getByRole("button", { name: "Sign out all other devices" }).waitFor();
  } finally {
    await context.close();
  }
});

test("9. at 360 px the editor keeps Save in view and long fields grow with their text", async () => {
  const { context, page } = await person(browser, { width: 360 });
  try {
    await uploadAndWait(page, transcriptFile("narrow-editor.txt"));
    await page.locator("li.task", { hasText: "narrow-editor.txt" }).locator("a.task-name").click();
    await page.getByRole("button", { name: "Edit" }).click();
    const save = page.locator("form.editor").getByRole("button", { name: "Save" });
    const inView = async () => {
      const box = await save.boundingBox();
      return box.y >= 0 && box.y + box.height <= 800;
    };
    await page.getByText("No changes yet").waitFor();
    assert.ok(await inView(), "Save is in view at the top of the editor");
    // A long Japanese action: the field grows to show it all.
    const long = "来週の月曜日までに、請求ページの新しいデザイン案を三つ用意し、営業チームとサポートチームの両方から意見を集めたうえで、最終案を決める会議の日程を調整する。";
    const action = page.locator("textarea.a-text").first();
    const before = await action.evaluate((el) => el.clientHeight);
    await action.fill(long);
    await page.waitForTimeout(100);
    const [client, scroll] = await action.evaluate((el) => [el.clientHeight, el.scrollHeight]);
    assert.ok(scroll <= client + 1, `the whole text shows (${scroll} > ${client})`);
    assert.ok(client > before * 2, `the field grew (${before} → ${client})`);
    await page.getByText("Unsaved changes").waitFor();
    await action.scrollIntoViewIfNeeded();
    assert.ok(await inView(), "Save stays in view further down");
    await page.screenshot({ path: shotPath("editor-360-sticky") });
    await save.click();
    await page.getByText(/^Saved as version 2\.$/).waitFor();
    await page.locator(".minutes").getByText(long).waitFor();
    // The whole editor, for the eye (a full-page shot last: it upsets clicks after it).
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByText("No changes yet").waitFor();
    const tall = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(tall < 3500, `the editor page is ${tall} px tall`);
    await shot(page, "editor-360-full");
  } finally {
    await context.close();
  }
});

test("10. the admin's audit log is readable: names, sentences, sessions started left out, a time range", async () => {
  const { owner, grantee, ownerName, granteeName } = await ownerAndGrantee("audit-words.txt", "view");
  await owner.context.close();
  await grantee.context.close();
  const admin = await person(browser);
  try {
    const a = admin.page;
    await login(a, ADMIN, ADMIN_PASSWORD);
    await a.goto("/#/admin");
    const section = a.locator("section", { has: a.locator("#adm-audit") });
    const audit = section.locator("ol.audit > li");
    await audit.first().waitFor();
    assert.equal(await section.locator('li[data-kind="series_created"]').count(), 0, "sessions started are left out");
    const text = await section.locator("ol.audit").innerText();
    assert.doesNotMatch(text, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, "no ids, only names");
    await section.getByText(new RegExp(`${ownerName} shared “.+” with ${granteeName} \\(can view\\)\\.`)).first().waitFor();
    await section.getByText("A session without an account ended: replaced by a login.").first().waitFor();
    await section.screenshot({ path: shotPath("admin-audit-readable") });

    await section.getByLabel("Show sessions started").check();
    await section.getByRole("button", { name: "Filter" }).click();
    await section.locator('li[data-kind="series_created"]').first().waitFor();
    const tomorrow = new Date(Date.now() + 86400000);
    const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    await section.getByLabel("From").fill(local);
    await section.getByRole("button", { name: "Filter" }).click();
    await section.getByText("No events.").waitFor();
  } finally {
    await admin.context.close();
  }
});

test("11. dark colours follow the system, and the switch is kept", async () => {
  const { context, page } = await person(browser, { colorScheme: "dark" });
  try {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor || getComputedStyle(document.documentElement).backgroundColor);
    const lightness = async () => {
      const rgb = (await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).match(/\d+/g).map(Number);
      return (rgb[0] + rgb[1] + rgb[2]) / 3;
    };
    await uploadAndWait(page, transcriptFile("dark-mode.txt"));
    assert.ok((await lightness()) < 60, `dark by the system's choice (${await background()})`);
    await shot(page, "dark-tasks");
    await page.locator("li.task", { hasText: "dark-mode.txt" }).locator("a.task-name").click();
    await page.getByRole("button", { name: "Edit" }).click();
    await shot(page, "dark-editor");
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.locator("#theme").selectOption("light");
    assert.ok((await lightness()) > 200, "light when chosen");
    await page.reload();
    await page.getByRole("heading", { name: "Summary" }).waitFor();
    assert.equal(await page.locator("#theme").inputValue(), "light");
    assert.ok((await lightness()) > 200, "the choice is kept");
    await page.locator("#theme").selectOption("auto");
    assert.ok((await lightness()) < 60, "back to the system's");
  } finally {
    await context.close();
  }
});

test("11. every list says it is loading while it is read", async () => {
  const { context, page } = await person(browser);
  try {
    await register(page, uniqueName("slow"));
    // (index.html's own "Loading…" is gone once the page is up: these are the lists'.)
    for (const [pattern, hash, where] of [[/\/api\/tasks\?/, "#/", "main p.loading"], [/\/api\/sessions$/, "#/sessions", "ul.sessions li.loading"]]) {
      let release;
      const released = new Promise((resolve) => { release = resolve; });
      await page.route(pattern, async (route) => {
        await released;
        await route.continue();
      });
      await page.goto("/#/account");
      await page.getByRole("heading", { name: "Your account" }).waitFor();
      await page.goto(`/${hash}`);
      await page.locator(where, { hasText: "Loading…" }).waitFor();
      release();
      await page.locator(where).waitFor({ state: "hidden" });
      await page.unroute(pattern);
    }
  } finally {
    await context.close();
  }
});

test("11. the history compares two versions and says which version a restore came from", async () => {
  const { context, page } = await person(browser);
  try {
    await uploadAndWait(page, transcriptFile("history-compare.txt"));
    await page.locator("li.task", { hasText: "history-compare.txt" }).locator("a.task-name").click();
    await page.getByRole("heading", { name: "Summary" }).waitFor();
    const original = await page.locator("main h1").textContent();
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Title").fill("A title to compare");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "A title to compare" }).waitFor();
    await page.locator("details.history summary").click();
    await page.getByRole("button", { name: "Restore version 1" }).click();
    await page.getByText(/^Version 1 was restored as version 3\.$/).waitFor();
    const restored = page.locator('ol.revisions > li[data-version="3"]');
    await restored.getByText("restored from version 1").waitFor();
    await page.getByLabel("Compare version").selectOption("1");
    await page.getByLabel("with version").selectOption("2");
    await page.getByRole("button", { name: "Show differences" }).click();
    const diff = page.locator(".compare-result");
    await diff.getByText("From version 1 to version 2:").waitFor();
    await diff.locator("del", { hasText: original }).waitFor();
    await diff.locator("ins", { hasText: "A title to compare" }).waitFor();
    await page.locator("details.history").screenshot({ path: shotPath("history-compare") });
  } finally {
    await context.close();
  }
});
