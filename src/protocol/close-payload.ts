// Close frame payloads (RFC 6455 §5.5.1, §7.4): building, checking and parsing code + reason.
// Pure: never touches a socket or a timer.
import { Buffer } from "node:buffer";
import { ProtocolError } from "../errors.js";
import { MAX_CONTROL_PAYLOAD } from "../constants.js";
import { isValidUtf8 } from "./utf8-validator.js";

/**
 * formatCloseMessage formats closeCode and text as a WebSocket close message: a 2-byte big-endian
 * code followed by the UTF-8 text. Code 1005 (CloseNoStatusReceived) yields an empty payload.
 * gorilla: `FormatCloseMessage(closeCode int, text string) []byte`. No other checks are made
 * (see `checkCloseForSend`).
 * @param code - the close code, an integer in 0..65535
 * @param text - the reason (default "")
 * @returns a new Buffer owned by the caller
 * @throws {RangeError} when `code` is not an integer in 0..65535
 */
export function formatCloseMessage(code: number, text = ""): Buffer {
  if (!Number.isInteger(code) || code < 0 || code > 0xffff) {
    throw new RangeError("websocket: invalid close code " + String(code));
  }
  if (code === 1005) return Buffer.alloc(0);
  const n = Buffer.byteLength(text);
  const buf = Buffer.allocUnsafe(2 + n);
  buf[0] = code >>> 8;
  buf[1] = code & 0xff;
  if (n !== 0) buf.write(text, 2, "utf8");
  return buf;
}

/**
 * Reports whether a peer may send `code` in a close frame (RFC 6455 §7.4.1, §7.4.2): 1000–1003,
 * 1007–1014 and the 3000–4999 ranges for libraries and applications. 1004–1006 and 1015 are
 * reserved and never appear on the wire. gorilla: `isValidReceivedCloseCode`.
 * @param code - close code
 * @returns true when valid on the wire
 */
export function isValidReceivedCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/**
 * Checks that a close frame with `code` and `text` may be sent: the code must be valid on the wire
 * and the payload must fit a control frame (≤ 125 bytes, so the text ≤ 123 UTF-8 bytes).
 * gorilla checks only the length (`WriteControl`); silverback refuses codes the peer would reject.
 * @param code - close code
 * @param text - reason
 * @throws {RangeError} when the code may not be sent or the payload is longer than 125 bytes
 */
export function checkCloseForSend(code: number, text: string): void {
  if (!Number.isInteger(code) || !isValidReceivedCloseCode(code)) {
    throw new RangeError("websocket: invalid close code " + String(code));
  }
  if (2 + Buffer.byteLength(text) > MAX_CONTROL_PAYLOAD) {
    throw new RangeError("websocket: invalid control frame");
  }
}

/**
 * Parses and validates a received close payload. gorilla: the close branch of `advanceFrame`
 * (which reads a 1-byte payload as 1005; RFC 6455 §5.5.1 makes it a protocol error here).
 * @param p - the unmasked close frame payload (≤ 125 bytes)
 * @returns `{ code, reason }` (code 1005 and reason "" for an empty payload), or the
 *   {@link ProtocolError} to fail the connection with: `websocket: bad close payload` (1002),
 *   `websocket: bad close code N` (1002), `websocket: invalid utf8 payload in close frame` (1007)
 */
export function parseClosePayload(p: Uint8Array): { code: number; reason: string } | ProtocolError {
  if (p.length === 0) return { code: 1005, reason: "" };
  if (p.length === 1) return new ProtocolError("websocket: bad close payload", 1002);
  const code = (p[0]! << 8) | p[1]!;
  if (!isValidReceivedCloseCode(code)) return new ProtocolError("websocket: bad close code " + code, 1002);
  if (p.length === 2) return { code, reason: "" };
  const text = p.subarray(2);
  if (!isValidUtf8(text)) return new ProtocolError("websocket: invalid utf8 payload in close frame", 1007);
  return { code, reason: Buffer.from(text.buffer, text.byteOffset, text.length).toString("utf8") };
}
