/**
 * Option checks shared by Upgrader, Dialer and newConn: one definition of what a valid size,
 * callback or keepalive setting is, with the same TypeError/RangeError texts everywhere.
 */
import type { KeepAliveOptions } from "../types.js";

/** setTimeout's largest delay; larger values fire at once (with a warning) in node. */
export const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * A non-negative safe integer option; absent → `dflt`, and 0 → `dflt` when `zeroIsDefault`.
 * @throws TypeError when not a number, RangeError when negative or not a safe integer.
 */
export function sizeOption(o: Record<string, unknown>, name: string, dflt: number, zeroIsDefault: boolean): number {
  const v = o[name];
  if (v === undefined) return dflt;
  if (typeof v !== "number") throw new TypeError(`websocket: ${name} must be a number`);
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`websocket: invalid ${name}: ${v}`);
  return v === 0 && zeroIsDefault ? dflt : v;
}

/** A function option, or undefined. @throws TypeError for anything else. */
export function functionOption<T>(o: Record<string, unknown>, name: string): T | undefined {
  const v = o[name];
  if (v !== undefined && typeof v !== "function") throw new TypeError(`websocket: ${name} must be a function`);
  return v as T | undefined;
}

/** An object option, or undefined. @throws TypeError for anything else. */
export function objectOption<T>(o: Record<string, unknown>, name: string): T | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null) throw new TypeError(`websocket: ${name} must be an object`);
  return v as T;
}

/**
 * keepAlive (API §4.8): both durations positive and within setTimeout's range; a copy.
 * @throws TypeError for a non-object or non-numbers, RangeError for out-of-range values.
 */
export function keepAliveOption(v: unknown): KeepAliveOptions | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null) throw new TypeError("websocket: keepAlive must be an object");
  const { interval, timeout } = v as Record<string, unknown>;
  if (typeof interval !== "number" || typeof timeout !== "number") {
    throw new TypeError("websocket: keepAlive.interval and keepAlive.timeout must be numbers");
  }
  if (!(interval > 0 && interval <= MAX_TIMEOUT) || !(timeout > 0 && timeout <= MAX_TIMEOUT)) {
    throw new RangeError("websocket: invalid keepAlive interval or timeout");
  }
  return { interval, timeout };
}
