/**
 * Finding node's native zlib class (the object behind every zlib stream) and proving, once, that it
 * still takes the calls NativeEngine makes; where it does not, the engine factory falls back to
 * node's zlib streams.
 */
import { Buffer } from "node:buffer";
import { constants, createDeflateRaw } from "node:zlib";
import { ZlibLimiter } from "./limiter.js";
// Cycles with native-engine.ts and zlib-engine.ts (which call findNative): both are used lazily.
import { NativeEngine } from "./native-engine.js";
import { engineSpec } from "./zlib-engine.js";

/** The native class (node's `binding.Zlib`); its methods are what lib/zlib.js calls. */
export interface NativeZlib {
  init(windowBits: number, level: number, memLevel: number, strategy: number, state: Uint32Array,
    onWritten: () => void, dictionary: undefined): unknown;
  writeSync(flush: number, i: Uint8Array, inOff: number, inLen: number, o: Uint8Array, outOff: number, outLen: number): void;
  write(flush: number, i: Uint8Array, inOff: number, inLen: number, o: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
  close(): void;
  onerror: (message: string, errno: number, code?: string) => void;
}
/** The constructor of {@link NativeZlib}: `new (mode)` with a zlib mode such as `DEFLATERAW`. */
export type NativeCtor = new (mode: number) => NativeZlib;

let nativeCtor: NativeCtor | null | undefined;

/** The native zlib class, found once through a throwaway stream; null when this Node hides it. */
export function findNative(): NativeCtor | null {
  if (nativeCtor !== undefined) return nativeCtor;
  nativeCtor = null;
  try {
    const s = createDeflateRaw({ chunkSize: 64 }) as unknown as { _handle?: object; _writeState?: unknown };
    const c = s._handle?.constructor as NativeCtor | undefined;
    (s as unknown as { close(): void }).close();
    const p = c?.prototype as Partial<NativeZlib> | undefined;
    if (s._writeState instanceof Uint32Array && typeof c === "function" && p !== undefined &&
      typeof p.init === "function" && typeof p.writeSync === "function" && typeof p.write === "function" &&
      typeof p.reset === "function" && typeof p.close === "function" && selfTest(c)) {
      nativeCtor = c;
    }
  } catch {
    nativeCtor = null;
  }
  return nativeCtor;
}

/** Deflates and inflates a short text through fresh handles: proves the calling convention. */
function selfTest(c: NativeCtor): boolean {
  const text = Buffer.from("silverback zlib self-test, silverback zlib self-test");
  const d = new NativeEngine(engineSpec("deflate", 15), c);
  const i = new NativeEngine(engineSpec("inflate", 15), c);
  try {
    const limiter = new ZlibLimiter(1);
    const z: Buffer[] = [];
    d.run(text, constants.Z_SYNC_FLUSH, 1024, z, limiter);
    const back: Buffer[] = [];
    i.run(Buffer.concat(z), constants.Z_SYNC_FLUSH, 1024, back, limiter);
    return Buffer.concat(back).equals(text);
  } finally {
    d.close();
    i.close();
  }
}
