// Bun (uWebSockets in C++) as the native reference of issue 8: its echo server in the server
// scenarios, its WebSocket client in E. Bun is not a dependency of the project, so a pinned
// release comes from npm into a temp dir once and is reused by later runs;
// SILVERBACK_BUN=/path/to/bun uses an existing binary instead. Any failure leaves the benchmark
// running without Bun.
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";

const VERSION = "1.4.5";

export function bunVersion(bin: string): string {
  return execFileSync(bin, ["--version"], { encoding: "utf8", timeout: 20_000, stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function versionOrEmpty(bin: string): string {
  try {
    return bunVersion(bin);
  } catch {
    return "";
  }
}

/** Path of a working bun binary, or null (after one warning line) when none can be had. */
export function ensureBun(): string | null {
  try {
    const given = process.env["SILVERBACK_BUN"];
    if (given) {
      bunVersion(given); // throws with the reason
      return given;
    }
    const dir = join(tmpdir(), "silverback-bench-bun");
    const arch = process.arch === "arm64" ? "aarch64" : process.arch;
    // bun's postinstall moves the native binary from its platform package over the bin/ stub; an
    // npm that skips install scripts leaves the stub, which only prints an error, and the binary
    // where it was
    const candidates = [join(dir, "node_modules", ".bin", "bun"),
      join(dir, "node_modules", "@oven", `bun-${process.platform}-${arch}`, "bin", "bun")];
    const found = (): string | undefined => candidates.find((c) => versionOrEmpty(c) === VERSION);
    if (!found()) {
      // a missing, broken or differently versioned cache is (re)installed in place; npm's
      // stdout goes to stderr too, the runner's stdout is the report
      execFileSync("npm", ["install", "--prefix", dir, "--no-save", "--no-audit", "--no-fund", `bun@${VERSION}`],
        { stdio: ["ignore", process.stderr, process.stderr], timeout: 180_000 });
    }
    const bin = found();
    if (!bin) throw new Error(`bun@${VERSION} installed in ${dir}, but no binary there answers --version`);
    return bin;
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
    console.error(`warning: no Bun (${why}); Bun columns show "–" (--no-bun skips this step)`);
    return null;
  }
}
