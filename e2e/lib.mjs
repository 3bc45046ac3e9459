// Shared helpers of the browser tests: Debian's Chromium through
// playwright-core, one browser per test file, a fresh context per person.
import { chromium } from "playwright-core";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { mkdtempSync } from "node:fs";

export const BASE = process.env.E2E_BASE_URL || "http://localhost:18080";
export const SHOTS = process.env.E2E_SHOTS || "../target/e2e";
mkdirSync(SHOTS, { recursive: true });

/** Headless Chromium with the flags a closed network needs (Playwright gives it an empty profile). */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

/**
 * A new person: their own cookies and storage.
 * @param {import("playwright-core").Browser} browser
 * @param {{locale?: string, width?: number, colorScheme?: "light"|"dark"}} [opts]
 */
export async function person(browser, { locale = "en-US", width = 1100, colorScheme = "light" } = {}) {
  const context = await browser.newContext({
    baseURL: BASE,
    locale,
    colorScheme,
    viewport: { width, height: 800 },
    extraHTTPHeaders: locale.startsWith("ja") ? { "Accept-Language": "ja" } : {},
  });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource|WebSocket connection/.test(m.text())) page.errors.push(m.text());
  });
  return { context, page };
}

/** Where a screenshot called `name` goes. */
export const shotPath = (name) => join(SHOTS, `${name}.png`);

export async function shot(page, name) {
  await page.screenshot({ path: shotPath(name), fullPage: true });
}

/** A transcript the built-in summarizer turns into minutes. */
export function transcriptFile(name = "standup.txt") {
  const dir = mkdtempSync(join(tmpdir(), "minutes-up-"));
  const path = join(dir, name);
  writeFileSync(path, [
    "Alice: Good morning, let's review the launch plan for the new billing page.",
    "Bob: The payment provider integration is finished and tested on staging.",
    "Alice: We decided to launch the billing page on Monday.",
    "Carol: I will update the help center articles by Friday.",
    "Bob: The error rate on staging is below one percent, which is fine.",
    "Alice: Bob will monitor the dashboards after launch.",
    "Carol: Agreed, the marketing email goes out on Tuesday.",
  ].join("\n") + "\n");
  return path;
}

let counter = 0;
/** A username unique to this run. */
export function uniqueName(prefix) {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`.slice(0, 32);
}

export const PASSWORD = "correct horse battery staple";

/** Registers through the page; leaves it on the task list. */
export async function register(page, username, password = PASSWORD) {
  await page.goto("/#/register");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText(`Welcome, ${username}`).waitFor();
}

export async function login(page, username, password = PASSWORD) {
  await page.goto("/#/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.locator("form").getByRole("button", { name: "Log in" }).click();
  await page.getByText(`Logged in as ${username}`).waitFor();
}

/** Uploads a transcript and waits for its minutes; returns the task row locator. */
export async function uploadAndWait(page, file) {
  await page.goto("/#/");
  await page.locator("#upload-input").setInputFiles(file);
  const name = file.split("/").pop();
  const row = page.locator("li.task", { hasText: name }).first();
  await row.waitFor();
  await page.locator(`li.task[data-status="completed"]`, { hasText: name }).first().waitFor({ timeout: 30000 });
  return row;
}

/** True when the page scrolls sideways. */
export async function hasHorizontalScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}
