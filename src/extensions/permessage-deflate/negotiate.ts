/**
 * RFC 7692 §5–§7.1 parameter negotiation for permessage-deflate: the client offer, the server's
 * choice among offers, and the client's check of the answer. Pure: no zlib, no I/O, never throws on peer input.
 */
import { formatExtensions, parseExtensions, type ExtensionOffer } from "../../handshake/extension-offers.js";
import {
  validateCompressionOptions,
  type CompressionOptions,
  type NegotiatedCompression,
  type ResolvedCompressionOptions,
} from "./options.js";

/** The extension token of RFC 7692 §6. */
export const PERMESSAGE_DEFLATE = "permessage-deflate";

const INVALID = "websocket: invalid compression negotiation";

/** The four extension parameters of RFC 7692 §7.1, as found in one offer or response. */
interface Params {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number | undefined;
  /** `true` = present without a value (allowed in an offer only). */
  clientMaxWindowBits: number | true | undefined;
}

/**
 * RFC 7692 §7.1.2: a window-bits value is "a decimal integer value without leading zeroes between
 * 8 to 15, inclusive". Quoted values arrive already unquoted from parseExtensions.
 */
function windowBits(v: string): number | undefined {
  if (v.length === 1) return v === "8" || v === "9" ? Number(v) : undefined;
  if (v.length === 2 && v[0] === "1" && v[1]! >= "0" && v[1]! <= "5") return Number(v);
  return undefined;
}

/**
 * Reads the parameters of one permessage-deflate element. Returns undefined for an unknown or
 * duplicate parameter, a value on a no-context-takeover parameter, or a bad window-bits value
 * (RFC 7692 §7.1: such an offer is declined, such a response fails the connection).
 */
function readParams(params: ExtensionOffer["params"]): Params | undefined {
  const p: Params = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: undefined,
    clientMaxWindowBits: undefined,
  };
  const seen = new Set<string>();
  for (const [key, value] of params) {
    if (seen.has(key)) return undefined;
    seen.add(key);
    switch (key) {
      case "server_no_context_takeover": // §7.1.1.1: "This extension parameter has no value."
      case "client_no_context_takeover": // §7.1.1.2
        if (value !== true) return undefined;
        if (key === "server_no_context_takeover") p.serverNoContextTakeover = true;
        else p.clientNoContextTakeover = true;
        break;
      case "server_max_window_bits": {
        // §7.1.2.1: this parameter always carries a value.
        const n = value === true ? undefined : windowBits(value);
        if (n === undefined) return undefined;
        p.serverMaxWindowBits = n;
        break;
      }
      case "client_max_window_bits": {
        // §7.1.2.2: "This parameter has no value or a decimal integer value…" (value-less: offers only).
        const n = value === true ? true : windowBits(value);
        if (n === undefined) return undefined;
        p.clientMaxWindowBits = n;
        break;
      }
      default:
        return undefined; // §7: "an extension parameter not defined for use in an offer"
    }
  }
  return p;
}

/**
 * Builds the Sec-WebSocket-Extensions value the Dialer sends: one permessage-deflate offer with
 * the parameters the options ask for (gorilla sends a fixed offer; RFC 7692 §7.1).
 *
 * @param o - the Dialer's compression options.
 * @returns e.g. `permessage-deflate; client_max_window_bits`.
 * @throws TypeError/RangeError for invalid options.
 */
export function buildClientOffer(o: CompressionOptions | undefined): string {
  const opts = validateCompressionOptions(o);
  const params: ExtensionOffer["params"] = [];
  if (opts.serverNoContextTakeover) params.push(["server_no_context_takeover", true]);
  if (opts.clientNoContextTakeover) params.push(["client_no_context_takeover", true]);
  if (opts.serverMaxWindowBits !== undefined) params.push(["server_max_window_bits", String(opts.serverMaxWindowBits)]);
  params.push(["client_max_window_bits", opts.clientMaxWindowBits === true ? true : String(opts.clientMaxWindowBits)]);
  return formatExtensions([{ name: PERMESSAGE_DEFLATE, params }]);
}

/** Server side: the response and agreed parameters for an acceptable offer (RFC 7692 §7.1). */
function acceptOffer(offer: Params, o: ResolvedCompressionOptions): { response: string; params: NegotiatedCompression } {
  const response: ExtensionOffer["params"] = [];
  // §7.1.1.1: accepting an offer with server_no_context_takeover means answering it; we may also
  // answer it unasked. §7.1.1.2: the server may ask for client_no_context_takeover; when the client
  // offered it we echo it, so the client's hint becomes agreed and we can drop inflate state.
  const serverNoContextTakeover = offer.serverNoContextTakeover || o.serverNoContextTakeover;
  const clientNoContextTakeover = offer.clientNoContextTakeover || o.clientNoContextTakeover;
  if (serverNoContextTakeover) response.push(["server_no_context_takeover", true]);
  if (clientNoContextTakeover) response.push(["client_no_context_takeover", true]);
  // §7.1.2.1: answer server_max_window_bits with "the same or smaller value as the offer"; we may
  // also announce our own limit unasked. Window 8 is fine for our compressor: zlib deflates it
  // with a 512-byte window whose match distances stay ≤ 250 (MAX_DIST), inside 256 bytes.
  let serverMaxWindowBits = 15;
  if (offer.serverMaxWindowBits !== undefined || o.serverMaxWindowBits !== undefined) {
    serverMaxWindowBits = Math.min(offer.serverMaxWindowBits ?? 15, o.serverMaxWindowBits ?? 15);
    response.push(["server_max_window_bits", String(serverMaxWindowBits)]);
  }
  // §7.1.2.2: client_max_window_bits may be answered only when offered, with a value no larger
  // than the offered one. Echoing an offered value lets our inflater use that smaller window.
  let clientMaxWindowBits = 15;
  if (offer.clientMaxWindowBits !== undefined) {
    const offered = offer.clientMaxWindowBits === true ? 15 : offer.clientMaxWindowBits;
    const limit = o.clientMaxWindowBits === true ? 15 : o.clientMaxWindowBits;
    if (offer.clientMaxWindowBits !== true || o.clientMaxWindowBits !== true) {
      clientMaxWindowBits = Math.min(offered, limit);
      response.push(["client_max_window_bits", String(clientMaxWindowBits)]);
    }
  }
  return {
    response: formatExtensions([{ name: PERMESSAGE_DEFLATE, params: response }]),
    params: { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits },
  };
}

/**
 * Server side of RFC 7692 negotiation (gorilla `Upgrader.EnableCompression`): tries the client's
 * permessage-deflate offers in order and accepts the first acceptable one, ignoring other extensions.
 * Declines — returns null, never throws — on a malformed header or when no offer is acceptable
 * (unknown, duplicate or value-less/valued-wrongly parameters, window bits outside 8..15).
 *
 * @param header - the request's Sec-WebSocket-Extensions.
 * @param o - the Upgrader's compression options (validated: throws TypeError/RangeError if invalid).
 * @returns the response header value and the agreed parameters, or null.
 */
export function negotiateServer(
  header: string | string[] | undefined,
  o: CompressionOptions | undefined,
): { response: string; params: NegotiatedCompression } | null {
  const opts = validateCompressionOptions(o);
  const offers = parseExtensions(header);
  if (offers === null) return null;
  for (const offer of offers) {
    if (offer.name !== PERMESSAGE_DEFLATE) continue;
    const params = readParams(offer.params);
    if (params !== undefined) return acceptOffer(params, opts);
  }
  return null;
}

/**
 * Client side of RFC 7692 negotiation: checks the server's Sec-WebSocket-Extensions against the
 * offer built by {@link buildClientOffer}. Fails on a malformed header, any extension but one
 * permessage-deflate, unknown/duplicate/out-of-range parameters, `client_max_window_bits` without a
 * value or not offered or above the offered value, `server_max_window_bits` above the requested
 * one, or a requested `server_no_context_takeover`/`server_max_window_bits` left unanswered (§7.1).
 *
 * @param header - the response's Sec-WebSocket-Extensions.
 * @param offered - the options the offer was built from; `null` when nothing was offered (then any
 * extension fails).
 * @returns `{ ok: true, params }` (`params` null when the server declined) or `{ ok: false, reason }`
 * with reason `websocket: invalid compression negotiation`. Never throws on server input.
 */
export function acceptServerResponse(
  header: string | string[] | undefined,
  offered: CompressionOptions | undefined | null,
): { ok: true; params: NegotiatedCompression | null } | { ok: false; reason: string } {
  const fail = { ok: false as const, reason: INVALID };
  const exts = parseExtensions(header);
  if (exts === null) return fail;
  if (exts.length === 0) return { ok: true, params: null };
  // RFC 6455 §9.1: the server must not answer an extension the client did not offer; we offer one.
  if (offered === null || exts.length > 1 || exts[0]!.name !== PERMESSAGE_DEFLATE) return fail;
  const o = validateCompressionOptions(offered);
  const p = readParams(exts[0]!.params);
  if (p === undefined) return fail;
  // §7.1.1.1 / §7.1.2.1: the server accepts these requests by answering them.
  if (o.serverNoContextTakeover && !p.serverNoContextTakeover) return fail;
  if (o.serverMaxWindowBits !== undefined) {
    if (p.serverMaxWindowBits === undefined || p.serverMaxWindowBits > o.serverMaxWindowBits) return fail;
  }
  // §7.1.2.2: a response's client_max_window_bits has a value, no larger than an offered one.
  const offeredClientBits = o.clientMaxWindowBits === true ? 15 : o.clientMaxWindowBits;
  if (p.clientMaxWindowBits === true) return fail;
  if (p.clientMaxWindowBits !== undefined && p.clientMaxWindowBits > offeredClientBits) return fail;
  return {
    ok: true,
    params: {
      serverNoContextTakeover: p.serverNoContextTakeover,
      // client_no_context_takeover in our offer is a hint we keep even if the server did not echo it.
      clientNoContextTakeover: p.clientNoContextTakeover || o.clientNoContextTakeover,
      serverMaxWindowBits: p.serverMaxWindowBits ?? 15,
      clientMaxWindowBits: p.clientMaxWindowBits ?? offeredClientBits,
    },
  };
}
