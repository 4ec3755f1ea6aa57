/**
 * The Upgrader's default origin policy (gorilla `checkSameOrigin`; RFC 6455 §10.2).
 * Pure: compares header strings, never touches a socket.
 */
import { equalASCIIFold, type HeaderInput } from "./header-tokens.js";

function first(h: HeaderInput): string | undefined {
  return typeof h === "string" ? h : h?.[0];
}

/**
 * Returns the authority (host with port, without userinfo) of an absolute URL such as
 * `https://user@example.com:8443/path`, as Go's `url.Parse(s).Host`, or `undefined` if the
 * string has no `scheme://` authority part.
 */
function authorityOf(url: string): string | undefined {
  // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":"; linear scan.
  let i = 0;
  for (; i < url.length; i++) {
    const c = url.charCodeAt(i);
    const alpha = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    const other = i > 0 && ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e);
    if (!alpha && !other) break;
  }
  if (i === 0 || !url.startsWith("://", i)) return undefined;
  const start = i + 3;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 0x2f || c === 0x3f || c === 0x23) break; // "/", "?", "#"
    end++;
  }
  const authority = url.slice(start, end);
  const at = authority.lastIndexOf("@");
  return at === -1 ? authority : authority.slice(at + 1);
}

/**
 * checkSameOrigin is the default `checkOrigin` policy (gorilla `checkSameOrigin`): a request
 * without an `Origin` header is allowed (non-browser clients); otherwise the Origin must parse as
 * a URL whose host, port included, equals the `Host` header (`:authority` on HTTP/2), compared
 * ASCII case-insensitively. RFC 6455 §10.2: the origin model protects against cross-site use of
 * a server by scripts in browsers.
 *
 * @param originHeader - The request's `Origin` header value(s), `undefined` when absent.
 * @param host - The request's `Host` (or `:authority`) value.
 * @returns Whether the request may be upgraded.
 */
export function checkSameOrigin(originHeader: HeaderInput, host: HeaderInput): boolean {
  if (originHeader === undefined || (typeof originHeader !== "string" && originHeader.length === 0)) return true;
  const origin = first(originHeader);
  const h = first(host);
  if (origin === undefined || h === undefined || h === "") return false;
  if (!URL.canParse(origin)) return false;
  const authority = authorityOf(origin);
  return authority !== undefined && equalASCIIFold(authority, h);
}
