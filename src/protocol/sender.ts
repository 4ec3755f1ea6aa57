// Sender: write intents → wire bytes, with opcode sequencing, RSV1, control limits and close-sent.
// Pure: never touches a socket or a timer; it returns bytes for conn to write.
import { CloseSentError } from "../errors.js";
import { MAX_CONTROL_PAYLOAD } from "../constants.js";
import { writeFrame } from "./frame-serializer.js";
import { MaskKeySource } from "./mask.js";

/** Options of {@link Sender}. */
export interface SenderOptions {
  /** Role: a client masks every frame (RFC 6455 §5.3), a server never does. */
  server: boolean;
  /** Where a client draws masking keys; default a new {@link MaskKeySource}. Ignored by servers. */
  maskKeys?: MaskKeySource;
}

/**
 * Sender frames outgoing messages. It picks the opcode of each data frame (the message type, then
 * continuation), sets RSV1 on the first frame of a compressed message only, masks client frames,
 * bounds control payloads and refuses everything after a close frame. gorilla: the framing of
 * `NextWriter`/`messageWriter` and `WriteControl`, without buffering or I/O.
 */
export class Sender {
  readonly #keys: MaskKeySource | null;
  #closeSent = false;
  #messageOpen = false;

  /** @param o - role and, for a client, the mask key source */
  constructor(o: SenderOptions) {
    this.#keys = o.server ? null : (o.maskKeys ?? new MaskKeySource());
  }

  /** A close frame was serialized; every later frame throws {@link CloseSentError}. */
  get closeSent(): boolean {
    return this.#closeSent;
  }

  /** A data message was begun with `fin` false and not finished yet. */
  get messageOpen(): boolean {
    return this.#messageOpen;
  }

  /**
   * Frames a piece of a data message: opcode `messageType` when no message is open, else
   * continuation (0); RSV1 only on the first frame of a compressed message.
   * @param messageType - TextMessage (1) or BinaryMessage (2); only used on a message's first frame
   * @param payload - the bytes (already deflated when `compressed`); never modified
   * @param fin - this frame ends the message
   * @param compressed - the message is compressed (read on its first frame)
   * @returns wire bytes, see `serializeFrame`
   * @throws {@link CloseSentError} after a close frame
   */
  dataFrame(messageType: 1 | 2, payload: Uint8Array, fin: boolean, compressed = false): Uint8Array[] {
    if (this.#closeSent) throw new CloseSentError();
    const open = this.#messageOpen;
    this.#messageOpen = !fin;
    return writeFrame(fin, compressed && !open, open ? 0 : messageType, payload, null, this.#keys);
  }

  /**
   * Frames a control message; it may go between the frames of an open data message.
   * @param opcode - CloseMessage (8), PingMessage (9) or PongMessage (10); 8 sets {@link Sender.closeSent}
   * @param payload - ≤ 125 bytes; never modified
   * @returns wire bytes, see `serializeFrame`
   * @throws {RangeError} `websocket: invalid control frame` when the payload is over 125 bytes
   * @throws {@link CloseSentError} after a close frame
   */
  controlFrame(opcode: 8 | 9 | 10, payload: Uint8Array): Uint8Array[] {
    if (payload.length > MAX_CONTROL_PAYLOAD) throw new RangeError("websocket: invalid control frame");
    if (this.#closeSent) throw new CloseSentError();
    if (opcode === 8) this.#closeSent = true;
    return writeFrame(true, false, opcode, payload, null, this.#keys);
  }
}
