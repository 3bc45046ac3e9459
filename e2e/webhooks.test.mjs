// Browser tests of the account page's webhooks (issue 22): an endpoint
// added in the page gets a signed test event at a receiver on loopback (the
// signature checked here with node's own HMAC), the delivery log shows it
// and sends it again; an endpoint that keeps failing is turned off, the
// page says so and turns it back on; the secret is rotated and the
// endpoint deleted; the section speaks Japanese too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHmac } from "node:crypto";
import { launch, person, shot, uniqueName, register, hasHorizontalScroll } from "./lib.mjs";

/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A receiver on loopback answering `status()` and keeping each request. */
async function receiver(status) {
  const got = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      got.push({ headers: req.headers, body });
      res.writeHead(status()).end();
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}/hook`, got, close: () => server.close() };
}

/** Whether a request carries a `v1` signature by `secret` (whsec_…). */
function signedBy(secret, { headers, body }) {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const mac = createHmac("sha256", key).update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`).digest("base64");
  return headers["webhook-signature"].split(" ").includes(`v1,${mac}`);
}

async function until(what, check) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`gave up waiting until ${what}`);
}

test("a webhook added in the page is signed, logged, redelivered, disabled, enabled, rotated and deleted", async () => {
  let failing = false;
  const hook = await receiver(() => (failing ? 500 : 204));
  const { context, page } = await person(browser);
  try {
    await register(page, uniqueName("hook"));
    await page.goto("/#/account");
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.getByText("No webhooks yet.").waitFor();
    await page.getByLabel("Address (URL)").fill(hook.url);
    await page.getByLabel("Processing failed").check();
    await page.getByRole("button", { name: "Add webhook" }).click();
    const secretBox = page.getByLabel("Signing secret", { exact: true });
    await secretBox.waitFor();
    const secret = await secretBox.inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const item = page.locator("ul.webhooks li.session");
    await item.waitFor();
    assert.ok(!(await item.textContent()).includes(secret), "the list never shows the secret");
    await item.getByText("Minutes are ready, Processing failed").waitFor();
    await shot(page, "webhooks-created");

    await item.getByRole("button", { name: "Send test event" }).click();
    await until("the test event arrives", () => hook.got.length === 1);
    assert.ok(signedBy(secret, hook.got[0]), "signed with the secret shown");
    assert.equal(JSON.parse(hook.got[0].body).type, "webhook.test");
    const log = item.locator("table.webhook-deliveries");
    await until("the log shows it delivered", async () => {
      await item.getByRole("button", { name: "Refresh" }).click();
      return (await log.locator("tbody tr", { hasText: "Delivered" }).count()) === 1;
    });
    await log.getByRole("cell", { name: "204" }).waitFor();
    await shot(page, "webhooks-log");
    await log.getByRole("button", { name: "Send again" }).click();
    await until("the redelivery arrives", () => hook.got.length === 2);
    assert.equal(hook.got[1].headers["webhook-id"], hook.got[0].headers["webhook-id"], "the same message id");

    // Three failures in a row (the browser test's webhooks.max_failures) turn it off.
    failing = true;
    await item.getByRole("button", { name: "Send test event" }).click();
    await until("three attempts arrive", () => hook.got.length === 5);
    await until("the page shows it off", async () => {
      await page.reload();
      return (await page.getByRole("alert").filter({ hasText: "This webhook was turned off" }).count()) === 1;
    });
    await item.getByText("Disabled").waitFor();
    assert.equal(await item.getByRole("button", { name: "Send test event" }).count(), 0);
    await shot(page, "webhooks-disabled");
    failing = false;
    await item.getByRole("button", { name: "Turn back on" }).click();
    await item.getByRole("button", { name: "Send test event" }).waitFor();
    assert.equal(await item.getByText("This webhook was turned off").count(), 0);

    await item.getByRole("button", { name: "New secret" }).click();
    await page.locator("dialog").getByRole("button", { name: "New secret" }).click();
    await until("a new secret is shown", async () => (await secretBox.count()) === 1 && (await secretBox.inputValue()) !== secret);
    const rotated = await secretBox.inputValue();
    await item.getByText("Old secret valid until").waitFor();
    await item.getByRole("button", { name: "Send test event" }).click();
    await until("the next event arrives", () => hook.got.length === 6);
    assert.ok(signedBy(rotated, hook.got[5]) && signedBy(secret, hook.got[5]), "signed with both secrets");

    await item.getByRole("button", { name: `Delete the webhook for ${hook.url}` }).click();
    await page.locator("dialog").getByRole("button", { name: "Delete" }).click();
    await page.getByText("No webhooks yet.").waitFor();
    assert.deepEqual(page.errors, []);
  } finally {
    hook.close();
    await context.close();
  }
});

test("the webhooks section speaks Japanese and fits 360 px", async () => {
  const hook = await receiver(() => 204);
  const { context, page } = await person(browser, { locale: "ja-JP", width: 360 });
  try {
    await page.goto("/#/register");
    await page.locator("input[name=username]").fill(uniqueName("hookja"));
    await page.locator("input[name=password]").fill("correct horse battery staple");
    await page.locator("form button[type=submit]").click();
    await page.waitForURL(/#\/$/);
    await page.goto("/#/account");
    await page.getByRole("heading", { name: "Webhook", exact: true }).waitFor();
    await page.getByText("Webhook はまだありません。").waitFor();
    await page.getByLabel("議事録ができたとき").waitFor();
    await page.getByLabel("送信先アドレス（URL）").fill("ftp://example.com/");
    await page.getByRole("button", { name: "Webhook を追加" }).click();
    await page.getByText("送信先アドレスが正しくありません").first().waitFor();
    await page.getByLabel("送信先アドレス（URL）").fill(hook.url);
    await page.getByRole("button", { name: "Webhook を追加" }).click();
    await page.getByLabel("署名用の秘密鍵").waitFor();
    const item = page.locator("ul.webhooks li.session");
    await item.getByRole("button", { name: "テスト送信" }).click();
    await until("the test event arrives", () => hook.got.length === 1);
    await until("the log shows it delivered", async () => {
      await item.getByRole("button", { name: "更新" }).click();
      return (await item.locator("table.webhook-deliveries tbody tr", { hasText: "送信済み" }).count()) === 1;
    });
    assert.equal(await hasHorizontalScroll(page), false, "the page scrolls sideways at 360 px");
    await shot(page, "webhooks-ja");
    assert.deepEqual(page.errors, []);
  } finally {
    hook.close();
    await context.close();
  }
});
