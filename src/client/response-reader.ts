/**
 * Reads an HTTP/1.1 response over a raw stream: the head through the incremental parser (the bytes
 * after it are kept for the Conn), and up to 1024 bytes of a failed answer's body (RFC 9112 §6.3).
 */
import type { Duplex } from "node:stream";
import { ResponseHeadParser, type ResponseHead } from "../handshake/client-handshake.js";

/** Outcome of {@link readResponseHead}; it never rejects. */
export type HeadOutcome =
  | { ok: true; head: ResponseHead; rest: Buffer }
  | { ok: false; reason: string; cause?: unknown };

/**
 * Collects the response head from `stream`; once it is complete the stream is paused with no
 * listener of ours left, so unread bytes stay in it for the next owner.
 */
export function readResponseHead(stream: Duplex): Promise<HeadOutcome> {
  return new Promise<HeadOutcome>((resolve) => {
    const parser = new ResponseHeadParser();
    const finish = (o: HeadOutcome): void => {
      stream.pause();
      stream.off("data", onData);
      stream.off("error", onError);
      stream.off("end", onEnd);
      stream.off("close", onEnd);
      resolve(o);
    };
    const onData = (chunk: Buffer): void => {
      const r = parser.push(chunk);
      if (r.state === "done") finish({ ok: true, head: r.head, rest: r.rest });
      else if (r.state === "error") finish({ ok: false, reason: r.reason });
    };
    const onError = (err: unknown): void => finish({ ok: false, reason: "connection failed before a response", cause: err });
    const onEnd = (): void =>
      finish({ ok: false, reason: "connection closed before a response", cause: new Error("unexpected EOF") });
    stream.on("data", onData);
    stream.on("error", onError);
    stream.on("end", onEnd);
    stream.on("close", onEnd);
    if (stream.destroyed) onEnd();
    else stream.resume();
  });
}

/** Most bytes of a failed answer's body kept in `BadHandshakeError.response.body` (gorilla: 1024). */
export const MAX_ERROR_BODY = 1024;
/** Body reading stops after this long without data (API.md §3). */
export const BODY_IDLE_MS = 1000;

/** Incremental `chunked` transfer-coding decoder (RFC 9112 §7.1), tolerant and bounded. */
class ChunkedDecoder {
  #state: "size" | "data" | "crlf" | "done" = "size";
  #line = "";
  #left = 0;
  get done(): boolean {
    return this.#state === "done";
  }
  /** Returns the payload bytes found in `chunk`. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let i = 0;
    while (i < chunk.length && this.#state !== "done") {
      if (this.#state === "data") {
        const n = Math.min(this.#left, chunk.length - i);
        out.push(chunk.subarray(i, i + n));
        i += n;
        this.#left -= n;
        if (this.#left === 0) this.#state = "crlf";
        continue;
      }
      const c = chunk[i++]!;
      if (c !== 0x0a) {
        if (this.#state === "size" && this.#line.length < 256) this.#line += String.fromCharCode(c);
        continue;
      }
      if (this.#state === "crlf") {
        this.#state = "size";
        continue;
      }
      const hex = this.#line.split(";")[0]!.trim();
      this.#line = "";
      this.#left = /^[0-9a-fA-F]{1,8}$/.test(hex) ? parseInt(hex, 16) : 0;
      this.#state = this.#left === 0 ? "done" : "data";
    }
    return out;
  }
}

/** How the body of `head` ends (RFC 9112 §6.3): no body, a length, chunked, or at close. */
function bodyFraming(head: ResponseHead): { kind: "none" } | { kind: "length"; n: number } | { kind: "chunked" } | { kind: "close" } {
  if (head.status < 200 || head.status === 204 || head.status === 304) return { kind: "none" };
  const te = head.headers["transfer-encoding"];
  if (te !== undefined) {
    const codings = String(te).split(",").map((s) => s.trim().toLowerCase());
    return codings[codings.length - 1] === "chunked" ? { kind: "chunked" } : { kind: "close" };
  }
  const cl = head.headers["content-length"];
  if (typeof cl === "string" && /^[0-9]{1,15}$/.test(cl.trim())) return { kind: "length", n: Number(cl.trim()) };
  return { kind: "close" };
}

/**
 * Reads up to {@link MAX_ERROR_BODY} bytes of the body that follows `head`, starting with `rest`,
 * until the body ends, the limit, {@link BODY_IDLE_MS} without data, the stream ends, or `signal`
 * aborts. Never rejects.
 */
export function collectBody(stream: Duplex, head: ResponseHead, rest: Buffer, signal: AbortSignal,
  idleMs: number = BODY_IDLE_MS): Promise<Buffer> {
  const framing = bodyFraming(head);
  if (framing.kind === "none") return Promise.resolve(Buffer.alloc(0));
  const decoder = framing.kind === "chunked" ? new ChunkedDecoder() : undefined;
  let remaining = framing.kind === "length" ? framing.n : Infinity;
  const parts: Buffer[] = [];
  let size = 0;
  // Feeds raw bytes; returns true when the body is complete or the cap is reached.
  const feed = (chunk: Buffer): boolean => {
    const payload = decoder !== undefined ? decoder.push(chunk) : [chunk.subarray(0, Math.min(chunk.length, remaining))];
    for (const p of payload) {
      const take = p.subarray(0, MAX_ERROR_BODY - size);
      parts.push(take);
      size += take.length;
      if (decoder === undefined) remaining -= p.length;
    }
    return size >= MAX_ERROR_BODY || remaining <= 0 || decoder?.done === true;
  };
  const result = (): Buffer => Buffer.concat(parts, size);
  if (feed(rest) || stream.destroyed || signal.aborted) return Promise.resolve(result());
  return new Promise<Buffer>((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      stream.off("data", onData);
      stream.off("end", finish);
      stream.off("close", finish);
      stream.off("error", finish);
      signal.removeEventListener("abort", finish);
      resolve(result());
    };
    const timer = setTimeout(finish, idleMs);
    const onData = (chunk: Buffer): void => {
      timer.refresh();
      if (feed(chunk)) finish();
    };
    stream.on("data", onData);
    stream.on("end", finish);
    stream.on("close", finish);
    stream.on("error", finish);
    signal.addEventListener("abort", finish, { once: true });
    stream.resume();
  });
}
