/**
 * buildClientOffer and acceptServerResponse: RFC 7692 §7.1 from the client's side — the offer for each
 * option, responses accepted, and every response that must fail the handshake (undici server_max_window_bits=99).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  acceptServerResponse,
  buildClientOffer,
  negotiateServer,
} from "../../../src/extensions/permessage-deflate/negotiate.js";
import type { CompressionOptions, NegotiatedCompression } from "../../../src/extensions/compression.js";

const DEFAULT: NegotiatedCompression = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};
const INVALID = { ok: false, reason: "websocket: invalid compression negotiation" };

describe("RFC 7692 §7.1 buildClientOffer", () => {
  const rows: Array<[CompressionOptions | undefined, string]> = [
    [undefined, "permessage-deflate; client_max_window_bits"],
    [{ clientMaxWindowBits: 10 }, "permessage-deflate; client_max_window_bits=10"],
    [{ serverMaxWindowBits: 9 }, "permessage-deflate; server_max_window_bits=9; client_max_window_bits"],
    [
      { serverNoContextTakeover: true, clientNoContextTakeover: true },
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits",
    ],
    [{ level: 9, memLevel: 9, windowBits: 10, threshold: 0, concurrency: 1 }, "permessage-deflate; client_max_window_bits"],
  ];
  for (const [options, offer] of rows) {
    it(`buildClientOffer(${JSON.stringify(options)}) is ${JSON.stringify(offer)}`, () => {
      assert.equal(buildClientOffer(options), offer);
    });
  }

  it("buildClientOffer throws on invalid options", () => {
    assert.throws(() => buildClientOffer({ clientMaxWindowBits: 7 }), RangeError);
    assert.throws(() => buildClientOffer({ serverNoContextTakeover: 1 as unknown as boolean }), TypeError);
  });
});

describe("RFC 7692 §7.1 acceptServerResponse accepts", () => {
  const rows: Array<[string | string[] | undefined, CompressionOptions | undefined, Partial<NegotiatedCompression>]> = [
    ["permessage-deflate", undefined, {}],
    ["permessage-deflate; server_no_context_takeover", undefined, { serverNoContextTakeover: true }],
    ["permessage-deflate; client_no_context_takeover", undefined, { clientNoContextTakeover: true }],
    ["permessage-deflate", { clientNoContextTakeover: true }, { clientNoContextTakeover: true }], // our own hint holds
    ["permessage-deflate; server_max_window_bits=10", undefined, { serverMaxWindowBits: 10 }],
    ["permessage-deflate; server_max_window_bits=8", undefined, { serverMaxWindowBits: 8 }], // we inflate with 9
    ['permessage-deflate; server_max_window_bits="11"', undefined, { serverMaxWindowBits: 11 }],
    ["permessage-deflate; server_max_window_bits=9", { serverMaxWindowBits: 10 }, { serverMaxWindowBits: 9 }],
    ["permessage-deflate; server_max_window_bits=10", { serverMaxWindowBits: 10 }, { serverMaxWindowBits: 10 }],
    ["permessage-deflate; client_max_window_bits=9", undefined, { clientMaxWindowBits: 9 }],
    ["permessage-deflate; client_max_window_bits=8", undefined, { clientMaxWindowBits: 8 }],
    ["permessage-deflate; client_max_window_bits=10", { clientMaxWindowBits: 12 }, { clientMaxWindowBits: 10 }],
    ["permessage-deflate", { clientMaxWindowBits: 12 }, { clientMaxWindowBits: 12 }], // our offered value holds
    [
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
      { serverNoContextTakeover: true, clientNoContextTakeover: true },
      { serverNoContextTakeover: true, clientNoContextTakeover: true },
    ],
    [
      "Permessage-Deflate ; Client_Max_Window_Bits=10 ; server_max_window_bits=12",
      undefined,
      { clientMaxWindowBits: 10, serverMaxWindowBits: 12 },
    ],
  ];
  for (const [header, offered, params] of rows) {
    it(`acceptServerResponse accepts ${JSON.stringify(header)} for ${JSON.stringify(offered ?? {})}`, () => {
      assert.deepEqual(acceptServerResponse(header, offered), { ok: true, params: { ...DEFAULT, ...params } });
    });
  }

  it("acceptServerResponse gives params null when the server declined", () => {
    assert.deepEqual(acceptServerResponse(undefined, undefined), { ok: true, params: null });
    assert.deepEqual(acceptServerResponse("", undefined), { ok: true, params: null });
    assert.deepEqual(acceptServerResponse(undefined, null), { ok: true, params: null });
  });

  it("acceptServerResponse accepts whatever negotiateServer answers to buildClientOffer", () => {
    const sets: CompressionOptions[] = [
      {},
      { serverNoContextTakeover: true, clientNoContextTakeover: true },
      { serverMaxWindowBits: 8, clientMaxWindowBits: 8 },
      { serverMaxWindowBits: 12, clientMaxWindowBits: 10 },
    ];
    for (const client of sets) {
      for (const server of sets) {
        const r = negotiateServer(buildClientOffer(client), server);
        assert.ok(r !== null);
        const c = acceptServerResponse(r.response, client);
        assert.ok(c.ok);
        // Both sides agree, except the client's own no-context-takeover hint, which it keeps.
        assert.deepEqual(c.params, { ...r.params, clientNoContextTakeover: r.params.clientNoContextTakeover || !!client.clientNoContextTakeover });
      }
    }
  });
});

describe("RFC 7692 §7.1 acceptServerResponse fails", () => {
  const rows: Array<[string | string[], CompressionOptions | undefined | null, string]> = [
    ["permessage-deflate;", undefined, "a malformed header"],
    ["foo", undefined, "an extension not offered"],
    ["permessage-deflate, foo", undefined, "an extra extension"],
    ["permessage-deflate, permessage-deflate", undefined, "two permessage-deflate"],
    [["permessage-deflate", "permessage-deflate"], undefined, "two permessage-deflate header lines"],
    ["permessage-deflate", null, "nothing offered"],
    ["permessage-deflate; foo", undefined, "an unknown parameter"],
    ["permessage-deflate; server_no_context_takeover; server_no_context_takeover", undefined, "a duplicate parameter"],
    ["permessage-deflate; server_max_window_bits=10; server_max_window_bits=10", undefined, "a duplicate window"],
    ["permessage-deflate; server_no_context_takeover=1", undefined, "a valued no-context-takeover"],
    ["permessage-deflate; client_no_context_takeover=x", undefined, "a valued client_no_context_takeover"],
    ["permessage-deflate; server_max_window_bits=99", undefined, "server_max_window_bits=99 (undici advisory)"],
    ["permessage-deflate; server_max_window_bits=7", undefined, "server_max_window_bits below 8"],
    ["permessage-deflate; server_max_window_bits=010", undefined, "a leading zero"],
    ["permessage-deflate; server_max_window_bits", undefined, "server_max_window_bits without a value"],
    ["permessage-deflate; client_max_window_bits", undefined, "client_max_window_bits without a value"],
    ["permessage-deflate; client_max_window_bits=16", undefined, "client_max_window_bits=16"],
    ["permessage-deflate; client_max_window_bits=11", { clientMaxWindowBits: 10 }, "client_max_window_bits above the offer"],
    ["permessage-deflate; server_max_window_bits=11", { serverMaxWindowBits: 10 }, "server_max_window_bits above the request"],
    ["permessage-deflate", { serverMaxWindowBits: 10 }, "server_max_window_bits requested, unanswered"],
    ["permessage-deflate", { serverNoContextTakeover: true }, "server_no_context_takeover requested, unanswered"],
  ];
  for (const [header, offered, label] of rows) {
    it(`acceptServerResponse fails on ${label}`, () => {
      assert.deepEqual(acceptServerResponse(header, offered), INVALID);
    });
  }
});
