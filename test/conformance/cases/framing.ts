/**
 * Group 1, framing (RFC 6455 §5.2): text and binary messages in every payload length class (7-bit,
 * 16-bit, 64-bit), written whole and chopped into small TCP writes, and back-to-back messages.
 */
import { ascii, binary, bytes, echoBinary, echoText, send, sendChopped, text, type Case, type Group } from "../case.js";

// 0 and 125: 7-bit length; 126, 127, 128, 65535: 16-bit; 65536 and up: 64-bit.
const SIZES = [0, 125, 126, 127, 128, 65535, 65536, 1 << 20];

const textCases: Case[] = SIZES.map((n, i) => ({
  id: `1.1.${i + 1}`,
  title: `text message of ${n} bytes`,
  steps: [send(text(ascii(n)))],
  expect: { frames: [echoText(ascii(n))], close: 1000 },
}));

const binaryCases: Case[] = SIZES.map((n, i) => ({
  id: `1.2.${i + 1}`,
  title: `binary message of ${n} bytes`,
  steps: [send(binary(bytes(n)))],
  expect: { frames: [echoBinary(bytes(n))], close: 1000 },
}));

export const framing: Group = {
  id: "1",
  name: "Framing",
  cases: [
    ...textCases,
    { id: "1.1.9", title: "text message of 65536 bytes written in 997-byte pieces", steps: [sendChopped(997, text(ascii(65536, 3)))], expect: { frames: [echoText(ascii(65536, 3))], close: 1000 } },
    { id: "1.1.10", title: "text message of 126 bytes written one byte at a time", steps: [sendChopped(1, text(ascii(126, 5)))], expect: { frames: [echoText(ascii(126, 5))], close: 1000 } },
    ...binaryCases,
    { id: "1.2.9", title: "binary message of 65536 bytes written in 997-byte pieces", steps: [sendChopped(997, binary(bytes(65536, 3)))], expect: { frames: [echoBinary(bytes(65536, 3))], close: 1000 } },
    { id: "1.2.10", title: "binary message of 16 MiB", steps: [send(binary(bytes(16 << 20, 9)))], expect: { frames: [echoBinary(bytes(16 << 20, 9))], close: 1000 } },
    {
      id: "1.3.1",
      title: "three messages in one write are echoed in order",
      steps: [send(text("one"), binary(bytes(200)), text("three"))],
      expect: { frames: [echoText("one"), echoBinary(bytes(200)), echoText("three")], close: 1000 },
    },
    {
      id: "1.3.2",
      title: "100 binary messages of 0..99 bytes, written one byte at a time",
      steps: [sendChopped(1, ...Array.from({ length: 100 }, (_, i) => binary(bytes(i, i))))],
      expect: { frames: Array.from({ length: 100 }, (_, i) => echoBinary(bytes(i, i))), close: 1000 },
    },
    {
      id: "1.3.3",
      title: "a 64-bit-length frame written 3 bytes at a time (its header split across writes)",
      steps: [sendChopped(3, binary(bytes(70_000, 1)))],
      expect: { frames: [echoBinary(bytes(70_000, 1))], close: 1000 },
    },
  ],
};
