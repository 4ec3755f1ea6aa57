/**
 * Transport stages of a dial: TCP (default `netDial`, DNS included) and TLS over an open stream.
 * Failures reject with Node's own error (`ECONNREFUSED`, `ENOTFOUND`, `DEPTH_ZERO_SELF_SIGNED_CERT`).
 */
import net from "node:net";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import type { DialContext } from "./dial-context.js";

/** Arguments of `netDial` (gorilla `NetDialContext(ctx, network, addr)`). */
export interface NetDialArgs {
  /** Host to reach: the URL's host, or the proxy's when one applies. */
  host: string;
  /** TCP port. */
  port: number;
  /** Aborted when the dial is cancelled or the handshake timeout expires. */
  signal: AbortSignal;
}

/** Arguments of `netDialTLS` (gorilla `NetDialTLSContext`). */
export interface NetDialTLSArgs extends NetDialArgs {
  /** SNI name: the URL host unless it is an IP address. */
  servername: string;
}

/** Waits for `ok` on `stream`, rejecting on `'error'`, `'close'` or abort. */
function once(stream: Duplex, ok: string, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: unknown): void => {
      stream.off(ok, onOk);
      stream.off("error", done);
      stream.off("close", onClose);
      signal.removeEventListener("abort", onAbort);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onOk = (): void => done();
    const onClose = (): void => done(new Error("socket closed before " + ok));
    const onAbort = (): void => {
      stream.destroy();
      done(signal.reason);
    };
    stream.once(ok, onOk);
    stream.once("error", done);
    stream.once("close", onClose);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The default `netDial`: `net.connect` (DNS lookup and TCP connect), resolved once connected. */
export async function defaultNetDial({ host, port, signal }: NetDialArgs): Promise<Duplex> {
  signal.throwIfAborted();
  const socket = net.connect({ host, port });
  try {
    await once(socket, "connect", signal);
  } catch (err) {
    socket.on("error", () => {});
    socket.destroy();
    throw err;
  }
  return socket;
}

/**
 * Waits until a stream returned by a custom `netDial`/`netDialTLS` is usable: a connecting
 * `net.Socket` must connect and a `TLSSocket` must finish its handshake, so their failures
 * surface as Node's errors rather than as a closed handshake.
 */
export async function awaitConnected(stream: Duplex, signal: AbortSignal): Promise<void> {
  if (stream instanceof tls.TLSSocket) {
    if (stream.getFinished() === undefined && !stream.destroyed) await once(stream, "secureConnect", signal);
  } else if (stream instanceof net.Socket && stream.connecting) {
    await once(stream, "connect", signal);
  }
}

/** `servername` for SNI: RFC 6066 §3 forbids IP literals, so those get none. */
export function defaultServername(hostname: string): string {
  return net.isIP(hostname) === 0 ? hostname : "";
}

/**
 * Runs TLS over `raw` with `config` (gorilla `TLSClientConfig`): `servername` defaults to the host
 * unless it is an IP literal; the certificate is checked against `servername` or the host.
 */
export async function startTLS(raw: Duplex, config: tls.ConnectionOptions | undefined,
  hostname: string, ctx: DialContext): Promise<tls.TLSSocket> {
  ctx.check();
  const opts: tls.ConnectionOptions = { ...config, socket: raw, host: hostname };
  delete opts.port;
  delete opts.path;
  if (opts.servername === undefined || opts.servername === "") {
    const sni = defaultServername(hostname);
    if (sni !== "") opts.servername = sni;
    else delete opts.servername;
  }
  const socket = ctx.own(tls.connect(opts));
  await once(socket, "secureConnect", ctx.signal);
  return socket;
}
