// Conformance group "ping-pong" against a silverback server and client; cases in ./cases/ping-pong.ts.
import { defineGroup } from "./suite.js";
import { pingPong } from "./cases/ping-pong.js";

defineGroup(pingPong);
