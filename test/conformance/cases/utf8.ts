/**
 * Group 6, UTF-8 (RFC 6455 §5.6, §8.1; RFC 3629): text messages must be valid UTF-8. Each vector is
 * sent as one frame, as one frame per byte (fragmented at every byte) and as one frame written one
 * byte at a time. Invalid vectors fail with 1007 as soon as the bad prefix is seen (6.4: the close
 * must arrive before the rest of the message is sent).
 */
import { ascii, cont, echoText, fragments, hex, send, sendChopped, text, waitClose, type Case, type Group } from "../case.js";

const valid: Array<[string, Buffer]> = [
  ["empty", Buffer.alloc(0)],
  ["ASCII and Latin-1 letters", Buffer.from("Hello-µ@ßöäüàá-UTF-8!!")],
  ["Greek κόσμε", Buffer.from("κόσμε")],
  ["U+0000", hex("00")],
  ["U+007F", hex("7f")],
  ["U+0080 (first 2-byte)", hex("c2 80")],
  ["U+07FF (last 2-byte)", hex("df bf")],
  ["U+0800 (first 3-byte)", hex("e0 a0 80")],
  ["U+D7FF (before the surrogates)", hex("ed 9f bf")],
  ["U+E000 (after the surrogates)", hex("ee 80 80")],
  ["U+FFFD", hex("ef bf bd")],
  ["U+FFFE noncharacter", hex("ef bf be")],
  ["U+FFFF noncharacter", hex("ef bf bf")],
  ["U+10000 (first 4-byte)", hex("f0 90 80 80")],
  ["U+10FFFF (last code point)", hex("f4 8f bf bf")],
  ["emoji and CJK mixed", Buffer.from("😀 中文 ✓ 𝄞")],
];

const invalid: Array<[string, Buffer]> = [
  ["lone continuation byte 80", hex("80")],
  ["lone continuation byte bf", hex("bf")],
  ["overlong NUL c0 80", hex("c0 80")],
  ["overlong c1 bf", hex("c1 bf")],
  ["overlong 3-byte e0 80 80", hex("e0 80 80")],
  ["overlong 3-byte e0 9f bf", hex("e0 9f bf")],
  ["overlong 4-byte f0 80 80 80", hex("f0 80 80 80")],
  ["overlong 4-byte f0 8f bf bf", hex("f0 8f bf bf")],
  ["surrogate U+D800", hex("ed a0 80")],
  ["surrogate U+DFFF", hex("ed bf bf")],
  ["surrogate pair U+D800 U+DC00", hex("ed a0 80 ed b0 80")],
  ["above U+10FFFF f4 90 80 80", hex("f4 90 80 80")],
  ["f5 lead byte", hex("f5 80 80 80")],
  ["5-byte form f8 88 80 80 80", hex("f8 88 80 80 80")],
  ["6-byte form fc 84 80 80 80 80", hex("fc 84 80 80 80 80")],
  ["fe", hex("fe")],
  ["ff", hex("ff")],
  ["truncated 2-byte at the end", hex("41 c2")],
  ["truncated 3-byte at the end", hex("41 e0 a0")],
  ["truncated 4-byte at the end", hex("41 f0 90 80")],
  ["2-byte lead then ASCII", hex("c2 41")],
  ["3-byte lead, continuation, then ASCII", hex("e2 82 41")],
  ["valid text with a surrogate inside", Buffer.concat([Buffer.from("κόσμε"), hex("ed a0 80"), Buffer.from("edited")])],
  ["valid text with ff inside", Buffer.concat([Buffer.from("Hello"), hex("ff"), Buffer.from("World")])],
];

const FAIL = "invalid UTF-8 in text message";

function validCases(): Case[] {
  return valid.flatMap(([name, v], i): Case[] => [
    { id: `6.1.${i + 1}`, title: `valid ${name}, one frame`, steps: [send(text(v))], expect: { frames: [echoText(v)], close: 1000 } },
    { id: `6.2.${i + 1}`, title: `valid ${name}, one frame per byte`, steps: [send(...fragments(1, v, 1))], expect: { frames: [echoText(v)], close: 1000 } },
    { id: `6.3.${i + 1}`, title: `valid ${name}, one byte per write`, steps: [sendChopped(1, text(v))], expect: { frames: [echoText(v)], close: 1000 } },
  ]);
}

function invalidCases(): Case[] {
  return invalid.flatMap(([name, v], i): Case[] => [
    { id: `6.4.${i + 1}`, title: `invalid ${name}, one frame`, steps: [send(text(v))], expect: { close: 1007, fail: FAIL } },
    { id: `6.5.${i + 1}`, title: `invalid ${name}, one frame per byte`, steps: [send(...fragments(1, v, 1))], expect: { close: 1007, fail: FAIL } },
    { id: `6.6.${i + 1}`, title: `invalid ${name}, one byte per write`, steps: [sendChopped(1, text(v))], expect: { close: 1007, fail: FAIL } },
  ]);
}

// Fail fast: the close must arrive while the rest of the message is still unsent.
const tail = ascii(1000);
const bad = Buffer.concat([Buffer.from("κόσμε"), hex("ed a0 80"), Buffer.from("edited")]);
const whole = Buffer.concat([bad, tail]);
const failFast: Case[] = [
  {
    id: "6.7.1",
    title: "fail fast: first fragment holds an invalid sequence; close before the final fragment",
    steps: [send(text(bad, { fin: false })), waitClose, send(cont(tail))],
    expect: { close: 1007, fail: FAIL },
  },
  {
    id: "6.7.2",
    title: "fail fast: valid first fragment, invalid second (f4 90); close before the third",
    steps: [send(text("Hello", { fin: false }), cont(hex("f4 90 80 80"), { fin: false })), waitClose, send(cont(tail))],
    expect: { close: 1007, fail: FAIL },
  },
  {
    id: "6.7.3",
    title: "fail fast inside one frame: header and invalid prefix written, close before the rest of the payload",
    steps: [{ send: [text(whole)], slice: [0, 4 + 4 + bad.length] }, waitClose, { send: [text(whole)], slice: [4 + 4 + bad.length] }],
    expect: { close: 1007, fail: FAIL },
  },
  {
    id: "6.7.4",
    title: "fail fast inside one frame at the second byte of f4 90 80 80",
    steps: [{ send: [text(Buffer.concat([hex("f4 90 80 80"), tail]))], slice: [0, 4 + 4 + 2] }, waitClose,
      { send: [text(Buffer.concat([hex("f4 90 80 80"), tail]))], slice: [4 + 4 + 2] }],
    expect: { close: 1007, fail: FAIL },
  },
  {
    id: "6.7.5",
    title: "fail fast: a valid multi-byte code point split across fragments is accepted, then ff fails at once",
    steps: [send(text(hex("e2 82"), { fin: false }), cont(hex("ac ff"), { fin: false })), waitClose, send(cont(tail))],
    expect: { close: 1007, fail: FAIL },
  },
];

export const utf8: Group = {
  id: "6",
  name: "UTF-8",
  cases: [...validCases(), ...invalidCases(), ...failFast],
};
