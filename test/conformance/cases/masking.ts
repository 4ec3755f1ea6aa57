/**
 * Group 10, masking (RFC 6455 §5.1, §5.3): a server must fail on an unmasked frame and a client on
 * a masked one (1002 `bad MASK`); any key works, including all-zero; the key offset carries across
 * TCP writes that split a payload at every position.
 */
import { binary, bytes, echoBinary, echoText, ping, send, sendChopped, text, waitFrames, type Group } from "../case.js";

const zero = new Uint8Array(4);
const ones = new Uint8Array([0xff, 0xff, 0xff, 0xff]);

export const masking: Group = {
  id: "10",
  name: "Masking",
  cases: [
    { id: "10.1.1", title: "unmasked text to a server fails", only: "server", steps: [send(text("Hello", { mask: "wrong" }))], expect: { close: 1002, fail: "bad MASK" } },
    { id: "10.1.2", title: "masked text to a client fails", only: "client", steps: [send(text("Hello", { mask: "wrong" }))], expect: { close: 1002, fail: "bad MASK" } },
    { id: "10.1.3", title: "wrongly masked ping fails, no pong", steps: [send(ping("Hello", { mask: "wrong" }))], expect: { close: 1002, fail: "bad MASK" } },
    {
      id: "10.1.4",
      title: "text, then a wrongly masked text: first echoed, then failure",
      steps: [send(text("one")), waitFrames(1), send(text("two", { mask: "wrong" }))],
      expect: { frames: [echoText("one")], close: 1002, fail: "bad MASK" },
    },
    { id: "10.1.5", title: "wrongly masked empty close fails", steps: [send({ opcode: 8, mask: "wrong" })], expect: { close: 1002, fail: "bad MASK" } },
    { id: "10.2.1", title: "all-zero mask key", only: "server", steps: [send(binary(bytes(300), { mask: zero }))], expect: { frames: [echoBinary(bytes(300))], close: 1000 } },
    { id: "10.2.2", title: "all-ones mask key", only: "server", steps: [send(binary(bytes(300), { mask: ones }))], expect: { frames: [echoBinary(bytes(300))], close: 1000 } },
    { id: "10.2.3", title: "masked payload of 1001 bytes written 7 bytes at a time", steps: [sendChopped(7, binary(bytes(1001, 5)))], expect: { frames: [echoBinary(bytes(1001, 5))], close: 1000 } },
    { id: "10.2.4", title: "masked payload of 100003 bytes written 4099 bytes at a time", steps: [sendChopped(4099, binary(bytes(100_003, 6)))], expect: { frames: [echoBinary(bytes(100_003, 6))], close: 1000 } },
    {
      id: "10.2.5",
      title: "odd-sized payloads back to back (mask offsets restart per frame)",
      steps: [sendChopped(5, ...[1, 2, 3, 5, 7, 33, 65, 129].map((n) => binary(bytes(n, n))))],
      expect: { frames: [1, 2, 3, 5, 7, 33, 65, 129].map((n) => echoBinary(bytes(n, n))), close: 1000 },
    },
  ],
};
