// Browser tests of "My action items" (issue 20): a speaker name claimed on
// the items page makes that speaker's item the person's; ticking it there
// marks it done on the meeting page open in another tab, live; and the
// calendar address serves the open, dated items as iCalendar that an
// independent parser (ical.js) reads, without cookies. The page in Japanese.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import ICAL from "ical.js";
import { launch, person, shot, uniqueName, register, uploadAndWait } from "./lib.mjs";

/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A meeting held on Monday 2026-10-05, where Omar takes on a task due on Friday. */
function meeting(name) {
  const path = join(mkdtempSync(join(tmpdir(), "minutes-items-")), name);
  writeFileSync(path, [
    "Launch sync 2026-10-05",
    "",
    "Priya: We decided to launch the mobile app on Monday.",
    "Omar: I will send the release notes by Friday.",
    "Priya: The beta feedback was positive overall.",
  ].join("\n") + "\n");
  return path;
}

/** The calendar at `url`, fetched as a calendar app does (no cookies), parsed by ical.js. */
async function calendarEvents(url) {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/calendar/);
  const calendar = new ICAL.Component(ICAL.parse(await res.text()));
  assert.equal(calendar.name, "vcalendar");
  return calendar.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
}

test("an item ticked on the items page is done on the open meeting page at once, and leaves the calendar", async () => {
  const { context, page } = await person(browser);
  try {
    await register(page, uniqueName("itm"));
    const row = await uploadAndWait(page, meeting("launch_2026-10-05.txt"));
    const href = await row.locator("a.task-name").getAttribute("href");

    const meetingPage = await context.newPage();
    await meetingPage.goto(`/${href}`);
    const onMeeting = meetingPage.locator(".actions-list li", { hasText: "release notes" });
    await onMeeting.waitFor();
    assert.equal(await meetingPage.locator(".actions-list li.done").count(), 0);
    assert.ok(await meetingPage.locator(".toolbar a", { hasText: "Download DOCX" }).isVisible());

    await page.getByRole("link", { name: "My action items" }).click();
    await page.getByRole("heading", { name: "My action items", level: 1 }).waitFor();
    await page.getByText("No action item names you yet").waitFor();
    await page.getByLabel("Speaker names that mean you").fill("Omar");
    await page.getByRole("button", { name: "Save names" }).click();
    const mine = page.locator("li.item", { hasText: "release notes" });
    await mine.waitFor();
    assert.match(await mine.locator("a").getAttribute("href"), /^#\/tasks\/[0-9a-f-]{36}\?segment=\d+$/);
    await mine.getByText("Due 2026-10-09").waitFor();

    await page.getByRole("button", { name: "Create a calendar address" }).click();
    const url = await page.getByLabel("Calendar address").inputValue();
    const events = await calendarEvents(url);
    assert.equal(events.length, 1);
    assert.match(events[0].summary, /release notes/);
    assert.ok(events[0].startDate.isDate, "an all-day event");
    assert.equal(events[0].startDate.toString(), "2026-10-09");
    await shot(page, "items");

    await mine.getByRole("checkbox").check();
    await meetingPage.locator(".actions-list li.done", { hasText: "release notes" }).waitFor();
    await page.locator("li.item.done", { hasText: "release notes" }).waitFor();
    assert.deepEqual(await calendarEvents(url), [], "a done item is not due any more");

    await page.locator("#lang").selectOption("ja");
    await page.getByRole("heading", { name: "自分のアクションアイテム", level: 1 }).waitFor();
    await page.locator("li.item.done").getByText("完了").waitFor();
    await page.getByRole("button", { name: "アドレスを作り直す" }).waitFor();
    await shot(page, "items-ja");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
