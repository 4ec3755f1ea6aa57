/**
 * `silverback connect` spawned with piped stdin/stdout against real servers: messages both ways,
 * the close handshake at EOF, subprotocols, headers, compression, keepalive, TLS, and the exit
 * codes and messages of every failure.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer as createHttpsServer } from "node:https";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import {
  BinaryMessage, ClosePolicyViolation, TextMessage, Upgrader, isCloseError,
} from "../../src/index.js";
import { opensslMissing, testCerts } from "../helpers/certs.js";
import { runCli, testServer } from "./run.js";

describe("silverback connect", () => {
  it("sends stdin lines, prints text and binary (hex), and closes with 1000 at the end of stdin", async () => {
    const got: string[] = [];
    let closedWith: unknown;
    const srv = await testServer(async (conn) => {
      got.push((await conn.readMessage()).data.toString());
      await conn.writeMessage(TextMessage, "from server ✓");
      await conn.writeMessage(BinaryMessage, Uint8Array.of(0, 1, 0xfe, 0xff));
      try {
        for await (const m of conn) got.push(m.data.toString());
      } catch (err) {
        closedWith = err;
      }
    });
    const cli = runCli(["connect", srv.url]);
    try {
      await cli.waitFor("stderr", /connected to ws:\/\/127\.0\.0\.1/);
      cli.write("hello\n");
      await cli.waitFor("stdout", /\[binary 4 bytes\] 0001feff\n/);
      cli.write("second line\nthird\n");
      cli.end();
      assert.equal(await cli.exited(), 0);
      assert.equal(cli.stdout, "from server ✓\n[binary 4 bytes] 0001feff\n");
      assert.match(cli.stderr, /closed: 1000 \(normal\)/);
      assert.deepEqual(got, ["hello", "second line", "third"]);
      assert.equal(closedWith, undefined); // the server's loop ended on a normal close
    } finally {
      cli.kill();
      await srv.close();
    }
  });

  it("prints replies that arrive after stdin ended, until the server's close frame (echo a | connect)", async () => {
    const srv = await testServer(async (conn) => {
      for await (const m of conn) await conn.writeMessage(TextMessage, m.data.toString().toUpperCase());
    });
    const cli = runCli(["connect", srv.url]);
    try {
      cli.write("one\ntwo\n");
      cli.end();
      assert.equal(await cli.exited(), 0);
      assert.equal(cli.stdout, "ONE\nTWO\n");
    } finally {
      cli.kill();
      await srv.close();
    }
  });

  it("Ctrl-C (SIGINT) runs the close handshake and exits 0", async () => {
    let serverSaw: unknown = "nothing";
    const srv = await testServer(async (conn) => {
      await conn.writeMessage(TextMessage, "ready");
      serverSaw = await conn.readMessage().catch((e: unknown) => e);
    });
    const cli = runCli(["connect", srv.url]);
    try {
      await cli.waitFor("stdout", /ready\n/);
      cli.proc.kill("SIGINT");
      assert.equal(await cli.exited(), 0);
      assert.ok(isCloseError(serverSaw, 1000), String(serverSaw));
    } finally {
      cli.kill();
      await srv.close();
    }
  });

  it("offers subprotocols with -s, sends -H headers, and reports the server's choice", async () => {
    const srv = await testServer(async (conn) => {
      await conn.writeMessage(TextMessage, `protocol=${conn.subprotocol()}`);
      for await (const _ of conn);
    }, { subprotocols: ["chat", "superchat"], checkOrigin: () => true });
    const cli = runCli(["connect", "-s", "v2.proto, superchat", "-s", "chat", "-H", "X-Token: abc 123",
      "-H", "X-Multi: 1", "-H", "X-Multi: 2", "--header=Origin: http://example.test", srv.url]);
    try {
      await cli.waitFor("stdout", /protocol=chat\n/);
      assert.match(cli.stderr, /subprotocol: chat/);
      const req = srv.requests[0]!;
      assert.equal(req.headers["sec-websocket-protocol"], "v2.proto, superchat, chat");
      assert.equal(req.headers["x-token"], "abc 123");
      assert.equal(req.headers["x-multi"], "1, 2");
      assert.equal(req.headers["origin"], "http://example.test");
      cli.end();
      assert.equal(await cli.exited(), 0);
    } finally {
      cli.kill();
      await srv.close();
    }
  });

  it("offers permessage-deflate with --compress", async () => {
    const srv = await testServer(async (conn) => {
      for await (const m of conn) await conn.writeMessage(m.messageType, m.data);
    }, { enableCompression: true });
    const cli = runCli(["connect", "--compress", srv.url]);
    try {
      const line = "compressible ".repeat(500);
      cli.write(line + "\n");
      await cli.waitFor("stdout", /compressible \n/);
      assert.match(cli.stderr, /extensions: permessage-deflate/);
      assert.match(String(srv.requests[0]!.headers["sec-websocket-extensions"]), /permessage-deflate/);
      cli.end();
      assert.equal(await cli.exited(), 0);
      assert.equal(cli.stdout, line + "\n");
    } finally {
      cli.kill();
      await srv.close();
    }
  });

  it("--ping pings a quiet server and exits 1 when nothing comes back", async () => {
    let pings = 0;
    const srv = await testServer(async (conn) => {
      conn.setPingHandler(() => void pings++); // never answers: a dead peer, as seen from the client
      await conn.readMessage().catch(() => {});
    });
    const cli = runCli(["connect", "--ping", "100", srv.url]);
    try {
      assert.equal(await cli.exited(), 1);
      assert.match(cli.stderr, /keepalive ping timeout/);
      assert.ok(pings >= 1);
    } finally {
      cli.kill();
      await srv.close();
    }
  });

  it("exits 1 with the code and reason when the server closes with an error code", async () => {
    const srv = await testServer(async (conn) => {
      await conn.readMessage();
      await conn.shutdown(ClosePolicyViolation, "no swearing", 2000);
    });
    const cli = runCli(["connect", srv.url]);
    try {
      cli.write("darn\n");
      assert.equal(await cli.exited(), 1);
      assert.match(cli.stderr, /closed: 1008 \(policy violation\) no swearing/);
    } finally {
      cli.kill();
      await srv.close();
    }
  });

  it("exits 0 when the server closes normally while stdin is still open", async () => {
    const srv = await testServer(async (conn) => {
      await conn.writeMessage(TextMessage, "bye now");
      const answer = await conn.shutdown(1001, "restarting", 2000);
      assert.ok(isCloseError(answer, 1001), String(answer));
    });
    const cli = runCli(["connect", srv.url]);
    try {
      assert.equal(await cli.exited(), 0);
      assert.equal(cli.stdout, "bye now\n");
      assert.match(cli.stderr, /closed: 1001 \(going away\) restarting/);
    } finally {
      cli.kill();
      await srv.close();
    }
  });

  it("handshake refused: prints the status and body, exits 3", async () => {
    const srv = await testServer(async () => {}, { checkOrigin: () => false });
    const cli = runCli(["connect", "-H", "Origin: http://elsewhere.test", srv.url]);
    try {
      assert.equal(await cli.exited(), 3);
      assert.match(cli.stderr, /bad handshake: the server answered HTTP 403 Forbidden/);
      assert.match(cli.stderr, /request origin not allowed by Upgrader\.CheckOrigin/);
      assert.equal(cli.stdout, "");
    } finally {
      cli.kill();
      await srv.close();
    }
  });

  it("a plain HTTP server (no upgrade): exits 3 with its status and body", async () => {
    const { createServer: http } = await import("node:http");
    const server = http((_, res) => res.writeHead(404, { "content-type": "text/plain" }).end("no websockets here\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const cli = runCli(["connect", `ws://127.0.0.1:${(server.address() as AddressInfo).port}/x`]);
    try {
      assert.equal(await cli.exited(), 3);
      assert.match(cli.stderr, /HTTP 404 Not Found\nno websockets here/);
    } finally {
      cli.kill();
      server.closeAllConnections();
      server.close();
    }
  });

  it("unreachable server: exits 4 with the system error", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const cli = runCli(["connect", `ws://127.0.0.1:${port}/`]);
    assert.equal(await cli.exited(), 4);
    assert.match(cli.stderr, /cannot connect: .*ECONNREFUSED/);
  });

  it("bad usage exits 2 with a reason and the usage text", async () => {
    const cases: [string[], RegExp][] = [
      [["connect"], /exactly one URL/],
      [["connect", "http://127.0.0.1:1/"], /not a ws:\/\/ or wss:\/\/ URL/],
      [["connect", "-H", "no colon here", "ws://127.0.0.1:1/"], /bad header/],
      [["connect", "--ping", "soon", "ws://127.0.0.1:1/"], /--ping wants an integer/],
      [["connect", "--bogus", "ws://127.0.0.1:1/"], /Unknown option '--bogus'/],
      [["frobnicate"], /unknown command "frobnicate"/],
      [[], /no command given/],
    ];
    for (const [args, re] of cases) {
      const cli = runCli(args);
      assert.equal(await cli.exited(), 2, args.join(" "));
      assert.match(cli.stderr, re);
      assert.match(cli.stderr, /usage: silverback/);
    }
  });

  it("--help and --version exit 0", async () => {
    const help = runCli(["connect", "--help"]);
    assert.equal(await help.exited(), 0);
    assert.match(help.stdout, /--subprotocol/);
    const version = runCli(["--version"]);
    assert.equal(await version.exited(), 0);
    assert.match(version.stdout, /^silverback \d+\.\d+\.\d+/);
  });

  it("wss: a self-signed certificate fails with exit 4 unless --insecure", async (t) => {
    const why = await opensslMissing();
    if (why) return t.skip(why);
    const certs = await testCerts();
    const server = createHttpsServer({ cert: certs.selfSignedCert, key: certs.selfSignedKey });
    const upgrader = new Upgrader();
    server.on("upgrade", async (req, socket, head) => {
      const conn = await upgrader.upgrade(req, socket, head).catch(() => null);
      if (conn) for await (const m of conn) await conn.writeMessage(m.messageType, m.data);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `wss://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const strict = runCli(["connect", url]);
      assert.equal(await strict.exited(), 4);
      assert.match(strict.stderr, /self[- ]signed/i);

      const insecure = runCli(["connect", "--insecure", url]);
      insecure.write("over tls\n");
      insecure.end();
      assert.equal(await insecure.exited(), 0);
      assert.equal(insecure.stdout, "over tls\n");
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
