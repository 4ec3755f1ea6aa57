/**
 * parseExtensions/formatExtensions: RFC 6455 §9.1 grammar with RFC 7230 lists, malformed input, and
 * adversarial headers (ws CVE-2021-32640) that must finish in linear time.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatExtensions, parseExtensions, type ExtensionOffer } from "../../src/handshake/extension-offers.js";

const pmd = (...params: Array<[string, string | true]>): ExtensionOffer => ({ name: "permessage-deflate", params });

describe("RFC 6455 §9.1 Sec-WebSocket-Extensions grammar", () => {
  const valid: Array<[string, ExtensionOffer[]]> = [
    ["permessage-deflate", [pmd()]],
    ["permessage-deflate; client_max_window_bits", [pmd(["client_max_window_bits", true])]],
    ["permessage-deflate;client_max_window_bits=10", [pmd(["client_max_window_bits", "10"])]],
    ["permessage-deflate ; server_max_window_bits = 12 ", [pmd(["server_max_window_bits", "12"])]],
    ['permessage-deflate; server_max_window_bits="10"', [pmd(["server_max_window_bits", "10"])]],
    ['permessage-deflate; server_max_window_bits="1\\0"', [pmd(["server_max_window_bits", "10"])]],
    ["\tpermessage-deflate\t;\tserver_no_context_takeover\t", [pmd(["server_no_context_takeover", true])]],
    ["Permessage-Deflate; Client_Max_Window_Bits", [pmd(["client_max_window_bits", true])]],
    ["permessage-deflate; a; a", [pmd(["a", true], ["a", true])]],
    [
      "foo, permessage-deflate; client_no_context_takeover, x-webkit-deflate-frame",
      [{ name: "foo", params: [] }, pmd(["client_no_context_takeover", true]), { name: "x-webkit-deflate-frame", params: [] }],
    ],
    ["mux; max-channels=4; flow-control, deflate-stream", [
      { name: "mux", params: [["max-channels", "4"], ["flow-control", true]] },
      { name: "deflate-stream", params: [] },
    ]],
    // RFC 7230 §7: empty list elements are accepted and ignored.
    [", ,permessage-deflate,, ,", [pmd()]],
    ["", []],
    ["   ", []],
    [",", []],
  ];
  for (const [header, expected] of valid) {
    it(`parseExtensions accepts ${JSON.stringify(header)}`, () => {
      assert.deepEqual(parseExtensions(header), expected);
    });
  }

  const malformed = [
    "permessage-deflate;",
    "permessage-deflate; ;",
    "permessage-deflate; =10",
    "permessage-deflate; a=",
    "permessage-deflate; a==1",
    "permessage-deflate; a=1 2",
    "permessage-deflate; a b",
    "permessage-deflate x",
    "; permessage-deflate",
    "perm(essage",
    "permessage-deflate; a=\"10",
    'permessage-deflate; a="1 0"', // §9.1: the unquoted value must be a token
    'permessage-deflate; a=""',
    'permessage-deflate; a="x"y',
    'permessage-deflate; a="\\',
    'permessage-deflate; a="\u0001"',
    "permessage-deflate; a=\u00e9",
    "permessage-deflate\r\n; a",
    "permessage-deflate\u0000",
    "\"quoted-name\"",
    "a;b=c;d=\"e\";f g",
  ];
  for (const header of malformed) {
    it(`parseExtensions rejects ${JSON.stringify(header)}`, () => {
      assert.equal(parseExtensions(header), null);
    });
  }

  it("parseExtensions returns [] when the header is absent", () => {
    assert.deepEqual(parseExtensions(undefined), []);
    assert.deepEqual(parseExtensions([]), []);
  });

  it("parseExtensions joins repeated header lines into one list", () => {
    assert.deepEqual(parseExtensions(["permessage-deflate; client_max_window_bits", "foo"]), [
      pmd(["client_max_window_bits", true]),
      { name: "foo", params: [] },
    ]);
    assert.equal(parseExtensions(["permessage-deflate;", "foo"]), null);
  });

  it("parseExtensions keeps many offers in order", () => {
    const header = Array.from({ length: 200 }, (_, i) => `ext${i}; p=${i}`).join(", ");
    const offers = parseExtensions(header)!;
    assert.equal(offers.length, 200);
    assert.deepEqual(offers[199], { name: "ext199", params: [["p", "199"]] });
  });
});

describe("parseExtensions on adversarial headers (ws CVE-2021-32640)", () => {
  // Each is 16 KiB or more; the scanner never moves backwards, so each returns after one pass.
  const K16 = 16 * 1024;
  const cases: Array<[string, string, boolean]> = [
    ["spaces and commas", ", ".repeat(K16 / 2) + "a", true],
    ["spaces before a bad byte", " ".repeat(K16) + "\u0001", false],
    ["parameters", "a" + "; b".repeat(K16 / 3), true],
    ["parameters without a name", "a" + "; ".repeat(K16 / 2), false],
    ["an unterminated quoted string", 'a; b="' + "c".repeat(K16), false],
    ["escapes", 'a; b="' + "\\c".repeat(K16 / 2) + '"', true], // unquoted, "ccc…" is a token
    ["equals signs", "a; b" + "=".repeat(K16), false],
    ["semicolons and tabs", "a" + ";\t".repeat(K16 / 2) + "b", false],
    ["many extensions", "a,".repeat(K16 / 2), true],
  ];
  for (const [label, header, ok] of cases) {
    it(`parseExtensions returns on 16 KiB of ${label}`, () => {
      assert.equal(parseExtensions(header) !== null, ok);
    });
  }
});

describe("formatExtensions", () => {
  it("formatExtensions writes `name; p; k=v` joined by `, `", () => {
    const s = formatExtensions([pmd(["server_no_context_takeover", true], ["client_max_window_bits", "10"]), { name: "foo", params: [] }]);
    assert.equal(s, "permessage-deflate; server_no_context_takeover; client_max_window_bits=10, foo");
  });

  it("formatExtensions output parses back to the same offers", () => {
    const offers = [pmd(["a", true], ["b", "1"]), { name: "x", params: [] as Array<[string, string | true]> }];
    assert.deepEqual(parseExtensions(formatExtensions(offers)), offers);
  });

  it("formatExtensions throws TypeError on names or values that are not tokens", () => {
    assert.throws(() => formatExtensions([{ name: "a b", params: [] }]), TypeError);
    assert.throws(() => formatExtensions([pmd(["a;", true])]), TypeError);
    assert.throws(() => formatExtensions([pmd(["a", "x y"])]), TypeError);
    assert.throws(() => formatExtensions([pmd(["a", ""])]), TypeError);
  });

  it("formatExtensions of no offers is the empty string", () => {
    assert.equal(formatExtensions([]), "");
  });
});
