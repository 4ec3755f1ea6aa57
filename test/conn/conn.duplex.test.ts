// The Conn suite over an in-memory duplex pair.
import { connSuite } from "./suite.js";
import { duplexPair } from "../helpers/duplex-pair.js";

connSuite("an in-memory duplex pair", async () => duplexPair());
