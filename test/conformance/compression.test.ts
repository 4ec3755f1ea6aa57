// Conformance group "compression" against a silverback server and client; cases in ./cases/compression.ts.
import { defineGroup } from "./suite.js";
import { compression } from "./cases/compression.js";

defineGroup(compression);
