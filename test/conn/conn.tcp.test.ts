// The Conn suite over real loopback TCP.
import { connSuite } from "./suite.js";
import { tcpPair } from "../helpers/duplex-pair.js";

connSuite("loopback TCP", tcpPair);
