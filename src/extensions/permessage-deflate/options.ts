/**
 * permessage-deflate settings: the public option and negotiated-parameter types, their defaults and validation.
 * Pure: no zlib, no I/O (negotiate.ts and the Upgrader/Dialer import it without loading node:zlib).
 */

/** Settings of permessage-deflate (RFC 7692) for an Upgrader or a Dialer (API.md §5). */
export interface CompressionOptions {
  /** -2..9: -2 Huffman only, -1 zlib default, 0 none … 9 best. Default 1 (gorilla's default). */
  level?: number;
  /** zlib memLevel, 1..9: hash table size. Default 5. */
  memLevel?: number;
  /** 8..15: our compressor's window, never above the negotiated limit. Default 15. */
  windowBits?: number;
  /** Payloads shorter than this many bytes are sent uncompressed. Default 1024. */
  threshold?: number;
  /** Server: always answer `server_no_context_takeover`; client: request it. Default false. */
  serverNoContextTakeover?: boolean;
  /** Server: ask the client for `client_no_context_takeover`; client: offer it. Default false. */
  clientNoContextTakeover?: boolean;
  /** 8..15. Server: answer `server_max_window_bits` (our window); client: request it. Default: none. */
  serverMaxWindowBits?: number;
  /**
   * Server: limit the client's window (8..15) when its offer has the parameter.
   * Client: `true` (default) offers it without a value, a number requests that window.
   */
  clientMaxWindowBits?: number | true;
  /** Zlib jobs in flight for the connections of this Upgrader/Dialer. Default 10. */
  concurrency?: number;
}

/** What a handshake agreed (RFC 7692 §7.1): context takeover per direction and window sizes, 8..15. */
export interface NegotiatedCompression {
  /** The server resets its compression context after each message. */
  serverNoContextTakeover: boolean;
  /** The client resets its compression context after each message. */
  clientNoContextTakeover: boolean;
  /** Largest LZ77 window (log2) the server compresses with. */
  serverMaxWindowBits: number;
  /** Largest LZ77 window (log2) the client compresses with. */
  clientMaxWindowBits: number;
}

/** {@link CompressionOptions} with every default filled in (`serverMaxWindowBits` has none). */
export interface ResolvedCompressionOptions {
  level: number;
  memLevel: number;
  windowBits: number;
  threshold: number;
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  /** `undefined` when not set: the server does not limit its window, the client does not ask. */
  serverMaxWindowBits: number | undefined;
  clientMaxWindowBits: number | true;
  concurrency: number;
}

/** The API.md §9 defaults. */
const DEFAULTS: ResolvedCompressionOptions = {
  level: 1,
  memLevel: 5,
  windowBits: 15,
  threshold: 1024,
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: undefined,
  clientMaxWindowBits: true,
  concurrency: 10,
};

function integerIn(o: Record<string, unknown>, key: string, min: number, max: number, dflt: number): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== "number") throw new TypeError(`websocket: compression.${key} must be a number`);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`websocket: compression.${key} must be an integer in ${min}..${max}`);
  }
  return v;
}

function bool(o: Record<string, unknown>, key: string): boolean {
  const v = o[key];
  if (v === undefined) return false;
  if (typeof v !== "boolean") throw new TypeError(`websocket: compression.${key} must be a boolean`);
  return v;
}

/**
 * Checks a compression level for gorilla's `SetCompressionLevel`: an integer in -2..9.
 *
 * @returns the level.
 * @throws RangeError `websocket: invalid compression level` otherwise (TypeError for a non-number).
 */
export function validateCompressionLevel(level: unknown): number {
  if (typeof level !== "number") throw new TypeError("websocket: compression level must be a number");
  if (!Number.isInteger(level) || level < -2 || level > 9) throw new RangeError("websocket: invalid compression level");
  return level;
}

/**
 * Validates {@link CompressionOptions} and fills in the defaults (level 1, memLevel 5, windowBits 15,
 * threshold 1024, concurrency 10, no forced no-context-takeover, `clientMaxWindowBits: true`).
 * The result is a copy: later changes to `o` have no effect.
 *
 * @param o - the options; `undefined` or `null` means all defaults.
 * @returns every setting resolved.
 * @throws TypeError for a value of the wrong type, RangeError for one out of range.
 */
export function validateCompressionOptions(o: CompressionOptions | undefined | null): ResolvedCompressionOptions {
  if (o === undefined || o === null) return { ...DEFAULTS };
  if (typeof o !== "object") throw new TypeError("websocket: compression options must be an object");
  const r = o as Record<string, unknown>;
  const level = r.level === undefined ? DEFAULTS.level : validateCompressionLevel(r.level);
  let clientMaxWindowBits: number | true = true;
  if (r.clientMaxWindowBits !== undefined && r.clientMaxWindowBits !== true) {
    if (typeof r.clientMaxWindowBits !== "number") {
      throw new TypeError("websocket: compression.clientMaxWindowBits must be true or a number");
    }
    clientMaxWindowBits = integerIn(r, "clientMaxWindowBits", 8, 15, 15);
  }
  return {
    level,
    memLevel: integerIn(r, "memLevel", 1, 9, DEFAULTS.memLevel),
    windowBits: integerIn(r, "windowBits", 8, 15, DEFAULTS.windowBits),
    threshold: integerIn(r, "threshold", 0, Number.MAX_SAFE_INTEGER, DEFAULTS.threshold),
    serverNoContextTakeover: bool(r, "serverNoContextTakeover"),
    clientNoContextTakeover: bool(r, "clientNoContextTakeover"),
    serverMaxWindowBits: r.serverMaxWindowBits === undefined ? undefined : integerIn(r, "serverMaxWindowBits", 8, 15, 15),
    clientMaxWindowBits,
    concurrency: integerIn(r, "concurrency", 1, 2 ** 31 - 1, DEFAULTS.concurrency),
  };
}
