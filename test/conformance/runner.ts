/**
 * Runs one conformance case: the raw peer opens a session on a target, performs the steps, closes
 * as an RFC 6455 endpoint would (echoing silverback's close; as the server it closes TCP first),
 * and records every frame, silverback's close frame, the TCP close and the echo loop's error.
 */
import { EventEmitter } from "node:events";
import type { Case, FrameSpec } from "./case.js";
import { bounded } from "./lib.js";
import type { Session, Target } from "./targets.js";
import { chop, closePayload, encodeFrame, FrameReader, type ReceivedFrame } from "./wire.js";

/** Everything the peer observed during a case. */
export interface CaseResult {
  role: "server" | "client";
  compression: boolean;
  /** Every frame silverback sent, close frames included, in order. */
  frames: ReceivedFrame[];
  /** silverback's first close frame. */
  close: ReceivedFrame | null;
  /** Payloads of the pings the peer sent, in order. */
  pings: Buffer[];
  /** The first close frame the peer sent: its payload. */
  peerClose: Buffer | null;
  tcpClosed: boolean;
  /** The error that ended silverback's echo loop ("timeout" if it never ended). */
  loopError: unknown;
  /** Timeouts and parse failures on the peer side. */
  problems: string[];
}

const WAIT = 10_000;

/** A payload as bytes. */
export function toBytes(p: Uint8Array | string | undefined): Buffer {
  return p === undefined ? Buffer.alloc(0) : typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p);
}

// Deterministic, varied mask keys: a partial write and its remainder (two steps) agree.
function keyFor(f: FrameSpec, n: number): Buffer {
  return Buffer.from([0x37 ^ (n & 0xff), 0xfa ^ f.opcode, 0x21 ^ ((n >> 8) & 0xff), 0x3d]);
}

/** The wire bytes of a frame spec; the peer masks iff silverback is the server, unless told otherwise. */
export function frameBytes(f: FrameSpec, peerMasks: boolean): Buffer {
  const payload = toBytes(f.payload);
  let maskKey: Uint8Array | null;
  if (f.mask instanceof Uint8Array) maskKey = f.mask;
  else maskKey = (f.mask === "wrong") !== peerMasks ? keyFor(f, payload.length) : null;
  return encodeFrame({ fin: f.fin ?? true, rsv: f.rsv ?? 0, opcode: f.opcode, payload, maskKey, ...(f.declaredLength !== undefined ? { declaredLength: f.declaredLength } : {}) });
}

/** Runs `c` on a fresh session of `target`. Never rejects for what silverback does. */
export async function runCase(target: Target, c: Case): Promise<CaseResult> {
  const s: Session = await target.open(c.options ?? {});
  const peerMasks = target.role === "server";
  const r: CaseResult = {
    role: target.role, compression: s.compression, frames: [], close: null, pings: [], peerClose: null,
    tcpClosed: false, loopError: undefined, problems: [],
  };
  const ev = new EventEmitter();
  const reader = new FrameReader();
  let closeSent = false;
  const sendClose = (payload: Buffer): void => {
    closeSent = true;
    r.peerClose ??= payload;
    if (s.sock.writable) s.sock.write(frameBytes({ opcode: 8, payload }, peerMasks));
  };
  const onBytes = (chunk: Buffer): void => {
    for (const f of reader.push(chunk)) {
      r.frames.push(f);
      if (f.opcode === 8 && r.close === null) {
        r.close = f;
        // RFC 6455 §5.5.1: answer with a close frame (the code only); a server then closes TCP.
        if (!closeSent) sendClose(f.payload.length >= 2 ? f.payload.subarray(0, 2) : Buffer.alloc(0));
        if (target.role === "client") s.sock.end();
      } else if (f.opcode === 8 && target.role === "client") s.sock.end();
    }
    if (reader.error !== null) {
      r.problems.push("peer parser: " + reader.error);
      s.sock.destroy();
    }
    ev.emit("tick");
  };
  s.sock.on("close", () => {
    r.tcpClosed = true;
    ev.emit("tick");
  });
  const until = async (what: string, cond: () => boolean, ms = WAIT): Promise<boolean> => {
    if (cond()) return true;
    const ok = await bounded(new Promise<boolean>((resolve) => {
      const check = (): void => {
        if (cond()) {
          ev.off("tick", check);
          resolve(true);
        }
      };
      ev.on("tick", check);
    }), ms, false);
    if (!ok) {
      ev.removeAllListeners("tick");
      r.problems.push(`timed out waiting for ${what}`);
    }
    return ok;
  };
  const write = (b: Buffer): Promise<void> => {
    if (!s.sock.writable) return Promise.resolve();
    return bounded(new Promise<void>((resolve) => s.sock.write(b, () => resolve())), WAIT, undefined);
  };

  if (s.rest.length > 0) onBytes(s.rest);
  s.sock.on("data", onBytes);
  s.sock.resume();
  // 1. The case's steps.
  for (const step of c.steps) {
    if ("send" in step) {
      for (const f of step.send) {
        if (f.opcode === 9) r.pings.push(toBytes(f.payload));
        if (f.opcode === 8 && (f.fin ?? true)) {
          closeSent = true;
          r.peerClose ??= toBytes(f.payload);
        }
      }
      let bytes = Buffer.concat(step.send.map((f) => frameBytes(f, peerMasks)));
      if (step.slice !== undefined) bytes = bytes.subarray(step.slice[0], step.slice[1]);
      for (const piece of step.chop !== undefined ? chop(bytes, step.chop) : [bytes]) await write(piece);
    } else if ("waitClose" in step) {
      await until("silverback's close frame (fail fast)", () => r.close !== null);
    } else {
      const n = step.waitFrames;
      await until(`${n} frame(s)`, () => r.frames.filter((f) => f.opcode !== 8).length >= n || r.close !== null);
    }
  }
  // 2. The closing handshake, unless the case sent a close itself. Like Autobahn, the peer first
  //    waits for the replies it expects, so each case tests its subject; closing right behind a
  //    message is the subject of the closing group's cases, which send their close in a step.
  if (!closeSent && c.closeWith !== "none") {
    const want = (c.expect.frames ?? []).length;
    const lastPing = c.expect.pongs === "coalesced" ? r.pings[r.pings.length - 1] : undefined;
    const nonClose = (): ReceivedFrame[] => r.frames.filter((f) => f.opcode !== 8);
    await until("the expected replies", () => r.close !== null || r.tcpClosed || (nonClose().length >= want &&
      (lastPing === undefined || nonClose().some((f) => f.opcode === 10 && f.payload.equals(lastPing)))));
  }
  if (!closeSent && c.closeWith !== "none") {
    sendClose(c.closeWith === "empty" ? Buffer.alloc(0) : closePayload(c.closeWith ?? 1000));
  }
  await until("the TCP connection to close", () => r.tcpClosed);
  r.loopError = await bounded(s.loop, WAIT, "timeout");
  if (!r.tcpClosed) s.sock.destroy();
  return r;
}
