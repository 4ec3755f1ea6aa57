// Tests for handshake/accept-key.ts: RFC 6455 §1.3 example, key generation, strict key validation.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { computeAcceptKey, generateChallengeKey, isValidChallengeKey } from "../../src/handshake/accept-key.js";

describe("RFC 6455 §1.3 accept key", () => {
  it("computeAcceptKey matches the RFC example", () => {
    assert.equal(computeAcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });
  it("computeAcceptKey hashes the key as sent (no trimming, case kept)", () => {
    assert.notEqual(computeAcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), computeAcceptKey("DGhlIHNhbXBsZSBub25jZQ=="));
    assert.equal(computeAcceptKey("x").length, 28);
  });
});

describe("generateChallengeKey", () => {
  it("generateChallengeKey returns base64 of 16 random bytes", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const k = generateChallengeKey();
      assert.equal(k.length, 24);
      assert.equal(Buffer.from(k, "base64").length, 16);
      assert.ok(isValidChallengeKey(k), k);
      seen.add(k);
    }
    assert.equal(seen.size, 100);
  });
});

describe("isValidChallengeKey", () => {
  const rows: [string, unknown, boolean][] = [
    ["RFC example", "dGhlIHNhbXBsZSBub25jZQ==", true],
    ["16 zero bytes", "AAAAAAAAAAAAAAAAAAAAAA==", true],
    ["'+' and '/' of the standard alphabet", "+/+/+/+/+/+/+/+/+/+/+w==", true],
    ["non-zero trailing bits (Go's StdEncoding accepts them)", "AAAAAAAAAAAAAAAAAAAAAB==", true],
    ["empty", "", false],
    ["15 bytes", Buffer.alloc(15).toString("base64"), false],
    ["17 bytes", Buffer.alloc(17).toString("base64"), false],
    ["no padding", "dGhlIHNhbXBsZSBub25jZQ", false],
    ["one '=' only", "dGhlIHNhbXBsZSBub25jZQ=A", false],
    ["URL-safe alphabet", "-_-_-_-_-_-_-_-_-_-_-w==", false],
    ["space inside", "dGhlIHNhbXBs ZSBub25jZQ==", false],
    ["leading space", " dGhlIHNhbXBsZSBub25jZQ=", false],
    ["'=' in the middle", "dGhlIHNhbXBsZ=Bub25jZQ==", false],
    ["non-ASCII", "dGhlIHNhbXBsZSBub25jZé==", false],
    ["two keys joined by node", "dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==", false],
    ["not a string", 42, false],
  ];
  for (const [name, key, ok] of rows) {
    it(`isValidChallengeKey is ${ok} for ${name}`, () => {
      assert.equal(isValidChallengeKey(key as string), ok);
    });
  }
});
