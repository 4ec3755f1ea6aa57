/**
 * The command example over the Node Dialer: output → messages, messages → stdin, and the close
 * handshake from both ends (process exit → close 1000 with the status; client close → stdin EOF,
 * then signals for a process that does not exit).
 */
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CloseError, TextMessage, dial, type Conn } from "../../src/index.js";
import { start, type CommandServer } from "../../examples/command/server.js";
import type { ProcessExit } from "../../examples/command/session.js";
import { within } from "./browser.js";

// A line-oriented child: upper-cases stdin lines, "quit" exits 3, "err" writes to stderr, EOF exits 0.
const UPPER = `
const rl = require("node:readline").createInterface({ input: process.stdin });
console.log("ready");
rl.on("line", (l) => {
  if (l === "quit") process.exit(3);
  if (l === "err") console.error("to stderr");
  else console.log(l.toUpperCase());
});
rl.on("close", () => { console.log("bye"); process.exit(0); });`;

// Ignores stdin EOF and SIGINT; dies on SIGTERM.
const STUBBORN = `process.on("SIGINT", () => {}); console.log("ready"); setInterval(() => {}, 1000);`;

async function text(conn: Conn): Promise<string> {
  return (await within(conn.readMessage(), 10_000, "readMessage")).data.toString();
}

describe("command example", () => {
  let srv: CommandServer | undefined;
  let ended: Promise<ProcessExit>;

  async function serve(script: string, closeGracePeriod = 2000): Promise<CommandServer> {
    let resolveEnd: (e: ProcessExit) => void;
    ended = new Promise((resolve) => (resolveEnd = resolve));
    srv = await start({
      port: 0, command: [process.execPath, "-e", script], closeGracePeriod, onSessionEnd: (e) => resolveEnd(e),
    });
    return srv;
  }
  afterEach(async () => {
    await srv?.close(1000);
    srv = undefined;
  });

  it("streams stdout and stderr lines to the client and its messages to stdin", async () => {
    const { conn } = await dial((await serve(UPPER)).wsUrl);
    assert.equal(await text(conn), "ready");
    await conn.writeMessage(TextMessage, "hello");
    assert.equal(await text(conn), "HELLO");
    await conn.writeMessage(TextMessage, "err");
    assert.equal(await text(conn), "to stderr");
    await conn.writeMessage(TextMessage, "ünï 🎉");
    assert.equal(await text(conn), "ÜNÏ 🎉");
    await conn.shutdown();
  });

  it("closes with 1000 and the exit status after the last output line when the process exits", async () => {
    const { conn } = await dial((await serve(UPPER)).wsUrl);
    assert.equal(await text(conn), "ready");
    await conn.writeMessage(TextMessage, "last words");
    await conn.writeMessage(TextMessage, "quit");
    assert.equal(await text(conn), "LAST WORDS");
    const err = await within(conn.readMessage().catch((e: unknown) => e), 10_000, "close");
    assert.ok(err instanceof CloseError, String(err));
    assert.equal(err.code, 1000);
    assert.equal(err.text, "exit 3");
    assert.deepEqual(await within(ended, 10_000, "session end"), { code: 3, signal: null });
  });

  it("closes stdin when the client closes; the process exits by itself", async () => {
    const { conn } = await dial((await serve(UPPER)).wsUrl);
    assert.equal(await text(conn), "ready");
    const answer = await conn.shutdown(1000, "done", 5000);
    assert.equal(answer?.code, 1000);
    assert.deepEqual(await within(ended, 10_000, "session end"), { code: 0, signal: null });
  });

  it("stops a process that ignores stdin EOF and SIGINT with SIGTERM after the grace periods", async () => {
    const { conn } = await dial((await serve(STUBBORN, 100)).wsUrl);
    assert.equal(await text(conn), "ready");
    await conn.shutdown();
    assert.deepEqual(await within(ended, 10_000, "session end"), { code: null, signal: "SIGTERM" });
  });

  it("closes with 1011 when the command cannot be started", async () => {
    srv = await start({ port: 0, command: ["/nonexistent/silverback-test-program"] });
    const { conn } = await dial(srv.wsUrl);
    const err = await within(conn.readMessage().catch((e: unknown) => e), 10_000, "close");
    assert.ok(err instanceof CloseError && err.code === 1011, String(err));
    assert.match(err.text, /ENOENT/);
  });

  it("server close() sends 1001 and stops the running processes", async () => {
    const server = await serve(UPPER);
    const { conn } = await dial(server.wsUrl);
    assert.equal(await text(conn), "ready");
    const read = conn.readMessage().catch((e: unknown) => e);
    await server.close(2000);
    srv = undefined;
    const err = await within(read, 10_000, "close");
    assert.ok(err instanceof CloseError && err.code === 1001, String(err));
    const exit = await within(ended, 10_000, "session end");
    assert.equal(exit.code, 0); // stdin EOF after the close handshake
  });
});
