/**
 * The filewatch example over the Node Dialer: the current content on connect, each change pushed
 * to every viewer, a missing file reported, and close 1001 on shutdown.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloseError, dial, type Conn } from "../../src/index.js";
import { start, type FileWatchServer } from "../../examples/filewatch/server.js";
import { within } from "./browser.js";

// Writes new content with a modification time clearly different from the last one, so a change
// inside the file system's timestamp granularity is still seen.
let tick = Math.floor(Date.now() / 1000) + 100;
function rewrite(file: string, content: string): void {
  writeFileSync(file, content);
  tick += 10;
  utimesSync(file, tick, tick);
}

async function next(conn: Conn): Promise<string> {
  return (await within(conn.readMessage(), 10_000, "file content")).data.toString();
}

describe("filewatch example", () => {
  const dir = mkdtempSync(join(tmpdir(), "silverback-filewatch-"));
  const file = join(dir, "notes.txt");
  let srv: FileWatchServer;
  before(async () => {
    rewrite(file, "version 1\n");
    srv = await start({ port: 0, file, pollInterval: 10 });
  });
  after(async () => {
    await srv.close(1000);
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends the current content on connect and every change to every viewer", async () => {
    const { conn: a } = await dial(srv.wsUrl);
    assert.equal(await next(a), "version 1\n");
    const { conn: b } = await dial(srv.wsUrl);
    assert.equal(await next(b), "version 1\n");

    rewrite(file, "version 2 ✓\n");
    assert.equal(await next(a), "version 2 ✓\n");
    assert.equal(await next(b), "version 2 ✓\n");

    rewrite(file, "version 3\n");
    assert.equal(await next(a), "version 3\n");
    await b.shutdown(); // one viewer leaves; the other keeps getting updates
    rewrite(file, "version 4\n");
    assert.equal(await next(a), "version 4\n");
    await a.shutdown();
  });

  it("reports a missing file, then shows it again when it comes back", async () => {
    const { conn } = await dial(srv.wsUrl);
    assert.equal(await next(conn), "version 4\n");
    unlinkSync(file);
    assert.match(await next(conn), /cannot read .*notes\.txt: ENOENT/);
    rewrite(file, "back\n");
    assert.equal(await next(conn), "back\n");
    await conn.shutdown();
  });

  it("closes viewers with 1001 when the server stops", async () => {
    const { conn } = await dial(srv.wsUrl);
    await next(conn);
    const read = conn.readMessage().catch((e: unknown) => e);
    await srv.close(2000);
    const err = await within(read, 10_000, "close");
    assert.ok(err instanceof CloseError && err.code === 1001, String(err));
  });
});
