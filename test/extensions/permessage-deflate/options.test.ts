/**
 * validateCompressionOptions / validateCompressionLevel: API.md §5 ranges and §9 defaults, TypeError
 * for wrong kinds, RangeError for out-of-range values.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  validateCompressionLevel,
  validateCompressionOptions,
  type CompressionOptions,
} from "../../../src/extensions/compression.js";

describe("validateCompressionOptions", () => {
  it("validateCompressionOptions fills the API.md §9 defaults", () => {
    const expected = {
      level: 1,
      memLevel: 5,
      windowBits: 15,
      threshold: 1024,
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: undefined,
      clientMaxWindowBits: true,
      concurrency: 10,
    };
    assert.deepEqual(validateCompressionOptions(undefined), expected);
    assert.deepEqual(validateCompressionOptions({}), expected);
  });

  it("validateCompressionOptions keeps valid values and returns a copy", () => {
    const o: CompressionOptions = {
      level: -2,
      memLevel: 9,
      windowBits: 8,
      threshold: 0,
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 8,
      clientMaxWindowBits: 15,
      concurrency: 1,
    };
    const r = validateCompressionOptions(o);
    assert.deepEqual(r, o);
    o.level = 9;
    assert.equal(r.level, -2);
  });

  const ranges: Array<[keyof CompressionOptions, number[], number[]]> = [
    ["level", [-2, -1, 0, 9], [-3, 10, 1.5, NaN, Infinity]],
    ["memLevel", [1, 9], [0, 10, 2.5]],
    ["windowBits", [8, 15], [7, 16, 9.5]],
    ["threshold", [0, 1, 2 ** 40], [-1, 0.5, Infinity]],
    ["serverMaxWindowBits", [8, 15], [7, 16, 99]],
    ["clientMaxWindowBits", [8, 15], [0, 7, 16]],
    ["concurrency", [1, 1000], [0, -1, 1.5, Infinity]],
  ];
  for (const [key, good, bad] of ranges) {
    it(`validateCompressionOptions checks the range of ${key}`, () => {
      for (const v of good) assert.equal(validateCompressionOptions({ [key]: v })[key], v);
      for (const v of bad) assert.throws(() => validateCompressionOptions({ [key]: v }), RangeError, `${key}=${v}`);
    });
  }

  it("validateCompressionOptions throws TypeError for values of the wrong kind", () => {
    const bad: CompressionOptions[] = [
      { level: "1" as unknown as number },
      { memLevel: null as unknown as number },
      { threshold: 1n as unknown as number },
      { serverNoContextTakeover: 1 as unknown as boolean },
      { clientNoContextTakeover: "yes" as unknown as boolean },
      { clientMaxWindowBits: false as unknown as true },
      { clientMaxWindowBits: "10" as unknown as number },
    ];
    for (const o of bad) assert.throws(() => validateCompressionOptions(o), TypeError, JSON.stringify(o, (_, v) => (typeof v === "bigint" ? "1n" : v)));
    assert.throws(() => validateCompressionOptions(5 as unknown as CompressionOptions), TypeError);
  });
});

describe("validateCompressionLevel (gorilla SetCompressionLevel)", () => {
  it("validateCompressionLevel accepts integers -2..9", () => {
    for (let l = -2; l <= 9; l++) assert.equal(validateCompressionLevel(l), l);
  });

  it("validateCompressionLevel throws RangeError 'websocket: invalid compression level' otherwise", () => {
    for (const l of [-3, 10, 0.5, NaN]) {
      assert.throws(() => validateCompressionLevel(l), { name: "RangeError", message: "websocket: invalid compression level" });
    }
    assert.throws(() => validateCompressionLevel("1"), TypeError);
  });
});
