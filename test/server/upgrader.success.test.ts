// Upgrader success path over loopback HTTP, seen by a raw net client: the exact 101 bytes,
// subprotocol selection, response headers (Set-Cookie arrays, WHATWG Headers), socket settings.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import type { HttpHeaders } from "../../src/types.js";
import type { UpgraderOptions } from "../../src/server/upgrader.js";
import { ACCEPT, connect, handshake, readHead, type RawResponse } from "./helpers.js";
import { upgradeServer } from "./upgrade-server.js";

const T = { timeout: 5000 };

/** Runs one handshake; returns the 101 head, the server's Conn and the raw client. */
async function accept(options: UpgraderOptions, over: Record<string, string | string[] | null> = {},
  responseHeaders?: HttpHeaders, form: "event" | "handler" = "event") {
  const s = await upgradeServer(options, form, responseHeaders);
  const c = await connect(s.ts.port);
  const head = readHead(c);
  c.write(handshake(s.ts.host, over));
  const outcome = await s.calls.next();
  const { head: res } = await head;
  return { s, c, res, outcome };
}

async function done(x: { s: { ts: { close(): Promise<void> } }; c: Socket; outcome: { value?: { close(): void } } }): Promise<void> {
  x.outcome.value?.close();
  x.c.destroy();
  await x.s.ts.close();
}

function header(res: RawResponse, name: string): string[] {
  return res.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

describe("Upgrader.Upgrade success (RFC 6455 §4.2.2)", () => {
  for (const form of ["event", "handler"] as const) {
    it(`Upgrader.Upgrade writes the exact 101 and resolves with a Conn (${form} form)`, T, async () => {
      const x = await accept({}, {}, undefined, form);
      try {
        assert.equal(x.res.raw.toString("latin1"), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" +
          `Connection: Upgrade\r\nSec-WebSocket-Accept: ${ACCEPT}\r\n\r\n`);
        assert.ok(x.outcome.value, String(x.outcome.error));
        assert.equal(x.outcome.value.subprotocol(), "");
      } finally {
        await done(x);
      }
    });
  }

  it("Upgrader.Upgrade accepts a same-origin browser request", T, async () => {
    const s = await upgradeServer({}, "event");
    const c = await connect(s.ts.port);
    const head = readHead(c);
    c.write(handshake(s.ts.host, { Origin: `http://${s.ts.host}` }));
    const outcome = await s.calls.next();
    assert.equal((await head).head.status, 101);
    await done({ s, c, outcome });
  });

  const protocolRows: [string, UpgraderOptions, string | null, HttpHeaders | undefined, string][] = [
    ["the server's first preference the client offered", { subprotocols: ["b", "a"] }, "a, b", undefined, "b"],
    ["none when nothing matches", { subprotocols: ["x"] }, "a, b", undefined, ""],
    ["none with an empty list, even if the app sets one", { subprotocols: [] }, "a", { "Sec-WebSocket-Protocol": "a" }, ""],
    ["the application's header without the option", {}, "a, b", { "Sec-WebSocket-Protocol": "b" }, "b"],
    ["none without offer or option", {}, null, undefined, ""],
  ];
  for (const [name, options, offer, rh, want] of protocolRows) {
    it(`Upgrader.Upgrade selects ${name}`, T, async () => {
      const x = await accept(options, { "Sec-WebSocket-Protocol": offer }, rh);
      try {
        assert.deepEqual(header(x.res, "sec-websocket-protocol"), want === "" ? [] : [want]);
        assert.equal(x.outcome.value?.subprotocol(), want);
      } finally {
        await done(x);
      }
    });
  }

  it("Upgrader.Upgrade writes Set-Cookie arrays and other headers after its own", T, async () => {
    const x = await accept({}, {}, { "Set-Cookie": ["a=1; HttpOnly", "b=2"], "X-Num": 42, "X-Skip": undefined });
    try {
      assert.deepEqual(x.res.headers.slice(3), [["Set-Cookie", "a=1; HttpOnly"], ["Set-Cookie", "b=2"], ["X-Num", "42"]]);
    } finally {
      await done(x);
    }
  });

  it("Upgrader.Upgrade accepts WHATWG Headers with several Set-Cookie", T, async () => {
    const h = new Headers();
    h.append("Set-Cookie", "a=1");
    h.append("Set-Cookie", "b=2");
    h.append("X-Trace", "t");
    const x = await accept({}, {}, h);
    try {
      assert.deepEqual(header(x.res, "set-cookie"), ["a=1", "b=2"]);
      assert.deepEqual(header(x.res, "x-trace"), ["t"]);
    } finally {
      await done(x);
    }
  });

  it("Upgrader.Upgrade clears the socket timeout and disables Nagle", T, async () => {
    const s = await upgradeServer({}, "event");
    s.ts.server.timeout = 123_000;
    const seen: string[] = [];
    s.ts.server.on("connection", (sock: Socket) => {
      const { setNoDelay, setTimeout } = sock;
      sock.setNoDelay = (b?: boolean) => (seen.push(`nodelay:${b}`), setNoDelay.call(sock, b));
      sock.setTimeout = ((ms: number, cb?: () => void) => (seen.push(`timeout:${ms}`), setTimeout.call(sock, ms, cb))) as Socket["setTimeout"];
    });
    const c = await connect(s.ts.port);
    const head = readHead(c);
    c.write(handshake(s.ts.host));
    const outcome = await s.calls.next();
    await head;
    assert.ok(seen.includes("nodelay:true"), seen.join());
    assert.equal(seen.filter((e) => e.startsWith("timeout:")).at(-1), "timeout:0");
    await done({ s, c, outcome });
  });

  it("Upgrader.Upgrade passes the 'upgrade' event's head to the Conn", T, async () => {
    const s = await upgradeServer({}, "event");
    const c = await connect(s.ts.port);
    const head = readHead(c);
    // A masked text frame "hi" right behind the request, in the same write.
    const frame = Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x68 ^ 1, 0x69 ^ 2]);
    c.write(Buffer.concat([Buffer.from(handshake(s.ts.host)), frame]));
    const outcome = await s.calls.next();
    await head;
    const m = await outcome.value!.readMessage();
    assert.equal(m.data.toString(), "hi");
    await done({ s, c, outcome });
  });
});
