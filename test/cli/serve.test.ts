/**
 * `silverback serve` spawned as a process: echo and broadcast modes, static files (and refused
 * traversal), origin and subprotocol options, SIGTERM shutdown with close 1001, and the
 * `serve` + `connect` pair talking to each other.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BadHandshakeError, BinaryMessage, CloseError, TextMessage, dial } from "../../src/index.js";
import { runCli, type Cli } from "./run.js";

async function serve(args: string[] = []): Promise<{ cli: Cli; http: string; ws: string }> {
  const cli = runCli(["serve", "--port", "0", ...args]);
  const m = await cli.waitFor("stdout", /listening on http:\/\/127\.0\.0\.1:(\d+)\//);
  return { cli, http: `http://127.0.0.1:${m[1]}`, ws: `ws://127.0.0.1:${m[1]}` };
}

/** GET with the path sent as is (fetch would normalize "/../"). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(base + "/", { path }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => (body += d)).on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject).end();
  });
}

describe("silverback serve", () => {
  it("echoes text and binary on any path; SIGTERM closes clients with 1001 and exits 0", async () => {
    const { cli, ws } = await serve();
    try {
      const { conn } = await dial(`${ws}/any/path?x=1`);
      await conn.writeMessage(TextMessage, "hi ✓");
      assert.deepEqual(await conn.readMessage(), { messageType: TextMessage, data: Buffer.from("hi ✓") });
      await conn.writeMessage(BinaryMessage, Uint8Array.of(1, 2, 3));
      assert.deepEqual(await conn.readMessage(), { messageType: BinaryMessage, data: Buffer.of(1, 2, 3) });
      await cli.waitFor("stderr", /\+ 127\.0\.0\.1:\d+ \/any\/path\?x=1 \(1 connected\)/);

      const closing = conn.readMessage().catch((e: unknown) => e);
      cli.proc.kill("SIGTERM");
      const err = await closing;
      assert.ok(err instanceof CloseError && err.code === 1001, String(err));
      assert.equal(err.text, "server shutting down");
      assert.equal(await cli.exited(), 0);
    } finally {
      cli.kill();
    }
  });

  it("--broadcast sends each message to every client", async () => {
    const { cli, ws } = await serve(["--broadcast"]);
    try {
      const { conn: a } = await dial(ws);
      const { conn: b } = await dial(ws);
      await cli.waitFor("stderr", /\(2 connected\)/);
      await a.writeMessage(TextMessage, "to everyone");
      assert.equal((await a.readMessage()).data.toString(), "to everyone");
      assert.equal((await b.readMessage()).data.toString(), "to everyone");
      await b.writeMessage(BinaryMessage, Uint8Array.of(9));
      assert.equal((await a.readMessage()).messageType, BinaryMessage);
      await Promise.all([a.shutdown(), b.shutdown()]);
      await cli.waitFor("stderr", /\(0 connected\)/);
    } finally {
      cli.kill();
    }
  });

  it("--static serves files and index.html, and refuses paths out of the directory", async () => {
    const root = mkdtempSync(join(tmpdir(), "silverback-static-"));
    const dir = join(root, "site");
    mkdirSync(join(dir, "sub"), { recursive: true });
    writeFileSync(join(dir, "index.html"), "<h1>home</h1>");
    writeFileSync(join(dir, "sub", "app.js"), "console.log(1)");
    writeFileSync(join(root, "secret.txt"), "do not serve");
    const { cli, http, ws } = await serve(["--static", dir]);
    try {
      const home = await fetch(`${http}/`);
      assert.equal(home.status, 200);
      assert.match(home.headers.get("content-type")!, /text\/html/);
      assert.equal(await home.text(), "<h1>home</h1>");
      const js = await fetch(`${http}/sub/app.js`);
      assert.match(js.headers.get("content-type")!, /text\/javascript/);
      assert.equal(await js.text(), "console.log(1)");
      assert.equal((await fetch(`${http}/missing.txt`)).status, 404);
      for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/sub/..%2f..%2fsecret.txt"]) {
        const r = await rawGet(http, path);
        assert.equal(r.status, 404, path);
        assert.doesNotMatch(r.body, /do not serve/);
      }
      const { conn } = await dial(ws); // the page's origin (same host) is accepted
      await conn.writeMessage(TextMessage, "still a websocket server");
      assert.equal((await conn.readMessage()).data.toString(), "still a websocket server");
      await conn.shutdown();
    } finally {
      cli.kill();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("accepts only same-origin browsers unless --any-origin; -s picks a subprotocol", async () => {
    const strict = await serve();
    const open = await serve(["--any-origin", "-s", "chat,superchat"]);
    try {
      await assert.rejects(dial(strict.ws, { Origin: "http://elsewhere.test" }),
        (err) => err instanceof BadHandshakeError && err.response.status === 403);
      await strict.cli.waitFor("stderr", /refused 127\.0\.0\.1: .*origin not allowed/);
      const { conn } = await dial(open.ws, { Origin: "http://elsewhere.test", "Sec-WebSocket-Protocol": "superchat" });
      assert.equal(conn.subprotocol(), "superchat");
      await conn.shutdown();
    } finally {
      strict.cli.kill();
      open.cli.kill();
    }
  });

  it("connect and serve talk to each other", async () => {
    const { cli: server, ws } = await serve(["--compress"]);
    const client = runCli(["connect", "--compress", ws]);
    try {
      client.write("round\ntrip ✓\n");
      client.end();
      assert.equal(await client.exited(), 0);
      assert.equal(client.stdout, "round\ntrip ✓\n");
      assert.match(client.stderr, /extensions: permessage-deflate/);
    } finally {
      client.kill();
      server.kill();
    }
  });

  it("bad options exit 2", async () => {
    for (const args of [["--port", "http"], ["--port", "70000"], ["--static", "/nonexistent/silverback"], ["extra"]]) {
      const cli = runCli(["serve", ...args]);
      assert.equal(await cli.exited(), 2, args.join(" "));
      assert.match(cli.stderr, /usage: silverback serve/);
    }
  });
});
