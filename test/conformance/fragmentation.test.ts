// Conformance group "fragmentation" against a silverback server and client; cases in ./cases/fragmentation.ts.
import { defineGroup } from "./suite.js";
import { fragmentation } from "./cases/fragmentation.js";

defineGroup(fragmentation);
