// Conformance group "closing" against a silverback server and client; cases in ./cases/closing.ts.
import { defineGroup } from "./suite.js";
import { closing } from "./cases/closing.js";

defineGroup(closing);
