// Browser tests of the meeting library, part 2 (issue 20): the list's
// filters kept in the URL (the back button returns to the previous ones),
// a shared meeting's badge filtering by its owner, mine and shared;
// a recording that plays from a transcript line, a decision and an action
// item, marks the line being spoken, and whose keys stay out of text
// fields; the transcript corrected in the page, a speaker renamed
// everywhere (action items' owners too) in one revision that reaches
// another open page live.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { launch, person, shot, uniqueName, register, uploadAndWait } from "./lib.mjs";

/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const LINES = [
  ["Alice", "Good morning, let's review the launch plan for the new billing page."],
  ["Bob", "The payment provider integration is finished and tested on staging."],
  ["Alice", "We decided to launch the billing page on Monday."],
  ["Priya", "I will update the help center articles by Friday."],
  ["Bob", "The error rate on staging is below one percent, which is fine."],
  ["Priya", "Agreed, the marketing email goes out on Tuesday."],
];

/** A WebVTT transcript of LINES, one every 10 seconds, under `name`. */
function timedTranscript(name) {
  const at = (s) => `00:00:${String(s).padStart(2, "0")}.000`;
  const cues = LINES.map(([who, text], i) => `${at(i * 10)} --> ${at(i * 10 + 9)}\n<v ${who}>${text}`);
  const path = join(mkdtempSync(join(tmpdir(), "minutes-lib2-")), name);
  writeFileSync(path, `WEBVTT\n\n${cues.join("\n\n")}\n`);
  return path;
}

/** A transcript whose file name dates its meeting. */
function datedTranscript(name) {
  const path = join(mkdtempSync(join(tmpdir(), "minutes-lib2-")), name);
  writeFileSync(path, LINES.map(([who, text]) => `${who}: ${text}`).join("\n") + "\n");
  return path;
}

/** `secs` seconds of silence as an 8 kHz, 8-bit mono WAV. */
function silentWav(secs) {
  const rate = 8000;
  const data = Buffer.alloc(rate * secs, 0x80);
  const head = Buffer.alloc(44);
  head.write("RIFF", 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write("WAVEfmt ", 8);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate, 28);
  head.writeUInt16LE(1, 32);
  head.writeUInt16LE(8, 34);
  head.write("data", 36);
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

const sql = (statement) => execFileSync("psql", [process.env.DATABASE_URL, "-Atqc", statement], { encoding: "utf8" }).trim();

/**
 * Makes the task of an uploaded timed transcript a recording of that
 * meeting: its stored file becomes a 70-second WAV. The server under test
 * has no transcription backend (the upload box's tests need it so), so this
 * is how a recording with known segment times comes to be here.
 */
function makeRecording(taskId) {
  assert.match(taskId, /^[0-9a-f-]{36}$/);
  const key = sql(`SELECT storage_key FROM tasks WHERE id = '${taskId}'`);
  const wav = silentWav(70);
  writeFileSync(join(process.env.MINUTES__STORAGE__DIR, key), wav);
  sql(`UPDATE tasks SET content_type = 'audio/wav', filename = 'standup.wav', size_bytes = ${wav.length} WHERE id = '${taskId}'`);
}

/** The filter bar's state in the page's URL. */
const urlFilters = (page) => Object.fromEntries(new URLSearchParams(new URL(page.url()).hash.split("?")[1] || ""));

test("the list's filters live in the URL, and the back button returns to the previous ones", async () => {
  const { context, page } = await person(browser);
  try {
    await register(page, uniqueName("flt"));
    await uploadAndWait(page, datedTranscript("review_2024-09-30.txt"));
    await uploadAndWait(page, datedTranscript("planning_2025-01-15.txt"));
    await uploadAndWait(page, datedTranscript("kickoff_2023-05-02.txt"));
    const rows = page.locator("li.task");
    const names = () => rows.locator(".file-name").allTextContents();
    assert.deepEqual(await names(), ["kickoff_2023-05-02.txt", "planning_2025-01-15.txt", "review_2024-09-30.txt"]);

    const bar = page.getByRole("search", { name: "Filter meetings" });
    await bar.getByLabel("Sort by").selectOption("meeting_date");
    await page.waitForURL(/sort=meeting_date/);
    await page.locator("li.task").nth(2).waitFor();
    assert.deepEqual(await names(), ["planning_2025-01-15.txt", "review_2024-09-30.txt", "kickoff_2023-05-02.txt"]);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "sort", "the focus stays on the control");

    await bar.getByLabel("Held from").fill("2024-01-01");
    await page.waitForURL(/from=2024-01-01/);
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 2);
    assert.deepEqual(await names(), ["planning_2025-01-15.txt", "review_2024-09-30.txt"]);

    await page.getByRole("search").getByLabel("Status").selectOption("failed");
    await page.getByText("No meetings match these filters.").waitFor();
    assert.deepEqual(urlFilters(page), { status: "failed", from: "2024-01-01", sort: "meeting_date" });
    await page.getByRole("search").getByLabel("Whose").selectOption("shared");
    await page.waitForURL(/scope=shared/);
    await shot(page, "library2-filters");

    await page.goBack();
    await page.waitForURL((u) => !u.hash.includes("scope="));
    await page.goBack();
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 2);
    assert.deepEqual(urlFilters(page), { from: "2024-01-01", sort: "meeting_date" });
    assert.equal(await page.getByRole("search").getByLabel("Status").inputValue(), "");
    assert.equal(await page.getByRole("search").getByLabel("Held from").inputValue(), "2024-01-01");

    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 3);
    assert.deepEqual(urlFilters(page), { sort: "meeting_date" });

    // A link with filters opens the list filtered, in Japanese too.
    await page.goto("/#/?status=completed&to=2024-12-31");
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 2);
    await page.locator("#lang").selectOption("ja");
    await page.getByRole("search", { name: "会議の絞り込み" }).getByLabel("開催日（まで）").waitFor();
    // The list is drawn again in Japanese: wait for it, then count.
    await page.locator("li.task").first().waitFor();
    assert.equal(await page.locator("li.task").count(), 2);
    await page.locator("#lang").selectOption("en");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("a shared meeting's badge lists that person's shares, and mine and shared split the list", async () => {
  const owner = await person(browser);
  const { context, page } = await person(browser);
  try {
    const ownerName = uniqueName("own");
    const me = uniqueName("me");
    await register(page, me);
    await uploadAndWait(page, datedTranscript("mine_2024-03-01.txt"));
    await register(owner.page, ownerName);
    const row = await uploadAndWait(owner.page, datedTranscript("theirs_2024-04-01.txt"));
    const taskId = await row.getAttribute("data-task-id");
    const status = await owner.page.evaluate(async ([id, grantee]) => {
      const { csrf_token } = await (await fetch("/api/session")).json();
      const res = await fetch(`/api/tasks/${id}/shares/${grantee}`, { method: "PUT", headers: { "X-CSRF-Token": csrf_token, "Content-Type": "application/json" }, body: JSON.stringify({ permission: "view" }) });
      return res.status;
    }, [taskId, me]);
    assert.equal(status, 200);

    await page.goto("/#/");
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 2);
    await page.locator("li.task a.badge.shared").click();
    await page.waitForURL(new RegExp(`owner=${ownerName}`));
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 1);
    assert.equal(await page.locator("li.task .file-name").textContent(), "theirs_2024-04-01.txt");
    await page.getByRole("search").getByText(`Shared by ${ownerName}`).waitFor();

    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 2);
    await page.getByRole("search").getByLabel("Whose").selectOption("mine");
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 1);
    assert.equal(await page.locator("li.task .file-name").textContent(), "mine_2024-03-01.txt");
    await page.getByRole("search").getByLabel("Whose").selectOption("shared");
    await page.waitForFunction(() => document.querySelector("li.task .file-name")?.textContent === "theirs_2024-04-01.txt");
    assert.equal(await page.locator("li.task").count(), 1);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
    await owner.context.close();
  }
});

test("a recording plays from a transcript line, a decision and an action item, marks the line spoken, and its keys stay out of text fields", async () => {
  const { context, page } = await person(browser);
  try {
    await register(page, uniqueName("rec"));
    const row = await uploadAndWait(page, timedTranscript("standup.vtt"));
    const taskId = await row.getAttribute("data-task-id");
    makeRecording(taskId);
    await page.goto(`/#/tasks/${taskId}`);
    const audio = page.locator("section.recording audio");
    await audio.waitFor();
    // The player comes before the minutes, at the top.
    assert.equal(await page.evaluate(() => Boolean(document.querySelector("section.recording").compareDocumentPosition(document.querySelector(".minutes-body")) & Node.DOCUMENT_POSITION_FOLLOWING)), true);
    await page.waitForFunction(() => document.querySelector("audio").readyState >= 1 && document.querySelector("audio").duration > 60);
    const time = () => audio.evaluate((a) => a.currentTime);
    const near = (secs) => page.waitForFunction((s) => Math.abs(document.querySelector("audio").currentTime - s) < 1.5, secs);
    const pause = () => audio.evaluate((a) => a.pause());
    const current = () => page.locator(".transcript li[aria-current='true']");

    await page.locator("#segment-3").click();
    await near(30);
    await pause();
    await page.waitForFunction(() => document.querySelector("#segment-3")?.getAttribute("aria-current") === "true");
    assert.equal(await current().count(), 1);

    const decision = page.locator(".minutes-section", { hasText: "Decisions" }).getByRole("button", { name: "Play from 0:20" });
    await decision.click();
    await near(20);
    await pause();
    await page.waitForFunction(() => document.querySelector("#segment-2")?.getAttribute("aria-current") === "true");

    const item = page.locator("ul.actions-list li", { hasText: "help center" }).getByRole("button", { name: "Play from 0:30" });
    await item.click();
    await near(30);
    await pause();

    // While it plays, the mark moves on to the next line when its moment comes.
    await audio.evaluate((a) => { a.currentTime = 38.5; });
    await page.waitForFunction(() => document.querySelector("#segment-3")?.getAttribute("aria-current") === "true");
    await audio.evaluate((a) => a.play());
    await page.waitForFunction(() => document.querySelector("#segment-4")?.getAttribute("aria-current") === "true", null, { timeout: 10000 });
    assert.equal(await current().count(), 1, "one line is marked");
    await pause();
    await shot(page, "library2-player");

    // Keys outside text fields drive the player.
    await page.locator("h1").click();
    const before = await time();
    await page.keyboard.press("ArrowRight");
    await near(before + 5);
    await page.keyboard.press("ArrowLeft");
    await near(before);
    await page.keyboard.press(" ");
    await page.waitForFunction(() => !document.querySelector("audio").paused);
    await page.keyboard.press(" ");
    await page.waitForFunction(() => document.querySelector("audio").paused);
    // Not with a modifier held.
    const held = await time();
    await page.keyboard.press("Control+ArrowRight");
    await page.keyboard.press("Shift+ArrowLeft");
    assert.ok(Math.abs((await time()) - held) < 0.01, "a key with a modifier is not the player's");

    // Nor inside a text field: there the keys type.
    await page.getByRole("button", { name: "Edit" }).click();
    const text = page.getByLabel("Text of line 2");
    await text.click();
    await text.press("End");
    const still = await time();
    await text.press(" ");
    await text.press("ArrowRight");
    await text.press("ArrowLeft");
    assert.ok((await text.inputValue()).endsWith("staging. "), "the space went into the text");
    assert.equal(await audio.evaluate((a) => a.paused), true, "space in a field does not play");
    assert.ok(Math.abs((await time()) - still) < 0.01, "arrows in a field do not seek");
    await page.getByRole("button", { name: "Cancel" }).click();
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("the transcript is corrected in the page, and a speaker renamed everywhere reaches another open page live in one revision", async () => {
  const { context, page } = await person(browser);
  try {
    await register(page, uniqueName("trn"));
    const row = await uploadAndWait(page, timedTranscript("rename.vtt"));
    const taskId = await row.getAttribute("data-task-id");
    const other = await context.newPage();
    const otherErrors = [];
    other.on("pageerror", (e) => otherErrors.push(String(e)));
    await other.goto(`/#/tasks/${taskId}`);
    await other.locator("#segment-3").waitFor();
    await page.goto(`/#/tasks/${taskId}`);
    await page.getByRole("button", { name: "Edit" }).click();

    await page.getByLabel("Text of line 2").fill("The payment provider integration is finished and tested on the staging servers.");
    // Only this line: Alice's first line was Alicia's.
    await page.getByLabel("Speaker of line 1").fill("Alicia");
    await page.getByLabel("Speaker of line 1").press("Tab");
    const dialog = page.locator("dialog.confirm[open]");
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Rename “Alice” to “Alicia” everywhere\? Other lines: 1; action items' owners: 0\./);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.locator("dialog.confirm").waitFor({ state: "detached" });
    assert.equal(await page.getByLabel("Speaker of line 3").inputValue(), "Alice");

    // Everywhere: Priya's lines and the action item she owns.
    const owners = () => page.locator(".a-owner").evaluateAll((els) => els.map((el) => el.value));
    assert.ok((await owners()).includes("Priya"), String(await owners()));
    await page.getByLabel("Speaker of line 4").fill("Priya Shah");
    await page.getByLabel("Speaker of line 4").press("Tab");
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Rename “Priya” to “Priya Shah” everywhere\? Other lines: 1; action items' owners: 1\./);
    await shot(page, "library2-rename-everywhere");
    await dialog.getByRole("button", { name: "Rename everywhere" }).click();
    // A dialog's close event comes a task after the click: the renaming follows it.
    await page.locator("dialog.confirm").waitFor({ state: "detached" });
    assert.equal(await page.getByLabel("Speaker of line 6").inputValue(), "Priya Shah");
    assert.ok((await owners()).includes("Priya Shah") && !(await owners()).includes("Priya"), String(await owners()));
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved as version 2.").waitFor();

    // The other page shows the new version without being touched.
    await other.locator("#segment-5 .speaker", { hasText: "Priya Shah" }).waitFor();
    assert.equal(await other.locator("#segment-3 .speaker").textContent(), "Priya Shah");
    assert.equal(await other.locator("#segment-0 .speaker").textContent(), "Alicia");
    assert.equal(await other.locator("#segment-2 .speaker").textContent(), "Alice");
    await other.locator("#segment-1", { hasText: "the staging servers" }).waitFor();
    await other.locator("ul.actions-list", { hasText: "Owner: Priya Shah" }).waitFor();
    const revisions = await page.evaluate(async (id) => (await (await fetch(`/api/tasks/${id}/minutes/revisions`)).json()).revisions.length, taskId);
    assert.equal(revisions, 2, "the upload's version and the one edit");
    assert.deepEqual(page.errors, []);
    assert.deepEqual(otherErrors, []);
  } finally {
    await context.close();
  }
});
