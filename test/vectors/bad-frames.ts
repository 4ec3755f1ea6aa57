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

export const BAD_VECTORS: BadVector[] = [
  // Reserved bits (RFC 6455 §5.2, RFC 7692 §6).
  { name: "RSV1 without negotiated compression", server: true, bytes: c({ rsv: 4, opcode: 1, payload: "x" }), error: "websocket: RSV1 set", closeCode: 1002 },
  { name: "RSV1 on a ping with compression", server: true, compression: true, bytes: c({ rsv: 4, opcode: 9 }), error: "websocket: RSV1 set", closeCode: 1002 },
  { name: "RSV1 on a close with compression", server: false, compression: true, bytes: rawFrame({ rsv: 4, opcode: 8 }), error: "websocket: RSV1 set", closeCode: 1002 },
  {
    name: "RSV1 on a continuation frame with compression",
    server: true,
    compression: true,
    bytes: frames(c({ fin: false, rsv: 4, opcode: 2, payload: "ab" }), c({ rsv: 4, opcode: 0, payload: "cd" })),
    error: "websocket: RSV1 set",
    closeCode: 1002,
    before: [piece(2, "ab", false, true)],
  },
  { name: "RSV2", server: true, bytes: c({ rsv: 2, opcode: 2 }), error: "websocket: RSV2 set", closeCode: 1002 },
  { name: "RSV3", server: false, bytes: rawFrame({ rsv: 1, opcode: 2 }), error: "websocket: RSV3 set", closeCode: 1002 },
  { name: "all three reserved bits (gorilla joins the reasons)", server: true, bytes: c({ rsv: 7, opcode: 1 }), error: "websocket: RSV1 set, RSV2 set, RSV3 set", closeCode: 1002 },
  // Opcodes (§5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail_").
  ...[3, 4, 5, 6, 7, 11, 12, 13, 14, 15].map((op) => ({
    name: `opcode ${op}`,
    server: true,
    bytes: c({ opcode: op, payload: "x" }),
    error: `websocket: bad opcode ${op}`,
    closeCode: 1002,
  })),
  { name: "a reserved opcode with RSV1 under compression", server: true, compression: true, bytes: c({ rsv: 4, opcode: 3 }), error: "websocket: bad opcode 3", closeCode: 1002 },
  // Masking (§5.1).
  { name: "an unmasked frame to a server", server: true, bytes: hex`81 05 48 65 6c 6c 6f`, error: "websocket: bad MASK", closeCode: 1002 },
  { name: "a masked frame to a client", server: false, bytes: hex`81 85 37 fa 21 3d 7f 9f 4d 51 58`, error: "websocket: bad MASK", closeCode: 1002 },
  { name: "an unmasked ping to a server", server: true, bytes: hex`89 00`, error: "websocket: bad MASK", closeCode: 1002 },
  // Control frames (§5.5).
  { name: "a ping of 126 bytes (16-bit length)", server: true, bytes: hex`89 fe 00 7e ${KEY}`, error: "websocket: len > 125 for control", closeCode: 1002 },
  { name: "a pong with a 64-bit length", server: false, bytes: hex`8a 7f 00 00 00 00 00 00 00 01 aa`, error: "websocket: len > 125 for control", closeCode: 1002 },
  { name: "a close with FIN clear", server: true, bytes: c({ fin: false, opcode: 8 }), error: "websocket: FIN not set on control", closeCode: 1002 },
  { name: "a ping with FIN clear and 126 bytes", server: false, bytes: hex`09 7e 00 7e`, error: "websocket: len > 125 for control, FIN not set on control", closeCode: 1002 },
  // Fragment order (§5.4).
  { name: "a continuation with no message open", server: true, bytes: c({ opcode: 0, payload: "x" }), error: "websocket: continuation after FIN", closeCode: 1002 },
  { name: "a continuation after a complete message", server: true, bytes: frames(c({ opcode: 1, payload: "done" }), c({ opcode: 0, payload: "x" })), error: "websocket: continuation after FIN", closeCode: 1002, before: [piece(1, "done", true)] },
  { name: "a text frame inside a fragmented message", server: true, bytes: frames(c({ fin: false, opcode: 2, payload: "ab" }), c({ opcode: 1, payload: "x" })), error: "websocket: data before FIN", closeCode: 1002, before: [piece(2, "ab", false)] },
  { name: "a binary frame inside a fragmented message, after a ping", server: false, bytes: frames(rawFrame({ fin: false, opcode: 1, payload: "ab" }), rawFrame({ opcode: 9 }), rawFrame({ fin: false, opcode: 2 })), error: "websocket: data before FIN", closeCode: 1002, before: [piece(1, "ab", false), { kind: "ping", data: Buffer.alloc(0) }] },
  // Length (§5.2: "the most significant bit MUST be 0").
  { name: "a 64-bit length with the top bit set", server: true, bytes: hex`82 ff 80 00 00 00 00 00 00 00 ${KEY}`, error: "websocket: bad frame length", closeCode: 1002 },
  { name: "a 64-bit length of all ones", server: false, bytes: hex`82 7f ff ff ff ff ff ff ff ff`, error: "websocket: bad frame length", closeCode: 1002 },
  // Close payloads (§5.5.1, §7.4).
  { name: "a 1-byte close payload", server: true, bytes: c({ opcode: 8, payload: hex`03` }), error: "websocket: bad close payload", closeCode: 1002 },
  ...[999, 1004, 1005, 1006, 1015, 1016, 2999, 5000].map((code) => ({
    name: `close code ${code}`,
    server: true,
    bytes: c({ opcode: 8, payload: Uint8Array.of(code >> 8, code & 0xff) }),
    error: `websocket: bad close code ${code}`,
    closeCode: 1002,
  })),
  { name: "a close reason that is not UTF-8", server: true, bytes: c({ opcode: 8, payload: hex`03 e8 ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64` }), error: "websocket: invalid utf8 payload in close frame", closeCode: 1007 },
  // UTF-8 in text messages (§8.1).
  { name: "a text message that is not UTF-8", server: true, bytes: c({ opcode: 1, payload: hex`ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80` }), error: "websocket: invalid UTF-8 in text message", closeCode: 1007, before: [piece(1, hex`ce ba e1 bd b9 cf 83 ce bc ce b5 ed`, false)] },
  { name: "a text message starting with an impossible byte", server: true, bytes: c({ opcode: 1, payload: hex`ff 41` }), error: "websocket: invalid UTF-8 in text message", closeCode: 1007 },
  { name: "a text message ending inside a code point", server: false, bytes: rawFrame({ opcode: 1, payload: hex`41 e2 82` }), error: "websocket: invalid UTF-8 in text message", closeCode: 1007, before: [piece(1, hex`41 e2 82`, false)] },
  { name: "a fragmented text message ending inside a code point", server: true, bytes: frames(c({ fin: false, opcode: 1, payload: hex`41 e2` }), c({ opcode: 0, payload: hex`82` })), error: "websocket: invalid UTF-8 in text message", closeCode: 1007, before: [piece(1, hex`41 e2 82`, false)] },
  { name: "a fragmented text message ending with an empty frame inside a code point", server: true, bytes: frames(c({ fin: false, opcode: 1, payload: hex`41 e2` }), c({ opcode: 0 })), error: "websocket: invalid UTF-8 in text message", closeCode: 1007, before: [piece(1, hex`41 e2`, false)] },
];
