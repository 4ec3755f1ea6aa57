// Tests for handshake/subprotocols.ts: offer parsing, server selection, client echo check.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  isOfferedSubprotocol, isValidSubprotocol, parseSubprotocolOffer, selectSubprotocol,
} from "../../src/handshake/subprotocols.js";

describe("RFC 6455 §4.2.2 subprotocol selection", () => {
  const rows: [string, string[], string | string[] | undefined, string][] = [
    ["no offer", ["chat"], undefined, ""],
    ["empty offer", ["chat"], "", ""],
    ["server supports none", [], "chat", ""],
    ["single match", ["chat"], "chat", "chat"],
    ["server order wins over client order", ["b", "a"], "a, b", "b"],
    ["first supported that was offered", ["x", "a", "b"], "b, a", "a"],
    ["no common name", ["chat"], "superchat, v2", ""],
    ["case-sensitive", ["Chat"], "chat", ""],
    ["offer spread over repeated headers", ["v2"], ["v1", "v2"], "v2"],
    ["whitespace trimmed", ["v2"], "  v1 ,\tv2  ", "v2"],
  ];
  for (const [name, supported, header, want] of rows) {
    it(`selectSubprotocol picks ${JSON.stringify(want)} when ${name}`, () => {
      assert.equal(selectSubprotocol(supported, parseSubprotocolOffer(header)), want);
    });
  }
});

describe("subprotocol helpers", () => {
  it("parseSubprotocolOffer keeps the client's order and drops empty elements", () => {
    assert.deepEqual(parseSubprotocolOffer("b, a,, c"), ["b", "a", "c"]);
    assert.deepEqual(parseSubprotocolOffer(undefined), []);
  });
  it("isValidSubprotocol requires an RFC 7230 token", () => {
    assert.ok(isValidSubprotocol("graphql-transport-ws"));
    assert.ok(isValidSubprotocol("v1.chat+json"));
    assert.ok(!isValidSubprotocol(""));
    assert.ok(!isValidSubprotocol("chat, superchat"));
    assert.ok(!isValidSubprotocol("a b"));
    assert.ok(!isValidSubprotocol(1 as unknown as string));
  });
  it("isOfferedSubprotocol accepts no answer or one of the offered names", () => {
    assert.ok(isOfferedSubprotocol(["a", "b"], ""));
    assert.ok(isOfferedSubprotocol(["a", "b"], "b"));
    assert.ok(!isOfferedSubprotocol(["a", "b"], "c"));
    assert.ok(!isOfferedSubprotocol([], "a"));
  });
});
