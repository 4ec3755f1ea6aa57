/**
 * HeldControls on its own: the control frames a conn holds while its socket is over the write
 * high-water mark (API §4.3) — order, refusal, per-frame deadline, the single pong slot.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HeldControls } from "../../src/conn/held-controls.js";
import { CloseSentError, TimeoutError } from "../../src/errors.js";

type Sent = [number, string];

function sink(): { sent: Sent[]; send: (op: 8 | 9 | 10, p: Buffer) => void } {
  const sent: Sent[] = [];
  return { sent, send: (op, p) => void sent.push([op, p.toString()]) };
}
const yes = (): boolean => true;
const none = (): Error | null => null;

describe("HeldControls", () => {
  it("sends held frames oldest first, then the pong, and settles each promise", async () => {
    const h = new HeldControls();
    const { sent, send } = sink();
    const a = h.hold(9, Buffer.from("a"), 0);
    h.holdPong(Buffer.from("p1"));
    h.holdPong(Buffer.from("p2")); // RFC 6455 §5.5.3: only the newest pong matters
    const b = h.hold(8, Buffer.from("b"), 0);
    assert.equal(h.bytes, 6);
    assert.equal(h.empty, false);
    h.flush(yes, none, send);
    await Promise.all([a, b]);
    assert.deepEqual(sent, [[9, "a"], [8, "b"], [10, "p2"]]);
    assert.equal(h.idle, true);
    assert.equal(h.bytes, 0);
  });

  it("copies the payload: the caller may reuse its buffer at once", () => {
    const h = new HeldControls();
    const { sent, send } = sink();
    const buf = Buffer.from("abc");
    void h.hold(9, buf, 0);
    buf.fill(0x7a);
    h.flush(yes, none, send);
    assert.deepEqual(sent, [[9, "abc"]]);
  });

  it("sends only while there is room, and the pong only after every held frame", async () => {
    const h = new HeldControls();
    const { sent, send } = sink();
    let room = 1;
    const roomFn = (): boolean => room-- > 0;
    const a = h.hold(9, Buffer.from("a"), 0);
    void h.hold(9, Buffer.from("b"), 0);
    h.holdPong(Buffer.from("p"));
    h.flush(roomFn, none, send);
    await a;
    assert.deepEqual(sent, [[9, "a"]]);
    assert.equal(h.empty, false);
    h.flush(yes, none, send);
    assert.deepEqual(sent, [[9, "a"], [9, "b"], [10, "p"]]);
  });

  it("rejects held frames with the refusal and drops the pong", async () => {
    const h = new HeldControls();
    const { sent, send } = sink();
    const a = h.hold(9, Buffer.from("a"), 0);
    h.holdPong(Buffer.from("p"));
    h.flush(yes, () => new CloseSentError(), send);
    await assert.rejects(a, CloseSentError);
    assert.deepEqual(sent, []);
    assert.equal(h.idle, true);
  });

  it("rejects a frame whose deadline passes before there is room, and forgets it", async () => {
    const h = new HeldControls();
    const { sent, send } = sink();
    const late = h.hold(9, Buffer.from("late"), Date.now() - 1); // already expired
    const kept = h.hold(9, Buffer.from("kept"), 0);
    await assert.rejects(late, (e: unknown) => e instanceof TimeoutError && e.message === "websocket: write timeout");
    assert.equal(h.bytes, 6);
    h.flush(yes, none, send);
    await kept;
    assert.deepEqual(sent, [[9, "kept"]]);
  });

  it("rejectAll rejects every held frame; dropPong forgets the pong", async () => {
    const h = new HeldControls();
    const { sent, send } = sink();
    const err = new Error("gone");
    const a = h.hold(9, Buffer.from("a"), Date.now() + 3_600_000);
    const b = h.hold(10, Buffer.from("b"), 0);
    h.holdPong(Buffer.from("p"));
    h.rejectAll(err);
    await assert.rejects(a, (e) => e === err);
    await assert.rejects(b, (e) => e === err);
    h.dropPong();
    assert.equal(h.idle, true);
    h.flush(yes, none, send);
    assert.deepEqual(sent, []);
  });
});
