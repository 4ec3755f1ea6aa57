/**
 * silverback: gorilla/websocket for Node.js. The only file that decides what is public (API.md).
 */
export {
  TextMessage,
  BinaryMessage,
  CloseMessage,
  PingMessage,
  PongMessage,
  CloseNormalClosure,
  CloseGoingAway,
  CloseProtocolError,
  CloseUnsupportedData,
  CloseNoStatusReceived,
  CloseAbnormalClosure,
  CloseInvalidFramePayloadData,
  ClosePolicyViolation,
  CloseMessageTooBig,
  CloseMandatoryExtension,
  CloseInternalServerErr,
  CloseServiceRestart,
  CloseTryAgainLater,
  CloseTLSHandshake,
  type DataMessageType,
  type ControlMessageType,
  type MessageType,
} from "./constants.js";
export {
  WebSocketError,
  CloseError,
  ProtocolError,
  ReadLimitError,
  CloseSentError,
  HandshakeError,
  BadHandshakeError,
  TimeoutError,
  isCloseError,
  isUnexpectedCloseError,
  type HandshakeResponse,
} from "./errors.js";
export type { Data, Deadline, HttpHeaders, ReadOptions, KeepAliveOptions, BufferPool } from "./types.js";
export { Conn, newConn, type Message, type NewConnOptions, type NextReaderResult } from "./conn/conn.js";
export type { ConnSettings } from "./conn/options.js";
export type { MessageWriter } from "./conn/message-writer.js";
export type { CloseHandler, PingPongHandler } from "./conn/control-handlers.js";
export { PreparedMessage } from "./conn/prepared-message.js";
export { joinMessages } from "./conn/join.js";
export { formatCloseMessage } from "./protocol/close-payload.js";
export type { CompressionOptions, NegotiatedCompression } from "./extensions/compression.js";
export { Upgrader, isWebSocketUpgrade, subprotocols, type UpgraderOptions } from "./server/upgrader.js";
export type { UpgradeRequest, ErrorResponse } from "./server/options.js";
export type { ProxyOption } from "./client/proxy.js";
export type { NetDialArgs, NetDialTLSArgs } from "./client/connect.js";
export {
  Dialer,
  defaultDialer,
  dial,
  type DialerOptions,
  type DialOptions,
  type DialResult,
  type CookieJar,
} from "./client/dialer.js";
export { proxyFromEnvironment } from "./client/proxy-env.js";
