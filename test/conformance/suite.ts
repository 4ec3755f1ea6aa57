/**
 * node:test glue: one describe block per silverback role for a group, one test per case, so the
 * runner lists every case id. Each case must pass; a failure prints what the peer saw.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Group } from "./case.js";
import { runCase } from "./runner.js";
import { makeTarget, type Target } from "./targets.js";
import { verify } from "./verify.js";

/** Declares the node:test cases of `group` against a silverback server and a silverback client. */
export function defineGroup(group: Group): void {
  for (const role of ["server", "client"] as const) {
    describe(`RFC 6455 conformance ${group.id} ${group.name}: silverback ${role}`, () => {
      let target: Target;
      before(async () => {
        target = await makeTarget(role);
      });
      after(() => target.close());
      for (const c of group.cases) {
        if (c.only !== undefined && c.only !== role) continue;
        it(`${c.id} ${c.title}`, async (t) => {
          if (c.options?.compression && !target.compression) return t.skip("permessage-deflate not available yet");
          const r = await runCase(target, c);
          if (c.options?.compression && !r.compression) assert.fail("permessage-deflate was not negotiated");
          assert.deepEqual(verify(c, r), [], `case ${c.id} against silverback ${role} (via ${target.via})`);
        });
      }
    });
  }
}
