// Conformance group "utf8" against a silverback server and client; cases in ./cases/utf8.ts.
import { defineGroup } from "./suite.js";
import { utf8 } from "./cases/utf8.js";

defineGroup(utf8);
