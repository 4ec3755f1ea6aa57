/**
 * Enforces DESIGN.md §2.1: imports point down only, the sans-I/O core imports no I/O module, no
 * file passes the 500-line hard stop, every export is documented, and the package has no runtime
 * dependencies.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const src = join(root, "src");

// Rank of each layer: a file may import only from layers of lower or equal rank (same layer
// allowed), and never from a higher one.
const rank: Record<string, number> = {
  "": 0, util: 0, protocol: 1, handshake: 1, transport: 2, extensions: 2, conn: 3, server: 4, client: 4, index: 5, cli: 6,
};

// RFC 7692 negotiation is pure (header records in, parameters out), so it ranks with the core
// even though it lives beside the zlib code it configures.
const pureExtras = new Set(["extensions/permessage-deflate/negotiate.ts", "extensions/permessage-deflate/options.ts"]);

function layerOf(file: string): string {
  const rel = relative(src, file);
  if (pureExtras.has(rel)) return "handshake";
  if (rel === "index.ts") return "index";
  const top = rel.split("/")[0]!;
  return top.endsWith(".ts") ? "" : top;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  // Type-only imports create no runtime dependency and are exempt.
  for (const m of text.matchAll(/^\s*(?:import|export)\s(?!type\s)[^;]*?from\s+["']([^"']+)["']/gms)) out.push(m[1]!);
  return out;
}

describe("architecture (DESIGN.md §2.1)", () => {
  const files = walk(src);

  it("src/ imports point down the layers only", () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = layerOf(f);
      for (const spec of imports(f)) {
        if (!spec.startsWith(".")) continue;
        const target = resolve(dirname(f), spec.replace(/\.js$/, ".ts"));
        const to = layerOf(target);
        if (rank[to]! > rank[from]! || (rank[to] === rank[from] && to !== from && from !== "")) {
          bad.push(`${relative(root, f)} → ${relative(root, target)}`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });

  it("protocol/ and handshake/ import no I/O module (only node:crypto and node:buffer)", () => {
    const bad: string[] = [];
    for (const f of files) {
      const l = layerOf(f);
      if (l !== "protocol" && l !== "handshake") continue;
      for (const spec of imports(f)) {
        if (spec.startsWith("node:") && spec !== "node:crypto" && spec !== "node:buffer") bad.push(`${relative(root, f)}: ${spec}`);
      }
      const text = readFileSync(f, "utf8");
      if (/\bsetTimeout\(|\bsetImmediate\(|\bnew Promise\b|\basync\s/.test(text)) bad.push(`${relative(root, f)}: timer/promise`);
    }
    assert.deepEqual(bad, []);
  });

  it("no source or test file passes the 500-line hard stop", () => {
    const big: string[] = [];
    for (const f of [...files, ...walk(join(root, "test"))]) {
      const n = readFileSync(f, "utf8").split("\n").length;
      if (n > 500) big.push(`${relative(root, f)} (${n})`);
    }
    assert.deepEqual(big, []);
  });

  it("every exported declaration in src/ carries a doc comment (re-exports excepted)", () => {
    const bare: string[] = [];
    for (const f of files) {
      const lines = readFileSync(f, "utf8").split("\n");
      lines.forEach((line, i) => {
        if (!/^export (declare )?(abstract )?(async )?(class|function|const|let|interface|type|enum) /.test(line)) return;
        if (/^export type \{/.test(line)) return; // a re-export: documented where it is declared
        let j = i - 1;
        while (j >= 0 && lines[j]!.trim() === "") j--;
        if (!(lines[j] ?? "").trim().endsWith("*/")) bare.push(`${relative(root, f)}:${i + 1}`);
      });
    }
    assert.deepEqual(bare, []);
  });

  it("the package has zero runtime dependencies", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown>;
    assert.equal(pkg.dependencies, undefined);
    assert.equal(pkg.type, "module");
  });
});
