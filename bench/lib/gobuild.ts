// Builds the Go load generator (bench/loadgen/*.go, gorilla/websocket from Debian's
// golang-github-gorilla-websocket-dev in GOPATH mode) once per source hash into a temp dir,
// so repeated `npm run bench` runs start at once. Returns the binary's path.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** bench/loadgen in the repository (this file runs from build/bench/lib/). */
export const LOADGEN_SRC = fileURLToPath(new URL("../../../bench/loadgen/", import.meta.url));

export function buildLoadgen(): string {
  const files = readdirSync(LOADGEN_SRC).filter((f) => f.endsWith(".go")).sort();
  if (files.length === 0) throw new Error(`no Go sources in ${LOADGEN_SRC}`);
  const h = createHash("sha256");
  for (const f of files) h.update(f).update("\0").update(readFileSync(join(LOADGEN_SRC, f))).update("\0");
  const goVersion = execFileSync("go", ["version"], { encoding: "utf8", timeout: 20_000 });
  h.update(goVersion);
  const root = join(tmpdir(), "silverback-bench-go");
  const dir = join(root, h.digest("hex").slice(0, 16));
  const bin = join(dir, "loadgen");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${process.pid}.tmp`;
  execFileSync("go", ["build", "-o", tmp, "."], {
    cwd: LOADGEN_SRC,
    env: {
      ...process.env,
      GO111MODULE: "off",
      GOPATH: "/usr/share/gocode",
      GOCACHE: join(root, "gocache"),
      GOFLAGS: "",
    },
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 180_000,
  });
  renameSync(tmp, bin);
  return bin;
}
