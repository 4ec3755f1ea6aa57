/**
 * Judges a case result: every frame silverback sent must be well-formed for its role (RFC 6455
 * §5.2–§5.5, RFC 7692 §6), the echoed messages must match byte for byte, the close frame must carry
 * the expected code and reason, TCP must close, and the echo loop must end with the right error.
 */
import type { Case, ExpectFrame } from "./case.js";
import type { CaseResult } from "./runner.js";
import { toBytes } from "./runner.js";
import { inflateMessage, type ReceivedFrame } from "./wire.js";

/** A message or control frame as the application would see it. */
interface Unit {
  opcode: number;
  payload: Buffer;
}

function show(b: Buffer): string {
  if (b.length > 48) return `<${b.length} bytes ${b.subarray(0, 16).toString("hex")}…>`;
  return `<${b.toString("hex")}>`;
}

/** Where two long payloads first differ, for the failure message. */
function firstDiff(a: Buffer, b: Buffer): string {
  if (a.length <= 48 && b.length <= 48) return "";
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return "";
  let bad = 0;
  for (let j = 0; j < Math.min(a.length, b.length); j++) if (a[j] !== b[j]) bad++;
  return `; first difference at byte ${i} (expected ${a.subarray(i, i + 8).toString("hex")}, got ${b.subarray(i, i + 8).toString("hex")}), ${bad} bytes differ`;
}

/** Checks each frame's header and reassembles messages; returns problems and the units. */
function reassemble(r: CaseResult): { problems: string[]; units: Unit[] } {
  const problems: string[] = [];
  const units: Unit[] = [];
  let open: { opcode: number; parts: Buffer[]; compressed: boolean } | null = null;
  let closed = false;
  r.frames.forEach((f: ReceivedFrame, i) => {
    const at = `frame ${i} (opcode ${f.opcode})`;
    if (closed) problems.push(`${at}: sent after the close frame`);
    if (f.masked !== (r.role === "client")) problems.push(`${at}: MASK bit is ${f.masked ? 1 : 0} from a ${r.role}`);
    if (!f.minimalLength) problems.push(`${at}: length not minimally encoded`);
    const firstData = f.opcode === 1 || f.opcode === 2;
    if (f.rsv !== 0 && !(f.rsv === 4 && firstData && r.compression)) problems.push(`${at}: RSV bits ${f.rsv.toString(2)}`);
    if (f.opcode >= 8) {
      if (f.opcode > 10) problems.push(`${at}: reserved opcode`);
      if (!f.fin || f.payload.length > 125) problems.push(`${at}: bad control frame`);
      if (f.opcode === 8) closed = true;
      else units.push({ opcode: f.opcode, payload: f.payload });
      return;
    }
    if (f.opcode === 0 && open === null) return void problems.push(`${at}: continuation with no message open`);
    if (f.opcode !== 0 && open !== null) problems.push(`${at}: new message inside a fragmented one`);
    if (f.opcode !== 0) open = { opcode: f.opcode, parts: [], compressed: f.rsv === 4 };
    if (f.opcode > 2) problems.push(`${at}: reserved opcode`);
    open!.parts.push(f.payload);
    if (!f.fin) return;
    let payload: Buffer = Buffer.concat(open!.parts);
    if (open!.compressed) {
      try {
        payload = inflateMessage(payload);
      } catch (e) {
        problems.push(`${at}: compressed message does not inflate: ${(e as Error).message}`);
      }
    }
    units.push({ opcode: open!.opcode, payload });
    open = null;
  });
  return { problems, units };
}

function compareUnits(expected: ExpectFrame[], got: Unit[], problems: string[]): void {
  const n = Math.max(expected.length, got.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const g = got[i];
    if (e === undefined) problems.push(`unexpected frame ${i}: opcode ${g!.opcode} ${show(g!.payload)}`);
    else if (g === undefined) problems.push(`missing frame ${i}: opcode ${e.opcode} ${show(toBytes(e.payload))}`);
    else if (g.opcode !== e.opcode || !g.payload.equals(toBytes(e.payload))) {
      problems.push(`frame ${i}: expected opcode ${e.opcode} ${show(toBytes(e.payload))}, got opcode ${g.opcode} ${show(g.payload)}${firstDiff(toBytes(e.payload), g.payload)}`);
    }
  }
}

/** Pongs answer pings in order, possibly coalesced (RFC 6455 §5.5.3), and the last ping is answered. */
function checkCoalescedPongs(pings: Buffer[], pongs: Unit[], problems: string[]): void {
  let j = 0;
  for (const p of pongs) {
    while (j < pings.length && !pings[j]!.equals(p.payload)) j++;
    if (j === pings.length) return void problems.push(`pong ${show(p.payload)} answers no ping (in order)`);
    j++;
  }
  const last = pings[pings.length - 1];
  if (last !== undefined && (pongs.length === 0 || !pongs[pongs.length - 1]!.payload.equals(last))) {
    problems.push(`the last ping ${show(last)} got no pong`);
  }
}

function errorSummary(e: unknown): string {
  const x = e as { closeCode?: number; code?: number };
  if (e instanceof Error) return `${e.name}(${x.closeCode ?? x.code ?? ""}): ${e.message}`;
  return String(e);
}

/** Returns what is wrong with `r` for case `c` (empty when the case passes). */
export function verify(c: Case, r: CaseResult): string[] {
  const { problems, units } = reassemble(r);
  problems.unshift(...r.problems);
  // 1. The echoed messages and control frames.
  const expected = c.expect.frames ?? [];
  if (c.expect.pongs === "coalesced") {
    compareUnits(expected.filter((f) => f.opcode !== 10), units.filter((u) => u.opcode !== 10), problems);
    checkCoalescedPongs(r.pings, units.filter((u) => u.opcode === 10), problems);
  } else compareUnits(expected, units, problems);
  // 2. silverback's close frame.
  const want = c.expect.close;
  const close = r.close;
  if (close === null) problems.push(`no close frame (expected ${want})`);
  else if (want === "empty") {
    if (close.payload.length !== 0) problems.push(`expected an empty close payload, got ${show(close.payload)}`);
  } else {
    const code = close.payload.length >= 2 ? close.payload.readUInt16BE(0) : null;
    const reason = close.payload.subarray(2).toString("utf8");
    if (code !== want) problems.push(`expected close code ${want}, got ${code ?? "none"} ${show(close.payload)}`);
    const wantReason = c.expect.fail ?? "";
    if (code === want && reason !== wantReason) problems.push(`expected close reason ${JSON.stringify(wantReason)}, got ${JSON.stringify(reason)}`);
  }
  // 3. TCP closed by the end of the case.
  if (!r.tcpClosed) problems.push("the TCP connection was not closed");
  // 4. The read error silverback's application saw.
  const e = r.loopError as { name?: string; closeCode?: number; code?: number; message?: string } | undefined;
  if (c.expect.fail !== undefined) {
    const ok = r.loopError instanceof Error && e !== undefined && (e.name === "ProtocolError" || e.name === "ReadLimitError") &&
      e.closeCode === want && e.message === "websocket: " + c.expect.fail;
    if (!ok) problems.push(`expected the read to fail with ProtocolError/ReadLimitError(${want}) "websocket: ${c.expect.fail}", got ${errorSummary(e)}`);
  } else {
    const p = r.peerClose;
    const peerCode = p === null ? null : p.length >= 2 ? p.readUInt16BE(0) : 1005;
    const ok = r.loopError instanceof Error && e !== undefined && e.name === "CloseError" && e.code === peerCode;
    if (!ok) problems.push(`expected the read to end with CloseError ${peerCode}, got ${errorSummary(e)}`);
  }
  return problems;
}
