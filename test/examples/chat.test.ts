/**
 * The chat example: two Chromium pages talk through the server (DOM text assertions, no
 * screenshots), the hub's slow-client policy, and the `npm start` entry's signal handling.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { Duplex } from "node:stream";
import { BadHandshakeError, CloseError, PreparedMessage, TextMessage, dial, newConn } from "../../src/index.js";
import { start, type ChatServer } from "../../examples/chat/server.js";
import { Hub, type HubMember } from "../../examples/chat/hub.js";
import { ChatClient } from "../../examples/chat/client.js";
import { browserMissing, launchBrowser, within, type TestBrowser } from "./browser.js";

// Page functions run in the browser; this is the little of the DOM they use (no "dom" lib here).
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): Iterable<{ textContent: string | null }>;
};

const missing = await browserMissing();

async function logLines(page: Page): Promise<string[]> {
  return page.$$eval("#log div", (els) => els.map((e) => e.textContent ?? ""));
}

async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([sel, t]) => (document.querySelector(sel!)?.textContent ?? "").includes(t!),
    [selector, text], { timeout: 10_000 },
  );
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill("#msg", text);
  await page.click("#send");
}

describe("chat example in Chromium", { skip: missing ?? false }, () => {
  let browser: TestBrowser;
  let chat: ChatServer;
  before(async () => {
    browser = await launchBrowser();
    chat = await start({ port: 0 });
  });
  after(async () => {
    await chat?.close(1000);
    await browser?.close();
  });

  it("two pages exchange messages through the hub, then see close 1001 on shutdown", async () => {
    const context = await browser.newContext();
    const a = await context.newPage();
    const b = await context.newPage();
    for (const p of [a, b]) {
      await p.goto(chat.url, { timeout: 10_000 });
      await waitForText(p, "#status", "connected");
    }
    assert.equal(chat.hub.size, 2);

    await say(a, "hello from A");
    await waitForText(b, "#log", "hello from A");
    await say(b, "and hello from B <b>not bold</b>");
    await waitForText(a, "#log", "and hello from B");

    // Both pages saw both messages, in the same order; markup arrived as text.
    assert.deepEqual(await logLines(a), ["hello from A", "and hello from B <b>not bold</b>"]);
    assert.deepEqual(await logLines(b), ["hello from A", "and hello from B <b>not bold</b>"]);
    assert.equal(await b.$$eval("#log b", (els) => els.length), 0);

    const closed = await chat.close(5000);
    assert.equal(closed, 2);
    for (const p of [a, b]) await waitForText(p, "#status", "closed (1001 server shutting down)");
    await within(context.close(), 10_000, "context close");
  });
});

describe("chat example over the Node Dialer", () => {
  let chat: ChatServer;
  before(async () => {
    chat = await start({ port: 0, readLimit: 64 });
  });
  after(() => chat.close(1000));

  it("broadcasts to every client, sender included", async () => {
    const { conn: a } = await dial(chat.wsUrl);
    const { conn: b } = await dial(chat.wsUrl);
    await a.writeMessage(TextMessage, "  padded  ");
    assert.equal((await a.readMessage()).data.toString(), "padded");
    assert.equal((await b.readMessage()).data.toString(), "padded");
    await Promise.all([a.shutdown(), b.shutdown()]);
  });

  it("closes a client that exceeds the read limit with 1009; the others keep chatting", async () => {
    const { conn: big } = await dial(chat.wsUrl);
    const { conn: other } = await dial(chat.wsUrl);
    await big.writeMessage(TextMessage, "x".repeat(65));
    await assert.rejects(big.readMessage(), (err) => err instanceof CloseError && err.code === 1009);
    await other.writeMessage(TextMessage, "still here");
    assert.equal((await other.readMessage()).data.toString(), "still here");
    await other.shutdown();
  });

  it("refuses a cross-origin page with 403 and unknown paths with 404", async () => {
    const url = new URL(chat.wsUrl);
    await assert.rejects(dial(url, { Origin: "http://evil.example" }),
      (err) => err instanceof BadHandshakeError && err.response.status === 403);
    url.pathname = "/nope";
    await assert.rejects(dial(url), (err) => err instanceof BadHandshakeError && err.response.status === 404);
  });
});

describe("chat Hub", () => {
  function member(capacity: number): HubMember & { got: string[]; dropped: string | null } {
    const m = {
      got: [] as string[],
      dropped: null as string | null,
      send(pm: PreparedMessage) {
        if (m.got.length >= capacity) return false;
        m.got.push(String(pm.messageType));
        return true;
      },
      drop(reason: string) {
        m.dropped = reason;
      },
    };
    return m;
  }

  it("drops only the member whose queue is full, and stops sending to it", () => {
    const hub = new Hub();
    const fast = member(10);
    const slow = member(1);
    hub.register(fast);
    hub.register(slow);
    hub.broadcast("one");
    hub.broadcast("two");
    hub.broadcast("three");
    assert.equal(fast.got.length, 3);
    assert.equal(slow.got.length, 1);
    assert.equal(slow.dropped, "send queue full");
    assert.equal(hub.size, 1);
  });
});

describe("chat ChatClient", () => {
  it("a peer that never reads fills its bounded queue and is dropped; the others keep receiving", async () => {
    // A socket whose writes never complete: the kernel buffer of a peer that stopped reading.
    const stuck = new Duplex({ read() {}, write() {} });
    const hub = new Hub();
    const slow = new ChatClient(hub, newConn(stuck, { server: true, writeHighWaterMark: 1024 }), 4);
    const fast = { got: 0, send: () => ((fast.got += 1), true), drop: () => assert.fail("fast member dropped") };
    hub.register(fast);
    const running = slow.run();
    assert.equal(hub.size, 2);
    const big = "x".repeat(2048); // one message is over the high-water mark: the first write never settles
    for (let i = 0; i < 10; i++) hub.broadcast(big);
    assert.equal(hub.size, 1, "the slow client is out of the hub");
    assert.equal(fast.got, 10);
    await within(running, 10_000, "slow client's run() to end"); // shutdown gives up after 1 s, destroys the socket
    assert.ok(stuck.destroyed);
  });
});

describe("npm start entry (build/examples/chat/server.js)", () => {
  it("prints its URL, honours PORT, and on SIGTERM closes clients with 1001 and exits 0", async () => {
    const entry = fileURLToPath(new URL("../../examples/chat/server.js", import.meta.url));
    const proc = spawn(process.execPath, [entry], { env: { ...process.env, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    try {
      let out = "";
      const url = await within(new Promise<string>((resolve, reject) => {
        proc.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]!);
        });
        proc.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
      }), 10_000, "chat server start");
      const page = await fetch(url);
      assert.match(await page.text(), /<title>silverback chat<\/title>/);
      const { conn } = await dial(url.replace("http:", "ws:") + "ws");
      const exited = once(proc, "exit");
      const result = conn.readMessage().catch((err: unknown) => err);
      proc.kill("SIGTERM");
      const err = await within(result, 10_000, "close frame");
      assert.ok(err instanceof CloseError && err.code === 1001, String(err));
      const [code] = await within(exited, 10_000, "exit");
      assert.equal(code, 0);
      assert.match(out, /sent close 1001 to 1 client/);
    } finally {
      if (proc.exitCode === null) proc.kill("SIGKILL");
    }
  });
});
