import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Fifo } from "../../src/util/fifo.js";

const SEED = 0x5eed;

type Op = { op: "push"; v: number } | { op: "shift" } | { op: "removeAt"; i: number } | { op: "drain" } | { op: "clear" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 1000 }).map((v) => ({ op: "push" as const, v })) },
  { weight: 4, arbitrary: fc.constant({ op: "shift" as const }) },
  { weight: 1, arbitrary: fc.nat(40).map((i) => ({ op: "removeAt" as const, i })) },
  { weight: 1, arbitrary: fc.constant({ op: "drain" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "clear" as const }) },
);

describe("Fifo", () => {
  it("an empty queue peeks and shifts undefined, drains to []", () => {
    const q = new Fifo<number>();
    assert.equal(q.length, 0);
    assert.equal(q.peek(), undefined);
    assert.equal(q.shift(), undefined);
    assert.equal(q.indexOf(1), -1);
    assert.deepEqual(q.drain(), []);
  });

  it("keeps order across wrap-around, compaction and growth", () => {
    const q = new Fifo<number>();
    const model: number[] = [];
    let next = 0;
    // Push 3, shift 2, repeatedly: the head keeps moving, so compaction must slide the rest down.
    for (let round = 0; round < 200; round++) {
      for (let k = 0; k < 3; k++) { q.push(next); model.push(next++); }
      for (let k = 0; k < 2; k++) assert.equal(q.shift(), model.shift());
      assert.equal(q.length, model.length);
      assert.equal(q.peek(), model[0]);
    }
    assert.deepEqual(q.drain(), model);
  });

  it(`behaves like an array under random operations (fast-check seed ${SEED})`, () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const q = new Fifo<number>();
      let model: number[] = [];
      for (const o of ops) {
        switch (o.op) {
          case "push": q.push(o.v); model.push(o.v); break;
          case "shift": assert.equal(q.shift(), model.shift()); break;
          case "removeAt":
            if (o.i < model.length) { q.removeAt(o.i); model.splice(o.i, 1); }
            break;
          case "drain": assert.deepEqual(q.drain(), model); model = []; break;
          case "clear": q.clear(); model = []; break;
        }
        assert.equal(q.length, model.length);
        assert.equal(q.peek(), model[0]);
        for (const v of [model[0], model[model.length >> 1], model[model.length - 1], -1]) {
          if (v !== undefined) assert.equal(q.indexOf(v), model.indexOf(v));
        }
      }
      assert.deepEqual(q.drain(), model);
    }), { seed: SEED, numRuns: 300 });
  });
});
