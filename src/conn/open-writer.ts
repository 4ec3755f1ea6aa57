/**
 * nextWriter's queue job: waits for the write queue, then hands out a FrameWriter that holds the
 * queue until it is ended or destroyed (API §4.3).
 */
import type { MessageType } from "../constants.js";
import type { BufferPool } from "../types.js";
import { FrameWriter, type MessageWriter } from "./message-writer.js";
import type { WriteHalf } from "./write-half.js";

/** Queues a writer for `type`; resolves with it when the queue reaches it. */
export function openWriter(
  w: WriteHalf,
  type: MessageType,
  o: { writeBufferSize: number; pool: BufferPool | undefined; control(payload: Buffer): Promise<void> },
): Promise<MessageWriter> {
  return w.enqueue<MessageWriter>((resolve, reject) => ({
    start: () =>
      new Promise<void>((release) => {
        const compress = type < 8 && w.deflater !== null && w.compress;
        resolve(new FrameWriter({ half: w, type, writeBufferSize: o.writeBufferSize, pool: o.pool, compress, release, control: o.control }));
      }),
    reject,
  }));
}
