/**
 * Property tests of the sans-I/O Receiver: any byte stream, cut anywhere, ends in events or in
 * exactly one typed error (the last event), never throws, never holds on to payload bytes (each
 * data piece is a view of the chunk just pushed), and gives the same events however it is cut.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Receiver, type ReadEvent } from "../../src/protocol/receiver.js";
import { arbCuts, arbFrame, cut, encodeAll, params, SEED } from "./arb.js";

type Norm = { kind: string; type?: number; fin?: boolean; data?: string; code?: number; name?: string; message?: string; closeCode?: number };

/**
 * Events made comparable across different cuts: the pieces of one message merged (control frames
 * may come between them). When the stream failed, the unfinished message is dropped: how much of
 * it came out before the error depends on where the input was cut.
 */
function normalize(events: ReadEvent[]): Norm[] {
  const out: Norm[] = [];
  let open: Norm | null = null;
  for (const e of events) {
    if (e.kind === "data") {
      const hex = Buffer.from(e.bytes).toString("hex");
      if (!e.first && open !== null) open.data += hex;
      else out.push((open = { kind: "data", type: e.messageType, fin: e.fin, data: hex }));
      open.fin = e.fin;
      if (e.fin) open = null;
    } else if (e.kind === "ping" || e.kind === "pong") out.push({ kind: e.kind, data: Buffer.from(e.data).toString("hex") });
    else if (e.kind === "close") out.push({ kind: "close", code: e.code, data: Buffer.from(e.data).toString("hex") });
    else out.push({ kind: "error", name: e.error.name, message: e.error.message, closeCode: e.error.closeCode });
  }
  return out.filter((n) => n.kind !== "data" || n.fin === true || out[out.length - 1]?.kind !== "error");
}

interface Config {
  server: boolean;
  compression: boolean;
  readLimit: number;
}

const arbConfig: fc.Arbitrary<Config> = fc.record({
  server: fc.boolean(),
  compression: fc.boolean(),
  readLimit: fc.constantFrom(0, 1, 125, 1000, 64 << 20),
});

/** Feeds the chunks, checking the per-push invariants; returns all events. Throws only on a broken invariant. */
function feed(cfg: Config, chunks: Buffer[]): ReadEvent[] {
  const r = new Receiver(cfg);
  const all: ReadEvent[] = [];
  let total = 0;
  for (const chunk of chunks) {
    total += chunk.length;
    const terminal = all.length > 0 && (all[all.length - 1]!.kind === "error" || all[all.length - 1]!.kind === "close");
    const events = r.push(chunk);
    if (terminal) assert.equal(events.length, 0, "events after an error or a close");
    for (const e of events) {
      // Zero copy: a data piece is a view of this very chunk, so nothing is buffered across pushes.
      if (e.kind === "data") assert.equal(e.bytes.buffer, chunk.buffer, "data piece not a view of the pushed chunk");
      if (e.kind === "ping" || e.kind === "pong" || e.kind === "close") assert.ok(e.data.length <= 125, "control payload > 125");
      if (e.kind === "error") {
        assert.ok(e.error.name === "ProtocolError" || e.error.name === "ReadLimitError", `untyped error ${e.error.name}`);
        assert.ok([1002, 1007, 1009].includes(e.error.closeCode), `close code ${e.error.closeCode}`);
        assert.ok(e.error.message.startsWith("websocket: "), e.error.message);
      }
    }
    const errs = events.filter((e) => e.kind === "error" || e.kind === "close");
    assert.ok(errs.length <= 1, "more than one terminal event in a push");
    if (errs.length === 1) assert.equal(events[events.length - 1], errs[0], "terminal event is not the last");
    all.push(...events);
  }
  const dataBytes = all.reduce((n, e) => n + (e.kind === "data" ? e.bytes.length : 0), 0);
  assert.ok(dataBytes <= total, "more data out than bytes in");
  assert.equal(r.failed, all.some((e) => e.kind === "error"));
  return all;
}

describe(`fuzz: Receiver (fast-check seed ${SEED})`, () => {
  it("Receiver never throws on arbitrary bytes cut anywhere, and ends in events or one typed error", () => {
    fc.assert(fc.property(arbConfig, fc.uint8Array({ maxLength: 2048 }), arbCuts, (cfg, bytes, cuts) => {
      feed(cfg, cut(bytes, cuts));
    }), params());
  });

  it("Receiver gives the same events for a frame stream fed whole and cut anywhere", () => {
    const arb = fc.boolean().chain((server) =>
      fc.tuple(fc.constant(server), fc.boolean(), fc.constantFrom(0, 200, 64 << 20), fc.array(arbFrame(server), { maxLength: 24, size: "medium" }), fc.uint8Array({ maxLength: 16 }), arbCuts));
    fc.assert(fc.property(arb, ([server, compression, readLimit, frames, junk, cuts]) => {
      const cfg = { server, compression, readLimit };
      const bytes = Buffer.concat([encodeAll(frames), junk]);
      const whole = normalize(feed(cfg, [Buffer.from(bytes)]));
      const pieces = normalize(feed(cfg, cut(bytes, cuts)));
      assert.deepEqual(pieces, whole);
    }), params());
  });

  it("Receiver reproduces valid messages exactly, with control frames between fragments", () => {
    const arbMsg = fc.record({
      type: fc.constantFrom(1 as const, 2 as const),
      parts: fc.array(fc.string({ unit: "grapheme", maxLength: 30 }), { minLength: 1, maxLength: 5 }),
      ping: fc.option(fc.uint8Array({ maxLength: 125 }), { nil: undefined }),
    });
    fc.assert(fc.property(fc.boolean(), fc.array(arbMsg, { maxLength: 8 }), arbCuts, (server, msgs, cuts) => {
      const frames = msgs.flatMap((m) => m.parts.flatMap((p, i) => {
        const f = { fin: i === m.parts.length - 1, rsv: 0, opcode: i === 0 ? m.type : 0, payload: new Uint8Array(Buffer.from(p)), mask: server ? new Uint8Array([1, 2, 3, 4]) : null, declaredLength: undefined };
        const c = m.ping !== undefined && i === 0 ? [{ fin: true, rsv: 0, opcode: 9, payload: m.ping, mask: f.mask, declaredLength: undefined }] : [];
        return [f, ...c];
      }));
      const events = normalize(feed({ server, compression: false, readLimit: 0 }, cut(encodeAll(frames), cuts)));
      const expected: Norm[] = msgs.flatMap((m) => {
        const out: Norm[] = [];
        if (m.ping !== undefined) out.push({ kind: "ping", data: Buffer.from(m.ping).toString("hex") });
        out.push({ kind: "data", type: m.type, fin: true, data: Buffer.from(m.parts.join("")).toString("hex") });
        return out;
      });
      // A ping inside a message comes out between its pieces: compare messages and pings separately.
      assert.deepEqual(events.filter((e) => e.kind === "data"), expected.filter((e) => e.kind === "data"));
      assert.deepEqual(events.filter((e) => e.kind === "ping"), expected.filter((e) => e.kind === "ping"));
    }), params());
  });

  it("Receiver fails a huge declared length at its header, before any payload arrives", () => {
    fc.assert(fc.property(fc.boolean(), fc.bigInt({ min: 1n << 32n, max: (1n << 64n) - 1n }), fc.constantFrom(0, 1 << 20), (server, len, readLimit) => {
      const bytes = encodeAll([{ fin: true, rsv: 0, opcode: 2, payload: new Uint8Array(0), mask: server ? new Uint8Array(4) : null, declaredLength: len }]);
      const events = feed({ server, compression: false, readLimit }, [bytes]);
      const bad = len >= 1n << 63n;
      const tooBig = !bad && (readLimit !== 0 || len > BigInt(Number.MAX_SAFE_INTEGER));
      if (bad || tooBig) {
        assert.equal(events.length, 1);
        assert.equal(events[0]!.kind, "error");
        assert.equal((events[0] as { error: { closeCode: number } }).error.closeCode, bad ? 1002 : 1009);
      } else assert.ok(events.every((e) => e.kind === "data" && e.bytes.length === 0));
    }), params());
  });
});
