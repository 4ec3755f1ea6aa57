// Scripted client on Node 20's built-in WebSocket (undici; run with `node --experimental-websocket`).
// Usage: undici-client.mjs URL [--subprotocols a,b]; prints the open/error line, then one JSON result per
// stdin op (whatwg-peer.js does the work; undici always offers permessage-deflate).
import "./whatwg-peer.js";
import { createInterface } from "node:readline";

const args = process.argv.slice(2);
const url = args[0];
const i = args.indexOf("--subprotocols");
const protocols = i >= 0 ? args[i + 1].split(",").filter(Boolean) : [];
const emit = (v) => process.stdout.write(JSON.stringify(v) + "\n");

if (typeof WebSocket !== "function") {
  emit({ event: "error", error: "no global WebSocket (run with --experimental-websocket)", status: 0 });
  process.exit(2);
}
const peer = globalThis.whatwgPeer;
const opened = await peer.open(url, protocols);
emit(opened);
if (opened.event !== "open") process.exit(2);

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (line.trim() === "") continue;
  try {
    emit(await peer.op(JSON.parse(line)));
  } catch (err) {
    emit({ error: String(err) });
  }
}
// stdin ended: leave without a close handshake, the way a killed client would.
process.exit(0);
