/**
 * Group 12, permessage-deflate (RFC 7692). Without negotiation RSV1 is a protocol error (12.1).
 * Negotiated (both no-context-takeover parameters, so each message inflates alone): compressed
 * messages whole and fragmented (RSV1 on the first frame only, §6.1), uncompressed messages mixed
 * in, RSV1 on continuation or control frames (1002), corrupt data (1007), invalid UTF-8 after
 * inflation (1007), and the read limit on the inflated size (1009).
 */
import { ascii, binary, bytes, compressed, cont, echoBinary, echoText, gotPong, hex, ping, send, sendChopped, text, type Case, type Group } from "../case.js";
import { deflateMessage } from "../wire.js";

const Z = { compression: true };

const withoutNegotiation: Case[] = [
  { id: "12.1.1", title: "compressed text without negotiation fails", steps: [send(...compressed(1, "Hello"))], expect: { close: 1002, fail: "RSV1 set" } },
  { id: "12.1.2", title: "compressed binary without negotiation fails", steps: [send(...compressed(2, bytes(100)))], expect: { close: 1002, fail: "RSV1 set" } },
  { id: "12.1.3", title: "ping with RSV1 without negotiation fails", steps: [send(ping("x", { rsv: 4 }))], expect: { close: 1002, fail: "RSV1 set" } },
];

const zeros = Buffer.alloc(64 * 1024);
const negotiated: Case[] = [
  { id: "12.2.1", title: "compressed text", options: Z, steps: [send(...compressed(1, "Hello, compressed world"))], expect: { frames: [echoText("Hello, compressed world")], close: 1000 } },
  { id: "12.2.2", title: "compressed binary of 64 KiB", options: Z, steps: [send(...compressed(2, bytes(65536)))], expect: { frames: [echoBinary(bytes(65536))], close: 1000 } },
  { id: "12.2.3", title: "compressed text in 3 fragments, RSV1 on the first only", options: Z, steps: [send(...compressed(1, ascii(5000), 3))], expect: { frames: [echoText(ascii(5000))], close: 1000 } },
  { id: "12.2.4", title: "uncompressed text on a compressed connection", options: Z, steps: [send(text("plain"))], expect: { frames: [echoText("plain")], close: 1000 } },
  { id: "12.2.5", title: "compressed empty message", options: Z, steps: [send(...compressed(1, ""))], expect: { frames: [echoText("")], close: 1000 } },
  {
    id: "12.2.6",
    title: "compressed and uncompressed messages alternating",
    options: Z,
    steps: [send(...compressed(1, ascii(3000)), binary(bytes(10)), ...compressed(2, zeros), text("x"), ...compressed(1, "é"))],
    expect: { frames: [echoText(ascii(3000)), echoBinary(bytes(10)), echoBinary(zeros), echoText("x"), echoText("é")], close: 1000 },
  },
  {
    id: "12.2.7",
    title: "compressed fragments with a ping between, one byte per write",
    options: Z,
    steps: [sendChopped(1, ...compressed(1, ascii(2000), 2).flatMap((f, i) => (i === 0 ? [f, ping("mid")] : [f])))],
    expect: { frames: [gotPong("mid"), echoText(ascii(2000))], close: 1000 },
  },
  { id: "12.2.8", title: "compressed 1 MiB of zeros (ratio 1000:1) under the default limit", options: Z, steps: [send(...compressed(2, Buffer.alloc(1 << 20)))], expect: { frames: [echoBinary(Buffer.alloc(1 << 20))], close: 1000 } },
  // RFC 7692 §7.2.3: the example payloads, byte for byte (each decodable without context).
  { id: "12.2.9", title: "RFC 7692 §7.2.3.1: \"Hello\" compressed in one frame", options: Z, steps: [send(text(hex("f2 48 cd c9 c9 07 00"), { rsv: 4 }))], expect: { frames: [echoText("Hello")], close: 1000 } },
  {
    id: "12.2.10",
    title: "RFC 7692 §7.2.3.2: \"Hello\" compressed, fragmented after 3 bytes",
    options: Z,
    steps: [send(text(hex("f2 48 cd"), { rsv: 4, fin: false }), cont(hex("c9 c9 07 00")))],
    expect: { frames: [echoText("Hello")], close: 1000 },
  },
  { id: "12.2.11", title: "RFC 7692 §7.2.3.3: \"Hello\" in a DEFLATE block with no compression", options: Z, steps: [send(text(hex("00 05 00 fa ff 48 65 6c 6c 6f 00"), { rsv: 4 }))], expect: { frames: [echoText("Hello")], close: 1000 } },
  { id: "12.2.12", title: "RFC 7692 §7.2.3.5: \"Hello\" in a DEFLATE block with BFINAL set", options: Z, steps: [send(text(hex("f3 48 cd c9 c9 07 00 00"), { rsv: 4 }))], expect: { frames: [echoText("Hello")], close: 1000 } },
];

const broken: Case[] = [
  {
    id: "12.3.1",
    title: "RSV1 on a continuation frame fails",
    options: Z,
    steps: [send(text(deflateMessage(Buffer.from("Hello")), { fin: false, rsv: 4 }), cont("", { rsv: 4 }))],
    expect: { close: 1002, fail: "RSV1 set" },
  },
  { id: "12.3.2", title: "RSV1 on a ping fails", options: Z, steps: [send(ping("x", { rsv: 4 }))], expect: { close: 1002, fail: "RSV1 set" } },
  { id: "12.3.3", title: "RSV2 on a compressed text fails", options: Z, steps: [send(text(deflateMessage(Buffer.from("Hello")), { rsv: 6 }))], expect: { close: 1002, fail: "RSV2 set" } },
  { id: "12.3.4", title: "corrupt deflate data fails with 1007", options: Z, steps: [send(binary(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00]), { rsv: 4 }))], expect: { close: 1007, fail: "invalid compressed data" } },
  { id: "12.3.5", title: "compressed text that inflates to invalid UTF-8 fails with 1007", options: Z, steps: [send(...compressed(1, Buffer.from([0x48, 0x69, 0xed, 0xa0, 0x80])))], expect: { close: 1007, fail: "invalid UTF-8 in text message" } },
  {
    id: "12.3.6",
    title: "limit 4096: 64 KiB of zeros compressed to ~100 bytes fails with 1009",
    options: { ...Z, readLimit: 4096 },
    steps: [send(...compressed(2, zeros))],
    expect: { close: 1009, fail: "read limit exceeded" },
  },
  {
    id: "12.3.7",
    title: "limit 4096: compressed 4096 bytes is echoed",
    options: { ...Z, readLimit: 4096 },
    steps: [send(...compressed(2, Buffer.alloc(4096, 7)))],
    expect: { frames: [echoBinary(Buffer.alloc(4096, 7))], close: 1000 },
  },
];

export const compression: Group = {
  id: "12",
  name: "Compression (RFC 7692)",
  cases: [...withoutNegotiation, ...negotiated, ...broken],
};
