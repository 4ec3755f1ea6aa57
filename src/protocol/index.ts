// Entry of the "silverback/protocol" subpath: the sans-I/O core, for adapters on other runtimes.
// Pure: never touches a socket or a timer.
export { Opcode, isControl, isData, isKnownOpcode } from "./opcode.js";
export { formatCloseMessage, isValidReceivedCloseCode, checkCloseForSend, parseClosePayload } from "./close-payload.js";
export { maskBytes, maskRange, maskCopy, MaskKeySource } from "./mask.js";
export { type FrameHeader, MAX_HEADER_SIZE, headerSize, headerSizeFromSecondByte, encodeFrameHeader } from "./frame-header.js";
export { FrameParser, type FrameParserOptions, HEADER_INCOMPLETE, HEADER_INVALID } from "./frame-parser.js";
export { type Frame, serializeFrame, writeFrame } from "./frame-serializer.js";
export { Utf8Validator, isValidUtf8, utf8ValidPrefix } from "./utf8-validator.js";
export { Receiver, type ReadEvent, type ReceiverOptions } from "./receiver.js";
export { Sender, type SenderOptions } from "./sender.js";
