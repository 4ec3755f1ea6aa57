/**
 * Shared fast-check setup for the property tests: a fixed seed (printed in every test name and by
 * fast-check on failure; override with FC_SEED), a bounded run count (FC_RUNS), arbitraries for
 * frames, valid and broken, and helpers to cut a byte stream anywhere.
 */
import fc from "fast-check";
import { encodeFrame } from "../conformance/wire.js";

/** The seed every property uses; a failure prints it with the shrunk counterexample. */
export const SEED = Number(process.env["FC_SEED"] ?? 0x5b1ba);
/** Runs per property (bounded so `npm test` stays fast). */
export const RUNS = Number(process.env["FC_RUNS"] ?? 200);

/** fast-check parameters for every property. */
export function params(runs = RUNS): { seed: number; numRuns: number } {
  return { seed: SEED, numRuns: runs };
}

/** Marker in a cut list: cut before every byte. */
export const EVERY_BYTE = -1;

/**
 * Cuts `bytes` at the given positions (any numbers; taken modulo the length, sorted, deduped),
 * or into one-byte pieces when the list holds {@link EVERY_BYTE}.
 */
export function cut(bytes: Uint8Array, cuts: number[]): Buffer[] {
  const n = bytes.length;
  if (cuts.includes(EVERY_BYTE)) return Array.from({ length: n }, (_, i) => Buffer.from(bytes.subarray(i, i + 1)));
  const at = [...new Set(cuts.map((c) => (n === 0 ? 0 : c % (n + 1))))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...at, n]) {
    if (c > prev) out.push(Buffer.from(bytes.subarray(prev, c)));
    prev = Math.max(prev, c);
  }
  return out;
}

/** Positions to cut at: none, a few, or very many (one-byte pieces). */
export const arbCuts: fc.Arbitrary<number[]> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<number[]>([]) },
  { weight: 4, arbitrary: fc.array(fc.nat(), { maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant<number[]>([EVERY_BYTE]) },
);

/** A payload: mostly short, sometimes in the 16-bit length class, rarely in the 64-bit class. */
export const arbPayload: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 130 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }).map((s) => new Uint8Array(Buffer.from(s))) },
  { weight: 1, arbitrary: fc.integer({ min: 126, max: 70_000 }).map((n) => new Uint8Array(n).fill(0x61)) },
);

/** A frame description: mostly plausible, with reserved bits, reserved opcodes, wrong masks and huge lengths mixed in. */
export interface ArbFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  payload: Uint8Array;
  /** true: masked; the key. */
  mask: Uint8Array | null;
  declaredLength: bigint | undefined;
}

export function arbFrame(peerMasks: boolean): fc.Arbitrary<ArbFrame> {
  return fc.record({
    fin: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    rsv: fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.constant(4) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 7 }) }),
    opcode: fc.oneof({ weight: 10, arbitrary: fc.constantFrom(0, 1, 2, 8, 9, 10) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
    payload: arbPayload,
    mask: fc.oneof(
      { weight: 12, arbitrary: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((k) => (peerMasks ? k : null)) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((k) => (peerMasks ? null : k)) },
    ),
    declaredLength: fc.oneof(
      { weight: 30, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) },
    ),
  });
}

/** Encodes frames back to back. */
export function encodeAll(frames: ArbFrame[]): Buffer {
  return Buffer.concat(frames.map((f) => encodeFrame({
    fin: f.fin, rsv: f.rsv, opcode: f.opcode, payload: f.payload, maskKey: f.mask,
    ...(f.declaredLength !== undefined ? { declaredLength: f.declaredLength } : {}),
  })));
}
