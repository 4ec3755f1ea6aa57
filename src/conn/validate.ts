/**
 * Argument checks for Conn methods (API §4.2, §4.5, §4.7): misuse → TypeError / RangeError with
 * gorilla's texts. Pure.
 */
import { isUtf8 } from "node:buffer";
import { MAX_CONTROL_PAYLOAD } from "../constants.js";
import { toBuffer, type Data } from "../util/bytes.js";
import { isValidReceivedCloseCode } from "../protocol/close-payload.js";

/**
 * Checks a control message's type and payload and returns the payload bytes.
 * @throws TypeError `websocket: bad write message type`, RangeError `websocket: invalid control frame`.
 */
export function checkWritePayload(type: number, data: Data | undefined): Buffer {
  if (type !== 8 && type !== 9 && type !== 10) throw new TypeError("websocket: bad write message type");
  const p = toBuffer(data);
  if (p.length > MAX_CONTROL_PAYLOAD) throw new RangeError("websocket: invalid control frame");
  if (type === 8 && p.length > 0) {
    if (p.length === 1) throw new RangeError("websocket: invalid close payload: 1 byte");
    const code = p.readUInt16BE(0);
    if (!isValidReceivedCloseCode(code)) throw new RangeError(`websocket: invalid close code ${code}`);
    if (!isUtf8(p.subarray(2))) throw new RangeError("websocket: invalid close reason: not UTF-8");
  }
  return p;
}

/** Checks a read limit: a non-negative integer (0 = none). */
export function validateReadLimit(n: number): number {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) throw new RangeError("websocket: invalid read limit");
  return n;
}

/** gorilla's range check for SetCompressionLevel: an integer in -2..9. */
export function validateCompressionLevel(level: number): void {
  if (typeof level !== "number" || !Number.isInteger(level) || level < -2 || level > 9) {
    throw new RangeError("websocket: invalid compression level");
  }
}
