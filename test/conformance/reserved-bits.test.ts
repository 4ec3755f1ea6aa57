// Conformance group "reserved-bits" against a silverback server and client; cases in ./cases/reserved-bits.ts.
import { defineGroup } from "./suite.js";
import { reservedBits } from "./cases/reserved-bits.js";

defineGroup(reservedBits);
