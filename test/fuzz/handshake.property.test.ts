/**
 * Property tests of the handshake parsers (src/handshake, RFC 7692 negotiation): on any input they
 * return verdicts and never throw; the response-head parser gives the same result however its
 * input is cut; parsed token lists are trimmed and comma-free.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ResponseHeadParser, checkUpgradeResponse, type HeadParseResult } from "../../src/handshake/client-handshake.js";
import { checkChallengeKey, checkUpgradeRequest } from "../../src/handshake/server-handshake.js";
import { parseTokenList, tokenListContainsValue } from "../../src/handshake/header-tokens.js";
import { parseSubprotocolOffer, selectSubprotocol } from "../../src/handshake/subprotocols.js";
import { checkSameOrigin } from "../../src/handshake/origin.js";
import { parseExtensions } from "../../src/handshake/extension-offers.js";
import { acceptServerResponse, negotiateServer } from "../../src/extensions/permessage-deflate/negotiate.js";
import { arbCuts, cut, params, SEED } from "./arb.js";

// Header-ish text: the characters parsers split on, whitespace, controls, Latin-1, some tokens.
const pieces = ["permessage-deflate", "server_no_context_takeover", "client_max_window_bits", "=", "15", "8", "99", ";", ",", " ", "\t",
  "\"", "\\", "websocket", "Upgrade", "upgrade", "13", "chat", "x", "\r", "\n", "\0", "é", "\u0100", "=\"10\"", ":", "http://a:1"];
const arbHeaderText = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 4 })), { maxLength: 24 }).map((a) => a.join(""));
const arbHeaderInput = fc.oneof(fc.constant(undefined), arbHeaderText, fc.array(arbHeaderText, { maxLength: 3 }));

const arbHeadLine = fc.oneof(
  fc.tuple(fc.constantFrom("Upgrade", "Connection", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Set-Cookie", "X", " folded", "bad name", ""),
    fc.constantFrom(":", ": ", " :", ""), arbHeaderText).map(([n, c, v]) => n + c + v),
  arbHeaderText,
);
const arbResponseBytes = fc.tuple(
  fc.constantFrom("HTTP/1.1 101 Switching Protocols", "HTTP/1.1 200 OK", "HTTP/1.0 101", "HTTP/2 101 x", "", "garbage"),
  fc.array(arbHeadLine, { maxLength: 8 }),
  fc.constantFrom("\r\n", "\n"),
  fc.uint8Array({ maxLength: 16 }),
).map(([status, lines, eol, tail]) => Buffer.concat([Buffer.from([status, ...lines, "", ""].join(eol), "latin1"), tail]));

/** Feeds chunks until the parser finishes; returns the outcome and every byte after the head. */
function parse(chunks: Buffer[]): { r: HeadParseResult; rest: Buffer } {
  const p = new ResponseHeadParser(512);
  let r: HeadParseResult = { state: "partial" };
  for (let i = 0; i < chunks.length; i++) {
    r = p.push(chunks[i]!);
    if (r.state !== "partial") {
      const after = p.push(Buffer.from("x"));
      assert.equal(after.state, "error", "a finished parser accepted more input");
      const rest = r.state === "done" ? Buffer.concat([r.rest, ...chunks.slice(i + 1)]) : Buffer.alloc(0);
      return { r, rest };
    }
  }
  return { r, rest: Buffer.alloc(0) };
}

describe(`fuzz: handshake parsers (fast-check seed ${SEED})`, () => {
  it("ResponseHeadParser never throws and gives the same result however the head is cut", () => {
    fc.assert(fc.property(fc.oneof(arbResponseBytes, fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b))), arbCuts, (bytes, cuts) => {
      const whole = parse([Buffer.from(bytes)]);
      const pieces2 = parse(cut(bytes, cuts));
      assert.deepEqual(pieces2.r.state, whole.r.state);
      if (whole.r.state === "done" && pieces2.r.state === "done") {
        assert.deepEqual(pieces2.r.head, whole.r.head);
        assert.deepEqual(pieces2.rest, whole.rest);
      }
    }), params());
  });

  it("checkUpgradeResponse returns a verdict for any parsed head and any offer", () => {
    fc.assert(fc.property(arbResponseBytes, fc.boolean(), fc.array(fc.constantFrom("chat", "x", ""), { maxLength: 3 }), (bytes, compression, subprotocols) => {
      const { r } = parse([bytes]);
      if (r.state !== "done") return;
      const v = checkUpgradeResponse(r.head, { key: "dGhlIHNhbXBsZSBub25jZQ==", subprotocols, compressionOffered: compression, compressionOptions: undefined });
      assert.equal(typeof v.ok, "boolean");
      if (!v.ok) assert.ok(v.message.startsWith("websocket: "));
    }), params());
  });

  it("server request checks return null or a 400/405 failure for any headers", () => {
    const arbHeaders = fc.dictionary(fc.constantFrom("connection", "upgrade", "sec-websocket-version", "sec-websocket-key", "host", "origin"), arbHeaderInput);
    fc.assert(fc.property(fc.option(fc.constantFrom("GET", "POST", "get", ""), { nil: undefined }), arbHeaders, (method, headers) => {
      const f = checkUpgradeRequest(method, headers);
      if (f !== null) assert.ok(f.status === 400 || f.status === 405, String(f.status));
      const k = checkChallengeKey(headers["sec-websocket-key"]);
      if (k !== null) assert.equal(k.status, 400);
      assert.equal(typeof checkSameOrigin(headers["origin"], headers["host"]), "boolean");
    }), params());
  });

  it("token lists are trimmed, non-empty and comma-free; lookups never throw", () => {
    fc.assert(fc.property(arbHeaderInput, fc.array(fc.constantFrom<string>("chat", "x", "websocket"), { maxLength: 3 }), (h, supported) => {
      for (const e of parseTokenList(h)) {
        assert.ok(e.length > 0 && !e.includes(","));
        assert.ok(!/^[ \t]|[ \t]$/.test(e));
      }
      assert.equal(typeof tokenListContainsValue(h, "upgrade"), "boolean");
      const offer = parseSubprotocolOffer(h);
      const chosen = selectSubprotocol(supported, offer);
      assert.ok(chosen === "" || (offer.includes(chosen) && supported.includes(chosen)));
    }), params());
  });

  it("extension parsing and permessage-deflate negotiation never throw on peer input", () => {
    fc.assert(fc.property(arbHeaderInput, (h) => {
      const list = Array.isArray(h) ? [...h] : h;
      const offers = parseExtensions(list);
      if (offers !== null) for (const o of offers) assert.ok(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(o.name), o.name);
      const s = negotiateServer(list, undefined);
      if (s !== null) {
        for (const b of [s.params.serverMaxWindowBits, s.params.clientMaxWindowBits]) assert.ok(b >= 8 && b <= 15, String(b));
      }
      const c = acceptServerResponse(list, {});
      if (c.ok && c.params !== null) {
        for (const b of [c.params.serverMaxWindowBits, c.params.clientMaxWindowBits]) assert.ok(b >= 8 && b <= 15, String(b));
      }
    }), params());
  });
});
