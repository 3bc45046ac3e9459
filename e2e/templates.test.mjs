// Browser tests of templates (docs/web.md, "Templates"): a person makes a
// template, uploads a meeting with it, regenerates the minutes with a
// built-in one, and the history says so; the built-ins in Japanese.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, person, shot, transcriptFile, uniqueName, register } from "./lib.mjs";

let browser;
let me;
const templateName = `Retro ${uniqueName("t")}`;

before(async () => {
  browser = await launch();
  me = await person(browser);
  await register(me.page, uniqueName("tpl"));
});
after(async () => {
  await browser?.close();
});

test("a template made on the Templates page lays out the minutes of an upload", async () => {
  const page = me.page;
  await page.locator("#nav").getByRole("link", { name: "Templates" }).click();
  await page.getByRole("heading", { name: "Built-in templates" }).waitFor();
  await page.locator("ul.templates.builtin li", { hasText: "Stand-up" }).waitFor();
  await page.getByRole("button", { name: "New template" }).click();
  const form = page.locator("form.template-form");
  await form.getByLabel("Name").fill(templateName);
  await form.locator('input[name="use-decisions"]').uncheck();
  await form.locator('input[name="use-transcript"]').uncheck();
  await form.locator('input[name="heading-summary"]').fill("What we noticed");
  await form.locator('input[name="order-summary"]').fill("2");
  await form.locator('input[name="heading-action_items"]').fill("Try next sprint");
  await form.locator('input[name="order-action_items"]').fill("1");
  await form.getByRole("button", { name: "Save template" }).click();
  await page.getByText(`The template “${templateName}” was created.`).waitFor();
  await page.locator("ul.templates.own li", { hasText: templateName }).getByText("Try next sprint · What we noticed").waitFor();
  await shot(page, "templates");

  await page.goto("/#/");
  const choice = page.locator("#upload-template");
  await choice.locator("option", { hasText: templateName }).waitFor({ state: "attached" });
  await choice.selectOption({ label: templateName });
  await page.locator("#upload-input").setInputFiles(transcriptFile("retro.txt"));
  await page.locator('li.task[data-status="completed"]', { hasText: "retro.txt" }).waitFor({ timeout: 30000 });
  await page.locator("li.task", { hasText: "retro.txt" }).locator("a.task-name").click();
  const headings = page.locator(".minutes h2");
  await headings.first().waitFor();
  assert.deepEqual(await headings.allTextContents(), ["Try next sprint", "What we noticed"]);
});

test("regenerating with a built-in template adds a version the history names", async () => {
  const page = me.page;
  await page.getByRole("button", { name: "Regenerate with template…" }).click();
  const form = page.locator("form.regenerate");
  await form.getByLabel("Template").locator("option", { hasText: "Stand-up" }).waitFor({ state: "attached" });
  await form.getByLabel("Template").selectOption({ label: "Stand-up" });
  // The notice saying it is queued can be replaced at once by the one
  // saying the new version arrived: the answer to the request is what counts.
  const accepted = page.waitForResponse((r) => r.url().endsWith("/minutes/regenerate") && r.request().method() === "POST");
  await form.getByRole("button", { name: "Regenerate" }).click();
  assert.equal((await accepted).status(), 202);
  await page.locator(".minutes h2", { hasText: "Updates" }).waitFor({ timeout: 30000 });
  const headings = await page.locator(".minutes h2").allTextContents();
  assert.deepEqual(headings, ["Updates", "Next steps", "Decisions"]);

  await page.locator("details.history summary").click();
  const newest = page.locator("ol.revisions > li").first();
  await newest.getByText("regenerated with template Stand-up").waitFor();
  await page.locator('ol.revisions > li[data-version="1"]').getByText("made from the upload").waitFor();
  await shot(page, "regenerated");
  assert.deepEqual(page.errors, []);
});

test("the Templates page and the built-ins are in Japanese too", async () => {
  const ja = await person(browser, { locale: "ja-JP" });
  await ja.page.goto("/#/templates");
  await ja.page.getByRole("heading", { name: "組み込みのテンプレート" }).waitFor();
  await ja.page.locator("ul.templates.builtin li", { hasText: "朝会" }).getByText("進捗 · 次にやること · 決定事項").waitFor();
  await ja.page.getByText("自分のテンプレートはまだありません。").waitFor();
  await shot(ja.page, "templates-ja");
  await ja.context.close();
});
