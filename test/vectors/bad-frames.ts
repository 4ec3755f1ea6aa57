// Frames that break RFC 6455 (API.md §8), each with the ProtocolError it must produce.
import { Buffer } from "node:buffer";
import type { Normalized } from "../helpers/feed.js";
import { hex } from "../helpers/hex.js";
import { clientFrame, frames, KEY, rawFrame } from "./build.js";

/** One bad-input vector. `before` = what is delivered before the error (merged data). */
export interface BadVector {
  name: string;
  /** Receiving role. */
  server: boolean;
  compression?: boolean;
  bytes: Buffer;
  /** Text of the ProtocolError. */
  error: string;
  closeCode: number;
  /**
   * Events delivered before the failure (data merged), the same for every feeding. For bad UTF-8
   * that is every byte before the first impossible one, as an unfinished piece.
   */
  before?: Normalized[];
}

/** A merged data piece for `before`. */
function piece(messageType: 1 | 2, text: string | Buffer, fin: boolean, compressed = false): Normalized {
  return { kind: "data", messageType, compressed, first: true, fin, bytes: Buffer.from(text) };
}

const c = clientFrame;
const S = true; // received by a server
const C = false; // received by a client
const UTF8 = "invalid UTF-8 in text message";
const KOSME_BAD = hex`ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80`; // Autobahn 6.3.1: "κόσμε" + U+D800

/** A vector; `error` is the text after "websocket: "; 1007 for UTF-8 errors, else 1002. */
function v(name: string, server: boolean, bytes: Buffer, error: string, more: Partial<BadVector> = {}): BadVector {
  const closeCode = error.includes("utf8") || error.includes("UTF-8") ? 1007 : 1002;
  return { name, server, bytes, error: "websocket: " + error, closeCode, ...more };
}

const withCompression = { compression: true };

export const BAD_VECTORS: BadVector[] = [
  // Reserved bits (RFC 6455 §5.2, RFC 7692 §6).
  v("RSV1 without negotiated compression", S, c({ rsv: 4, opcode: 1, payload: "x" }), "RSV1 set"),
  v("RSV1 on a ping with compression", S, c({ rsv: 4, opcode: 9 }), "RSV1 set", withCompression),
  v("RSV1 on a close with compression", C, rawFrame({ rsv: 4, opcode: 8 }), "RSV1 set", withCompression),
  v("RSV1 on a continuation frame with compression", S, frames(c({ fin: false, rsv: 4, opcode: 2, payload: "ab" }), c({ rsv: 4, opcode: 0, payload: "cd" })), "RSV1 set", {
    ...withCompression,
    before: [piece(2, "ab", false, true)],
  }),
  v("RSV2", S, c({ rsv: 2, opcode: 2 }), "RSV2 set"),
  v("RSV3", C, rawFrame({ rsv: 1, opcode: 2 }), "RSV3 set"),
  v("all three reserved bits (gorilla joins the reasons)", S, c({ rsv: 7, opcode: 1 }), "RSV1 set, RSV2 set, RSV3 set"),
  // Opcodes (§5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail_").
  ...[3, 4, 5, 6, 7, 11, 12, 13, 14, 15].map((op) => v(`opcode ${op}`, S, c({ opcode: op, payload: "x" }), `bad opcode ${op}`)),
  v("a reserved opcode with RSV1 under compression", S, c({ rsv: 4, opcode: 3 }), "bad opcode 3", withCompression),
  // Masking (§5.1).
  v("an unmasked frame to a server", S, hex`81 05 48 65 6c 6c 6f`, "bad MASK"),
  v("a masked frame to a client", C, hex`81 85 37 fa 21 3d 7f 9f 4d 51 58`, "bad MASK"),
  v("an unmasked ping to a server", S, hex`89 00`, "bad MASK"),
  // Control frames (§5.5).
  v("a ping of 126 bytes (16-bit length)", S, hex`89 fe 00 7e ${KEY}`, "len > 125 for control"),
  v("a pong with a 64-bit length", C, hex`8a 7f 00 00 00 00 00 00 00 01 aa`, "len > 125 for control"),
  v("a close with FIN clear", S, c({ fin: false, opcode: 8 }), "FIN not set on control"),
  v("a ping with FIN clear and 126 bytes", C, hex`09 7e 00 7e`, "len > 125 for control, FIN not set on control"),
  // Fragment order (§5.4).
  v("a continuation with no message open", S, c({ opcode: 0, payload: "x" }), "continuation after FIN"),
  v("a continuation after a complete message", S, frames(c({ opcode: 1, payload: "done" }), c({ opcode: 0, payload: "x" })), "continuation after FIN", {
    before: [piece(1, "done", true)],
  }),
  v("a text frame inside a fragmented message", S, frames(c({ fin: false, opcode: 2, payload: "ab" }), c({ opcode: 1, payload: "x" })), "data before FIN", {
    before: [piece(2, "ab", false)],
  }),
  v(
    "a binary frame inside a fragmented message, after a ping",
    C,
    frames(rawFrame({ fin: false, opcode: 1, payload: "ab" }), rawFrame({ opcode: 9 }), rawFrame({ fin: false, opcode: 2 })),
    "data before FIN",
    { before: [piece(1, "ab", false), { kind: "ping", data: Buffer.alloc(0) }] },
  ),
  // Length (§5.2: "the most significant bit MUST be 0").
  v("a 64-bit length with the top bit set", S, hex`82 ff 80 00 00 00 00 00 00 00 ${KEY}`, "bad frame length"),
  v("a 64-bit length of all ones", C, hex`82 7f ff ff ff ff ff ff ff ff`, "bad frame length"),
  // Close payloads (§5.5.1, §7.4).
  v("a 1-byte close payload", S, c({ opcode: 8, payload: hex`03` }), "bad close payload"),
  ...[999, 1004, 1005, 1006, 1015, 1016, 2999, 5000].map((code) =>
    v(`close code ${code}`, S, c({ opcode: 8, payload: Uint8Array.of(code >> 8, code & 0xff) }), `bad close code ${code}`),
  ),
  v("a close reason that is not UTF-8", S, c({ opcode: 8, payload: hex`03 e8 ${KOSME_BAD}` }), "invalid utf8 payload in close frame"),
  // UTF-8 in text messages (§8.1): every byte before the first impossible one is delivered.
  v("a text message that is not UTF-8", S, c({ opcode: 1, payload: KOSME_BAD }), UTF8, { before: [piece(1, KOSME_BAD.subarray(0, 12), false)] }),
  v("a text message starting with an impossible byte", S, c({ opcode: 1, payload: hex`ff 41` }), UTF8),
  v("a text message ending inside a code point", C, rawFrame({ opcode: 1, payload: hex`41 e2 82` }), UTF8, { before: [piece(1, hex`41 e2 82`, false)] }),
  v("a fragmented text message ending inside a code point", S, frames(c({ fin: false, opcode: 1, payload: hex`41 e2` }), c({ opcode: 0, payload: hex`82` })), UTF8, {
    before: [piece(1, hex`41 e2 82`, false)],
  }),
  v("a fragmented text message ending with an empty frame inside a code point", S, frames(c({ fin: false, opcode: 1, payload: hex`41 e2` }), c({ opcode: 0 })), UTF8, {
    before: [piece(1, hex`41 e2`, false)],
  }),
];
