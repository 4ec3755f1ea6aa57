/**
 * Real proxies for the Dialer tests: tinyproxy (HTTP CONNECT, Basic auth) and microsocks (SOCKS5),
 * on loopback ports, configured in a temp dir, stopped by PID. Installed by scripts/install-peers.sh.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** A proxy process started by a test. */
export interface RunningProxy {
  port: number;
  pid: number;
  /** Proxy URL with optional credentials, e.g. `http://user:pass@127.0.0.1:1234`. */
  url(scheme: string, user?: string, password?: string): string;
  stop(): Promise<void>;
}

function findBinary(name: string): string | undefined {
  const dirs = [...(process.env["PATH"] ?? "").split(delimiter), "/usr/bin", "/usr/sbin", "/usr/local/bin"];
  for (const d of dirs) if (d !== "" && existsSync(join(d, name))) return join(d, name);
  return undefined;
}

/**
 * `undefined` when `bin` is installed; otherwise the skip message. In CI (`process.env.CI`) a
 * missing peer is a failure, so this throws instead.
 */
export function peerMissing(bin: "tinyproxy" | "microsocks"): string | undefined {
  if (findBinary(bin) !== undefined) return undefined;
  const msg = `${bin} not installed: run scripts/install-peers.sh`;
  if (process.env["CI"]) throw new Error(msg);
  return msg;
}

/** A loopback port that was free a moment ago (the proxies need a port in their configuration). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect({ host: "127.0.0.1", port });
    c.once("connect", () => { c.destroy(); resolve(true); });
    c.once("error", () => { c.destroy(); resolve(false); });
  });
}

/**
 * Waits until `port` accepts a connection (each attempt awaits its connect or refusal), failing
 * early if the process exits, and after 10 s.
 */
async function waitReady(child: ChildProcess, port: number, output: () => string): Promise<void> {
  let exited = false;
  child.once("exit", () => { exited = true; });
  const until = Date.now() + 10_000;
  for (;;) {
    if (exited) throw new Error(`proxy exited before listening: ${output()}`);
    if (await tryConnect(port)) return;
    if (Date.now() > until) throw new Error(`proxy did not listen on ${port}: ${output()}`);
    await new Promise((r) => setImmediate(r));
  }
}

async function launch(bin: string, args: string[], port: number, dir: string): Promise<RunningProxy> {
  const path = findBinary(bin);
  if (path === undefined) throw new Error(`${bin} not installed: run scripts/install-peers.sh`);
  const child = spawn(path, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => { out = (out + d.toString()).slice(-4000); });
  child.stderr!.on("data", (d: Buffer) => { out = (out + d.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pid = child.pid!;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, "SIGTERM");
      const t = setTimeout(() => { try { process.kill(pid, "SIGKILL"); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(t);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(child, port, () => out);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port,
    pid,
    url: (scheme, user, password) =>
      `${scheme}://${user !== undefined ? `${encodeURIComponent(user)}:${encodeURIComponent(password ?? "")}@` : ""}127.0.0.1:${port}`,
    stop,
  };
}

/** Starts tinyproxy on a loopback port; with `user`/`password` it requires Basic auth (407 otherwise). */
export async function startTinyproxy(auth?: { user: string; password: string }): Promise<RunningProxy> {
  const dir = await mkdtemp(join(tmpdir(), "silverback-tinyproxy-"));
  const port = await freePort();
  const conf = [
    `Port ${port}`, "Listen 127.0.0.1", "Timeout 30", "MaxClients 64", "Allow 127.0.0.1", "LogLevel Info",
    ...(auth !== undefined ? [`BasicAuth ${auth.user} ${auth.password}`] : []),
  ].join("\n") + "\n";
  await writeFile(join(dir, "tinyproxy.conf"), conf);
  return launch("tinyproxy", ["-d", "-c", join(dir, "tinyproxy.conf")], port, dir);
}

/** Starts microsocks on a loopback port; with `user`/`password` it requires RFC 1929 auth. */
export async function startMicrosocks(auth?: { user: string; password: string }): Promise<RunningProxy> {
  const dir = await mkdtemp(join(tmpdir(), "silverback-microsocks-"));
  const port = await freePort();
  const args = ["-i", "127.0.0.1", "-p", String(port)];
  if (auth !== undefined) args.push("-u", auth.user, "-P", auth.password);
  return launch("microsocks", args, port, dir);
}
