/**
 * Command-line helpers shared by the CLI's commands: exit codes, usage errors, and the value
 * parsers for `-H`, `-s` and millisecond/port options. No I/O.
 */

/** Exit codes of the `silverback` command. */
export const Exit = {
  /** Normal end: the close handshake completed (1000, 1001 or no status), or the server stopped on a signal. */
  ok: 0,
  /** The connection failed after it was open (abnormal close, other close code, protocol error, timeout). */
  connection: 1,
  /** Bad command line: unknown option, missing argument, malformed URL or header. */
  usage: 2,
  /** The server (or a proxy) answered the handshake with something other than a WebSocket upgrade. */
  handshake: 3,
  /** The server could not be reached: DNS, TCP, TLS or handshake timeout. */
  unreachable: 4,
  /** Interrupted twice (Ctrl-C Ctrl-C). */
  interrupted: 130,
} as const;

/** A bad command line; `main` prints the message and the usage, and exits with {@link Exit.usage}. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Runs `parse` (a `util.parseArgs` call), turning what it throws into {@link UsageError}. */
export function usageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** Parses `-H "Name: value"` options into a header record (repeated names become arrays). */
export function parseHeaders(values: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const v of values) {
    const i = v.indexOf(":");
    const name = i > 0 ? v.slice(0, i).trim() : "";
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`bad header ${JSON.stringify(v)}: want "Name: value"`);
    const value = v.slice(i + 1).trim();
    const prev = out[name];
    out[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  return out;
}

/** Splits repeated and comma-separated `-s` values into a list of subprotocols. */
export function parseList(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(",")).map((s) => s.trim()).filter((s) => s !== "");
}

/** Parses a non-negative integer option (milliseconds, port). */
export function parseInteger(name: string, value: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0 || n > max) {
    throw new UsageError(`--${name} wants an integer from 0 to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** One line for a close code and reason, e.g. `1001 (going away) server restart`. */
export function describeClose(code: number, text: string): string {
  const names: Record<number, string> = {
    1000: "normal", 1001: "going away", 1002: "protocol error", 1003: "unsupported data", 1005: "no status",
    1006: "abnormal closure", 1007: "invalid payload data", 1008: "policy violation", 1009: "message too big",
    1010: "mandatory extension", 1011: "internal server error", 1012: "service restart", 1013: "try again later",
  };
  const name = names[code];
  return `${code}${name ? ` (${name})` : ""}${text ? ` ${text}` : ""}`;
}
