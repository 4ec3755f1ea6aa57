/**
 * The echo example: its page in headless Chromium (open, send, see the echo, close), and its Node
 * client and server over the Dialer.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { BinaryMessage, CloseError, TextMessage, dial } from "../../src/index.js";
import { start, type EchoServer } from "../../examples/echo/server.js";
import { runEchoClient } from "../../examples/echo/client.js";
import { browserMissing, launchBrowser, within, type TestBrowser } from "./browser.js";

// Page functions run in the browser; this is the little of the DOM they use (no "dom" lib here).
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): Iterable<{ textContent: string | null }>;
};

const missing = await browserMissing();

function waitForLine(page: Page, line: string): Promise<unknown> {
  return page.waitForFunction(
    (l) => [...document.querySelectorAll("#output div")].some((d) => d.textContent === l),
    line, { timeout: 10_000 },
  );
}

describe("echo example in Chromium", { skip: missing ?? false }, () => {
  let browser: TestBrowser;
  let srv: EchoServer;
  before(async () => {
    browser = await launchBrowser();
    srv = await start({ port: 0 });
  });
  after(async () => {
    await srv?.close(1000);
    await browser?.close();
  });

  it("two pages each get their own echoes and close with 1000", async () => {
    const context = await browser.newContext();
    const pages = [await context.newPage(), await context.newPage()];
    for (const [i, page] of pages.entries()) {
      await page.goto(srv.url, { timeout: 10_000 });
      await page.click("#open");
      await waitForLine(page, "OPEN");
      await page.fill("#input", `hello from page ${i} ✓`);
      await page.click("#send");
    }
    for (const [i, page] of pages.entries()) {
      await waitForLine(page, `RESPONSE: hello from page ${i} ✓`);
      await page.click("#close"); // close(1000, "bye"); the server's default handler echoes the code only
      await waitForLine(page, "CLOSE 1000");
      const lines = await page.$$eval("#output div", (els) => els.map((e) => e.textContent));
      assert.deepEqual(lines, ["OPEN", `SEND: hello from page ${i} ✓`, `RESPONSE: hello from page ${i} ✓`, "CLOSE 1000"]);
    }
    await within(context.close(), 10_000, "context close");
  });
});

describe("echo example over the Node Dialer", () => {
  let srv: EchoServer;
  const errors: unknown[] = [];
  let waiter: ((err: unknown) => void) | null = null;
  before(async () => {
    srv = await start({
      port: 0,
      onError: (err) => {
        errors.push(err);
        waiter?.(err);
      },
    });
  });
  after(() => srv.close(1000));

  it("runEchoClient gets every line back and completes the close handshake", async () => {
    const replies: string[] = [];
    const closed = await runEchoClient(srv.wsUrl, ["one", "two", "", "ünïcödé 🎉"], (r) => replies.push(r));
    assert.deepEqual(replies, ["one", "two", "", "ünïcödé 🎉"]);
    assert.ok(closed instanceof CloseError && closed.code === 1000, String(closed));
    assert.deepEqual(errors, []);
  });

  it("runEchoClient takes an async iterable of lines", async () => {
    async function* lines(): AsyncGenerator<string> {
      yield "a";
      yield "b";
    }
    const replies: string[] = [];
    await runEchoClient(srv.wsUrl, lines(), (r) => replies.push(r));
    assert.deepEqual(replies, ["a", "b"]);
  });

  it("echoes binary as binary, byte for byte", async () => {
    const { conn } = await dial(srv.wsUrl);
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
    await conn.writeMessage(BinaryMessage, bytes);
    const m = await conn.readMessage();
    assert.equal(m.messageType, BinaryMessage);
    assert.deepEqual(new Uint8Array(m.data), bytes);
    await conn.writeMessage(TextMessage, "text");
    assert.equal((await conn.readMessage()).messageType, TextMessage);
    assert.equal((await conn.shutdown())?.code, 1000);
  });

  it("reports an unexpected close (a dropped TCP connection) to onError", async () => {
    const { conn } = await dial(srv.wsUrl);
    await conn.writeMessage(TextMessage, "x");
    await conn.readMessage();
    const seen = new Promise<unknown>((resolve) => (waiter = resolve));
    conn.close(); // no close frame: the server sees 1006
    const err = await within(seen, 5000, "onError");
    assert.ok(err instanceof CloseError && err.code === 1006, String(err));
  });
});
