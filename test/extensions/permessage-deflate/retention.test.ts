/**
 * No hidden retention (jetty 13029): once a deflate/inflate call settles, the caller's input buffer is
 * collectable, on both engines. Uses V8's gc via --expose-gc set at run time.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { setZlibEngineMode } from "../../../src/extensions/permessage-deflate/zlib-engine.js";
import { NO_TAKEOVER, TAKEOVER, jsonLike, serverToClient } from "./util.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** True when the object behind `ref` was collected (after letting the current job finish). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
    if (ref.deref() === undefined) return true;
  }
  return false;
}

describe("no retained input buffers (jetty 13029)", () => {
  for (const mode of ["auto", "async"] as const) {
    for (const [label, params] of [["takeover", TAKEOVER], ["no takeover", NO_TAKEOVER]] as const) {
      it(`MessageDeflater keeps no reference to the last message (${mode} engine, ${label})`, async () => {
        setZlibEngineMode(mode);
        const { deflater, inflater } = serverToClient(params);
        let input: Buffer | undefined = jsonLike(50_000, 1);
        const ref = new WeakRef(input.buffer);
        const payload = await deflater.deflate(input, true);
        input = undefined;
        assert.ok(await collected(ref), "deflate input still referenced");
        let compressed: Buffer | undefined = Buffer.from(payload); // its own ArrayBuffer
        const cref = new WeakRef(compressed.buffer);
        assert.equal(Buffer.concat(await inflater.inflate(compressed, true, 0)).byteLength, 50_000);
        compressed = undefined;
        assert.ok(await collected(cref), "inflate input still referenced");
        setZlibEngineMode("auto");
      });
    }
  }
});
