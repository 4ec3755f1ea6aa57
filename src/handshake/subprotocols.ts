/**
 * Subprotocol negotiation (RFC 6455 §1.9, §4.2.2 item 5.4): parse the client's offer, pick the
 * server's choice, check the server's echo on the client side. Pure: no I/O.
 */
import { isToken, parseTokenList, type HeaderInput } from "./header-tokens.js";

/**
 * parseSubprotocolOffer returns the client's `Sec-WebSocket-Protocol` list, split on commas and
 * trimmed, in the client's order (gorilla `Subprotocols`); `[]` when absent.
 *
 * @param header - The request's `Sec-WebSocket-Protocol` value(s).
 */
export function parseSubprotocolOffer(header: HeaderInput): string[] {
  return parseTokenList(header);
}

/**
 * selectSubprotocol returns the first of the server's subprotocols, in the server's order of
 * preference, that the client offered, or `""` (gorilla `Upgrader.selectSubprotocol`).
 * Names compare case-sensitively, as in gorilla and ws.
 *
 * @param supported - The server's subprotocols, most preferred first.
 * @param offered - The client's offer ({@link parseSubprotocolOffer}).
 * @returns The chosen subprotocol, or `""` for none.
 */
export function selectSubprotocol(supported: readonly string[], offered: readonly string[]): string {
  if (offered.length === 0) return "";
  const set = new Set(offered);
  for (const p of supported) if (set.has(p)) return p;
  return "";
}

/**
 * isValidSubprotocol reports whether `name` can be offered or selected: RFC 6455 §4.1 item 10
 * requires each element of `Sec-WebSocket-Protocol` to be an RFC 7230 token.
 */
export function isValidSubprotocol(name: string): boolean {
  return typeof name === "string" && isToken(name);
}

/**
 * isOfferedSubprotocol reports whether a server's `Sec-WebSocket-Protocol` answer is acceptable to
 * a client that offered `offered`: empty (none chosen) or exactly one of the offered names
 * (RFC 6455 §4.1, "the client MUST _Fail the WebSocket Connection_" otherwise).
 *
 * @param offered - The subprotocols the client sent.
 * @param chosen - The server's answer, `""` when absent.
 */
export function isOfferedSubprotocol(offered: readonly string[], chosen: string): boolean {
  return chosen === "" || offered.includes(chosen);
}
