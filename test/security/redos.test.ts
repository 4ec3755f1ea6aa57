/**
 * ReDoS regressions (ws CVE-2021-32640: a crafted Sec-WebSocket-Protocol made a regex backtrack).
 * The parsers run in a worker over adversarial 16 KiB values with a generous CPU budget: linear
 * parsers finish in milliseconds, a quadratic one cannot. No wall-clock assertion in this thread.
 * End to end, the same header sent to a live Upgrader gets an answer while other conns keep working.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import net from "node:net";
import { readHttpHead } from "../conformance/lib.js";
import { controlConn, startServer, within } from "./util.js";

// Generous: 20 rounds of 11 values parse in well under 100 ms when linear; quadratic takes > 30 s.
const BUDGET_MS = 8_000;

function runWorker(kind: "server" | "client"): Promise<number | "over budget"> {
  const w = new Worker(new URL("./redos-worker.js", import.meta.url), { workerData: kind });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void w.terminate();
      resolve("over budget");
    }, BUDGET_MS);
    w.once("message", (n: number) => {
      clearTimeout(timer);
      void w.terminate();
      resolve(n);
    });
    w.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe("security: ReDoS in header parsing (CVE-2021-32640 class)", () => {
  it("server-side header parsers (subprotocols, tokens, extensions, origin) run in linear time on 16 KiB adversarial values", async () => {
    assert.equal(await runWorker("server"), 220);
  });

  it("the Dialer's response-head parser runs in linear time on 16 KiB adversarial header lines", async () => {
    assert.equal(await runWorker("client"), 220, "ResponseHeadParser did not finish within the budget: super-linear header parsing");
  });

  it("a live Upgrader answers a request with a 15 KiB adversarial Sec-WebSocket-Protocol; other conns keep echoing", async () => {
    const srv = await startServer();
    const control = await controlConn(srv.port);
    try {
      for (const value of ["a" + " ".repeat(15_000) + "a", " ,".repeat(7_500), "chat," + " ".repeat(15_000) + ",x"]) {
        const sock = net.connect(srv.port, "127.0.0.1");
        sock.on("error", () => {});
        sock.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${value}\r\n\r\n`);
        const { head } = await within(readHttpHead(sock), 10_000, "the answer");
        assert.match(head, /^HTTP\/1\.1 101 /);
        await control.roundTrip(value.slice(0, 8));
        sock.destroy();
      }
    } finally {
      control.close();
      await srv.close();
    }
  });
});
