/**
 * Every zlib construction error is caught (undici's server_max_window_bits=99 advisory): bad params
 * throw at creation, and a zlib that fails to initialise rejects with ProtocolError 1011, never a crash.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { syncBuiltinESMExports } from "node:module";
import { after, describe, it } from "node:test";
import zlib from "node:zlib";
import { ProtocolError } from "../../../src/errors.js";
import { createPerMessageDeflate } from "../../../src/extensions/compression.js";
import { NO_TAKEOVER, TAKEOVER, serverToClient } from "./util.js";

const original = { deflate: zlib.createDeflateRaw, inflate: zlib.createInflateRaw };

/** Replaces node:zlib's constructors (read-only but configurable) and syncs the ESM named exports. */
function setZlib(deflate: unknown, inflate: unknown): void {
  Object.defineProperty(zlib, "createDeflateRaw", { value: deflate });
  Object.defineProperty(zlib, "createInflateRaw", { value: inflate });
  syncBuiltinESMExports(); // updates the named imports the engine holds
}

/** Makes node:zlib's constructors throw, for this process (test files run in separate processes). */
function breakZlib(): void {
  const fail = (): never => {
    throw new RangeError("simulated zlib init failure");
  };
  setZlib(fail, fail);
}

after(() => setZlib(original.deflate, original.inflate));

describe("zlib construction errors", () => {
  it("createPerMessageDeflate throws RangeError for window bits outside 8..15 (undici advisory)", () => {
    for (const bits of [99, 7, 16, 9.5, NaN]) {
      assert.throws(() => createPerMessageDeflate({ ...TAKEOVER, serverMaxWindowBits: bits }, undefined, false), RangeError);
      assert.throws(() => createPerMessageDeflate({ ...TAKEOVER, clientMaxWindowBits: bits }, undefined, true), RangeError);
    }
    assert.throws(() => createPerMessageDeflate({ ...TAKEOVER, serverNoContextTakeover: "yes" as unknown as boolean }, undefined, true), TypeError);
    assert.throws(() => createPerMessageDeflate(TAKEOVER, { windowBits: 99 }, true), RangeError);
  });

  it("a zlib that cannot initialise rejects with ProtocolError 1011 (cause set) and nothing crashes", async () => {
    for (const params of [TAKEOVER, NO_TAKEOVER]) {
      const { deflater, inflater } = serverToClient(params);
      breakZlib();
      try {
        const isInternal = (e: unknown): boolean =>
          e instanceof ProtocolError && e.closeCode === 1011 && (e.cause as Error).message === "simulated zlib init failure";
        await assert.rejects(deflater.deflate(Buffer.from("Hello"), true), isInternal);
        await assert.rejects(inflater.inflate(Buffer.from("f248cdc9c90700", "hex"), true, 0), isInternal);
      } finally {
        setZlib(original.deflate, original.inflate);
      }
      // The deflater recovers once zlib works again (a failed creation left no state behind).
      assert.equal((await deflater.deflate(Buffer.from("Hello"), true)).toString("hex"), "f248cdc9c90700");
    }
  });
});
