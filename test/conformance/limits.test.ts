// Conformance group "limits" against a silverback server and client; cases in ./cases/limits.ts.
import { defineGroup } from "./suite.js";
import { limits } from "./cases/limits.js";

defineGroup(limits);
