/**
 * Every close code, exhaustively, at the protocol core (RFC 6455 §7.4; the wire cases of group 7
 * sample them over TCP): a close frame carrying code N is accepted exactly when N may appear on
 * the wire (1000–1003, 1007–1014 as registered with IANA, 3000–4999), and otherwise fails with
 * 1002 `bad close code N`, for a server and a client receiver alike.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Receiver } from "../../src/protocol/receiver.js";
import { encodeFrame } from "./wire.js";

function allowed(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

describe("RFC 6455 conformance 7.x every close code 0..65535 at the Receiver", () => {
  for (const server of [true, false]) {
    it(`a ${server ? "server" : "client"} Receiver accepts exactly the codes valid on the wire`, () => {
      const wrong: number[] = [];
      for (let code = 0; code <= 0xffff; code++) {
        const payload = Buffer.from([code >> 8, code & 0xff, 0x6f, 0x6b]);
        const frame = encodeFrame({ fin: true, rsv: 0, opcode: 8, payload, maskKey: server ? Buffer.from([1, 2, 3, 4]) : null });
        const [e, ...rest] = new Receiver({ server }).push(frame);
        const ok = allowed(code)
          ? e?.kind === "close" && e.code === code && e.reason === "ok"
          : e?.kind === "error" && e.error.closeCode === 1002 && e.error.message === `websocket: bad close code ${code}`;
        if (!ok || rest.length !== 0) wrong.push(code);
      }
      assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} codes handled wrongly`);
    });
  }
});
