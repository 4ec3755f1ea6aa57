/**
 * RFC 7230 header helpers: comma-separated token lists, token and field-value checks.
 * Pure and linear-time: single left-to-right scans, no regular expressions (ws CVE-2021-32640).
 */

/** A header as node delivers it: one string, several (repeated header), or absent. */
export type HeaderInput = string | readonly string[] | undefined;

// RFC 7230 §3.2.6: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
//                          "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TCHAR[c.charCodeAt(0)] = 1;
}

/** Reports whether `c` (a UTF-16 code unit) is an RFC 7230 tchar. */
export function isTokenChar(c: number): boolean {
  return c < 128 && TCHAR[c] === 1;
}

/** Reports whether `s` is a non-empty RFC 7230 token (§3.2.6). */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/**
 * ASCII-only case-insensitive comparison (gorilla `equalASCIIFold`). Unlike `toLowerCase()`,
 * it never folds non-ASCII letters: U+212A KELVIN SIGN does not match "k".
 */
export function equalASCIIFold(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0x41 && x <= 0x5a) x |= 0x20;
    if (y >= 0x41 && y <= 0x5a) y |= 0x20;
    if (x !== y) return false;
  }
  return true;
}

// Calls `fn` with each trimmed, non-empty element of a comma list; stops when fn returns true.
// RFC 7230 §7: `#rule` elements are separated by "," with optional whitespace (SP / HTAB).
function forEachElement(header: HeaderInput, fn: (element: string) => boolean): boolean {
  if (header === undefined) return false;
  const values: readonly string[] = typeof header === "string" ? [header] : header;
  for (const v of values) {
    if (typeof v !== "string") continue;
    let start = 0;
    while (start <= v.length) {
      let end = v.indexOf(",", start);
      if (end === -1) end = v.length;
      let a = start;
      let b = end;
      while (a < b && isOWS(v.charCodeAt(a))) a++;
      while (b > a && isOWS(v.charCodeAt(b - 1))) b--;
      if (b > a && fn(v.slice(a, b))) return true;
      start = end + 1;
    }
  }
  return false;
}

function isOWS(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * tokenListContainsValue reports whether a comma-separated header (RFC 7230 §7) contains `value`
 * as one of its elements, compared ASCII case-insensitively (gorilla `tokenListContainsValue`).
 * Used for `Connection: keep-alive, Upgrade` and `Upgrade: websocket` (RFC 6455 §4.2.1).
 *
 * @param header - The header value(s), or `undefined` when absent.
 * @param value - The token to look for.
 * @returns Whether an element equals `value`.
 */
export function tokenListContainsValue(header: HeaderInput, value: string): boolean {
  // The usual request sends the bare token ("Upgrade", "websocket", "13"): a token has no comma
  // or whitespace, so a whole-value match is an element match, without splitting.
  if (typeof header === "string" && equalASCIIFold(header, value)) return true;
  return forEachElement(header, (e) => equalASCIIFold(e, value));
}

/**
 * parseTokenList splits a comma-separated header into its elements, trimmed of optional
 * whitespace, with empty elements dropped, in order (RFC 7230 §7).
 *
 * @param header - The header value(s), or `undefined` when absent.
 * @returns The elements; `[]` when absent or empty.
 */
export function parseTokenList(header: HeaderInput): string[] {
  const out: string[] = [];
  forEachElement(header, (e) => {
    out.push(e);
    return false;
  });
  return out;
}

/**
 * isValidHeaderName reports whether `s` may be written as a header field name: a non-empty
 * RFC 7230 token (§3.2), which excludes CR, LF, NUL, spaces and colons.
 */
export function isValidHeaderName(s: string): boolean {
  return typeof s === "string" && isToken(s);
}

/**
 * isValidHeaderValue reports whether `s` may be written as a header field value: it contains
 * no CR, LF or NUL (the characters that would split or truncate a header line).
 */
export function isValidHeaderValue(s: string): boolean {
  if (typeof s !== "string") return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0d || c === 0x0a || c === 0x00) return false;
  }
  return true;
}
