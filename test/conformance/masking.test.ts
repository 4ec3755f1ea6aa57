// Conformance group "masking" against a silverback server and client; cases in ./cases/masking.ts.
import { defineGroup } from "./suite.js";
import { masking } from "./cases/masking.js";

defineGroup(masking);
