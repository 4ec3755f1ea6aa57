/**
 * negotiateServer: RFC 7692 §7.1 from the server's side — each parameter in value and value-less form,
 * several offers in one header, declines (null) on anything it cannot accept, never a throw.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { negotiateServer } from "../../../src/extensions/permessage-deflate/negotiate.js";
import type { CompressionOptions, NegotiatedCompression } from "../../../src/extensions/compression.js";

const DEFAULT: NegotiatedCompression = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

/** [offer header, options, expected response, expected params overrides] */
type Row = [string | string[], CompressionOptions | undefined, string, Partial<NegotiatedCompression>];

describe("RFC 7692 §7.1 negotiateServer accepts", () => {
  const rows: Row[] = [
    ["permessage-deflate", undefined, "permessage-deflate", {}],
    ["permessage-deflate; client_max_window_bits", undefined, "permessage-deflate", {}],
    // §7.1.1.1 / §7.1.1.2: no-context-takeover, offered or asked by our options
    ["permessage-deflate; server_no_context_takeover", undefined, "permessage-deflate; server_no_context_takeover", { serverNoContextTakeover: true }],
    ["permessage-deflate", { serverNoContextTakeover: true }, "permessage-deflate; server_no_context_takeover", { serverNoContextTakeover: true }],
    ["permessage-deflate; client_no_context_takeover", undefined, "permessage-deflate; client_no_context_takeover", { clientNoContextTakeover: true }],
    ["permessage-deflate", { clientNoContextTakeover: true }, "permessage-deflate; client_no_context_takeover", { clientNoContextTakeover: true }],
    [
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover", // gorilla's fixed offer
      undefined,
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
      { serverNoContextTakeover: true, clientNoContextTakeover: true },
    ],
    // §7.1.2.1 server_max_window_bits: answer ≤ requested; our own limit may be announced unasked
    ["permessage-deflate; server_max_window_bits=10", undefined, "permessage-deflate; server_max_window_bits=10", { serverMaxWindowBits: 10 }],
    ['permessage-deflate; server_max_window_bits="12"', undefined, "permessage-deflate; server_max_window_bits=12", { serverMaxWindowBits: 12 }],
    ["permessage-deflate; server_max_window_bits=12", { serverMaxWindowBits: 9 }, "permessage-deflate; server_max_window_bits=9", { serverMaxWindowBits: 9 }],
    ["permessage-deflate; server_max_window_bits=9", { serverMaxWindowBits: 12 }, "permessage-deflate; server_max_window_bits=9", { serverMaxWindowBits: 9 }],
    ["permessage-deflate", { serverMaxWindowBits: 11 }, "permessage-deflate; server_max_window_bits=11", { serverMaxWindowBits: 11 }],
    // window 8 for our compressor is accepted: zlib's window-9 deflate never reaches back > 250 bytes
    ["permessage-deflate; server_max_window_bits=8", undefined, "permessage-deflate; server_max_window_bits=8", { serverMaxWindowBits: 8 }],
    ["permessage-deflate; server_max_window_bits=15", undefined, "permessage-deflate; server_max_window_bits=15", {}],
    // §7.1.2.2 client_max_window_bits: answered only when offered, ≤ the offered value
    ["permessage-deflate; client_max_window_bits=10", undefined, "permessage-deflate; client_max_window_bits=10", { clientMaxWindowBits: 10 }],
    ["permessage-deflate; client_max_window_bits", { clientMaxWindowBits: 9 }, "permessage-deflate; client_max_window_bits=9", { clientMaxWindowBits: 9 }],
    ["permessage-deflate; client_max_window_bits=12", { clientMaxWindowBits: 10 }, "permessage-deflate; client_max_window_bits=10", { clientMaxWindowBits: 10 }],
    ["permessage-deflate; client_max_window_bits=9", { clientMaxWindowBits: 12 }, "permessage-deflate; client_max_window_bits=9", { clientMaxWindowBits: 9 }],
    ["permessage-deflate; client_max_window_bits=8", undefined, "permessage-deflate; client_max_window_bits=8", { clientMaxWindowBits: 8 }],
    ["permessage-deflate", { clientMaxWindowBits: 10 }, "permessage-deflate", {}], // not offered: cannot limit
    ["permessage-deflate; client_max_window_bits", { clientMaxWindowBits: true }, "permessage-deflate", {}],
    [
      "permessage-deflate; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits; server_no_context_takeover",
      { clientMaxWindowBits: 11 },
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11",
      { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 11 },
    ],
    ["PERMESSAGE-DEFLATE; SERVER_NO_CONTEXT_TAKEOVER", undefined, "permessage-deflate; server_no_context_takeover", { serverNoContextTakeover: true }],
  ];
  for (const [header, options, response, params] of rows) {
    it(`negotiateServer answers ${JSON.stringify(header)} with ${JSON.stringify(options ?? {})}`, () => {
      assert.deepEqual(negotiateServer(header, options), { response, params: { ...DEFAULT, ...params } });
    });
  }
});

describe("RFC 7692 §7.1 negotiateServer with several offers", () => {
  it("negotiateServer takes the first acceptable offer, in the client's order", () => {
    const r = negotiateServer("permessage-deflate; server_max_window_bits=10, permessage-deflate", undefined);
    assert.equal(r?.response, "permessage-deflate; server_max_window_bits=10");
  });

  it("negotiateServer skips unacceptable offers and takes a later one", () => {
    const header = "permessage-deflate; foo, permessage-deflate; server_max_window_bits=16, permessage-deflate; client_max_window_bits";
    assert.equal(negotiateServer(header, undefined)?.response, "permessage-deflate");
  });

  it("negotiateServer ignores other extensions", () => {
    const r = negotiateServer("x-webkit-deflate-frame, permessage-deflate; client_no_context_takeover, foo", undefined);
    assert.equal(r?.response, "permessage-deflate; client_no_context_takeover");
  });

  it("negotiateServer reads repeated header lines as one list", () => {
    assert.equal(negotiateServer(["foo", "permessage-deflate"], undefined)?.response, "permessage-deflate");
  });
});

describe("RFC 7692 §7.1 negotiateServer declines", () => {
  const declined = [
    undefined,
    "",
    "foo, bar",
    "x-webkit-deflate-frame",
    "permessage-deflate;", // malformed header
    "permessage-deflate; foo",
    "permessage-deflate; foo=1",
    "permessage-deflate; server_no_context_takeover=1",
    "permessage-deflate; client_no_context_takeover=true",
    "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
    "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
    "permessage-deflate; server_max_window_bits", // needs a value
    "permessage-deflate; server_max_window_bits=7",
    "permessage-deflate; server_max_window_bits=16",
    "permessage-deflate; server_max_window_bits=010",
    "permessage-deflate; server_max_window_bits=08",
    "permessage-deflate; server_max_window_bits=1a",
    "permessage-deflate; server_max_window_bits=99",
    "permessage-deflate; server_max_window_bits=-9",
    "permessage-deflate; server_max_window_bits=+9",
    "permessage-deflate; server_max_window_bits=9.0",
    'permessage-deflate; server_max_window_bits="09"',
    "permessage-deflate; client_max_window_bits=0",
    "permessage-deflate; client_max_window_bits=100000000000000000000",
    "permessage-deflate; server_max_window_bits=1, permessage-deflate; client_max_window_bits=3",
  ];
  for (const header of declined) {
    it(`negotiateServer declines ${JSON.stringify(header)}`, () => {
      assert.equal(negotiateServer(header, undefined), null);
    });
  }

  it("negotiateServer throws on invalid options, not on peer input", () => {
    assert.throws(() => negotiateServer("permessage-deflate", { serverMaxWindowBits: 99 }), RangeError);
    assert.throws(() => negotiateServer("permessage-deflate", { level: "1" as unknown as number }), TypeError);
  });
});
