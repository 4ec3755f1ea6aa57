/**
 * Parse and format Sec-WebSocket-Extensions (RFC 6455 §9.1 with RFC 7230 list syntax) as {name, params}[].
 * Pure and linear-time: one left-to-right scan with an index, no regular expressions, no I/O.
 */

/** One extension of a Sec-WebSocket-Extensions list: `name; p1; p2=v`. */
export interface ExtensionOffer {
  /** The extension token, lower-cased (`permessage-deflate`). */
  name: string;
  /**
   * Parameters in header order, names lower-cased; the value is the token or the unquoted
   * quoted-string, or `true` for a parameter written without `=`. Duplicates are kept.
   */
  params: Array<[string, string | true]>;
}

// RFC 7230 §3.2.6 tchar: "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TCHAR[c.charCodeAt(0)] = 1;

const isTchar = (c: number): boolean => c < 128 && TCHAR[c] === 1;
const isOws = (c: number): boolean => c === 0x20 || c === 0x09;

/** True when `s` is a non-empty RFC 7230 token. */
function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTchar(s.charCodeAt(i))) return false;
  return true;
}

/** A cursor over the header value; every method advances `i` and never moves it back. */
class Scanner {
  i = 0;
  constructor(readonly s: string) {}
  skipOws(): void {
    while (this.i < this.s.length && isOws(this.s.charCodeAt(this.i))) this.i++;
  }
  peek(): number {
    return this.i < this.s.length ? this.s.charCodeAt(this.i) : -1;
  }
  /** Reads a token; "" when none starts here. */
  token(): string {
    const start = this.i;
    while (this.i < this.s.length && isTchar(this.s.charCodeAt(this.i))) this.i++;
    return this.s.slice(start, this.i);
  }
  /**
   * Reads a quoted-string (RFC 7230 §3.2.6) starting at `"`, returning its unescaped content,
   * or null when it is unterminated or holds a character qdtext/quoted-pair does not allow.
   */
  quoted(): string | null {
    let out = "";
    for (this.i++; this.i < this.s.length; this.i++) {
      let c = this.s.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return out;
      }
      if (c === 0x5c) {
        if (++this.i >= this.s.length) return null;
        c = this.s.charCodeAt(this.i);
        // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
        if (!(c === 0x09 || (c >= 0x20 && c !== 0x7f && c <= 0xff))) return null;
      } else if (!(c === 0x09 || c === 0x20 || c === 0x21 || (c >= 0x23 && c <= 0x7e) || (c >= 0x80 && c <= 0xff))) {
        return null; // qdtext excludes CTLs, DEL and (unescaped) `"` and `\`
      }
      out += this.s[this.i];
    }
    return null;
  }
}

/**
 * Parses one `extension *( ";" extension-param )` at the scanner position.
 * Returns null on a syntax error. Stops before the `,` or end that closes the element.
 */
function parseExtension(sc: Scanner): ExtensionOffer | null {
  const name = sc.token();
  if (name === "") return null;
  const offer: ExtensionOffer = { name: name.toLowerCase(), params: [] };
  for (;;) {
    sc.skipOws();
    if (sc.peek() !== 0x3b /* ; */) return offer;
    sc.i++;
    sc.skipOws();
    const key = sc.token();
    if (key === "") return null;
    sc.skipOws();
    if (sc.peek() !== 0x3d /* = */) {
      offer.params.push([key.toLowerCase(), true]);
      continue;
    }
    sc.i++;
    sc.skipOws();
    let value: string | null;
    if (sc.peek() === 0x22) {
      value = sc.quoted();
      // RFC 6455 §9.1: "the value after quoted-string unescaping MUST conform to the 'token' ABNF."
      if (value === null || !isToken(value)) return null;
    } else {
      value = sc.token();
      if (value === "") return null;
    }
    offer.params.push([key.toLowerCase(), value]);
  }
}

/**
 * Parses a Sec-WebSocket-Extensions header: `extension-list = 1#extension` (RFC 6455 §9.1),
 * with RFC 7230 §7 list rules (optional whitespace, empty elements ignored). Several header
 * lines (a string array, as node gives repeated headers) form one list.
 *
 * @param header - the raw header value(s); `undefined` when absent.
 * @returns the extensions in order (`[]` when absent or empty), or `null` on a syntax error.
 * Runs in time linear in the header length, whatever its content (ws CVE-2021-32640).
 */
export function parseExtensions(header: string | string[] | undefined): ExtensionOffer[] | null {
  if (header === undefined) return [];
  const s = typeof header === "string" ? header : header.join(",");
  const sc = new Scanner(s);
  const offers: ExtensionOffer[] = [];
  for (;;) {
    sc.skipOws();
    const c = sc.peek();
    if (c === -1) return offers;
    if (c === 0x2c /* , */) {
      sc.i++; // RFC 7230 §7: "a recipient MUST accept empty list elements"
      continue;
    }
    const offer = parseExtension(sc);
    if (offer === null) return null;
    offers.push(offer);
    sc.skipOws();
    const end = sc.peek();
    if (end !== -1 && end !== 0x2c) return null;
  }
}

/**
 * Formats extensions as a Sec-WebSocket-Extensions value: `name; p1; p2=v, other`.
 *
 * @throws TypeError when a name, parameter name or value is not an RFC 7230 token (values are
 * never quoted: RFC 6455 §9.1 requires the unquoted value to be a token anyway).
 */
export function formatExtensions(offers: ExtensionOffer[]): string {
  const parts: string[] = [];
  for (const { name, params } of offers) {
    if (!isToken(name)) throw new TypeError(`websocket: invalid extension name: ${JSON.stringify(name)}`);
    let part = name;
    for (const [key, value] of params) {
      if (!isToken(key)) throw new TypeError(`websocket: invalid extension parameter: ${JSON.stringify(key)}`);
      if (value === true) {
        part += "; " + key;
      } else {
        if (!isToken(value)) throw new TypeError(`websocket: invalid extension parameter value: ${JSON.stringify(value)}`);
        part += "; " + key + "=" + value;
      }
    }
    parts.push(part);
  }
  return parts.join(", ");
}
