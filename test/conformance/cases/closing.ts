/**
 * Group 7, the closing handshake (RFC 6455 §5.5.1, §7): the close is answered with the same code,
 * nothing is sent or processed after it, close payloads are checked (1 byte, bad codes, invalid
 * UTF-8 reasons, over 125 bytes), and every valid and invalid close code of §7.4 is tried.
 */
import { ascii, binary, bytes, close, cont, echoBinary, echoText, hex, ping, send, sendChopped, text, waitFrames, type Case, type Group } from "../case.js";

const basics: Case[] = [
  { id: "7.1.1", title: "text then close: echo then close 1000", steps: [send(text("Hello"), close(1000))], expect: { frames: [echoText("Hello")], close: 1000 } },
  { id: "7.1.2", title: "two closes: the second is ignored", steps: [send(close(1000), close(1001))], expect: { close: 1000 } },
  { id: "7.1.3", title: "close then ping: no pong", steps: [send(close(1000), ping("late"))], expect: { close: 1000 } },
  { id: "7.1.4", title: "close then text: no echo", steps: [send(close(1000), text("late"))], expect: { close: 1000 } },
  { id: "7.1.5", title: "close after a first fragment: the partial message is dropped", steps: [send(text("frag", { fin: false }), close(1000), cont("ment"))], expect: { close: 1000 } },
  {
    id: "7.1.6",
    title: "close after 3 messages in one write: every message is echoed first",
    steps: [send(text("a"), text(ascii(70_000)), text("c"), close(1000))],
    expect: { frames: [echoText("a"), echoText(ascii(70_000)), echoText("c")], close: 1000 },
  },
  { id: "7.1.7", title: "close with garbage after it in the same write", steps: [send(close(1000), { opcode: 3, payload: "junk" })], expect: { close: 1000 } },
  {
    id: "7.1.8",
    title: "binary of 1 MiB, ping and close in one write: echo, pong, then close",
    steps: [send(binary(bytes(1 << 20)), ping("p"), close(1000))],
    expect: { frames: [{ opcode: 10, payload: "p" }, echoBinary(bytes(1 << 20))], close: 1000 },
  },
  {
    id: "7.1.9",
    title: "fragmented text completed, then close, one byte per write: echo, then close",
    steps: [sendChopped(1, text("frag", { fin: false }), cont("ment"), close(1001))],
    expect: { frames: [echoText("fragment")], close: 1001 },
  },
  {
    id: "7.1.10",
    title: "close 1000 right behind one small message in the same write",
    steps: [send(binary("x"), close(1000))],
    expect: { frames: [echoBinary("x")], close: 1000 },
  },
  { id: "7.3.1", title: "close with an empty payload is answered with an empty payload", steps: [send(close())], expect: { close: "empty" } },
  { id: "7.3.2", title: "close with a 1-byte payload fails", steps: [send({ opcode: 8, payload: hex("03") })], expect: { close: 1002, fail: "bad close payload" } },
  { id: "7.3.3", title: "close 1000 without a reason", steps: [send(close(1000))], expect: { close: 1000 } },
  { id: "7.3.4", title: "close 1000 with a reason: the answer carries the code only", steps: [send(close(1000, "bye"))], expect: { close: 1000 } },
  { id: "7.3.5", title: "close 1000 with a 123-byte reason (125-byte payload)", steps: [send(close(1000, ascii(123).toString()))], expect: { close: 1000 } },
  { id: "7.3.6", title: "close 1000 with a 124-byte reason (126-byte payload) fails", steps: [send(close(1000, ascii(124).toString()))], expect: { close: 1002, fail: "len > 125 for control" } },
  { id: "7.3.7", title: "close 1000 with a multi-byte UTF-8 reason", steps: [send(close(1000, "κόσμε 😀"))], expect: { close: 1000 } },
  { id: "7.5.1", title: "close reason with invalid UTF-8 fails with 1007", steps: [send(close(1000, hex("ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64")))], expect: { close: 1007, fail: "invalid utf8 payload in close frame" } },
  { id: "7.5.2", title: "close reason of 123 invalid bytes fails with 1007", steps: [send(close(1000, Buffer.alloc(123, 0xff)))], expect: { close: 1007, fail: "invalid utf8 payload in close frame" } },
  { id: "7.5.3", title: "close reason truncated inside a code point fails with 1007", steps: [send(close(1000, hex("41 e2 82")))], expect: { close: 1007, fail: "invalid utf8 payload in close frame" } },
  {
    id: "7.5.4",
    title: "close after fragments, reason invalid: partial message dropped, 1007",
    steps: [send(text("a", { fin: false }), close(1001, hex("c0 80")))],
    expect: { close: 1007, fail: "invalid utf8 payload in close frame" },
  },
  {
    id: "7.5.5",
    title: "messages before a close: echoed, then the close is answered",
    steps: [send(text("x")), waitFrames(1), send(ping("p")), waitFrames(2), send(close(3000, "app"))],
    expect: { frames: [echoText("x"), { opcode: 10, payload: "p" }], close: 3000 },
  },
];

// RFC 6455 §7.4.1 defined codes that may be sent, §7.4.2 ranges, IANA registrations (1012–1014).
const VALID = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];
// §7.4.1/§7.4.2: below 1000, 1004–1006, 1015 (never on the wire), unassigned 1016–2999, 5000 and up.
const INVALID = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];

const codes: Case[] = [
  ...VALID.map((code, i): Case => ({
    id: `7.7.${i + 1}`,
    title: `close code ${code} is answered with ${code}`,
    steps: [send(close(code, "reason"))],
    expect: { close: code },
  })),
  ...INVALID.map((code, i): Case => ({
    id: `7.9.${i + 1}`,
    title: `close code ${code} on the wire fails with 1002`,
    steps: [send(close(code))],
    expect: { close: 1002, fail: `bad close code ${code}` },
  })),
  {
    id: "7.9.14",
    title: "close 1006 with a reason, after a valid message: echo, then 1002",
    steps: [send(text("Hello")), waitFrames(1), send(close(1006, bytes(20).toString("hex")))],
    expect: { frames: [echoText("Hello")], close: 1002, fail: "bad close code 1006" },
  },
];

export const closing: Group = {
  id: "7",
  name: "Closing handshake",
  cases: [...basics, ...codes],
};
