// Conformance group "framing" against a silverback server and client; cases in ./cases/framing.ts.
import { defineGroup } from "./suite.js";
import { framing } from "./cases/framing.js";

defineGroup(framing);
