/**
 * PreparedMessage (gorilla prepared.go): a message encoded once and sent to many conns. Wire forms
 * are cached per (role, compression parameters), so 10,000 server conns cost one frame encoding
 * and one deflate. Client forms cache the payload and are masked per send with a fresh key.
 */
import type { MessageType } from "../constants.js";
import { serializeFrame } from "../protocol/frame-serializer.js";
import type { Sender } from "../protocol/sender.js";
import { deflateMessage } from "../extensions/compression.js";
import { toBuffer, type Data } from "../util/bytes.js";
import { checkWritePayload } from "./validate.js";

/** Compression parameters a conn would deflate with; the cache key of compressed forms. */
export interface DeflateParams {
  level: number;
  memLevel: number;
  windowBits: number;
}

/**
 * PreparedMessage caches on the wire representations of a message payload (gorilla
 * `NewPreparedMessage`). Use {@link Conn.writePreparedMessage} to send it.
 * @example
 * const pm = new PreparedMessage(TextMessage, JSON.stringify(update));
 * await Promise.all([...conns].map((c) => c.writePreparedMessage(pm)));
 */
export class PreparedMessage {
  /** The message type given to the constructor. */
  readonly messageType: MessageType;
  /** @internal The payload, copied once at construction. */
  readonly payload: Buffer;
  #serverPlain: Buffer | undefined;
  readonly #deflated = new Map<string, Buffer>();
  readonly #serverDeflated = new Map<string, Buffer>();

  /**
   * @throws TypeError `websocket: bad write message type`; RangeError for an invalid control payload.
   */
  constructor(messageType: MessageType, data?: Data) {
    if (messageType === 1 || messageType === 2) this.payload = Buffer.from(toBuffer(data));
    else this.payload = Buffer.from(checkWritePayload(messageType, data));
    this.messageType = messageType;
  }

  /** @internal Frames for one send: cached for servers, freshly masked for clients. */
  frames(sender: Sender, server: boolean, d: DeflateParams | null): Uint8Array[] {
    const type = this.messageType as 1 | 2;
    let payload = this.payload;
    let key = "";
    if (d !== null) {
      key = `${d.level}/${d.memLevel}/${d.windowBits}`;
      let z = this.#deflated.get(key);
      if (z === undefined) {
        z = deflateMessage(payload, d);
        this.#deflated.set(key, z);
      }
      payload = z;
    }
    if (!server) return sender.dataFrame(type, payload, true, d !== null);
    if (d === null) return [(this.#serverPlain ??= join(serializeFrame({ fin: true, opcode: type, payload })))];
    let f = this.#serverDeflated.get(key);
    if (f === undefined) this.#serverDeflated.set(key, (f = join(serializeFrame({ fin: true, rsv1: true, opcode: type, payload }))));
    return [f];
  }
}

function join(parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}
