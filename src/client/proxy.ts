/**
 * Proxy selection and tunnels (gorilla proxy.go, extended): HTTP CONNECT (RFC 9110 §9.3.6) over TCP
 * (`http:`) or over TLS to the proxy (`https:`), and SOCKS5 (`socks5:`, `socks5h:`).
 */
import net from "node:net";
import type tls from "node:tls";
import type { Duplex } from "node:stream";
import { BadHandshakeError } from "../errors.js";
import { basicAuth } from "../handshake/client-handshake.js";
import { awaitConnected, startTLS, type NetDialArgs } from "./connect.js";
import type { DialContext } from "./dial-context.js";
import { checkProxyURL, parseProxyURL, proxyFromEnvironment } from "./proxy-env.js";
import { collectBody, readResponseHead } from "./response-reader.js";
import { socks5Connect } from "./socks5.js";

/** The `proxy` option of a Dialer (gorilla `Dialer.Proxy`). */
export type ProxyOption = string | URL | null | ((url: URL) => string | URL | null | Promise<string | URL | null>);

const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443, "socks5:": 1080, "socks5h:": 1080 };

/**
 * Parses a proxy given as a string or URL: a bare `host:port` means `http:`.
 * @throws {TypeError} for an unparsable address or a scheme other than http, https, socks5, socks5h.
 */
export function toProxyURL(p: string | URL): URL {
  return typeof p === "string" ? parseProxyURL(p) : checkProxyURL(new URL(p.href));
}

/** Chooses the proxy for `target`: the environment by default, `null` for none, or the option's. */
export async function resolveProxy(option: ProxyOption | undefined, target: URL, ctx: DialContext): Promise<URL | null> {
  if (option === undefined) return proxyFromEnvironment(target);
  if (option === null) return null;
  if (typeof option !== "function") return toProxyURL(option);
  const p = await ctx.race(option(new URL(target.href)));
  if (p === null || p === undefined) return null;
  if (typeof p !== "string" && !(p instanceof URL)) throw new TypeError("websocket: proxy function must return a string, URL or null");
  return toProxyURL(p);
}

/** A URL hostname without IPv6 brackets. */
export function bareHost(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/** What {@link dialThroughProxy} needs. */
export interface TunnelArgs {
  proxy: URL;
  /** The WebSocket server to reach through the proxy. */
  host: string;
  port: number;
  netDial: (o: NetDialArgs) => Duplex | Promise<Duplex>;
  /** For `https:` proxies: the Dialer's TLS options, with `servername` set to the proxy's host. */
  tlsClientConfig: tls.ConnectionOptions | undefined;
  ctx: DialContext;
}

/** Opens a stream to `host:port` through `proxy`; the stream is owned by `ctx`. */
export async function dialThroughProxy(a: TunnelArgs): Promise<Duplex> {
  const { proxy, ctx } = a;
  const proxyHost = bareHost(proxy.hostname);
  const proxyPort = proxy.port !== "" ? Number(proxy.port) : DEFAULT_PORTS[proxy.protocol]!;
  let stream: Duplex = await ctx.stream(a.netDial({ host: proxyHost, port: proxyPort, signal: ctx.signal }));
  await ctx.race(awaitConnected(stream, ctx.signal));
  const username = decode(proxy.username);
  const password = decode(proxy.password);
  if (proxy.protocol === "socks5:" || proxy.protocol === "socks5h:") {
    const remoteDNS = proxy.protocol === "socks5h:";
    await socks5Connect(stream, { host: a.host, port: a.port, remoteDNS, username, password }, ctx);
    return stream;
  }
  if (proxy.protocol === "https:") {
    const { servername: _ignored, ...cfg } = a.tlsClientConfig ?? {};
    stream = await startTLS(stream, cfg, proxyHost, ctx);
  }
  await httpConnect(stream, a.host, a.port, proxy, ctx);
  return stream;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Asks an HTTP proxy for a tunnel with CONNECT; a non-2xx answer fails with `proxy: true`. */
async function httpConnect(stream: Duplex, host: string, port: number, proxy: URL, ctx: DialContext): Promise<void> {
  const authority = `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
  let req = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n`;
  if (proxy.username !== "" || proxy.password !== "") {
    req += `Proxy-Authorization: ${basicAuth(proxy.username, proxy.password)}\r\n`;
  }
  stream.write(Buffer.from(req + "\r\n", "latin1"));
  const o = await ctx.race(readResponseHead(stream));
  if (!o.ok) {
    const empty = { status: 0, statusText: "", headers: {}, body: Buffer.alloc(0) };
    throw new BadHandshakeError(empty, `websocket: bad proxy response: ${o.reason}`, { proxy: true, cause: o.cause });
  }
  const { head, rest } = o;
  if (head.status < 200 || head.status > 299) {
    const body = await collectBody(stream, head, rest, ctx.signal);
    const response = { status: head.status, statusText: head.statusText, headers: head.headers, body };
    throw new BadHandshakeError(response, `websocket: proxy refused CONNECT: ${head.status} ${head.statusText}`.trimEnd(),
      { proxy: true });
  }
  if (rest.length > 0) stream.unshift(rest);
}
