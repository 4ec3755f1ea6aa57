/**
 * Group 9, limits and large messages (RFC 6455 §10.4 "Implementation-Specific Limits"): the read
 * limit (close 1009, checked at each frame header before payload is buffered, so a fragmented
 * message over the limit fails before its rest is sent), huge declared 64-bit lengths (the top bit
 * must be 0, §5.2), and large messages in one frame and in many fragments.
 */
import { ascii, binary, bytes, cont, echoBinary, echoText, fragments, ping, gotPong, send, text, waitClose, type Case, type Group } from "../case.js";

const L = { readLimit: 1024 };
const TOO_BIG = "read limit exceeded";

const readLimit: Case[] = [
  { id: "9.1.1", title: "limit 1024: text of 1024 bytes is echoed", options: L, steps: [send(text(ascii(1024)))], expect: { frames: [echoText(ascii(1024))], close: 1000 } },
  { id: "9.1.2", title: "limit 1024: text of 1025 bytes fails with 1009", options: L, steps: [send(text(ascii(1025)))], expect: { close: 1009, fail: TOO_BIG } },
  {
    id: "9.1.3",
    title: "limit 1024: 512 + 512 fragments are echoed",
    options: L,
    steps: [send(binary(bytes(512), { fin: false }), cont(bytes(512, 1)))],
    expect: { frames: [echoBinary(Buffer.concat([bytes(512), bytes(512, 1)]))], close: 1000 },
  },
  {
    id: "9.1.4",
    title: "limit 1024: 1000 + 1000 fragments fail with 1009 before the third is sent",
    options: L,
    steps: [send(binary(bytes(1000), { fin: false }), cont(bytes(1000), { fin: false })), waitClose, send(cont(bytes(10)))],
    expect: { close: 1009, fail: TOO_BIG },
  },
  {
    id: "9.1.5",
    title: "limit 1024: control payloads do not count (20 pings inside a 1024-byte message)",
    options: L,
    steps: [send(...fragments(2, bytes(1024), 64).flatMap((f, i) => (i < 16 ? [f, ping(`p${i}`)] : [f])))],
    expect: { frames: [echoBinary(bytes(1024))], pongs: "coalesced", close: 1000 },
  },
  {
    id: "9.1.6",
    title: "limit 1024: the limit applies per message (three 1000-byte messages)",
    options: L,
    steps: [send(text(ascii(1000)), text(ascii(1000, 1)), text(ascii(1000, 2)))],
    expect: { frames: [echoText(ascii(1000)), echoText(ascii(1000, 1)), echoText(ascii(1000, 2))], close: 1000 },
  },
  {
    id: "9.1.7",
    title: "limit 1024: a header declaring 1 MiB fails before any payload is sent",
    options: L,
    steps: [send(binary("", { declaredLength: 1n << 20n })), waitClose],
    expect: { close: 1009, fail: TOO_BIG },
  },
];

// Default limit (64 MiB). Nothing but the header is sent: a conforming receiver fails at once.
const huge: Case[] = [
  { id: "9.2.1", title: "declared length 2^63 - 1 fails with 1009", steps: [send(binary("", { declaredLength: (1n << 63n) - 1n })), waitClose], expect: { close: 1009, fail: TOO_BIG } },
  { id: "9.2.2", title: "declared length 2^63 (top bit set) fails with 1002", steps: [send(binary("", { declaredLength: 1n << 63n })), waitClose], expect: { close: 1002, fail: "bad frame length" } },
  { id: "9.2.3", title: "declared length 2^64 - 1 fails with 1002", steps: [send(text("", { declaredLength: (1n << 64n) - 1n })), waitClose], expect: { close: 1002, fail: "bad frame length" } },
  { id: "9.2.4", title: "declared length 2^32 fails with 1009", steps: [send(binary("", { declaredLength: 1n << 32n })), waitClose], expect: { close: 1009, fail: TOO_BIG } },
  { id: "9.2.5", title: "declared length 64 MiB + 1 fails with 1009", steps: [send(binary("", { declaredLength: (64n << 20n) + 1n })), waitClose], expect: { close: 1009, fail: TOO_BIG } },
  {
    id: "9.2.6",
    title: "continuation declaring 2^53 after a first fragment fails with 1009",
    steps: [send(binary(bytes(10), { fin: false }), cont("", { declaredLength: 1n << 53n })), waitClose],
    expect: { close: 1009, fail: TOO_BIG },
  },
  {
    id: "9.2.7",
    title: "ping declaring 2^63 - 1 fails with 1002 (control frame length)",
    steps: [send(ping("", { declaredLength: (1n << 63n) - 1n })), waitClose],
    expect: { close: 1002, fail: "len > 125 for control" },
  },
];

const large: Case[] = [
  { id: "9.3.1", title: "text of 4 MiB in one frame", steps: [send(text(ascii(4 << 20)))], expect: { frames: [echoText(ascii(4 << 20))], close: 1000 } },
  { id: "9.3.2", title: "text of 4 MiB in 64 KiB fragments", steps: [send(...fragments(1, ascii(4 << 20, 1), 65536))], expect: { frames: [echoText(ascii(4 << 20, 1))], close: 1000 } },
  { id: "9.3.3", title: "binary of 4 MiB in 4 KiB fragments with a ping in the middle", steps: [send(...fragments(2, bytes(4 << 20, 2), 4096).flatMap((f, i) => (i === 512 ? [ping("mid"), f] : [f])))], expect: { frames: [gotPong("mid"), echoBinary(bytes(4 << 20, 2))], close: 1000 } },
  { id: "9.3.4", title: "binary of 16 MiB in 1 MiB fragments", steps: [send(...fragments(2, bytes(16 << 20, 3), 1 << 20))], expect: { frames: [echoBinary(bytes(16 << 20, 3))], close: 1000 } },
];

export const limits: Group = {
  id: "9",
  name: "Limits and large messages",
  cases: [...readLimit, ...huge, ...large],
};
