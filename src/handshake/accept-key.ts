/**
 * The opening-handshake key pair of RFC 6455 §4.1/§4.2.2: challenge keys and their accept values.
 * Pure: uses node:crypto only; never touches a socket or a timer.
 */
import { createHash, randomBytes } from "node:crypto";
import { WEBSOCKET_GUID } from "../constants.js";

/**
 * computeAcceptKey returns the `Sec-WebSocket-Accept` value for a challenge key (gorilla
 * `computeAcceptKey`): RFC 6455 §4.2.2 step 5.4, base64(SHA-1(key + GUID)).
 *
 * @param challengeKey - The client's `Sec-WebSocket-Key`, as sent.
 * @returns The base64 accept value (28 characters).
 * @example computeAcceptKey("dGhlIHNhbXBsZSBub25jZQ==") === "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
 */
export function computeAcceptKey(challengeKey: string): string {
  return createHash("sha1").update(challengeKey + WEBSOCKET_GUID, "latin1").digest("base64");
}

/**
 * generateChallengeKey returns a fresh `Sec-WebSocket-Key` (gorilla `generateChallengeKey`):
 * RFC 6455 §4.1 item 7, "a randomly selected 16-byte value … base64-encoded".
 *
 * @returns 24 base64 characters.
 */
export function generateChallengeKey(): string {
  return randomBytes(16).toString("base64");
}

// The standard base64 alphabet (RFC 4648 §4), as a lookup table over char codes.
const BASE64 = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") BASE64[c.charCodeAt(0)] = 1;

/**
 * isValidChallengeKey reports whether a key is the base64 encoding of exactly 16 bytes (gorilla
 * `isValidChallengeKey`; RFC 6455 §4.2.1 item 5). Strict form only: 22 alphabet characters
 * followed by `==` (24 characters), no whitespace, no URL-safe alphabet.
 *
 * @param key - The `Sec-WebSocket-Key` header value.
 * @returns Whether the key is acceptable.
 */
export function isValidChallengeKey(key: string): boolean {
  if (typeof key !== "string" || key.length !== 24) return false;
  if (key.charCodeAt(22) !== 0x3d || key.charCodeAt(23) !== 0x3d) return false;
  for (let i = 0; i < 22; i++) {
    const c = key.charCodeAt(i);
    if (c >= 128 || BASE64[c] !== 1) return false;
  }
  return true;
}
