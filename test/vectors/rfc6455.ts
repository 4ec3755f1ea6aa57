// The examples of RFC 6455 §5.7, byte for byte as printed there.
import { Buffer } from "node:buffer";
import { hex } from "../helpers/hex.js";

/** One §5.7 example: who receives it and what it means. */
export interface Rfc6455Example {
  name: string;
  bytes: Buffer;
  /** The receiving role: masked frames go to a server. */
  server: boolean;
  kind: "data" | "ping" | "pong";
  messageType?: 1 | 2;
  payload: Buffer;
  /** The frames as separate vectors (the fragmented example has two). */
  frames: Buffer[];
}

const hello = Buffer.from("Hello");
const b256 = Buffer.alloc(256, 0xab);
const b64k = Buffer.alloc(65536, 0xcd);

/** A one-frame example. */
function one(name: string, bytes: Buffer, server: boolean, kind: Rfc6455Example["kind"], payload: Buffer, messageType?: 1 | 2): Rfc6455Example {
  return { name, bytes, server, kind, payload, frames: [bytes], ...(messageType === undefined ? {} : { messageType }) };
}

export const RFC6455_EXAMPLES: Rfc6455Example[] = [
  one("a single-frame unmasked text message", hex`81 05 48 65 6c 6c 6f`, false, "data", hello, 1),
  one("a single-frame masked text message", hex`81 85 37 fa 21 3d 7f 9f 4d 51 58`, true, "data", hello, 1),
  {
    name: "a fragmented unmasked text message",
    bytes: hex`01 03 48 65 6c 80 02 6c 6f`,
    server: false,
    kind: "data",
    messageType: 1,
    payload: hello,
    frames: [hex`01 03 48 65 6c`, hex`80 02 6c 6f`],
  },
  one("an unmasked Ping request", hex`89 05 48 65 6c 6c 6f`, false, "ping", hello),
  one("a masked Ping response", hex`8a 85 37 fa 21 3d 7f 9f 4d 51 58`, true, "pong", hello),
  one("256 bytes binary message in a single unmasked frame", hex`82 7e 01 00 ${b256}`, false, "data", b256, 2),
  one("64KiB binary message in a single unmasked frame", hex`82 7f 00 00 00 00 00 01 00 00 ${b64k}`, false, "data", b64k, 2),
];

/** The masking key of the masked examples. */
export const RFC6455_KEY = hex`37 fa 21 3d`;
