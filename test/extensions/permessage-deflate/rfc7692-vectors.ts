/**
 * The RFC 7692 §7.2.3 examples as byte vectors: frames as printed in the RFC and their payloads.
 * Data only (no tests here); shared by the rfc7692 and round-trip tests.
 */
import { Buffer } from "node:buffer";

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");

/** One example: the message text, the compressed payload of each frame, and the frames themselves. */
export interface Rfc7692Vector {
  section: string;
  title: string;
  /** The messages, in order (an example may need the previous message's context). */
  messages: Array<{ text: string; payloads: Buffer[]; frames?: Buffer[] }>;
  /** True when a later message needs the earlier ones in the LZ77 window (context takeover). */
  sharedWindow?: boolean;
}

export const RFC7692_VECTORS: Rfc7692Vector[] = [
  {
    section: "§7.2.3.1",
    title: "a message compressed using 1 compressed DEFLATE block",
    messages: [{ text: "Hello", payloads: [hex("f2 48 cd c9 c9 07 00")], frames: [hex("c1 07 f2 48 cd c9 c9 07 00")] }],
  },
  {
    section: "§7.2.3.1",
    title: "the same message fragmented into two frames",
    messages: [
      {
        text: "Hello",
        payloads: [hex("f2 48 cd"), hex("c9 c9 07 00")],
        frames: [hex("41 03 f2 48 cd"), hex("80 04 c9 c9 07 00")],
      },
    ],
  },
  {
    section: "§7.2.3.2",
    title: "sharing the LZ77 sliding window: the second Hello refers back to the first",
    sharedWindow: true,
    messages: [
      { text: "Hello", payloads: [hex("f2 48 cd c9 c9 07 00")], frames: [hex("c1 07 f2 48 cd c9 c9 07 00")] },
      { text: "Hello", payloads: [hex("f2 00 11 00 00")], frames: [hex("c1 05 f2 00 11 00 00")] },
    ],
  },
  {
    section: "§7.2.3.3",
    title: "a DEFLATE block with no compression",
    messages: [{ text: "Hello", payloads: [hex("00 05 00 fa ff 48 65 6c 6c 6f 00")], frames: [hex("c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00")] }],
  },
  {
    section: "§7.2.3.4",
    title: "a DEFLATE block with BFINAL set to 1",
    messages: [{ text: "Hello", payloads: [hex("f3 48 cd c9 c9 07 00 00")], frames: [hex("c1 08 f3 48 cd c9 c9 07 00 00")] }],
  },
  {
    section: "§7.2.3.5",
    title: "two DEFLATE blocks in one message",
    messages: [{ text: "Hello", payloads: [hex("f2 48 05 00 00 00 ff ff ca c9 c9 07 00")], frames: [hex("c1 0d f2 48 05 00 00 00 ff ff ca c9 c9 07 00")] }],
  },
  {
    section: "§7.2.3.6",
    title: "an empty final fragment after a sync-flushed fragment",
    messages: [{ text: "Hello", payloads: [hex("f2 48 cd c9 c9 07 00 00 00 ff ff"), hex("00")] }],
  },
];
