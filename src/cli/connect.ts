/**
 * `silverback connect <url>`: an interactive client. Lines of stdin become text messages; incoming
 * messages go to stdout (text as is, binary as hex); status and errors go to stderr.
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import {
  BadHandshakeError, CloseError, CloseMessage, CloseNormalClosure, Dialer, TextMessage, TimeoutError,
  formatCloseMessage, type Conn, type DialerOptions,
} from "./lib.js";
import { Exit, UsageError, describeClose, usageErrors, parseHeaders, parseInteger, parseList } from "./args.js";

/** Usage text of the connect command. */
export const connectUsage = `usage: silverback connect [options] <ws://… | wss://…>

Sends each line of stdin as a text message and prints every message received (binary as hex).
At the end of stdin (or on Ctrl-C) it sends a close frame and waits for the server's.

  -s, --subprotocol <p>   offer a subprotocol (repeat, or separate with commas)
  -H, --header <h>        add a request header, "Name: value" (repeatable)
      --insecure          do not verify the server's TLS certificate
      --compress          offer permessage-deflate
      --ping <ms>         ping after <ms> of silence; give up if nothing comes back within <ms>
      --timeout <ms>      handshake timeout (default 45000)`;

// The close handshake we start must finish within this time, else the connection is dropped.
const CLOSE_WAIT = 5000;

function printMessage(messageType: number, data: Buffer): void {
  if (messageType === TextMessage) process.stdout.write(data.toString("utf8") + "\n");
  else process.stdout.write(`[binary ${data.length} bytes] ${data.toString("hex")}\n`);
}

/** Prints why the dial failed and returns the exit code (see {@link Exit}). */
function dialFailure(err: unknown): number {
  if (err instanceof BadHandshakeError) {
    const r = err.response;
    const who = err.proxy ? "proxy" : "server";
    if (r.status === 0) {
      const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
      console.error(`error: ${err.message} (${who} closed the connection before answering${cause})`);
    } else {
      console.error(`error: ${err.message}: the ${who} answered HTTP ${r.status} ${r.statusText}`.trimEnd());
      const body = r.body.toString("utf8").trim();
      if (body !== "") console.error(body);
    }
    return Exit.handshake;
  }
  if (err instanceof TypeError) {
    console.error(`error: ${err.message}`);
    return Exit.usage;
  }
  const code = (err as NodeJS.ErrnoException).code;
  const text = err instanceof Error ? err.message : String(err);
  console.error(`error: cannot connect: ${code && !text.includes(code) ? `${code} ` : ""}${text}`);
  return err instanceof TimeoutError || code !== undefined ? Exit.unreachable : Exit.connection;
}

/** Prints every message until the connection ends, then how it ended; resolves with the exit code. */
async function readLoop(conn: Conn, closing: () => boolean): Promise<number> {
  for (;;) {
    let message;
    try {
      message = await conn.readMessage();
    } catch (err) {
      if (!(err instanceof CloseError)) {
        console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
        return Exit.connection;
      }
      console.error(`closed: ${describeClose(err.code, err.text)}`);
      // A normal close, or any answer to the close frame we sent first: the handshake completed.
      const normal = err.code === 1000 || err.code === 1001 || err.code === 1005;
      return normal || (closing() && err.code !== 1006) ? Exit.ok : Exit.connection;
    }
    printMessage(message.messageType, message.data);
  }
}

/** Runs the connect command and resolves with the process exit code. */
export async function connect(args: string[]): Promise<number> {
  const { values, positionals } = usageErrors(() => parseArgs({ args, allowPositionals: true, strict: true, options: {
    subprotocol: { type: "string", short: "s", multiple: true },
    header: { type: "string", short: "H", multiple: true },
    insecure: { type: "boolean" },
    compress: { type: "boolean" },
    ping: { type: "string" },
    timeout: { type: "string" },
  } }));
  if (positionals.length !== 1) throw new UsageError("connect wants exactly one URL");
  const url = positionals[0]!;
  if (!/^wss?:\/\//i.test(url) || !URL.canParse(url)) throw new UsageError(`not a ws:// or wss:// URL: ${url}`);
  const headers = parseHeaders(values.header ?? []);
  const ping = parseInteger("ping", values.ping, 0);
  const options: DialerOptions = {
    subprotocols: parseList(values.subprotocol ?? []),
    enableCompression: values.compress === true,
    handshakeTimeout: parseInteger("timeout", values.timeout, 45_000),
    ...(values.insecure ? { tlsClientConfig: { rejectUnauthorized: false } } : {}),
    ...(ping > 0 ? { keepAlive: { interval: ping, timeout: ping } } : {}),
  };

  let conn: Conn;
  try {
    const result = await new Dialer(options).dial(url, headers);
    conn = result.conn;
    const ext = result.response.headers["sec-websocket-extensions"];
    const details = [conn.subprotocol() && `subprotocol: ${conn.subprotocol()}`, ext && `extensions: ${ext}`];
    console.error(`connected to ${url}${details.some(Boolean) ? ` (${details.filter(Boolean).join("; ")})` : ""}`);
  } catch (err) {
    return dialFailure(err);
  }

  let closing = false;
  let finished = false;
  let closeTimer: NodeJS.Timeout | undefined;
  const startClose = (): void => {
    if (closing || finished) return;
    closing = true;
    // Close frame now; keep printing what the server still sends until its close frame arrives.
    conn.writeControl(CloseMessage, formatCloseMessage(CloseNormalClosure, "")).catch(() => {});
    closeTimer = setTimeout(() => {
      console.error(`error: no close frame from the server within ${CLOSE_WAIT} ms`);
      conn.close();
    }, CLOSE_WAIT);
  };

  const input = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  const sending = (async () => {
    for await (const line of input) {
      if (closing) break;
      await conn.writeMessage(TextMessage, line).catch(() => {}); // a failed write ends the read loop too
    }
    startClose();
  })();
  const onSignal = (): void => {
    if (closing) process.exit(Exit.interrupted); // second Ctrl-C: give up on the handshake
    input.close();
    startClose(); // at once, even if a write to a stuck server is pending
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const code = await readLoop(conn, () => closing);
  finished = true;
  clearTimeout(closeTimer);
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  input.close();
  process.stdin.destroy();
  await sending;
  return code;
}
