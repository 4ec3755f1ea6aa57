#!/usr/bin/env node
/**
 * The `silverback` command: `connect` (an interactive client, like wscat) and `serve` (an echo or
 * broadcast server). Dispatches to the commands and maps their outcome to an exit code.
 */
import { readFileSync } from "node:fs";
import { Exit, UsageError } from "./args.js";
import { connect, connectUsage } from "./connect.js";
import { serve, serveUsage } from "./serve.js";

const usage = `usage: silverback <command> [options]

commands:
  connect <url>   talk to a WebSocket server from the terminal (stdin → messages → stdout)
  serve           run an echo or broadcast WebSocket server

Run "silverback <command> --help" for the options of a command.
Exit codes: 0 normal close, 1 connection failed, 2 bad usage, 3 handshake refused, 4 unreachable.`;

function version(): string {
  // build/bin/ and an installed dist/cli/ are two levels below package.json, build/src/cli/ three.
  for (const rel of ["../../package.json", "../../../package.json", "../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "silverback") return `silverback ${pkg.version}`;
    } catch {
      // try the next location
    }
  }
  return "silverback (unknown version)";
}

/** Runs the CLI with `argv` (without node and the script) and resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const help = rest.includes("--help") || rest.includes("-h");
  try {
    switch (command) {
      case "connect":
        if (!help) return await connect(rest);
        console.log(connectUsage);
        return Exit.ok;
      case "serve":
        if (!help) return await serve(rest);
        console.log(serveUsage);
        return Exit.ok;
      case "--version":
      case "-v":
        console.log(version());
        return Exit.ok;
      case "help":
      case "--help":
      case "-h":
        console.log(usage);
        return Exit.ok;
      default:
        throw new UsageError(command === undefined ? "no command given" : `unknown command ${JSON.stringify(command)}`);
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`silverback: ${err.message}\n`);
    console.error(command === "connect" ? connectUsage : command === "serve" ? serveUsage : usage);
    return Exit.usage;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error("silverback: internal error:", err);
    process.exit(Exit.connection);
  },
);
