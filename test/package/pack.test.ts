/**
 * Packaging as a user meets it: build dist/ in a copy of the repository, `npm pack`, check the
 * tarball's file list, install it offline into a temporary project, import it from plain JavaScript
 * (a real loopback echo) and type-check a TypeScript file against its bundled declarations.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../../", import.meta.url)); // build/test/package → repo
const tsc = join(root, "node_modules", ".bin", "tsc");

// npm run from `npm test` exports npm_config_* (local_prefix among them): a child npm must not
// inherit them, or it could install into the repository instead of the temp project.
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  env["npm_config_update_notifier"] = "false"; // no registry round trip
  return env;
}

const ALLOWED_TOP = new Set(["package.json", "README.md", "LICENSE", "CHANGELOG.md"]);
const SKIP = new Set(["node_modules", ".git", "build", "dist", "coverage", ".scratch", ".bench-results"]);

const JS_CHECK = `
import assert from "node:assert/strict";
import { createServer } from "node:http";
import * as sb from "silverback";
import * as protocol from "silverback/protocol";

for (const name of ["Upgrader", "Dialer", "dial", "newConn", "PreparedMessage", "CloseError", "formatCloseMessage"]) {
  assert.ok(name in sb, "missing export " + name);
}
assert.equal(sb.TextMessage, 1);
assert.equal(sb.CloseGoingAway, 1001);
assert.ok(Object.keys(protocol).length > 0, "silverback/protocol exports nothing");

const upgrader = new sb.Upgrader();
const server = createServer();
server.on("upgrade", async (req, socket, head) => {
  const conn = await upgrader.upgrade(req, socket, head);
  for await (const m of conn) await conn.writeMessage(m.messageType, m.data);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const { conn } = await sb.dial("ws://127.0.0.1:" + server.address().port + "/");
await conn.writeMessage(sb.TextMessage, "packaged");
const reply = await conn.readMessage();
const closed = await conn.shutdown();
server.close();
console.log(JSON.stringify({ reply: reply.data.toString(), code: closed && closed.code }));
`;

const TS_CHECK = `
import { Upgrader, Dialer, dial, TextMessage, CloseError, BadHandshakeError, isCloseError } from "silverback";
import type { Conn, Message, UpgraderOptions, DialResult, Deadline } from "silverback";

const options: UpgraderOptions = { readLimit: 1 << 20, keepAlive: { interval: 20_000, timeout: 20_000 } };
export const upgrader = new Upgrader(options);
export const dialer = new Dialer({ handshakeTimeout: 5_000, subprotocols: ["chat"] });

export async function echoOnce(conn: Conn): Promise<string> {
  const m: Message = await conn.readMessage();
  await conn.writeMessage(m.messageType, m.data);
  const deadline: Deadline = Date.now() + 1000;
  conn.setReadDeadline(deadline);
  return m.data.toString("utf8");
}

export async function connect(url: string): Promise<number> {
  try {
    const { conn, response }: DialResult = await dial(url);
    await conn.writeMessage(TextMessage, "hi");
    const closed: CloseError | null = await conn.shutdown();
    return closed === null ? response.status : closed.code;
  } catch (err) {
    if (err instanceof BadHandshakeError) return err.response.status;
    return isCloseError(err, 1000) ? 0 : -1;
  }
}

// The declarations are real types, not any: these must be errors.
// @ts-expect-error readLimit is a number
new Upgrader({ readLimit: "big" });
// @ts-expect-error 3 is not a message type
export const bad = (c: Conn) => c.writeMessage(3, "x");
`;

describe("npm package", () => {
  const work = mkdtempSync(join(tmpdir(), "silverback-pack-"));
  const project = join(work, "project");
  let tarball = "";
  let files: string[] = [];

  before(async () => {
    // A copy of the repository (without node_modules, build/, dist/ and .git) is built and packed,
    // so the test never touches the working tree and a stale dist/ cannot hide a packaging bug.
    const stage = join(work, "stage");
    cpSync(root, stage, { recursive: true, filter: (src) => !SKIP.has(basename(src)) });
    symlinkSync(join(root, "node_modules"), join(stage, "node_modules"), "dir");
    await run(tsc, ["-p", join(stage, "tsconfig.build.json")], { cwd: stage }).catch(() => {});
    assert.ok(existsSync(join(stage, "dist", "index.js")), "tsc -p tsconfig.build.json produced no dist/index.js");
    const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work],
      { cwd: stage, env: cleanEnv(), maxBuffer: 16 << 20 });
    const [info] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
    tarball = join(work, info.filename);
    files = info.files.map((f) => f.path);

    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "pack-check", private: true, type: "module" }));
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", project, tarball],
      { cwd: project, env: cleanEnv() });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("contains only dist/, README.md, LICENSE, CHANGELOG.md and package.json", () => {
    const stray = files.filter((f) => !ALLOWED_TOP.has(f) && !f.startsWith("dist/"));
    assert.deepEqual(stray, []);
    for (const f of [...ALLOWED_TOP, "dist/index.js", "dist/index.d.ts", "dist/protocol/index.js"]) {
      assert.ok(files.includes(f), `${f} missing from the tarball`);
    }
  });

  it("installs offline with no dependencies", () => {
    const pkg = JSON.parse(readFileSync(join(project, "node_modules", "silverback", "package.json"), "utf8")) as Record<string, unknown>;
    assert.equal(pkg["dependencies"], undefined);
    assert.equal(pkg["type"], "module");
    assert.ok(existsSync(join(project, "node_modules", "silverback", "dist", "index.d.ts")));
  });

  it("imports from plain JavaScript and runs a loopback echo", async () => {
    writeFileSync(join(project, "check.mjs"), JS_CHECK);
    const { stdout } = await run(process.execPath, ["check.mjs"], { cwd: project, timeout: 20_000 });
    assert.deepEqual(JSON.parse(stdout), { reply: "packaged", code: 1000 });
  });

  it("type-checks a TypeScript file against the bundled declarations (NodeNext, strict)", async () => {
    writeFileSync(join(project, "check.ts"), TS_CHECK);
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({
      compilerOptions: {
        module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", lib: ["ES2023"], strict: true,
        noEmit: true, skipLibCheck: false, types: ["node"], typeRoots: [join(root, "node_modules", "@types")],
      },
      files: ["check.ts"],
    }));
    try {
      await run(tsc, ["-p", "tsconfig.json"], { cwd: project });
    } catch (err) {
      assert.fail(`tsc reported:\n${(err as { stdout?: string }).stdout ?? String(err)}`);
    }
  });

  it("runs the packaged CLI when package.json declares a bin", async (t) => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin?: unknown };
    if (pkg.bin === undefined) return t.skip("package.json has no bin field yet");
    const { stdout } = await run(join(project, "node_modules", ".bin", "silverback"), ["--version"], { cwd: project });
    assert.match(stdout, /^silverback \d+\.\d+\.\d+/);
  });
});
