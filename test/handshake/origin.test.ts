// Tests for handshake/origin.ts: gorilla's checkSameOrigin policy as a table.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkSameOrigin } from "../../src/handshake/origin.js";

describe("checkSameOrigin (RFC 6455 §10.2)", () => {
  const rows: [string, string | string[] | undefined, string | undefined, boolean][] = [
    ["no Origin header", undefined, "example.com", true],
    ["no Origin header and no Host", undefined, undefined, true],
    ["empty Origin list", [], "example.com", true],
    ["same host", "http://example.com", "example.com", true],
    ["same host and port", "https://example.com:8443", "example.com:8443", true],
    ["case-insensitive", "http://EXAMPLE.com", "example.COM", true],
    ["path, query and fragment ignored", "http://example.com/a?b#c", "example.com", true],
    ["userinfo ignored", "http://user:pw@example.com", "example.com", true],
    ["IPv6 literal", "http://[::1]:8080", "[::1]:8080", true],
    ["different host", "http://evil.com", "example.com", false],
    ["suffix attack", "http://example.com.evil.com", "example.com", false],
    ["prefix attack", "http://evilexample.com", "example.com", false],
    ["different port", "http://example.com:8080", "example.com:9090", false],
    ["port only on one side (gorilla compares host with port)", "http://example.com:80", "example.com", false],
    ["userinfo that looks like the host", "http://example.com@evil.com", "example.com", false],
    ["Origin null", "null", "example.com", false],
    ["empty Origin", "", "example.com", false],
    ["not a URL", "example.com", "example.com", false],
    ["no authority", "file:example.com", "example.com", false],
    ["unparsable URL", "http://exa mple.com", "exa mple.com", false],
    ["missing Host", "http://example.com", undefined, false],
    ["empty Host", "http://", "", false],
    ["first of repeated Origin headers", ["http://example.com", "http://evil.com"], "example.com", true],
    ["KELVIN SIGN does not fold to k", "http://\u212Aa.com", "ka.com", false],
  ];
  for (const [name, origin, host, want] of rows) {
    it(`checkSameOrigin is ${want} for ${name}`, () => {
      assert.equal(checkSameOrigin(origin, host), want);
    });
  }
});
