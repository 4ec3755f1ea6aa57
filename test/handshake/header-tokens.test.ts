// Tests for handshake/header-tokens.ts: RFC 7230 token lists, names and values, adversarial input.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  equalASCIIFold, isToken, isValidHeaderName, isValidHeaderValue, parseTokenList, tokenListContainsValue,
} from "../../src/handshake/header-tokens.js";

describe("tokenListContainsValue (RFC 7230 §7 lists)", () => {
  const rows: [string, string | string[] | undefined, string, boolean][] = [
    ["single token", "Upgrade", "upgrade", true],
    ["case-insensitive", "UPGRADE", "upgrade", true],
    ["several tokens", "keep-alive, Upgrade", "upgrade", true],
    ["no spaces", "keep-alive,Upgrade", "upgrade", true],
    ["tabs and spaces", "\tkeep-alive \t,\t Upgrade\t", "upgrade", true],
    ["empty elements", ", ,Upgrade,,", "upgrade", true],
    ["repeated header (array)", ["keep-alive", "Upgrade"], "upgrade", true],
    ["absent", undefined, "upgrade", false],
    ["empty", "", "upgrade", false],
    ["empty array", [], "upgrade", false],
    ["prefix only", "Upgrad", "upgrade", false],
    ["longer token", "Upgrades", "upgrade", false],
    ["token inside another element", "keep-alive Upgrade", "upgrade", false],
    ["with parameter", "upgrade;q=1", "upgrade", false],
    ["KELVIN SIGN is not k", "websoc\u212Aet", "websocket", false],
    ["version list", "8, 13", "13", true],
    ["version not present", "8, 7", "13", false],
  ];
  for (const [name, header, value, want] of rows) {
    it(`tokenListContainsValue is ${want} for ${name}`, () => {
      assert.equal(tokenListContainsValue(header, value), want);
    });
  }
});

describe("parseTokenList", () => {
  const rows: [string | string[] | undefined, string[]][] = [
    [undefined, []],
    ["", []],
    [" , ,\t", []],
    ["chat", ["chat"]],
    ["chat, superchat", ["chat", "superchat"]],
    ["  a ,b,  c  ", ["a", "b", "c"]],
    [["a, b", "c"], ["a", "b", "c"]],
    ["a b, c", ["a b", "c"]],
  ];
  for (const [header, want] of rows) {
    it(`parseTokenList(${JSON.stringify(header)}) = ${JSON.stringify(want)}`, () => {
      assert.deepEqual(parseTokenList(header), want);
    });
  }
});

describe("ws CVE-2021-32640: adversarial Sec-WebSocket-Protocol", () => {
  // Linear single-pass scans; these shapes made ws's regular expression backtrack.
  const n = 16 * 1024;
  it("parseTokenList handles 16 KiB of spaces between two tokens", () => {
    assert.deepEqual(parseTokenList("a" + " ".repeat(n) + "b"), ["a" + " ".repeat(n) + "b"]);
  });
  it("parseTokenList handles 16 KiB of spaces and commas", () => {
    assert.deepEqual(parseTokenList(", ".repeat(n / 2)), []);
    assert.equal(tokenListContainsValue(" ,".repeat(n / 2) + "x", "x"), true);
  });
  it("parseTokenList handles 16 KiB of tokens", () => {
    const list = parseTokenList("p,".repeat(n / 2));
    assert.equal(list.length, n / 2);
  });
  it("parseTokenList handles 16 KiB of tabs ending without a token", () => {
    assert.deepEqual(parseTokenList("a" + "\t".repeat(n) + ","), ["a"]);
  });
});

describe("header names and values", () => {
  it("isToken accepts every tchar and rejects the rest", () => {
    assert.ok(isToken("!#$%&'*+-.^_`|~09AZaz"));
    for (const c of ' "(),/:;<=>?@[\\]{}\x7f\x00\té') assert.equal(isToken("a" + c), false, JSON.stringify(c));
    assert.equal(isToken(""), false);
  });
  const names: [string, boolean][] = [
    ["Set-Cookie", true], ["X-Custom_1", true], ["", false], ["Bad Name", false], ["Bad:Name", false],
    ["Bad\r\nName", false], ["Nul\0", false], ["Ünicode", false],
  ];
  for (const [s, ok] of names) {
    it(`isValidHeaderName is ${ok} for ${JSON.stringify(s)}`, () => assert.equal(isValidHeaderName(s), ok));
  }
  const values: [string, boolean][] = [
    ["", true], ["a=1; Path=/; HttpOnly", true], ["tab\tinside", true], ["latin1 é", true],
    ["cr\r", false], ["lf\n", false], ["crlf\r\nX-Injected: 1", false], ["nul\0", false],
  ];
  for (const [s, ok] of values) {
    it(`isValidHeaderValue is ${ok} for ${JSON.stringify(s)}`, () => assert.equal(isValidHeaderValue(s), ok));
  }
  it("isValidHeaderName and isValidHeaderValue reject non-strings", () => {
    assert.equal(isValidHeaderName(1 as unknown as string), false);
    assert.equal(isValidHeaderValue(undefined as unknown as string), false);
  });
  it("equalASCIIFold folds ASCII letters only", () => {
    assert.ok(equalASCIIFold("WebSocket", "websocket"));
    assert.ok(!equalASCIIFold("[", "{"));
    assert.ok(!equalASCIIFold("ab", "abc"));
  });
});
