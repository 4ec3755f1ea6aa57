/**
 * Dialer over TLS with certificates generated at test time: CA trust, SNI servername, client
 * certificates, rejectUnauthorized, Node's certificate error codes, netDialTLS, TLS-stage timeouts.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import tls from "node:tls";
import { Dialer } from "../../src/client/dialer.js";
import { TimeoutError } from "../../src/errors.js";
import { TextMessage } from "../../src/constants.js";
import { opensslMissing, testCerts, type TestCerts } from "../helpers/certs.js";
import { assertNoLeaks, handles, silentServer, wsServer } from "./util.js";

const T = { timeout: 20_000 };
const skip = await opensslMissing();
let certs: TestCerts;

async function wssServer(extra: https.ServerOptions = {}): Promise<Awaited<ReturnType<typeof wsServer>> & { servernames: unknown[]; peers: tls.PeerCertificate[] }> {
  const base = https.createServer({ key: certs.serverKey, cert: certs.serverCert, ...extra });
  const servernames: unknown[] = [];
  const peers: tls.PeerCertificate[] = [];
  base.on("secureConnection", (s: tls.TLSSocket) => { servernames.push(s.servername); peers.push(s.getPeerCertificate()); });
  base.on("tlsClientError", () => {});
  return Object.assign(await wsServer({}, base), { servernames, peers });
}

function rejection(p: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  return p.then(() => assert.fail("dial resolved"), (e: NodeJS.ErrnoException) => e);
}

describe("Dialer over TLS (wss:)", { skip }, () => {
  before(async () => { certs = await testCerts(); });

  it("Dialer.dial trusts the CA of tlsClientConfig, sends SNI for a name, and exchanges messages", T, async () => {
    const base = handles();
    const srv = await wssServer();
    const d = new Dialer({ proxy: null, tlsClientConfig: { ca: certs.ca } });
    const { conn } = await d.dial(`wss://localhost:${srv.port}/`);
    assert.equal(srv.servernames[0], "localhost");
    await conn.writeMessage(TextMessage, "over tls");
    assert.equal((await conn.readMessage()).data.toString(), "over tls");
    conn.close();
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial sends no SNI for an IP literal (RFC 6066 §3) and checks the IP SAN", T, async () => {
    const base = handles();
    const srv = await wssServer();
    const { conn } = await new Dialer({ proxy: null, tlsClientConfig: { ca: certs.ca } }).dial(`wss://127.0.0.1:${srv.port}/`);
    assert.equal(srv.servernames[0], false);
    conn.close();
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial uses tlsClientConfig.servername for SNI and the certificate check", T, async () => {
    const base = handles();
    const other = tls.createSecureContext({ key: certs.otherKey, cert: certs.otherCert });
    const srv = await wssServer({ SNICallback: (name, cb) => cb(null, name === "other.test" ? other : undefined) });
    const d = new Dialer({ proxy: null, tlsClientConfig: { ca: certs.ca, servername: "other.test" } });
    const { conn } = await d.dial(`wss://127.0.0.1:${srv.port}/`);
    assert.equal(srv.servernames[0], "other.test");
    conn.close();
    const wrong = new Dialer({ proxy: null, tlsClientConfig: { ca: certs.ca, servername: "wrong.test" } });
    assert.equal((await rejection(wrong.dial(`wss://127.0.0.1:${srv.port}/`))).code, "ERR_TLS_CERT_ALTNAME_INVALID");
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial rejects with Node's error code for an untrusted CA and a self-signed certificate", T, async () => {
    const base = handles();
    const srv = await wssServer();
    const err = await rejection(new Dialer({ proxy: null }).dial(`wss://localhost:${srv.port}/`));
    assert.match(String(err.code), /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/);
    await srv.close();
    const self = await wssServer({ key: certs.selfSignedKey, cert: certs.selfSignedCert });
    const err2 = await rejection(new Dialer({ proxy: null, tlsClientConfig: { ca: certs.ca } }).dial(`wss://localhost:${self.port}/`));
    assert.equal(err2.code, "DEPTH_ZERO_SELF_SIGNED_CERT");
    const { conn } = await new Dialer({ proxy: null, tlsClientConfig: { rejectUnauthorized: false } }).dial(`wss://localhost:${self.port}/`);
    conn.close();
    await self.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial presents a client certificate; without one the server refuses", T, async () => {
    const base = handles();
    const srv = await wssServer({ requestCert: true, rejectUnauthorized: true, ca: certs.ca });
    const d = new Dialer({ proxy: null, tlsClientConfig: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } });
    const { conn } = await d.dial(`wss://localhost:${srv.port}/`);
    assert.equal(srv.peers[0]!.subject.CN, "silverback-client");
    conn.close();
    await rejection(new Dialer({ proxy: null, tlsClientConfig: { ca: certs.ca } }).dial(`wss://localhost:${srv.port}/`));
    await srv.close();
    await assertNoLeaks(base);
  });

  it("Dialer.dial uses netDialTLS's stream as already secure and ignores tlsClientConfig", T, async () => {
    const base = handles();
    const srv = await wssServer();
    const seen: Array<{ host: string; port: number; servername: string }> = [];
    const d = new Dialer({
      proxy: null, tlsClientConfig: { ca: "not a certificate" },
      netDialTLS: ({ host, port, servername }) => {
        seen.push({ host, port, servername });
        return tls.connect({ host: "127.0.0.1", port: srv.port, servername, ca: certs.ca });
      },
    });
    const { conn } = await d.dial(`wss://localhost:${srv.port}/`);
    assert.deepEqual(seen, [{ host: "localhost", port: srv.port, servername: "localhost" }]);
    conn.close();
    await srv.close();
    await assertNoLeaks(base);
  });

  it("a TLS handshake that never completes hits handshakeTimeout or the signal", T, async () => {
    const base = handles();
    const srv = await silentServer();
    const d = new Dialer({ proxy: null, handshakeTimeout: 100, tlsClientConfig: { ca: certs.ca } });
    assert.ok((await rejection(d.dial(`wss://localhost:${srv.port}/`))) instanceof TimeoutError);
    await srv.close();
    const srv2 = await silentServer();
    const ac = new AbortController();
    void srv2.accepted.then(() => setImmediate(() => ac.abort(new Error("tls abort"))));
    const err = await rejection(new Dialer({ proxy: null }).dial(`wss://127.0.0.1:${srv2.port}/`, undefined, { signal: ac.signal }));
    assert.equal(err.message, "tls abort");
    await srv2.close();
    await assertNoLeaks(base);
  });
});
