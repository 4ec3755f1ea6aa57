// A loopback http server wired to an Upgrader: both the 'upgrade' event and the request handler
// (or only the handler) call upgrade(), and every call's promise is recorded for the test.
import http from "node:http";
import { Upgrader, type UpgraderOptions } from "../../src/server/upgrader.js";
import type { Conn } from "../../src/conn/conn.js";
import type { HttpHeaders } from "../../src/types.js";
import { Calls, listen, type TestServer } from "./helpers.js";

/** What {@link upgradeServer} returns. */
export interface UpgradeServer {
  ts: TestServer;
  calls: Calls<Conn>;
  upgrader: Upgrader;
}

/** A server whose 'upgrade' event (form "event") and request handler call the Upgrader. */
export async function upgradeServer(options: UpgraderOptions, form: "event" | "handler",
  responseHeaders?: HttpHeaders): Promise<UpgradeServer> {
  const upgrader = new Upgrader(options);
  const calls = new Calls<Conn>();
  const server = http.createServer((req, res) => calls.push(upgrader.upgrade(req, res, responseHeaders)));
  if (form === "event") server.on("upgrade", (req, socket, head) => calls.push(upgrader.upgrade(req, socket, head, responseHeaders)));
  return { ts: await listen(server), calls, upgrader };
}
