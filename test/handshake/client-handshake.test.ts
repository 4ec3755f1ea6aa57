/**
 * Byte-level tests of the client handshake core: request building, the incremental response-head
 * parser (whole, at every split, byte by byte, oversized) and the response checks of RFC 6455 §4.1.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  basicAuth, buildUpgradeRequest, checkUpgradeResponse, prepareRequestHeaders, ResponseHeadParser,
  type OfferedHandshake, type ResponseHead,
} from "../../src/handshake/client-handshake.js";

const KEY = "dGhlIHNhbXBsZSBub25jZQ=="; // RFC 6455 §1.3 example
const ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

describe("prepareRequestHeaders (API.md §3 duplicate and invalid headers)", () => {
  for (const name of ["Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions"]) {
    for (const spelled of [name, name.toLowerCase(), name.toUpperCase()]) {
      it(`prepareRequestHeaders refuses ${spelled}`, () => {
        assert.throws(() => prepareRequestHeaders({ [spelled]: "x" }, false),
          { name: "TypeError", message: `websocket: duplicate header not allowed: ${name}` });
      });
    }
  }
  it("prepareRequestHeaders refuses Sec-WebSocket-Protocol only while subprotocols are configured", () => {
    assert.throws(() => prepareRequestHeaders({ "sec-websocket-protocol": "a" }, true),
      { name: "TypeError", message: "websocket: duplicate header not allowed: Sec-WebSocket-Protocol" });
    assert.equal(prepareRequestHeaders({ "Sec-WebSocket-Protocol": ["a", "b"] }, false).protocolHeader, "a, b");
  });
  it("prepareRequestHeaders refuses CR, LF and NUL in names and values", () => {
    for (const bad of ["a\rb", "a\nb", "a\0b"]) {
      assert.throws(() => prepareRequestHeaders({ "X-Test": bad }, false), TypeError);
      assert.throws(() => prepareRequestHeaders({ [bad]: "v" }, false), TypeError);
      assert.throws(() => prepareRequestHeaders({ "X-Test": ["ok", bad] }, false), TypeError);
    }
    assert.throws(() => prepareRequestHeaders({ "bad name": "v" }, false), TypeError);
    assert.throws(() => prepareRequestHeaders({ "X-Test": "\u0100" }, false), TypeError);
    assert.throws(() => prepareRequestHeaders({ "X-Test": { a: 1 } } as never, false), TypeError);
  });
  it("prepareRequestHeaders sorts out Host, Cookie, Authorization and keeps the rest in order", () => {
    const p = prepareRequestHeaders({ Origin: "http://a", Host: "h:1", Cookie: ["a=1", "b=2"], "X-N": 5,
      Authorization: "Bearer t", "X-U": undefined }, false);
    assert.equal(p.host, "h:1");
    assert.deepEqual(p.cookies, ["a=1", "b=2"]);
    assert.equal(p.hasAuthorization, true);
    assert.deepEqual(p.list, [["Origin", "http://a"], ["X-N", "5"], ["Authorization", "Bearer t"]]);
  });
  it("prepareRequestHeaders accepts a WHATWG Headers", () => {
    const h = new Headers([["Origin", "http://a"], ["X-Multi", "1"]]);
    h.append("x-multi", "2");
    assert.deepEqual(prepareRequestHeaders(h, false).list, [["origin", "http://a"], ["x-multi", "1, 2"]]);
    assert.throws(() => prepareRequestHeaders(new Headers({ Upgrade: "x" }), false), /duplicate header not allowed: Upgrade/);
  });
});

describe("buildUpgradeRequest (RFC 6455 §4.1 request, API.md §3 order)", () => {
  it("buildUpgradeRequest writes every header in the documented order", () => {
    const headers = prepareRequestHeaders({ Origin: "http://example.com", "X-A": ["1", "2"] }, true);
    const head = buildUpgradeRequest({
      target: "/chat?x=1", host: "example.com:8080", key: KEY, subprotocols: ["chat", "superchat"],
      extensions: "permessage-deflate; client_max_window_bits", cookie: "a=1; b=2",
      authorization: basicAuth("Aladdin", "open%20sesame"), headers,
    });
    assert.equal(head, "GET /chat?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nUpgrade: websocket\r\n" +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n` +
      "Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" +
      "Cookie: a=1; b=2\r\nAuthorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n" +
      "Origin: http://example.com\r\nX-A: 1\r\nX-A: 2\r\n\r\n");
  });
  it("buildUpgradeRequest omits empty optional headers", () => {
    const head = buildUpgradeRequest({ target: "/", host: "h", key: KEY, subprotocols: [], extensions: "", cookie: "",
      authorization: "", headers: prepareRequestHeaders(undefined, false) });
    assert.equal(head, `GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\n` +
      "Sec-WebSocket-Version: 13\r\n\r\n");
  });
  it("basicAuth encodes UTF-8 credentials (RFC 7617 §2.1)", () => {
    assert.equal(basicAuth("test", "123%C2%A3"), "Basic dGVzdDoxMjPCow==");
    assert.equal(basicAuth("%E0%A4%A", "x"), "Basic " + Buffer.from("%E0%A4%A:x").toString("base64"));
  });
});

const SAMPLE = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
  `Sec-WebSocket-Accept: ${ACCEPT}\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n`;
const FRAMES = Buffer.from([0x81, 0x02, 0x68, 0x69, 0x88, 0x00]);

function feed(parts: Buffer[]): { head?: ResponseHead; rest: Buffer; error?: string } {
  const p = new ResponseHeadParser();
  for (let i = 0; i < parts.length; i++) {
    const r = p.push(parts[i]!);
    if (r.state === "error") return { error: r.reason, rest: Buffer.alloc(0) };
    if (r.state === "done") return { head: r.head, rest: Buffer.concat([r.rest, ...parts.slice(i + 1)]) };
  }
  return { rest: Buffer.alloc(0) };
}

describe("ResponseHeadParser (RFC 9112 §2–§5, incremental)", () => {
  const whole = Buffer.concat([Buffer.from(SAMPLE, "latin1"), FRAMES]);
  const expected: ResponseHead = {
    status: 101, statusText: "Switching Protocols",
    headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-accept": ACCEPT, "set-cookie": ["a=1", "b=2"], "x-dup": "1, 2" },
  };
  it("ResponseHeadParser parses a head fed whole and keeps the bytes after it", () => {
    const r = feed([whole]);
    assert.deepEqual(r.head, expected);
    assert.deepEqual(r.rest, FRAMES);
  });
  it("ResponseHeadParser gives the same result at every split point", () => {
    for (let i = 0; i <= whole.length; i++) {
      const r = feed([whole.subarray(0, i), whole.subarray(i)]);
      assert.deepEqual(r.head, expected, `split at ${i}`);
      assert.deepEqual(r.rest, FRAMES, `split at ${i}`);
    }
  });
  it("ResponseHeadParser accepts the head one byte at a time", () => {
    const r = feed([...whole].map((b) => Buffer.from([b])));
    assert.deepEqual(r.head, expected);
    assert.deepEqual(r.rest, FRAMES);
  });
  it("ResponseHeadParser reports partial until the empty line", () => {
    const p = new ResponseHeadParser();
    assert.deepEqual(p.push(Buffer.from("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n")), { state: "partial" });
    assert.equal(p.push(Buffer.from("\r\n")).state, "done");
    assert.equal(p.push(Buffer.from("x")).state, "error");
  });
  it("ResponseHeadParser accepts bare LF line ends, obs-fold and an empty reason", () => {
    const r = feed([Buffer.from("HTTP/1.0 403\nX-A: 1\n  2\nX-B:\t v \n\n")]);
    assert.deepEqual(r.head, { status: 403, statusText: "", headers: { "x-a": "1 2", "x-b": "v" } });
  });
  it("ResponseHeadParser keeps a head of exactly 16 KiB and refuses 16 KiB + 1", () => {
    const make = (total: number): Buffer => {
      const start = "HTTP/1.1 101 OK\r\nX-Pad: ";
      return Buffer.from(start + "a".repeat(total - start.length - 4) + "\r\n\r\n");
    };
    assert.equal(make(16384).length, 16384);
    assert.equal(feed([make(16384)]).head?.status, 101);
    assert.match(feed([make(16385)]).error ?? "", /exceeds 16384/);
    assert.match(feed([...make(16385)].map((b) => Buffer.from([b]))).error ?? "", /exceeds 16384/);
    assert.match(feed([Buffer.alloc(20000, 0x61)]).error ?? "", /exceeds/);
    assert.match(new ResponseHeadParser(10).push(Buffer.from("HTTP/1.1 101 OK\r\n\r\n")).state, /error/);
  });
  it("ResponseHeadParser keeps __proto__ and constructor headers as own properties", () => {
    const h = feed([Buffer.from("HTTP/1.1 101 OK\r\n__proto__: x\r\nconstructor: y\r\nconstructor: z\r\n\r\n")]).head!.headers;
    assert.equal(Object.getPrototypeOf(h), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(h, "__proto__")?.value, "x");
    assert.equal(h["constructor"], "y, z");
  });
  it("ResponseHeadParser trims adversarial whitespace (a 16 KiB run of spaces) in one pass", () => {
    const head = "HTTP/1.1 403 No\r\nX:" + " \t".repeat(8000) + "a" + " ".repeat(300) + "\r\n\r\n";
    assert.equal(feed([Buffer.from(head)]).head?.headers["x"], "a");
  });
  for (const [name, text] of [
    ["a garbage status line", "garbage\r\n\r\n"],
    ["HTTP/2 in the status line", "HTTP/2 101 OK\r\n\r\n"],
    ["a two-digit status", "HTTP/1.1 10 OK\r\n\r\n"],
    ["a status without a space", "HTTP/1.1 101OK\r\n\r\n"],
    ["an empty first line", "\r\nHTTP/1.1 101 OK\r\n\r\n"],
    ["a header without a colon", "HTTP/1.1 101 OK\r\nUpgrade websocket\r\n\r\n"],
    ["whitespace before the colon", "HTTP/1.1 101 OK\r\nUpgrade : websocket\r\n\r\n"],
    ["an empty header name", "HTTP/1.1 101 OK\r\n: x\r\n\r\n"],
    ["a NUL in a value", "HTTP/1.1 101 OK\r\nX: a\0b\r\n\r\n"],
    ["a bare CR in a value", "HTTP/1.1 101 OK\r\nX: a\rb\r\n\r\n"],
    ["a fold before any header", "HTTP/1.1 101 OK\r\n x\r\n\r\n"],
  ] as const) {
    it(`ResponseHeadParser refuses ${name}`, () => {
      assert.ok(feed([Buffer.from(text, "latin1")]).error !== undefined);
    });
  }
});

function head(status: number, headers: Record<string, string | string[]>): ResponseHead {
  return { status, statusText: "", headers };
}
const GOOD = { upgrade: "websocket", connection: "Upgrade", "sec-websocket-accept": ACCEPT };
const OFFER: OfferedHandshake = { key: KEY, subprotocols: ["chat", "v2"], compressionOffered: false, compressionOptions: undefined };
const BAD = "websocket: bad handshake";

describe("checkUpgradeResponse (RFC 6455 §4.1 client checks)", () => {
  it("checkUpgradeResponse accepts a correct 101", () => {
    assert.deepEqual(checkUpgradeResponse(head(101, GOOD), OFFER), { ok: true, subprotocol: "", compression: null });
    const mixed = { upgrade: "WebSocket", connection: "keep-alive, UPGRADE", "sec-websocket-accept": ACCEPT };
    assert.equal(checkUpgradeResponse(head(101, mixed), OFFER).ok, true);
  });
  const cases: Array<[string, ResponseHead]> = [
    ["a 200", head(200, GOOD)],
    ["a 302 redirect", head(302, { ...GOOD, location: "ws://elsewhere/" })],
    ["a 403", head(403, {})],
    ["no Upgrade", head(101, { connection: "Upgrade", "sec-websocket-accept": ACCEPT })],
    ["a wrong Upgrade", head(101, { ...GOOD, upgrade: "h2c" })],
    ["no Connection", head(101, { upgrade: "websocket", "sec-websocket-accept": ACCEPT })],
    ["a wrong Connection", head(101, { ...GOOD, connection: "close" })],
    ["no Sec-WebSocket-Accept", head(101, { upgrade: "websocket", connection: "Upgrade" })],
    ["a wrong Sec-WebSocket-Accept", head(101, { ...GOOD, "sec-websocket-accept": "AAAAAAAAAAAAAAAAAAAAAAAAAAA=" })],
    ["a repeated Sec-WebSocket-Accept", head(101, { ...GOOD, "sec-websocket-accept": `${ACCEPT}, ${ACCEPT}` })],
    ["a subprotocol not offered", head(101, { ...GOOD, "sec-websocket-protocol": "other" })],
    ["two subprotocols", head(101, { ...GOOD, "sec-websocket-protocol": "chat, v2" })],
    ["an extension not offered", head(101, { ...GOOD, "sec-websocket-extensions": "permessage-deflate" })],
  ];
  for (const [name, h] of cases) {
    it(`checkUpgradeResponse fails ${name} with "${BAD}"`, () => {
      const v = checkUpgradeResponse(h, OFFER);
      assert.equal(v.ok, false);
      assert.equal(!v.ok && v.message, BAD);
    });
  }
  it("checkUpgradeResponse returns the offered subprotocol the server chose", () => {
    const v = checkUpgradeResponse(head(101, { ...GOOD, "sec-websocket-protocol": "v2" }), OFFER);
    assert.deepEqual(v, { ok: true, subprotocol: "v2", compression: null });
  });
  it("checkUpgradeResponse ignores an empty Sec-WebSocket-Extensions", () => {
    assert.equal(checkUpgradeResponse(head(101, { ...GOOD, "sec-websocket-extensions": " , " }), OFFER).ok, true);
  });
  it("checkUpgradeResponse negotiates permessage-deflate when offered (RFC 7692 §7.1)", () => {
    const offer = { ...OFFER, compressionOffered: true };
    const v = checkUpgradeResponse(head(101, { ...GOOD, "sec-websocket-extensions": "permessage-deflate" }), offer);
    assert.ok(v.ok && v.compression !== null);
    assert.equal(checkUpgradeResponse(head(101, GOOD), offer).ok, true);
    for (const bad of ["permessage-deflate; server_max_window_bits=99", "permessage-deflate; unknown=1",
      "permessage-deflate; server_no_context_takeover; server_no_context_takeover", "x-unknown-extension"]) {
      const r = checkUpgradeResponse(head(101, { ...GOOD, "sec-websocket-extensions": bad }), offer);
      assert.deepEqual(r.ok ? r : r.message, "websocket: invalid compression negotiation", bad);
    }
  });
});
