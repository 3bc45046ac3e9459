// Browser tests of the meeting library (issue 20): a meeting named by its
// minutes' title and dated by its meeting, renamed live in another tab; a
// search in Japanese and English whose hits lead to the transcript line
// they are in; the minutes copied as Markdown and printed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
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

/** A Japanese meeting's transcript, under a file name that dates it. */
function japaneseMeeting(name) {
  const path = join(mkdtempSync(join(tmpdir(), "minutes-lib-")), name);
  writeFileSync(path, [
    "第3四半期 定例会議",
    "",
    "田中: 本日は第3四半期の進捗を確認します。",
    "鈴木: 新しい請求画面の開発は予定どおり進んでいます。",
    "田中: 予算の見直しは来月の会議で決定します。",
    "佐藤: 資料は金曜日までに準備します。",
  ].join("\n") + "\n");
  return path;
}

test("a meeting is named by its title and date, and a rename reaches another open list live", async () => {
  const { context, page } = await person(browser);
  try {
    await register(page, uniqueName("lib"));
    const file = "定例会議_2024-09-30.txt";
    const row = await uploadAndWait(page, japaneseMeeting(file));
    await row.locator("a.task-name", { hasText: "第3四半期 定例会議" }).waitFor();
    assert.equal(await row.locator("time.meeting-date").textContent(), "2024-09-30");
    assert.equal(await row.locator(".file-name").textContent(), file);

    const other = await context.newPage();
    await other.goto("/#/");
    const otherRow = other.locator("li.task", { hasText: file });
    await otherRow.locator("a.task-name", { hasText: "第3四半期 定例会議" }).waitFor();

    await row.locator("a.task-name").click();
    await page.getByRole("heading", { name: "第3四半期 定例会議", level: 1 }).waitFor();
    await page.getByText("Held on 2024-09-30").waitFor();
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Title").fill("予算会議（9/30）");
    await page.getByLabel("Meeting date").fill("2024-10-01");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "予算会議（9/30）", level: 1 }).waitFor();
    await page.getByText("Held on 2024-10-01").waitFor();

    await otherRow.locator("a.task-name", { hasText: "予算会議（9/30）" }).waitFor();
    assert.equal(await otherRow.locator("time.meeting-date").textContent(), "2024-10-01");
    const md = await page.locator(".toolbar a", { hasText: "Download Markdown" }).getAttribute("href");
    const disposition = await page.evaluate(async (href) => (await fetch(href)).headers.get("content-disposition"), md);
    assert.match(disposition, /filename\*=UTF-8''2024-10-01%20/);
    assert.ok(decodeURIComponent(disposition.split("''")[1]).endsWith("2024-10-01 予算会議（9-30）.md"), disposition);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("a search finds a two-character Japanese word and an English stem, and a hit opens its transcript line", async () => {
  const { context, page } = await person(browser);
  try {
    await register(page, uniqueName("srch"));
    await uploadAndWait(page, japaneseMeeting("q3.txt"));
    const en = join(mkdtempSync(join(tmpdir(), "minutes-lib-")), "launch.txt");
    writeFileSync(en, "Priya: We decided to launch the mobile app on Monday.\nOmar: I will send the release notes by Friday.\n");
    await uploadAndWait(page, en);

    await page.getByRole("navigation").getByRole("link", { name: "Search" }).click();
    await page.getByRole("searchbox", { name: "Search meetings" }).fill("予算");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const result = page.locator("li.search-result").first();
    await result.waitFor();
    assert.equal(await page.locator("li.search-result").count(), 1);
    assert.equal(await result.locator("mark").first().textContent(), "予算");
    await shot(page, "library-search");

    const hit = result.locator("li.hit[data-part='transcript'] a.snippet").first();
    await hit.click();
    const line = page.locator(".transcript li.found");
    await line.waitFor();
    assert.match(await line.textContent(), /予算の見直し/);
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("found")), true);

    await page.goto("/#/search?q=decide");
    const found = page.locator("li.search-result");
    await found.first().waitFor();
    assert.equal(await found.count(), 1);
    assert.equal(await found.first().locator("mark").first().textContent(), "decided");
    await page.goto("/#/search?q=" + encodeURIComponent("存在しない語句"));
    await page.getByText("No meeting you can open says").waitFor();
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("the minutes copy as Markdown, and print without navigation or buttons, headed in the meeting's language", async () => {
  const { context, page } = await person(browser);
  try {
    await register(page, uniqueName("prn"));
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(page.url()).origin });
    const row = await uploadAndWait(page, japaneseMeeting("print_2024-09-30.txt"));
    await row.locator("a.task-name").click();
    await page.getByRole("heading", { name: "第3四半期 定例会議", level: 1 }).waitFor();

    await page.getByRole("button", { name: "Copy as Markdown" }).click();
    await page.getByText("The minutes are copied as Markdown.").waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.ok(copied.startsWith("# 第3四半期 定例会議\n"), copied.slice(0, 80));
    assert.match(copied, /## 決定事項/);

    await page.emulateMedia({ media: "print" });
    for (const selector of [".topbar", ".toolbar", ".history", ".crumbs"]) {
      const shown = await page.locator(selector).first().evaluate((el) => getComputedStyle(el).display !== "none").catch(() => false);
      assert.equal(shown, false, `${selector} is not printed`);
    }
    assert.equal(await page.locator("main button:visible").count(), 0, "no button is printed");
    const headings = await page.locator(".minutes-section[lang='ja'] h2").allTextContents();
    assert.ok(headings.includes("決定事項"), headings.join(","));
    const breaks = await page.locator(".minutes-section").evaluateAll((els) => els.map((el) => getComputedStyle(el).breakBefore));
    assert.deepEqual(breaks.slice(1).filter((b) => b !== "page"), [], "each later section starts a page");
    await shot(page, "library-print-preview");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
