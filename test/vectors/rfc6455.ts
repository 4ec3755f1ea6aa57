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

export const RFC6455_EXAMPLES: Rfc6455Example[] = [
  { name: "a single-frame unmasked text message", bytes: hex`81 05 48 65 6c 6c 6f`, server: false, kind: "data", messageType: 1, payload: hello, frames: [hex`81 05 48 65 6c 6c 6f`] },
  { name: "a single-frame masked text message", bytes: hex`81 85 37 fa 21 3d 7f 9f 4d 51 58`, server: true, kind: "data", messageType: 1, payload: hello, frames: [hex`81 85 37 fa 21 3d 7f 9f 4d 51 58`] },
  { name: "a fragmented unmasked text message", bytes: hex`01 03 48 65 6c 80 02 6c 6f`, server: false, kind: "data", messageType: 1, payload: hello, frames: [hex`01 03 48 65 6c`, hex`80 02 6c 6f`] },
  { name: "an unmasked Ping request", bytes: hex`89 05 48 65 6c 6c 6f`, server: false, kind: "ping", payload: hello, frames: [hex`89 05 48 65 6c 6c 6f`] },
  { name: "a masked Ping response", bytes: hex`8a 85 37 fa 21 3d 7f 9f 4d 51 58`, server: true, kind: "pong", payload: hello, frames: [hex`8a 85 37 fa 21 3d 7f 9f 4d 51 58`] },
  { name: "256 bytes binary message in a single unmasked frame", bytes: hex`82 7e 01 00 ${b256}`, server: false, kind: "data", messageType: 2, payload: b256, frames: [hex`82 7e 01 00 ${b256}`] },
  { name: "64KiB binary message in a single unmasked frame", bytes: hex`82 7f 00 00 00 00 00 01 00 00 ${b64k}`, server: false, kind: "data", messageType: 2, payload: b64k, frames: [hex`82 7f 00 00 00 00 00 01 00 00 ${b64k}`] },
];

/** The masking key of the masked examples. */
export const RFC6455_KEY = hex`37 fa 21 3d`;
