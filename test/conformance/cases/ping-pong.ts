/**
 * Group 2, pings and pongs (RFC 6455 §5.5.2–§5.5.3): a pong echoes its ping's payload, control
 * payloads are at most 125 bytes, unsolicited pongs are ignored, a burst of pings may be answered
 * by fewer pongs as long as the last one is answered.
 */
import { ascii, bytes, echoText, gotPong, hex, ping, pong, send, sendChopped, text, waitFrames, type Group } from "../case.js";

const pings10 = Array.from({ length: 10 }, (_, i) => ping(`ping ${i}`));

export const pingPong: Group = {
  id: "2",
  name: "Ping/pong",
  cases: [
    { id: "2.1", title: "empty ping gets an empty pong", steps: [send(ping())], expect: { frames: [gotPong()], close: 1000 } },
    { id: "2.2", title: "ping with a text payload gets it back", steps: [send(ping("Hello, world!"))], expect: { frames: [gotPong("Hello, world!")], close: 1000 } },
    { id: "2.3", title: "ping with a binary payload (not UTF-8) gets it back", steps: [send(ping(hex("00 ff fe 80 c0 ed a0 80")))], expect: { frames: [gotPong(hex("00 ff fe 80 c0 ed a0 80"))], close: 1000 } },
    { id: "2.4", title: "ping with a 125-byte payload gets it back", steps: [send(ping(bytes(125)))], expect: { frames: [gotPong(bytes(125))], close: 1000 } },
    { id: "2.5", title: "ping with a 126-byte payload fails the connection", steps: [send(ping(bytes(126)))], expect: { close: 1002, fail: "len > 125 for control" } },
    { id: "2.6", title: "ping with a 125-byte payload written one byte at a time", steps: [sendChopped(1, ping(bytes(125, 7)))], expect: { frames: [gotPong(bytes(125, 7))], close: 1000 } },
    { id: "2.7", title: "unsolicited empty pong is ignored", steps: [send(pong())], expect: { frames: [], close: 1000 } },
    { id: "2.8", title: "unsolicited pong with payload is ignored", steps: [send(pong("unsolicited"))], expect: { frames: [], close: 1000 } },
    { id: "2.9", title: "unsolicited pong, then a ping: only the ping is answered", steps: [send(pong("unsolicited"), ping("solicited"))], expect: { frames: [gotPong("solicited")], close: 1000 } },
    { id: "2.10", title: "10 pings in one write: pongs in order, the last one answered", steps: [send(...pings10)], expect: { pongs: "coalesced", close: 1000 } },
    { id: "2.11", title: "10 pings written one byte at a time", steps: [sendChopped(1, ...pings10)], expect: { pongs: "coalesced", close: 1000 } },
    {
      id: "2.12",
      title: "ping with a 65536-byte payload (64-bit length) fails the connection",
      steps: [send(ping(bytes(65536)))],
      expect: { close: 1002, fail: "len > 125 for control" },
    },
    {
      id: "2.13",
      title: "text message, ping, text message: pong and echoes in wire order",
      steps: [send(text("before")), waitFrames(1), send(ping("between")), waitFrames(2), send(text("after"))],
      expect: { frames: [echoText("before"), gotPong("between"), echoText("after")], close: 1000 },
    },
    {
      id: "2.14",
      title: "1000 pings of 125 bytes: pongs in order, the last one answered",
      steps: [send(...Array.from({ length: 1000 }, (_, i) => ping(ascii(125, i))))],
      expect: { pongs: "coalesced", close: 1000 },
    },
  ],
};
