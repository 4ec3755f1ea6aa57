/**
 * Group 4, opcodes (RFC 6455 §5.2: %x3-7 reserved for further non-control frames, %xB-F for further
 * control frames; §10.7: an unknown opcode fails the connection): each reserved opcode, empty and
 * with a payload, alone and after a valid message, fails with 1002 `bad opcode N`.
 */
import { bytes, echoText, ping, send, text, waitFrames, type Case, type Group } from "../case.js";

const NON_CONTROL = [3, 4, 5, 6, 7];
const CONTROL = [11, 12, 13, 14, 15];

function alone(prefix: string, ops: number[]): Case[] {
  return ops.map((op, i) => ({
    id: `${prefix}.${i + 1}`,
    title: `reserved opcode ${op}, empty`,
    steps: [send({ opcode: op })],
    expect: { close: 1002, fail: `bad opcode ${op}` },
  }));
}

function afterValid(prefix: string, ops: number[]): Case[] {
  return ops.map((op, i) => ({
    id: `${prefix}.${i + 1}`,
    title: `text, reserved opcode ${op} with a payload, ping: text echoed, no pong`,
    steps: [send(text("Hello")), waitFrames(1), send({ opcode: op, payload: bytes(op < 8 ? 200 : 10) }, ping("no"))],
    expect: { frames: [echoText("Hello")], close: 1002, fail: `bad opcode ${op}` },
  }));
}

export const opcodes: Group = {
  id: "4",
  name: "Opcodes",
  cases: [
    ...alone("4.1", NON_CONTROL),
    ...afterValid("4.2", NON_CONTROL),
    ...alone("4.3", CONTROL),
    ...afterValid("4.4", CONTROL),
    {
      id: "4.5.1",
      title: "reserved opcode 3 without FIN",
      steps: [send({ opcode: 3, payload: "x", fin: false })],
      expect: { close: 1002, fail: "bad opcode 3" },
    },
    {
      id: "4.5.2",
      title: "reserved control opcode 11 without FIN",
      steps: [send({ opcode: 11, payload: "x", fin: false })],
      expect: { close: 1002, fail: "bad opcode 11" },
    },
  ],
};
