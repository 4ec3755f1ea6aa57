/**
 * Dialer through real microsocks (RFC 1928 SOCKS5, RFC 1929 username/password): with and without
 * authentication, socks5: vs socks5h:, failures as BadHandshakeError { proxy: true, status 0 }.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import dns from "node:dns";
import net from "node:net";
import { Dialer } from "../../src/client/dialer.js";
import { BadHandshakeError, TimeoutError } from "../../src/errors.js";
import { TextMessage } from "../../src/constants.js";
import { peerMissing, startMicrosocks, type RunningProxy } from "../helpers/proxies.js";
import { assertNoLeaks, handles, silentServer, wsServer } from "./util.js";

const T = { timeout: 20_000 };
const AUTH = { user: "carol", password: "pa:ss w" };

async function echo(d: Dialer, url: string): Promise<void> {
  const { conn } = await d.dial(url);
  await conn.writeMessage(TextMessage, "socks");
  assert.equal((await conn.readMessage()).data.toString(), "socks");
  conn.close();
}

async function proxyFailure(d: Dialer, url: string): Promise<BadHandshakeError> {
  const err = await d.dial(url).catch((e: unknown) => e);
  assert.ok(err instanceof BadHandshakeError, String(err));
  assert.equal(err.proxy, true);
  assert.equal(err.response.status, 0);
  return err;
}

describe("Dialer through microsocks (socks5:, socks5h:)", { skip: peerMissing("microsocks") }, () => {
  let open: RunningProxy;
  let authed: RunningProxy;
  let srv: Awaited<ReturnType<typeof wsServer>>;
  // Name tests need "localhost" to reach the 127.0.0.1 server first.
  let localhostIs127 = false;
  before(async () => {
    open = await startMicrosocks();
    authed = await startMicrosocks(AUTH);
    srv = await wsServer();
    localhostIs127 = (await dns.promises.lookup("localhost")).address === "127.0.0.1";
  });
  after(async () => {
    await srv.close();
    await open.stop();
    await authed.stop();
  });

  it("Dialer.dial tunnels through SOCKS5 without authentication (IPv4 target)", T, async () => {
    const base = handles();
    await echo(new Dialer({ proxy: open.url("socks5") }), `ws://127.0.0.1:${srv.port}/`);
    await echo(new Dialer({ proxy: open.url("socks5h") }), `ws://127.0.0.1:${srv.port}/`);
    await assertNoLeaks(base);
  });

  it("Dialer.dial resolves names locally for socks5: and sends them for socks5h:", T, async (t) => {
    if (!localhostIs127) return t.skip("localhost does not resolve to 127.0.0.1 first here");
    const seen: string[] = [];
    srv.wss.on("connection", (_ws, req) => seen.push(String(req.headers.host)));
    await echo(new Dialer({ proxy: open.url("socks5") }), `ws://localhost:${srv.port}/`);
    await echo(new Dialer({ proxy: open.url("socks5h") }), `ws://localhost:${srv.port}/`);
    assert.deepEqual(seen, [`localhost:${srv.port}`, `localhost:${srv.port}`]);
  });

  it("Dialer.dial authenticates with RFC 1929 credentials from the proxy URL", T, async () => {
    const base = handles();
    await echo(new Dialer({ proxy: authed.url("socks5h", AUTH.user, AUTH.password) }), `ws://127.0.0.1:${srv.port}/`);
    await assertNoLeaks(base);
  });

  it("Dialer.dial fails wrong or missing SOCKS5 credentials with proxy: true", T, async () => {
    const base = handles();
    const wrong = await proxyFailure(new Dialer({ proxy: authed.url("socks5", AUTH.user, "nope") }), `ws://127.0.0.1:${srv.port}/`);
    assert.match(wrong.message, /authentication failed/);
    const none = await proxyFailure(new Dialer({ proxy: authed.url("socks5") }), `ws://127.0.0.1:${srv.port}/`);
    assert.match(none.message, /no acceptable authentication/);
    await assertNoLeaks(base);
  });

  it("Dialer.dial reports a target the proxy cannot reach as a SOCKS5 failure", T, async () => {
    const base = handles();
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await proxyFailure(new Dialer({ proxy: open.url("socks5") }), `ws://127.0.0.1:${port}/`);
    assert.match(err.message, /^websocket: SOCKS5 proxy: /);
    await assertNoLeaks(base);
  });
});

describe("Dialer: a SOCKS5 proxy that never answers", () => {
  it("the SOCKS5 greeting is bounded by handshakeTimeout", T, async () => {
    const base = handles();
    const px = await silentServer();
    const err = await new Dialer({ proxy: `socks5://127.0.0.1:${px.port}`, handshakeTimeout: 100 })
      .dial("ws://127.0.0.1:9/").catch((e: unknown) => e);
    assert.ok(err instanceof TimeoutError);
    await px.close();
    await assertNoLeaks(base);
  });

  it("a SOCKS5 proxy that closes during the greeting fails with proxy: true", T, async () => {
    const base = handles();
    const server = net.createServer((s) => { s.resume(); s.end(Buffer.from([5])); });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    const err = await proxyFailure(new Dialer({ proxy: `socks5://127.0.0.1:${port}` }), "ws://127.0.0.1:9/");
    assert.ok(err.cause instanceof Error);
    await new Promise<void>((r) => server.close(() => r()));
    await assertNoLeaks(base);
  });
});
