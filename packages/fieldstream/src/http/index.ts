// fieldstream/http: streams an ObjectStream from a server to a browser (or any fetch client) as
// resumable Server-Sent Events. Web-standard only, so it runs on Node, Bun, Deno, edge and browsers.

export { IdleTimeoutError, TransportError } from "../errors/index.js";
export {
  type Fetch,
  type ReadObjectStreamOptions,
  type ReconnectContext,
  type ReconnectOptions,
  type RemoteObjectStream,
  type RemoteObjectStreamOf,
  readObjectStream,
} from "./client.js";
export { reviveError, type SerializedError, serializeError } from "./error-wire.js";
export { MemoryStore, type MemoryStoreOptions } from "./memory-store.js";
export {
  comparePositions,
  formatPosition,
  type Position,
  parsePosition,
  STREAM_ID_HEADER,
  type StoredEvent,
  type TransportEvent,
} from "./protocol.js";
export {
  memoryStore,
  type ResponseOptions,
  type ResumeOptions,
  resumeResponse,
  type ToResponseOptions,
  toResponse,
} from "./server.js";
export { type SseEvent, SseParser, type SseParserOptions } from "./sse.js";
export type { ReadOptions, ResumeStore } from "./store.js";
