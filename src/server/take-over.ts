/**
 * Takes an HTTP/1.1 socket away from node's http server for the `(req, res)` form: detaches the
 * response, the server's socket listeners and its HTTP parser, as node does before 'upgrade'.
 */
import { Socket } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

// What node's lib/_http_server.js installs on a connection (and removes itself before emitting
// 'upgrade'); matched by function name because the functions are private to node.
const SERVER_LISTENERS = new Set([
  "bound socketOnData", "bound socketOnEnd", "bound socketOnClose", "bound socketOnDrain",
  "socketOnError", "socketOnTimeout", "onSocketResume", "onSocketPause",
]);
const EVENTS = ["data", "end", "close", "drain", "error", "timeout", "resume", "pause"];

/** The parts of node's internal HTTPParser used here; every one is checked before use. */
interface NodeParser {
  _consumed?: boolean;
  unconsume?: () => void;
  remove?: () => void;
  close?: () => void;
  getCurrentBuffer?: () => Buffer;
  socket?: unknown;
  incoming?: unknown;
  [slot: number]: unknown;
}
interface ServerSocket extends Socket {
  parser?: NodeParser | null;
  _httpMessage?: unknown;
}

/**
 * Where the request head ends in `chunk` (the buffer node's parser was executing when the request
 * was emitted): after the first empty line. When the head's last bytes came in an earlier chunk,
 * `chunk` starts with the rest of the CRLF CRLF. Errs only towards fewer extra bytes.
 */
function headEnd(chunk: Buffer): number {
  const i = chunk.indexOf("\r\n\r\n", 0, "latin1");
  if (i !== -1) return i + 4;
  for (const tail of ["\n\r\n", "\r\n", "\n"]) if (chunk.toString("latin1", 0, tail.length) === tail) return tail.length;
  return chunk.length;
}

function detachParser(socket: ServerSocket, parser: NodeParser): void {
  if (parser._consumed === true && typeof parser.unconsume === "function") parser.unconsume();
  parser._consumed = false;
  // Leave the server's connection list, or server.close() / closeIdleConnections() and the
  // headersTimeout/requestTimeout checks would later destroy the socket.
  if (typeof parser.remove === "function") parser.remove();
  parser.socket = null;
  parser.incoming = null;
  socket.parser = null;
  // Free the native parser once node's stack has unwound (node does the same, setImmediate).
  if (typeof parser.close === "function") setImmediate(() => parser.close?.());
}

/** A socket taken from node: `early` bytes were swallowed; call `unhold()` once it is watched. */
export interface TakenOver {
  socket: Duplex;
  early: number;
  unhold: () => void;
}

/**
 * Detaches `req.socket` from node's HTTP machinery so that nothing node does later writes to or
 * destroys it, and returns it with the number of bytes node's parser swallowed after the request
 * head (known only when called while node is still parsing the head's chunk: a synchronous call
 * from the 'request' handler). Further bytes stay buffered in the socket for the caller.
 */
export function takeOverSocket(req: IncomingMessage, res: ServerResponse): Promise<TakenOver> {
  const socket = req.socket as ServerSocket;
  if (socket._httpMessage === res && typeof res.detachSocket === "function") res.detachSocket(socket);
  for (const ev of EVENTS) {
    for (const l of socket.listeners(ev)) if (SERVER_LISTENERS.has((l as { name: string }).name)) socket.removeListener(ev, l as () => void);
  }
  // node wraps on/addListener/prependListener (they restore themselves once socket.parser is
  // null) and forbids setEncoding on server sockets.
  if (Object.hasOwn(socket, "setEncoding")) delete (socket as { setEncoding?: unknown }).setEncoding;
  if (typeof socket.setTimeout === "function") socket.setTimeout(0);
  const parser = socket.parser;
  // Until the caller watches the socket, an 'error' must not find it without a listener; the
  // caller sees the outcome through socket.destroyed.
  const hold = (): void => {};
  socket.on("error", hold);
  const release = (early: number): TakenOver => {
    // As node before 'upgrade': data now buffers in the socket until someone reads it.
    (socket as { readableFlowing: boolean | null }).readableFlowing = null;
    return { socket, early, unhold: () => socket.removeListener("error", hold) };
  };
  if (parser === undefined || parser === null) return Promise.resolve(release(0));
  const current = typeof parser.getCurrentBuffer === "function" ? parser.getCurrentBuffer() : undefined;
  if (current === undefined || current.length === 0) {
    // Called after node finished this chunk: any bytes it swallowed are gone and unknowable.
    detachParser(socket, parser);
    return Promise.resolve(release(0));
  }
  if (parser._consumed !== true) {
    // socketOnData path: we are inside parser.execute(chunk); the rest of the chunk is dropped.
    detachParser(socket, parser);
    return Promise.resolve(release(current.length - headEnd(current)));
  }
  // The parser reads the socket natively and is executing now: wait for its execute callback,
  // which reports how many bytes the head took, and detach there (as node's upgrade path does).
  let slot = -1;
  for (let i = 0; i < 16; i++) {
    const f = parser[i];
    if (typeof f === "function" && (f as { name: string }).name === "bound onParserExecute") slot = i;
  }
  return new Promise((resolve) => {
    let done = false;
    const finish = (early: number): void => {
      if (done) return;
      done = true;
      detachParser(socket, parser);
      resolve(release(early));
    };
    if (slot !== -1) {
      parser[slot] = (ret: unknown): void => {
        const buf = parser.getCurrentBuffer?.();
        finish(typeof ret === "number" && buf !== undefined ? Math.max(0, buf.length - ret) : 0);
      };
    }
    // Fallback if node's layout differs: find the head's end ourselves after the chunk is done.
    setImmediate(() => finish(current.length - headEnd(current)));
  });
}
