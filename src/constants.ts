/**
 * Message types, close codes and defaults shared by every layer.
 * Pure constants: imports nothing.
 */

/** TextMessage denotes a text data message (RFC 6455 §11.8 opcode 1). gorilla: `TextMessage`. */
export const TextMessage = 1;
/** BinaryMessage denotes a binary data message (opcode 2). gorilla: `BinaryMessage`. */
export const BinaryMessage = 2;
/** CloseMessage denotes a close control message (opcode 8). gorilla: `CloseMessage`. */
export const CloseMessage = 8;
/** PingMessage denotes a ping control message (opcode 9). gorilla: `PingMessage`. */
export const PingMessage = 9;
/** PongMessage denotes a pong control message (opcode 10). gorilla: `PongMessage`. */
export const PongMessage = 10;

/** A data message type: {@link TextMessage} or {@link BinaryMessage}. */
export type DataMessageType = 1 | 2;
/** A control message type: {@link CloseMessage}, {@link PingMessage} or {@link PongMessage}. */
export type ControlMessageType = 8 | 9 | 10;
/** Any message type a Conn can write. */
export type MessageType = DataMessageType | ControlMessageType;

// Close codes, RFC 6455 §7.4.1 / §11.7. gorilla: the Close* constants.
/** 1000: normal closure. */
export const CloseNormalClosure = 1000;
/** 1001: an endpoint is going away. */
export const CloseGoingAway = 1001;
/** 1002: protocol error. */
export const CloseProtocolError = 1002;
/** 1003: unsupported data. */
export const CloseUnsupportedData = 1003;
/** 1005: no status received (never sent on the wire). */
export const CloseNoStatusReceived = 1005;
/** 1006: abnormal closure (never sent on the wire). */
export const CloseAbnormalClosure = 1006;
/** 1007: invalid frame payload data (e.g. bad UTF-8). */
export const CloseInvalidFramePayloadData = 1007;
/** 1008: policy violation. */
export const ClosePolicyViolation = 1008;
/** 1009: message too big. */
export const CloseMessageTooBig = 1009;
/** 1010: mandatory extension missing. */
export const CloseMandatoryExtension = 1010;
/** 1011: internal server error. */
export const CloseInternalServerErr = 1011;
/** 1012: service restart. */
export const CloseServiceRestart = 1012;
/** 1013: try again later. */
export const CloseTryAgainLater = 1013;
/** 1015: TLS handshake failure (never sent on the wire). */
export const CloseTLSHandshake = 1015;

/** Default `readBufferSize`: unread received bytes before the socket is paused. */
export const DEFAULT_READ_BUFFER_SIZE = 65536;
/** Default `writeBufferSize`: frame size of `nextWriter`. */
export const DEFAULT_WRITE_BUFFER_SIZE = 16384;
/** Default `writeHighWaterMark`: unsent bytes above which write promises wait. */
export const DEFAULT_WRITE_HIGH_WATER_MARK = 65536;
/** Default read limit: 64 MiB (gorilla has none; "no limit" is its most repeated OOM report). */
export const DEFAULT_READ_LIMIT = 64 * 1024 * 1024;
/** Default Dialer handshake timeout, ms (gorilla's DefaultDialer: 45 s). */
export const DEFAULT_DIAL_HANDSHAKE_TIMEOUT = 45_000;
/** Default `shutdown()` timeout and client close linger, ms. */
export const DEFAULT_CLOSE_TIMEOUT = 5_000;
/** Largest control frame payload, RFC 6455 §5.5. */
export const MAX_CONTROL_PAYLOAD = 125;
/** Largest handshake response head the Dialer accepts. */
export const MAX_HANDSHAKE_HEAD = 16 * 1024;
/** The GUID of RFC 6455 §1.3, appended to the key for Sec-WebSocket-Accept. */
export const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
