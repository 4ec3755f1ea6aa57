/**
 * Group 3, reserved bits (RFC 6455 §5.2: "MUST be 0 unless an extension is negotiated that defines
 * meanings"): any of RSV1–RSV3 on any kind of frame fails the connection with 1002. A valid message
 * before the bad frame is echoed (a sync point makes that deterministic); frames after it are not.
 */
import { binary, close, cont, echoText, ping, pong, send, sendChopped, text, waitFrames, type Group } from "../case.js";

export const reservedBits: Group = {
  id: "3",
  name: "Reserved bits",
  cases: [
    { id: "3.1", title: "text with RSV2", steps: [send(text("Hello", { rsv: 2 }))], expect: { close: 1002, fail: "RSV2 set" } },
    {
      id: "3.2",
      title: "text, then text with RSV3, then ping: first echoed, no pong",
      steps: [send(text("Hello")), waitFrames(1), send(text("Hello", { rsv: 1 }), ping("no"))],
      expect: { frames: [echoText("Hello")], close: 1002, fail: "RSV3 set" },
    },
    {
      id: "3.3",
      title: "text, then text with RSV2+RSV3 written one byte at a time",
      steps: [send(text("Hello")), waitFrames(1), sendChopped(1, text("Hello", { rsv: 3 }), ping("no"))],
      expect: { frames: [echoText("Hello")], close: 1002, fail: "RSV2 set, RSV3 set" },
    },
    { id: "3.4", title: "binary with RSV1 (no extension negotiated)", steps: [send(binary("\x00\xff", { rsv: 4 }))], expect: { close: 1002, fail: "RSV1 set" } },
    { id: "3.5", title: "binary with RSV1+RSV3", steps: [send(binary("\x00\xff", { rsv: 5 }))], expect: { close: 1002, fail: "RSV1 set, RSV3 set" } },
    { id: "3.6", title: "ping with RSV1+RSV2", steps: [send(ping("Hello", { rsv: 6 }))], expect: { close: 1002, fail: "RSV1 set, RSV2 set" } },
    { id: "3.7", title: "close with all reserved bits", steps: [send(close(1000, "", { rsv: 7 }))], expect: { close: 1002, fail: "RSV1 set, RSV2 set, RSV3 set" } },
    { id: "3.8", title: "pong with RSV3", steps: [send(pong("", { rsv: 1 }))], expect: { close: 1002, fail: "RSV3 set" } },
    {
      id: "3.9",
      title: "continuation with RSV2 inside a fragmented text message",
      steps: [send(text("Hel", { fin: false }), cont("lo", { rsv: 2 }))],
      expect: { close: 1002, fail: "RSV2 set" },
    },
    { id: "3.10", title: "text with RSV1 (no extension negotiated)", steps: [send(text("Hello", { rsv: 4 }))], expect: { close: 1002, fail: "RSV1 set" } },
    { id: "3.11", title: "empty text with RSV3", steps: [send(text("", { rsv: 1 }))], expect: { close: 1002, fail: "RSV3 set" } },
  ],
};
