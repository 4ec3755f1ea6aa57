// Opcode values of RFC 6455 §5.2/§11.8 and the data/control predicates.
// Pure: never touches a socket or a timer.

/**
 * Frame opcodes (RFC 6455 §11.8). gorilla: `continuationFrame`, `TextMessage`, `BinaryMessage`,
 * `CloseMessage`, `PingMessage`, `PongMessage`.
 */
export const Opcode = {
  Continuation: 0,
  Text: 1,
  Binary: 2,
  Close: 8,
  Ping: 9,
  Pong: 10,
} as const;

/** One of the defined opcode values. */
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/**
 * Reports whether `opcode` is a control opcode (close, ping, pong); RFC 6455 §5.5: "Control frames
 * are identified by opcodes where the most significant bit of the opcode is 1". gorilla: `isControl`.
 * Reserved control opcodes 11–15 also answer true; {@link isKnownOpcode} tells them apart.
 * @param opcode - a 4-bit opcode
 * @returns true for opcodes 8–15
 */
export function isControl(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/**
 * Reports whether `opcode` is a data opcode: text or binary. gorilla: `isData`.
 * Continuation (0) answers false: it carries data, but never starts a message.
 * @param opcode - a 4-bit opcode
 * @returns true for 1 and 2
 */
export function isData(opcode: number): boolean {
  return opcode === 1 || opcode === 2;
}

/**
 * Reports whether `opcode` is defined by RFC 6455 (0, 1, 2, 8, 9, 10). The others are reserved and
 * fail the connection ("websocket: bad opcode N").
 * @param opcode - a 4-bit opcode
 * @returns true for a defined opcode
 */
export function isKnownOpcode(opcode: number): boolean {
  return opcode <= 2 || (opcode >= 8 && opcode <= 10);
}
