/** Every conformance group, in id order (the report prints them in this order). */
import type { Group } from "../case.js";
import { framing } from "./framing.js";
import { pingPong } from "./ping-pong.js";
import { reservedBits } from "./reserved-bits.js";
import { opcodes } from "./opcodes.js";
import { fragmentation } from "./fragmentation.js";
import { utf8 } from "./utf8.js";
import { closing } from "./closing.js";
import { limits } from "./limits.js";
import { masking } from "./masking.js";
import { compression } from "./compression.js";

export const groups: Group[] = [framing, pingPong, reservedBits, opcodes, fragmentation, utf8, closing, limits, masking, compression];
