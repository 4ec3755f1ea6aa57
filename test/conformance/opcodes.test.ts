// Conformance group "opcodes" against a silverback server and client; cases in ./cases/opcodes.ts.
import { defineGroup } from "./suite.js";
import { opcodes } from "./cases/opcodes.js";

defineGroup(opcodes);
