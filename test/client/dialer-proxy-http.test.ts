/**
 * Dialer through HTTP CONNECT proxies (RFC 9110 §9.3.6): real tinyproxy with Basic auth (200, 407),
 * a TLS CONNECT proxy written here (https: proxies), env proxies, and proxy-stage timeouts.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import { Dialer } from "../../src/client/dialer.js";
import { BadHandshakeError, TimeoutError } from "../../src/errors.js";
import { TextMessage } from "../../src/constants.js";
import { peerMissing, startTinyproxy, type RunningProxy } from "../helpers/proxies.js";
import { opensslMissing, testCerts, type TestCerts } from "../helpers/certs.js";
import { assertNoLeaks, handles, listen, silentServer, wsServer } from "./util.js";

const T = { timeout: 20_000 };
const AUTH = { user: "alice", password: "s3cret" };

/** A netDial that records where it dialed. */
function recordingDial(log: string[]) {
  return ({ host, port }: { host: string; port: number }): Duplex => {
    log.push(`${host}:${port}`);
    return net.connect(port, host);
  };
}

describe("Dialer through tinyproxy (http: CONNECT)", { skip: peerMissing("tinyproxy") }, () => {
  let proxy: RunningProxy;
  let open: RunningProxy;
  let srv: Awaited<ReturnType<typeof wsServer>>;
  before(async () => {
    proxy = await startTinyproxy(AUTH);
    open = await startTinyproxy();
    srv = await wsServer();
  });
  after(async () => {
    await srv.close();
    await proxy.stop();
    await open.stop();
  });

  it("Dialer.dial tunnels through the proxy with Proxy-Authorization from userinfo", T, async () => {
    const log: string[] = [];
    const d = new Dialer({ proxy: proxy.url("http", AUTH.user, AUTH.password), netDial: recordingDial(log) });
    const { conn, response } = await d.dial(`ws://127.0.0.1:${srv.port}/`);
    assert.deepEqual(log, [`127.0.0.1:${proxy.port}`]);
    assert.equal(response.status, 101);
    await conn.writeMessage(TextMessage, "via proxy");
    assert.equal((await conn.readMessage()).data.toString(), "via proxy");
    conn.close();
  });

  it("Dialer.dial rejects a 407 with BadHandshakeError { proxy: true } and the proxy's answer", T, async () => {
    const base = handles();
    // tinyproxy answers 407 without credentials and 401 with wrong ones.
    for (const [url, status] of [[proxy.url("http", AUTH.user, "wrong"), 401], [proxy.url("http"), 407]] as const) {
      const err = await new Dialer({ proxy: url }).dial(`ws://127.0.0.1:${srv.port}/`).catch((e: unknown) => e);
      assert.ok(err instanceof BadHandshakeError, String(err));
      assert.equal(err.proxy, true);
      assert.equal(err.response.status, status);
      assert.match(err.message, new RegExp(`^websocket: proxy refused CONNECT: ${status} `));
      assert.ok(err.response.body.length > 0 && err.response.body.length <= 1024);
    }
    await assertNoLeaks(base);
  });

  it("Dialer.dial accepts a bare host:port proxy and a proxy function", T, async () => {
    const bare = await new Dialer({ proxy: `127.0.0.1:${open.port}` }).dial(`ws://127.0.0.1:${srv.port}/`);
    bare.conn.close();
    const asked: string[] = [];
    const fn = new Dialer({ proxy: async (u) => { asked.push(u.href); return new URL(open.url("http")); } });
    const r = await fn.dial(`ws://127.0.0.1:${srv.port}/p`);
    assert.deepEqual(asked, [`ws://127.0.0.1:${srv.port}/p`]);
    r.conn.close();
  });

  it("Dialer.dial uses HTTP_PROXY from the environment for a non-loopback host", T, async () => {
    const saved = { ...process.env };
    process.env["HTTP_PROXY"] = open.url("http");
    delete process.env["NO_PROXY"];
    delete process.env["no_proxy"];
    delete process.env["REQUEST_METHOD"];
    const log: string[] = [];
    try {
      const err = await new Dialer({ netDial: recordingDial(log), handshakeTimeout: 15_000 })
        .dial("ws://silverback-test.invalid/").catch((e: unknown) => e);
      assert.deepEqual(log, [`127.0.0.1:${open.port}`]);
      assert.ok(err instanceof BadHandshakeError && err.proxy, String(err));
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});

describe("Dialer through an https: proxy (TLS to the proxy, then CONNECT)", { skip: await opensslMissing() }, () => {
  let certs: TestCerts;
  before(async () => { certs = await testCerts(); });

  /** A minimal CONNECT proxy over TLS: checks Proxy-Authorization, then pipes both ways. */
  async function tlsProxy(expectedAuth: string) {
    const seen: string[] = [];
    const server = tls.createServer({ key: certs.serverKey, cert: certs.serverCert }, (client) => {
      client.on("error", () => {});
      let buf = "";
      const onData = (d: Buffer): void => {
        buf += d.toString("latin1");
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        client.off("data", onData);
        const head = buf.slice(0, end);
        seen.push(head);
        const auth = /^proxy-authorization: *(.*)$/im.exec(head)?.[1];
        if (auth !== expectedAuth) return void client.end("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\nauth");
        const [, host, port] = /^CONNECT (.+):(\d+) HTTP\/1\.1/.exec(head)!;
        const upstream = net.connect(Number(port), host!.replace(/^\[|\]$/g, ""));
        upstream.on("error", () => client.destroy());
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
        upstream.once("connect", () => {
          client.write("HTTP/1.1 200 Connection established\r\n\r\n");
          client.pipe(upstream);
          upstream.pipe(client);
        });
      };
      client.on("data", onData);
    });
    server.on("tlsClientError", () => {});
    return Object.assign(await listen(server), { seen });
  }

  it("Dialer.dial reaches ws: and wss: servers through a TLS CONNECT proxy", T, async () => {
    const base = handles();
    const auth = "Basic " + Buffer.from("bob:pw").toString("base64");
    const px = await tlsProxy(auth);
    const srv = await wsServer();
    const d = new Dialer({ proxy: `https://bob:pw@localhost:${px.port}`, tlsClientConfig: { ca: certs.ca } });
    const { conn } = await d.dial(`ws://127.0.0.1:${srv.port}/`);
    assert.match(px.seen[0]!, new RegExp(`^CONNECT 127\\.0\\.0\\.1:${srv.port} HTTP/1\\.1\\r\\nHost: 127\\.0\\.0\\.1:${srv.port}\\r\\n`));
    await conn.writeMessage(TextMessage, "tls proxy");
    assert.equal((await conn.readMessage()).data.toString(), "tls proxy");
    conn.close();
    const bad = await new Dialer({ proxy: `https://localhost:${px.port}`, tlsClientConfig: { ca: certs.ca } })
      .dial(`ws://127.0.0.1:${srv.port}/`).catch((e: unknown) => e);
    assert.ok(bad instanceof BadHandshakeError && bad.proxy && bad.response.status === 407);
    assert.equal(bad.response.body.toString(), "auth");
    await srv.close();
    await px.close();
    await assertNoLeaks(base);
  });
});

describe("Dialer: the proxy stage is bounded by handshakeTimeout and signal", () => {
  it("a CONNECT that is never answered times out; an abort rejects with its reason", T, async () => {
    const base = handles();
    const px = await silentServer();
    const err = await new Dialer({ proxy: `http://127.0.0.1:${px.port}`, handshakeTimeout: 100 }).dial("ws://example.test/")
      .catch((e: unknown) => e);
    assert.ok(err instanceof TimeoutError);
    await px.close();
    const px2 = await silentServer();
    const ac = new AbortController();
    void px2.accepted.then(() => setImmediate(() => ac.abort("stop")));
    const p = new Dialer({ proxy: `http://127.0.0.1:${px2.port}` }).dial("ws://example.test/", undefined, { signal: ac.signal });
    assert.equal(await p.catch((e: unknown) => e), "stop");
    await px2.close();
    await assertNoLeaks(base);
  });
});
