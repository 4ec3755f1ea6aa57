/**
 * SOCKS5 client handshake (RFC 1928) with username/password authentication (RFC 1929) over an
 * open stream to the proxy. `socks5:` resolves the target name locally, `socks5h:` lets the proxy.
 */
import dns from "node:dns";
import net from "node:net";
import type { Duplex } from "node:stream";
import { BadHandshakeError } from "../errors.js";
import type { DialContext } from "./dial-context.js";

/** RFC 1928 §6 reply field texts. */
const REPLIES: Record<number, string> = {
  1: "general SOCKS server failure",
  2: "connection not allowed by ruleset",
  3: "network unreachable",
  4: "host unreachable",
  5: "connection refused",
  6: "TTL expired",
  7: "command not supported",
  8: "address type not supported",
};

function fail(reason: string, cause?: unknown): BadHandshakeError {
  const response = { status: 0, statusText: reason, headers: {}, body: Buffer.alloc(0) };
  return new BadHandshakeError(response, `websocket: SOCKS5 proxy: ${reason}`, { proxy: true, cause });
}

/** Reads exact byte counts from a stream; rejects when it ends first. */
class ExactReader {
  readonly #stream: Duplex;
  #buf: Buffer = Buffer.alloc(0);
  #want = 0;
  #waiter: { resolve: (b: Buffer) => void; reject: (e: unknown) => void } | undefined;
  #ended: unknown;
  readonly #onData = (chunk: Buffer): void => {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    this.#serve();
  };
  readonly #onEnd = (err?: unknown): void => {
    this.#ended ??= err instanceof Error ? err : new Error("unexpected EOF");
    this.#serve();
  };

  constructor(stream: Duplex) {
    this.#stream = stream;
    stream.on("data", this.#onData);
    stream.on("end", this.#onEnd);
    stream.on("close", this.#onEnd);
    stream.on("error", this.#onEnd);
    stream.resume();
  }

  #serve(): void {
    const w = this.#waiter;
    if (w === undefined) return;
    if (this.#buf.length >= this.#want) {
      const out = this.#buf.subarray(0, this.#want);
      this.#buf = this.#buf.subarray(this.#want);
      this.#waiter = undefined;
      w.resolve(out);
    } else if (this.#ended !== undefined) {
      this.#waiter = undefined;
      w.reject(fail("connection closed during the SOCKS5 handshake", this.#ended));
    }
  }

  read(n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.#want = n;
      this.#waiter = { resolve, reject };
      this.#serve();
    });
  }

  /** Stops reading; bytes read past the handshake go back into the stream. */
  detach(): void {
    const s = this.#stream;
    s.pause();
    s.off("data", this.#onData);
    s.off("end", this.#onEnd);
    s.off("close", this.#onEnd);
    s.off("error", this.#onEnd);
    if (this.#buf.length > 0) s.unshift(this.#buf);
  }
}

/** Where to connect through the proxy, and the proxy's credentials. */
export interface Socks5Target {
  host: string;
  port: number;
  /** `socks5h:` (true) sends the name; `socks5:` (false) resolves it here first. */
  remoteDNS: boolean;
  username: string;
  password: string;
}

/** RFC 1928 §5 DST.ADDR: ATYP + address. */
async function encodeAddress(t: Socks5Target, ctx: DialContext): Promise<Buffer> {
  let host = t.host;
  if (net.isIP(host) === 0 && !t.remoteDNS) host = (await ctx.race(dns.promises.lookup(host))).address;
  if (net.isIPv4(host)) return Buffer.from([1, ...host.split(".").map(Number)]);
  if (net.isIPv6(host)) return Buffer.concat([Buffer.from([4]), ipv6Bytes(host)]);
  const name = Buffer.from(host, "utf8");
  if (name.length > 255) throw fail("host name longer than 255 bytes");
  return Buffer.concat([Buffer.from([3, name.length]), name]);
}

/** 16 bytes of an IPv6 literal (an embedded IPv4 tail included). */
function ipv6Bytes(addr: string): Buffer {
  let s = addr;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4 !== null) {
    const b = v4[1]!.split(".").map(Number);
    s = s.slice(0, -v4[1]!.length) + ((b[0]! << 8) | b[1]!).toString(16) + ":" + ((b[2]! << 8) | b[3]!).toString(16);
  }
  const [l, r] = s.includes("::") ? s.split("::") as [string, string] : [s, undefined];
  const left = l === "" ? [] : l.split(":");
  const right = r === undefined || r === "" ? [] : r.split(":");
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/**
 * Runs the SOCKS5 handshake on `stream` (connected to the proxy) so that it becomes a tunnel to
 * `target`. Failures reject with {@link BadHandshakeError} (`proxy: true`, status 0).
 */
export async function socks5Connect(stream: Duplex, target: Socks5Target, ctx: DialContext): Promise<void> {
  const r = new ExactReader(stream);
  try {
    // 1. Greeting (RFC 1928 §3): offer "no authentication", plus username/password when we have them.
    const auth = target.username !== "" || target.password !== "";
    stream.write(Buffer.from(auth ? [5, 2, 0, 2] : [5, 1, 0]));
    const [ver, method] = await ctx.race(r.read(2));
    if (ver !== 5) throw fail(`unexpected protocol version ${ver}`);
    if (method === 0xff || (method !== 0 && !(auth && method === 2))) throw fail("no acceptable authentication methods");
    // 2. RFC 1929 §2: VER 1, ULEN, UNAME, PLEN, PASSWD; status 0 = success.
    if (method === 2) {
      const u = Buffer.from(target.username, "utf8");
      const p = Buffer.from(target.password, "utf8");
      if (u.length > 255 || p.length > 255) throw fail("username or password longer than 255 bytes");
      stream.write(Buffer.concat([Buffer.from([1, u.length]), u, Buffer.from([p.length]), p]));
      const [, status] = await ctx.race(r.read(2));
      if (status !== 0) throw fail("username/password authentication failed");
    }
    // 3. CONNECT request (RFC 1928 §4) and reply (§6): VER REP RSV ATYP BND.ADDR BND.PORT.
    const port = Buffer.alloc(2);
    port.writeUInt16BE(target.port);
    stream.write(Buffer.concat([Buffer.from([5, 1, 0]), await encodeAddress(target, ctx), port]));
    const head = await ctx.race(r.read(5));
    if (head[0] !== 5) throw fail(`unexpected protocol version ${head[0]}`);
    if (head[1] !== 0) throw fail(REPLIES[head[1]!] ?? `unknown reply ${head[1]}`);
    const atyp = head[3];
    const rest = atyp === 1 ? 3 + 2 : atyp === 4 ? 15 + 2 : atyp === 3 ? head[4]! + 2 : -1;
    if (rest < 0) throw fail(`unknown address type ${atyp}`);
    await ctx.race(r.read(rest));
  } finally {
    r.detach();
  }
}
