// The scenarios of issue 8 (A–F, plus G: the generator's own capacity) as benchmark jobs: what the load generator does, which servers
// (or clients, for E) take part, and the rows each job fills with their units and targets.
// "raw" is the net echo ceiling; "go" is the Go generator as a client of the Go echo server (E);
// "bun" is Bun's native server (its client in E), when bench/lib/bun.ts found a binary; "floor" (D
// handshakes only) is the least a WebSocket server on node:http can do per handshake.

export type Kind = "silverback" | "ws" | "ws-native" | "bun" | "raw" | "go" | "floor";
export type JobType = "echo" | "handshake" | "memory" | "client";

export interface Target {
  vs: "ws" | "raw" | "bun";
  op: ">=" | "<=";
  value: number;
}

export interface RowDef {
  id: string;
  label: string;
  unit: "rt/s" | "msgs/s" | "MB/s" | "hs/s" | "KiB/conn";
  target?: Target;
}

export interface Job {
  id: string;
  scenario: "A" | "B" | "C" | "D" | "E" | "F" | "G";
  type: JobType;
  conns: number;
  inflight: number;
  size: number;
  text: boolean;
  deflate: boolean;
  kinds: Kind[];
  rows: RowDef[]; // memory jobs fill two rows: idle, and after one echoed message per conn
}

const SERVERS: Kind[] = ["silverback", "ws", "ws-native", "bun", "raw"];
const NO_RAW: Kind[] = ["silverback", "ws", "ws-native", "bun"];
const CLIENTS: Kind[] = ["silverback", "ws", "ws-native", "bun", "go"];

function echo(id: string, s: Job["scenario"], label: string, conns: number, inflight: number, size: number,
  unit: RowDef["unit"], target?: Target, text = false): Job {
  return { id, scenario: s, type: "echo", conns, inflight, size, text, deflate: false, kinds: SERVERS,
    rows: [{ id, label, unit, ...(target ? { target } : {}) }] };
}

/** Scenario E: a client under test, 64 messages in flight, against the Go echo server. */
function client(id: string, label: string, size: number, unit: RowDef["unit"], target: Target): Job {
  return { id, scenario: "E", type: "client", conns: 1, inflight: 64, size, text: false, deflate: false, kinds: CLIENTS,
    rows: [{ id, label, unit, target }] };
}

export const JOBS: Job[] = [
  echo("A", "A", "A ping-pong 32 B, round trips/s", 1, 1, 32, "rt/s", { vs: "raw", op: ">=", value: 0.95 }),
  echo("B32", "B", "B 32 B, 64 in flight, msgs/s", 1, 64, 32, "msgs/s", { vs: "ws", op: ">=", value: 2.0 }),
  echo("B1Kt", "B", "B 1 KiB text, 64 in flight, msgs/s", 1, 64, 1024, "msgs/s", undefined, true),
  echo("B64K", "B", "B 64 KiB, 64 in flight, MB/s", 1, 64, 65536, "MB/s", { vs: "raw", op: ">=", value: 0.9 }),
  echo("B64Kt", "B", "B 64 KiB text, 64 in flight, MB/s", 1, 64, 65536, "MB/s", undefined, true),
  echo("B1M", "B", "B 1 MiB, 4 in flight, MB/s", 1, 4, 1 << 20, "MB/s", { vs: "raw", op: ">=", value: 0.9 }),
  echo("C", "C", "C 100 conns × 8 in flight, 128 B, msgs/s", 100, 8, 128, "msgs/s", { vs: "ws", op: ">=", value: 2.0 }),
  {
    id: "Dmem", scenario: "D", type: "memory", conns: 1000, inflight: 0, size: 32, text: false, deflate: false,
    kinds: SERVERS,
    rows: [
      { id: "Dmem", label: "D idle conn memory (1000 conns), KiB/conn", unit: "KiB/conn",
        target: { vs: "ws", op: "<=", value: 1.0 } },
      { id: "Dmem1", label: "D … after one 32 B echo each, KiB/conn", unit: "KiB/conn" },
    ],
  },
  {
    id: "Dhs", scenario: "D", type: "handshake", conns: 64, inflight: 0, size: 0, text: false, deflate: false,
    kinds: [...SERVERS, "floor"],
    rows: [{ id: "Dhs", label: "D handshakes/s, 64 concurrent (raw: TCP+echo)", unit: "hs/s",
      target: { vs: "ws", op: ">=", value: 1.3 } }],
  },
  client("E32", "E client, 32 B, 64 in flight, msgs/s", 32, "msgs/s", { vs: "ws", op: ">=", value: 1.5 }),
  client("E64K", "E client, 64 KiB, 64 in flight, MB/s", 65536, "MB/s", { vs: "bun", op: ">=", value: 0.9 }),
  {
    id: "F", scenario: "F", type: "echo", conns: 4, inflight: 16, size: 16384, text: true, deflate: true,
    kinds: NO_RAW,
    rows: [{ id: "F", label: "F deflate 16 KiB JSON text, 4×16, msgs/s", unit: "msgs/s",
      target: { vs: "ws", op: ">=", value: 3.0 } }],
  },
  {
    id: "Fmem", scenario: "F", type: "memory", conns: 1000, inflight: 0, size: 16384, text: true, deflate: true,
    kinds: NO_RAW,
    rows: [
      { id: "Fmem", label: "F idle compressed conn (1000), KiB/conn", unit: "KiB/conn",
        target: { vs: "ws", op: "<=", value: 1.0 } },
      { id: "Fmem1", label: "F … after one 16 KiB deflated echo, KiB/conn", unit: "KiB/conn",
        target: { vs: "ws", op: "<=", value: 1.0 } },
    ],
  },
  // Generator capacity: the same 32 B frames against the raw echo with 512 in flight. The raw
  // echo's cost is per syscall, not per message, so its rate grows with the batch; this shows how
  // much load the generator can produce (far above every B/C figure).
  { ...echo("G", "G", "G generator capacity: raw, 32 B, 512 in flight", 1, 512, 32, "msgs/s"), kinds: ["raw"] },
];

/** --only=A,B,F or job ids (B32, Dhs …). */
export function selectJobs(only: string | undefined): Job[] {
  if (!only) return JOBS;
  const want = new Set(only.split(",").map((s) => s.trim()).filter(Boolean));
  return JOBS.filter((j) => want.has(j.scenario) || want.has(j.id));
}
