/**
 * Worker for the ReDoS regressions: parses adversarial 16 KiB header values many times with the
 * parser family named by workerData ("server" or "client") and reports how many it finished.
 * The main thread gives it a budget; a super-linear parser cannot finish within it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { parseSubprotocolOffer, selectSubprotocol } from "../../src/handshake/subprotocols.js";
import { parseTokenList, tokenListContainsValue } from "../../src/handshake/header-tokens.js";
import { checkUpgradeRequest } from "../../src/handshake/server-handshake.js";
import { checkSameOrigin } from "../../src/handshake/origin.js";
import { parseExtensions } from "../../src/handshake/extension-offers.js";
import { negotiateServer } from "../../src/extensions/permessage-deflate/negotiate.js";
import { ResponseHeadParser } from "../../src/handshake/client-handshake.js";

const N = 16 * 1024 - 64;

/** Values shaped after the ws advisory (runs of spaces/commas) and other backtracking traps. */
export const adversarial: string[] = [
  "a" + " ".repeat(N) + "a",
  "a" + " ".repeat(N),
  ",".repeat(N),
  " ,".repeat(N / 2),
  "a," + " ".repeat(N) + ",b",
  "\t".repeat(N) + "x",
  "a;".repeat(N / 2),
  "permessage-deflate;" + " ".repeat(N) + "x",
  "permessage-deflate; a=\"" + "\\\"".repeat(N / 2),
  "x=" + "=".repeat(N),
  "http://" + "a".repeat(N) + ":",
];

const ROUNDS = 20;

function server(): number {
  let n = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of adversarial) {
      selectSubprotocol(["chat"], parseSubprotocolOffer(v));
      parseTokenList(v);
      tokenListContainsValue(v, "upgrade");
      checkUpgradeRequest("GET", { connection: v, upgrade: v, "sec-websocket-version": v });
      checkSameOrigin(v, v);
      parseExtensions(v);
      negotiateServer(v, undefined);
      n++;
    }
  }
  return n;
}

function client(): number {
  let n = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of adversarial) {
      const p = new ResponseHeadParser();
      for (const name of ["Sec-WebSocket-Protocol", "X"]) {
        const head = `HTTP/1.1 101 Switching Protocols\r\n${name}: ${v.slice(0, N - 100)}\r\n\r\n`;
        new ResponseHeadParser().push(Buffer.from(head, "latin1"));
      }
      p.push(Buffer.from(`HTTP/1.1 101 ${v.slice(0, N - 100)}\r\n\r\n`, "latin1"));
      n++;
    }
  }
  return n;
}

parentPort?.postMessage(workerData === "client" ? client() : server());
