// Interop matrix bookkeeping: each case is a node:test `it` whose outcome (OK / FAIL / SKIP) is recorded per
// pair, and the table (cases × pairs) is printed with console.log in an after() hook. Plus shared case helpers.
import { after, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { gatePeer, INSTALL_HINT, peerMissing, sha256, type ClientKind, type OpResult } from "../helpers/peers.js";

export type Cell = "OK" | "FAIL" | "SKIP";

/** Skips the running case (recorded as SKIP) with a reason; the case function should return right after. */
export type Skip = (reason: string) => void;

export class Matrix {
  readonly #cells = new Map<string, Cell>();
  readonly #cases: string[] = [];
  readonly #pairs: string[] = [];
  readonly #notes: string[] = [];

  constructor(readonly title: string) {
    after(() => this.print());
  }

  /**
   * Defines the test "<pair>: <name>". A case that is still running when its timeout cancels it stays FAIL.
   * With `needs`, a missing peer fails the case in CI and skips it elsewhere (with the install command).
   */
  case(pair: string, name: string, opts: { needs?: ClientKind; timeout?: number },
    fn: (skip: Skip, t: TestContext) => Promise<void>): void {
    if (!this.#pairs.includes(pair)) this.#pairs.push(pair);
    if (!this.#cases.includes(name)) this.#cases.push(name);
    const key = `${pair}\u0000${name}`;
    it(`${pair}: ${name}`, { timeout: opts.timeout ?? 30_000 }, async (t) => {
      this.#cells.set(key, "FAIL");
      let skipped = false;
      const skip: Skip = (reason) => {
        skipped = true;
        if (!this.#notes.includes(reason)) this.#notes.push(reason);
        t.skip(reason);
      };
      if (opts.needs && !(await gatePeer(t, opts.needs))) {
        const note = `${opts.needs} peer unavailable: ${await peerMissing(opts.needs)}; ${INSTALL_HINT}`;
        if (!this.#notes.includes(note)) this.#notes.push(note);
        this.#cells.set(key, "SKIP");
        return;
      }
      await fn(skip, t);
      this.#cells.set(key, skipped ? "SKIP" : "OK");
    });
  }

  /** The table as text: one row per case, one column per pair; "-" = not run (filtered out). */
  render(): string {
    const head = ["case", ...this.#pairs];
    const rows = this.#cases.map((c) => [c, ...this.#pairs.map((p) => this.#cells.get(`${p}\u0000${c}`) ?? "-")]);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ") + " |";
    const count = (v: Cell) => [...this.#cells.values()].filter((x) => x === v).length;
    return [
      `${this.title}: ${count("OK")} OK, ${count("FAIL")} FAIL, ${count("SKIP")} SKIP`,
      line(head),
      "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|",
      ...rows.map(line),
      ...this.#notes.map((n) => `SKIP: ${n}`),
    ].join("\n");
  }

  print(): void {
    if (this.#cells.size > 0) console.log("\n" + this.render() + "\n");
  }
}

// ── shared fixtures and assertions ───────────────────────────────────────────────────────────────

/** The server side supports these, in preference order; clients offer OFFER; the one common name is chat.v2. */
export const PROTOCOLS = ["chat.v2", "chat.v3"];
export const OFFER = ["chat.v1", "chat.v2"];
export const CHOSEN = "chat.v2";
export const EVIL_ORIGIN = "http://evil.example";
export const SIXTEEN_MIB = 16 << 20;
export const BOUNDARIES = [125, 126, 65535, 65536];
export const TEXT = "héllo, wörld ✓ 🦍";

/** 100 messages for pipelining: alternating text and binary, 0 to ~2 KB, each distinct. */
export function burst(count = 100): Array<{ type: 1 | 2; data: Buffer }> {
  return Array.from({ length: count }, (_, i) => i % 2 === 0
    ? { type: 1 as const, data: Buffer.from(`message ${i} ${"✓".repeat(i)}`) }
    : { type: 2 as const, data: randomBytes(i * 20) });
}

/** Asserts that a peer's recv result describes exactly `data` of `type`. */
export function assertReceived(got: OpResult, type: number, data: Uint8Array): void {
  assert.equal(got.error, undefined, `peer recv failed: ${got.error}`);
  assert.equal(got.close, undefined, `peer saw the connection close: ${JSON.stringify(got.close)}`);
  assert.deepEqual({ type: got.type, len: got.len, sha256: got.sha256 },
    { type, len: data.length, sha256: sha256(data) });
}

/** Asserts a message read by silverback. */
export function assertMessage(got: { messageType: number; data: Buffer }, type: number, data: Uint8Array): void {
  assert.equal(got.messageType, type);
  assert.equal(got.data.length, data.length);
  assert.ok(got.data.equals(data), `payload differs (sha256 ${sha256(got.data)} vs ${sha256(data)})`);
}

/** Byte counters of a socket, to see what went over the wire. */
export function wire(socket: unknown): () => { read: number; written: number } {
  const s = socket as { bytesRead: number; bytesWritten: number };
  const r0 = s.bytesRead;
  const w0 = s.bytesWritten;
  return () => ({ read: s.bytesRead - r0, written: s.bytesWritten - w0 });
}
