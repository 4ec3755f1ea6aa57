/**
 * `npm run conformance`: runs every conformance case against a silverback server and a silverback
 * client and prints one line per case group with OK/FAILED counts, then each failure and why.
 * Options: `--group 6` (repeatable) runs only those groups; `--verbose` prints every case.
 * Exit status 1 when a case failed.
 */
import { groups } from "./cases/index.js";
import type { Case } from "./case.js";
import { runCase } from "./runner.js";
import { makeTarget } from "./targets.js";
import { verify } from "./verify.js";

interface Tally {
  ok: number;
  failed: number;
  skipped: number;
}

const args = process.argv.slice(2);
const only = args.flatMap((a, i) => (a === "--group" ? [args[i + 1]!] : []));
const verbose = args.includes("--verbose");
const roles = ["server", "client"] as const;

async function main(): Promise<number> {
  const rows: Array<{ id: string; name: string; tally: Record<string, Tally> }> = [];
  const failures: string[] = [];
  const via: string[] = [];
  for (const role of roles) {
    const t = await makeTarget(role);
    via.push(`${role} via ${t.via}${t.compression ? "" : " (no compression)"}`);
    await t.close();
  }
  for (const g of groups) {
    if (only.length > 0 && !only.includes(g.id)) continue;
    const row = { id: g.id, name: g.name, tally: {} as Record<string, Tally> };
    for (const role of roles) {
      const tally: Tally = { ok: 0, failed: 0, skipped: 0 };
      const target = await makeTarget(role);
      for (const c of g.cases as Case[]) {
        if (c.only !== undefined && c.only !== role) continue;
        if (c.options?.compression && !target.compression) {
          tally.skipped++;
          continue;
        }
        let problems: string[];
        try {
          const r = await runCase(target, c);
          problems = verify(c, r);
          if (c.options?.compression && !r.compression) problems.unshift("permessage-deflate was not negotiated");
        } catch (e) {
          problems = [`harness error: ${(e as Error).message}`];
        }
        if (problems.length === 0) tally.ok++;
        else {
          tally.failed++;
          failures.push(`  ${c.id.padEnd(8)} ${role.padEnd(6)} ${c.title}\n${problems.map((p) => `             - ${p}`).join("\n")}`);
        }
        if (verbose) console.log(`${problems.length === 0 ? "OK    " : "FAILED"} ${role.padEnd(6)} ${c.id.padEnd(8)} ${c.title}`);
      }
      await target.close();
      row.tally[role] = tally;
    }
    rows.push(row);
  }
  const cell = (t: Tally): string => `${String(t.ok).padStart(4)} OK ${String(t.failed).padStart(3)} FAILED${t.skipped > 0 ? ` ${t.skipped} skipped` : ""}`;
  console.log(`\nsilverback RFC 6455/7692 conformance (${via.join("; ")})\n`);
  console.log(`${"group".padEnd(32)} ${"silverback server".padEnd(30)} silverback client`);
  console.log("-".repeat(92));
  const total: Record<string, Tally> = { server: { ok: 0, failed: 0, skipped: 0 }, client: { ok: 0, failed: 0, skipped: 0 } };
  for (const row of rows) {
    const status = roles.some((r) => row.tally[r]!.failed > 0) ? "FAILED" : "OK";
    console.log(`${`${row.id.padStart(2)} ${row.name}`.padEnd(32)} ${cell(row.tally["server"]!).padEnd(30)} ${cell(row.tally["client"]!)}  ${status}`);
    for (const r of roles) {
      total[r]!.ok += row.tally[r]!.ok;
      total[r]!.failed += row.tally[r]!.failed;
      total[r]!.skipped += row.tally[r]!.skipped;
    }
  }
  console.log("-".repeat(92));
  console.log(`${"total".padEnd(32)} ${cell(total["server"]!).padEnd(30)} ${cell(total["client"]!)}`);
  if (failures.length > 0) console.log(`\nFailures:\n${failures.join("\n")}`);
  return failures.length > 0 ? 1 : 0;
}

main().then((code) => {
  process.exitCode = code;
}, (err: unknown) => {
  console.error(err);
  process.exitCode = 2;
});
