/**
 * Group 5, fragmentation (RFC 6455 §5.4): messages in several frames, control frames between
 * fragments (§5.4: "MAY be injected in the middle of a fragmented message"), fragmented control
 * frames (§5.5: "MUST NOT be fragmented"), and every invalid continuation order (§5.4: a
 * continuation needs an open message; a new data frame may not start inside one).
 */
import {
  ascii, binary, bytes, close, cont, echoBinary, echoText, fragments, gotPong, ping, pong, send, sendChopped, text,
  waitFrames, type Case, type FrameSpec, type Group,
} from "../case.js";

const controlUnfragmented: Case[] = [
  { id: "5.1.1", title: "ping without FIN", steps: [send(ping("frag", { fin: false }), cont("ment"))], expect: { close: 1002, fail: "FIN not set on control" } },
  { id: "5.1.2", title: "pong without FIN", steps: [send(pong("frag", { fin: false }), cont("ment"))], expect: { close: 1002, fail: "FIN not set on control" } },
  { id: "5.1.3", title: "close without FIN", steps: [send(close(1000, "", { fin: false }), cont(""))], expect: { close: 1002, fail: "FIN not set on control" } },
  {
    id: "5.1.4",
    title: "ping without FIN inside a fragmented text message",
    steps: [send(text("frag", { fin: false }), ping("x", { fin: false }), cont("ment"))],
    expect: { close: 1002, fail: "FIN not set on control" },
  },
  {
    id: "5.1.5",
    title: "ping of 126 bytes without FIN: both rules reported",
    steps: [send(ping(bytes(126), { fin: false }))],
    expect: { close: 1002, fail: "len > 125 for control, FIN not set on control" },
  },
];

const valid: Case[] = [
  { id: "5.2.1", title: "text in 2 fragments", steps: [send(text("frag", { fin: false }), cont("ment"))], expect: { frames: [echoText("fragment")], close: 1000 } },
  { id: "5.2.2", title: "text in 2 fragments, one byte per write", steps: [sendChopped(1, text("frag", { fin: false }), cont("ment"))], expect: { frames: [echoText("fragment")], close: 1000 } },
  { id: "5.2.3", title: "binary in 2 fragments", steps: [send(binary(bytes(3), { fin: false }), cont(bytes(3, 3)))], expect: { frames: [echoBinary(Buffer.concat([bytes(3), bytes(3, 3)]))], close: 1000 } },
  {
    id: "5.2.4",
    title: "text in 2 fragments with a ping between: pong first, then the message",
    steps: [send(text("frag", { fin: false }), ping("between"), cont("ment"))],
    expect: { frames: [gotPong("between"), echoText("fragment")], close: 1000 },
  },
  {
    id: "5.2.5",
    title: "text in 2 fragments with a ping between, one byte per write",
    steps: [sendChopped(1, text("frag", { fin: false }), ping("between"), cont("ment"))],
    expect: { frames: [gotPong("between"), echoText("fragment")], close: 1000 },
  },
  {
    id: "5.2.6",
    title: "text in 2 fragments with a pong between: the pong is ignored",
    steps: [send(text("frag", { fin: false }), pong("unsolicited"), cont("ment"))],
    expect: { frames: [echoText("fragment")], close: 1000 },
  },
  {
    id: "5.2.7",
    title: "the pong to a ping between fragments is sent before the message is complete",
    steps: [send(text("frag", { fin: false }), ping("early")), waitFrames(1), send(cont("ment"))],
    expect: { frames: [gotPong("early"), echoText("fragment")], close: 1000 },
  },
  {
    id: "5.2.8",
    title: "binary in 5 fragments, some empty",
    steps: [send(binary("", { fin: false }), cont(bytes(10), { fin: false }), cont("", { fin: false }), cont(bytes(10, 10), { fin: false }), cont(""))],
    expect: { frames: [echoBinary(Buffer.concat([bytes(10), bytes(10, 10)]))], close: 1000 },
  },
  {
    id: "5.2.9",
    title: "text in 3 empty fragments",
    steps: [send(text("", { fin: false }), cont("", { fin: false }), cont(""))],
    expect: { frames: [echoText("")], close: 1000 },
  },
  {
    id: "5.2.10",
    title: "text in 1000 one-byte fragments",
    steps: [send(...fragments(1, ascii(1000), 1))],
    expect: { frames: [echoText(ascii(1000))], close: 1000 },
  },
  {
    id: "5.2.11",
    title: "binary of 1 MiB in 65536 sixteen-byte fragments",
    steps: [send(...fragments(2, bytes(1 << 20, 4), 16))],
    expect: { frames: [echoBinary(bytes(1 << 20, 4))], close: 1000 },
  },
  {
    id: "5.2.12",
    title: "two fragmented messages back to back with pings between every frame",
    steps: [send(
      text("a", { fin: false }), ping("1"), cont("b", { fin: false }), ping("2"), cont("c"), ping("3"),
      binary(bytes(2), { fin: false }), ping("4"), cont(bytes(2, 2)), ping("5"),
    )],
    expect: { frames: [echoText("abc"), echoBinary(Buffer.concat([bytes(2), bytes(2, 2)]))], pongs: "coalesced", close: 1000 },
  },
  {
    id: "5.2.13",
    title: "binary in 40 fragments alternating 2000 and 10 bytes (large and tiny pieces interleaved)",
    steps: [send(...alternating(bytes(40 * 1005, 13), 40))],
    expect: { frames: [echoBinary(bytes(40 * 1005, 13))], close: 1000 },
  },
];

/** A binary message cut into `n` fragments alternating 2000 and 10 bytes (the payload must fit). */
function alternating(p: Buffer, n: number): FrameSpec[] {
  const out: FrameSpec[] = [];
  for (let i = 0, at = 0; i < n; i++) {
    const size = i % 2 === 0 ? 2000 : 10;
    out.push(i === 0 ? binary(p.subarray(at, at + size), { fin: false }) : cont(p.subarray(at, at + size), { fin: i === n - 1 }));
    at += size;
  }
  return out;
}

// Every invalid order: a continuation with no message open, a data frame inside an open message.
const invalid: Case[] = [
  { id: "5.3.1", title: "continuation with FIN and no message open", steps: [send(cont("x"))], expect: { close: 1002, fail: "continuation after FIN" } },
  { id: "5.3.2", title: "continuation without FIN and no message open", steps: [send(cont("x", { fin: false }), cont("y"))], expect: { close: 1002, fail: "continuation after FIN" } },
  {
    id: "5.3.3",
    title: "text, then a continuation: the text is echoed",
    steps: [send(text("Hello")), waitFrames(1), send(cont("x"))],
    expect: { frames: [echoText("Hello")], close: 1002, fail: "continuation after FIN" },
  },
  {
    id: "5.3.4",
    title: "fragmented text completed, then another final continuation",
    steps: [send(text("a", { fin: false }), cont("b")), waitFrames(1), send(cont("c"))],
    expect: { frames: [echoText("ab")], close: 1002, fail: "continuation after FIN" },
  },
  { id: "5.3.5", title: "text without FIN, then text with FIN", steps: [send(text("a", { fin: false }), text("b"))], expect: { close: 1002, fail: "data before FIN" } },
  { id: "5.3.6", title: "text without FIN, then text without FIN", steps: [send(text("a", { fin: false }), text("b", { fin: false }))], expect: { close: 1002, fail: "data before FIN" } },
  { id: "5.3.7", title: "text without FIN, then binary with FIN", steps: [send(text("a", { fin: false }), binary("b"))], expect: { close: 1002, fail: "data before FIN" } },
  { id: "5.3.8", title: "binary without FIN, then binary without FIN", steps: [send(binary("a", { fin: false }), binary("b", { fin: false }))], expect: { close: 1002, fail: "data before FIN" } },
  { id: "5.3.9", title: "binary without FIN, then text with FIN", steps: [send(binary("a", { fin: false }), text("b"))], expect: { close: 1002, fail: "data before FIN" } },
  {
    id: "5.3.10",
    title: "text without FIN, ping, binary: pong, then failure",
    steps: [send(text("a", { fin: false }), ping("p")), waitFrames(1), send(binary("b"))],
    expect: { frames: [gotPong("p")], close: 1002, fail: "data before FIN" },
  },
  {
    id: "5.3.11",
    title: "continuation without FIN and no message open, one byte per write",
    steps: [sendChopped(1, cont("x", { fin: false }), cont("y"))],
    expect: { close: 1002, fail: "continuation after FIN" },
  },
  {
    id: "5.3.12",
    title: "text without FIN, continuation without FIN, then text: the partial message is never echoed",
    steps: [send(text("a", { fin: false }), cont("b", { fin: false }), text("c"))],
    expect: { close: 1002, fail: "data before FIN" },
  },
];

export const fragmentation: Group = {
  id: "5",
  name: "Fragmentation",
  cases: [...controlUnfragmented, ...valid, ...invalid],
};
