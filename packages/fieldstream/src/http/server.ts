// The server half: turns an ObjectStream into a resumable Server-Sent Events response, and answers a
// client that comes back (to this instance or another sharing the store) from exactly where it was.

import type { ObjectStream, StreamEvent } from "../stream/index.js";
import { FollowerLog, onAbort } from "../util/index.js";
import { serializeError } from "./error-wire.js";
import { MemoryStore } from "./memory-store.js";
import {
  formatPosition,
  frameOpen,
  frameStored,
  isTerminal,
  KEEP_ALIVE,
  parsePosition,
  STREAM_ID_HEADER,
  type StoredEvent,
  type TransportEvent,
} from "./protocol.js";
import type { ResumeStore } from "./store.js";

/** Headers every event-stream response carries; `no-transform` and `x-accel-buffering` stop proxies buffering. */
const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

const STREAM_ID = /^[A-Za-z0-9._~:-]{1,200}$/;

let defaultStore: MemoryStore | undefined;

/** The process-wide MemoryStore that `toResponse` and `resumeResponse` use when given no store. */
export function memoryStore(): MemoryStore {
  defaultStore ??= new MemoryStore();
  return defaultStore;
}

/**
 * What `new Headers()` accepts. Named through the constructor because `HeadersInit` exists only in
 * the DOM library, and these declarations must also compile for Node-only consumers.
 */
type HeadersInput = NonNullable<ConstructorParameters<typeof Headers>[0]>;

export interface ResponseOptions {
  /** Where the events are kept for resuming. Default: the process-wide `memoryStore()`. */
  readonly store?: ResumeStore;
  /** Extra response headers. */
  readonly headers?: HeadersInput;
  /** Comment lines after this long without writing, so proxies keep an idle connection. Default 15 s; 0: none. */
  readonly keepAliveMs?: number;
  /** Ends the response. */
  readonly signal?: AbortSignal;
  /** Sent as the SSE `retry` field: how long a client should wait before reconnecting. */
  readonly retryMs?: number;
}

export interface ToResponseOptions extends ResponseOptions {
  /** The stream id, in the `x-fieldstream-id` header and the first event. Default: a random UUID. */
  readonly id?: string;
  /**
   * How long text deltas may wait to be sent together, in milliseconds. Framing costs ~20 bytes per
   * event, so joining deltas that arrive close together keeps the wire near the size of the JSON.
   * Default 20; 0 sends each delta as it comes.
   */
  readonly coalesceMs?: number;
  /** The most characters one text event carries; more are sent at once. Default 16,384. */
  readonly maxEventChars?: number;
  /** Abort the stream when the client goes away, instead of running on into the store. Default false. */
  readonly abortOnDisconnect?: boolean;
  /** Turns a stream error into what is sent. Default: `serializeError` (name, message, own fields). */
  readonly serializeError?: (error: unknown) => { name: string; message: string; [field: string]: unknown };
  /** Called when the store fails (the live response goes on; resuming may not). */
  readonly onStoreError?: (error: unknown) => void;
}

/** Whether the code unit is a high surrogate, which must not be sent without its pair. */
function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Reads the stream's events once, joins text deltas that come close together, gives every event its
 * position and hands it to the live response and (in order, one at a time) to the store. Runs to the
 * end of the stream whether or not anyone is still reading the response.
 */
class Producer {
  /** Every event so far, for the live response to read at its own pace. */
  readonly log = new FollowerLog<StoredEvent>();
  ended = false;
  private storing: Promise<void>;
  private storeBroken = false;
  private pending: string[] = [];
  private pendingLength = 0;
  private pendingAttempt = 1;
  private pendingOffset = 0;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The current attempt and how much of its text has been emitted. */
  private attempt = 1;
  private length = 0;
  /** Events after the text, numbered on from its length. */
  private closing = 0;

  constructor(
    private readonly stream: ObjectStream<unknown, unknown, unknown>,
    private readonly id: string,
    private readonly store: ResumeStore,
    private readonly options: ToResponseOptions,
  ) {
    this.storing = store.create(id).catch((error: unknown) => this.storeFailed(error));
    void this.run();
  }

  private async run(): Promise<void> {
    const serialize = this.options.serializeError ?? serializeError;
    try {
      for await (const event of this.stream.events()) {
        this.take(event, serialize);
        if (this.ended) break;
      }
    } catch (error) {
      // events() never throws; if it ever did, the client must still learn the stream is over.
      this.flush(true);
      this.emit({ type: "error", error: serializeError(error) });
    }
    if (!this.ended) {
      this.flush(true);
      this.emit({ type: "error", error: serializeError(new Error("The stream ended without a result")) });
    }
  }

  private take(event: StreamEvent, serialize: NonNullable<ToResponseOptions["serializeError"]>): void {
    switch (event.type) {
      case "text":
        this.text(event.attempt, event.offset, event.text);
        return;
      case "attempt":
        this.flush(true);
        this.emit({ type: "attempt", attempt: event.attempt });
        return;
      case "done":
      case "error": {
        this.flush(true);
        const usage = this.stream.usage;
        if (usage) this.emit({ type: "usage", usage: { ...usage } });
        if (event.type === "done") this.emit({ type: "done", attempt: this.attempt, length: this.length });
        else this.emit(safeSerialize(serialize, event.error));
        return;
      }
      // Reasoning, tool-call starts and finish reasons stay on the server for now; usage goes once,
      // as the total, right before the end (positions after the text only suit closing events).
      default:
        return;
    }
  }

  private text(attempt: number, offset: number, text: string): void {
    if (text.length === 0) return;
    if (this.pendingLength === 0) {
      this.pendingAttempt = attempt;
      this.pendingOffset = offset;
    }
    this.pending.push(text);
    this.pendingLength += text.length;
    const coalesceMs = this.options.coalesceMs ?? 20;
    if (coalesceMs <= 0 || this.pendingLength >= (this.options.maxEventChars ?? 16_384)) {
      this.flush(false);
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.flush(false);
      }, coalesceMs);
    }
  }

  /** Sends the pending text; unless `all`, a trailing high surrogate waits for its pair. */
  private flush(all: boolean): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pendingLength === 0) return;
    let text = this.pending.length === 1 ? this.pending[0]! : this.pending.join("");
    let held = "";
    if (!all && isHighSurrogate(text.charCodeAt(text.length - 1))) {
      held = text.slice(-1);
      text = text.slice(0, -1);
    }
    const offset = this.pendingOffset;
    const attempt = this.pendingAttempt;
    this.pending = held ? [held] : [];
    this.pendingLength = held.length;
    this.pendingOffset = offset + text.length;
    if (text.length > 0) this.emit({ type: "text", attempt, offset, text });
  }

  private emit(event: TransportEvent): void {
    if (this.ended) return;
    let id: string;
    if (event.type === "text") {
      this.attempt = event.attempt;
      this.length = event.offset + event.text.length;
      id = formatPosition(event.attempt, this.length);
    } else if (event.type === "attempt") {
      this.attempt = event.attempt;
      this.length = 0;
      this.closing = 0;
      id = formatPosition(event.attempt, 0);
    } else {
      id = formatPosition(this.attempt, this.length + ++this.closing);
    }
    const stored: StoredEvent = { id, event };
    if (isTerminal(event)) this.ended = true;
    if (!this.storeBroken) {
      this.storing = this.storing.then(() =>
        this.storeBroken ? undefined : this.store.append(this.id, stored).catch((e) => this.storeFailed(e)),
      );
    }
    this.log.push(stored);
  }

  private storeFailed(error: unknown): void {
    this.storeBroken = true;
    this.options.onStoreError?.(error);
  }
}

function safeSerialize(
  serialize: NonNullable<ToResponseOptions["serializeError"]>,
  error: unknown,
): TransportEvent & { type: "error" } {
  try {
    return { type: "error", error: serialize(error) };
  } catch (failure) {
    return { type: "error", error: serializeError(failure) };
  }
}

/** Encodes frames, writes keep-alive comments when idle, and closes exactly once. */
class Writer {
  private readonly encoder = new TextEncoder();
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private closed = false;
  private wrote = false;
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private onAbort: (() => void) | undefined;
  private readonly stop: () => void;

  readonly body: ReadableStream<Uint8Array>;

  /**
   * `endOn` closes the response when it aborts (a resumed response does not own the stream; the live
   * one instead aborts the stream and closes after its error event).
   */
  constructor(keepAliveMs: number, endOn: AbortSignal | undefined, cancelled: () => void) {
    const stop = () => {
      this.closed = true;
      if (this.keepAlive !== undefined) clearInterval(this.keepAlive);
      if (this.onAbort) endOn?.removeEventListener("abort", this.onAbort);
    };
    this.stop = stop;
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
          if (keepAliveMs > 0) {
            this.keepAlive = setInterval(() => {
              if (!this.wrote) this.write(KEEP_ALIVE);
              this.wrote = false;
            }, keepAliveMs);
          }
          if (endOn) {
            this.onAbort = () => this.close();
            if (endOn.aborted) queueMicrotask(this.onAbort);
            else endOn.addEventListener("abort", this.onAbort, { once: true });
          }
        },
        cancel: () => {
          stop();
          cancelled();
        },
      },
      { highWaterMark: 0 },
    );
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(frame: string): void {
    if (this.closed) return;
    this.wrote = true;
    this.controller?.enqueue(this.encoder.encode(frame));
  }

  close(): void {
    if (this.closed) return;
    this.stop();
    try {
      this.controller?.close();
    } catch {
      // Already cancelled by the consumer.
    }
  }
}

function headersFor(options: ResponseOptions, id: string): Headers {
  const headers = new Headers(SSE_HEADERS);
  headers.set(STREAM_ID_HEADER, id);
  if (options.headers) {
    new Headers(options.headers).forEach((value, key) => {
      headers.set(key, value);
    });
  }
  return headers;
}

/**
 * A `Response` that streams `stream` as Server-Sent Events: raw JSON text deltas (joined when they come
 * close together), `attempt` when the server re-asks, `usage` (when the stream reports it), then `error`
 * or `done`. Each text event's id is its position (`"<attempt>:<offset after it>"`), and every event
 * is also written to the store, so a client that loses the connection resumes with `resumeResponse`
 * here or on any server instance that shares the store.
 *
 * If the client goes away the stream keeps running into the store (or is aborted, with
 * `abortOnDisconnect`); `signal` ends the response and aborts the stream.
 */
export function toResponse<P, O, E>(
  stream: ObjectStream<P, O, E>,
  options: ToResponseOptions = {},
): Response {
  const id = options.id ?? crypto.randomUUID();
  if (!STREAM_ID.test(id)) throw new TypeError(`fieldstream: invalid stream id ${JSON.stringify(id)}`);
  const release = onAbort(options.signal, (reason) => stream.abort(reason));
  // Once the stream is over the signal has nothing left to stop; a shared one keeps no listener.
  stream.final.then(release, release);
  const producer = new Producer(
    stream as ObjectStream<unknown, unknown, unknown>,
    id,
    options.store ?? memoryStore(),
    options,
  );
  const writer = new Writer(options.keepAliveMs ?? 15_000, undefined, () => {
    if (options.abortOnDisconnect) stream.abort(new DOMException("The client disconnected", "AbortError"));
  });
  writer.write(frameOpen(id, options.retryMs));
  void (async () => {
    for await (const stored of producer.log.follow((entry) => isTerminal(entry.event))) {
      if (writer.isClosed) break;
      writer.write(frameStored(stored));
    }
    writer.close();
  })();
  return new Response(writer.body, { status: 200, headers: headersFor(options, id) });
}

export interface ResumeOptions extends ResponseOptions {
  /** The stream to resume; default: the `id` query parameter, else the `x-fieldstream-id` header. */
  readonly id?: string;
}

function jsonError(status: number, name: string, message: string): Response {
  return new Response(JSON.stringify({ error: { name, message } }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

/**
 * Answers a reconnecting client: the stored events of the stream after its `Last-Event-ID` (header, or
 * `lastEventId` query parameter), then the live ones until `done` or `error`, read from the store so
 * any instance sharing it can answer. A position inside a text event gets the rest of that text.
 * 400 without a stream id or with a malformed position, 404 for a stream the store does not know.
 */
export async function resumeResponse(request: Request, options: ResumeOptions = {}): Promise<Response> {
  const url = new URL(request.url);
  const id = options.id ?? url.searchParams.get("id") ?? request.headers.get(STREAM_ID_HEADER);
  if (!id || !STREAM_ID.test(id)) {
    return jsonError(400, "TransportError", "A stream id is required (the id parameter or x-fieldstream-id)");
  }
  const after = request.headers.get("last-event-id") ?? url.searchParams.get("lastEventId") ?? "";
  const position = after === "" ? undefined : parsePosition(after);
  if (after !== "" && !position) {
    return jsonError(400, "TransportError", `Invalid Last-Event-ID ${JSON.stringify(after)}`);
  }
  const store = options.store ?? memoryStore();
  if (!(await store.exists(id))) return jsonError(404, "TransportError", `Unknown or expired stream ${id}`);

  const reading = new AbortController();
  const writer = new Writer(options.keepAliveMs ?? 15_000, options.signal, () => reading.abort());
  writer.write(frameOpen(id, options.retryMs));
  void (async () => {
    try {
      const events = store.read(id, { ...(after ? { after } : {}), signal: reading.signal });
      for await (const stored of events) {
        if (writer.isClosed) break;
        writer.write(frameStored(position ? trimmed(stored, position[0], position[1]) : stored));
      }
    } catch {
      // The store failed: ending without `done` makes the client reconnect, which is what a
      // passing outage needs; a lasting one exhausts its retries.
    } finally {
      reading.abort();
      writer.close();
    }
  })();
  return new Response(writer.body, { status: 200, headers: headersFor(options, id) });
}

/** The part of a text event after the reader's position, when the position falls inside it. */
function trimmed(stored: StoredEvent, attempt: number, offset: number): StoredEvent {
  const event = stored.event;
  if (event.type !== "text" || event.attempt !== attempt || event.offset >= offset) return stored;
  const cut = offset - event.offset;
  // Never split a surrogate pair: a client position always falls between whole characters.
  if (isHighSurrogate(event.text.charCodeAt(cut - 1))) return stored;
  const text = event.text.slice(cut);
  return { id: stored.id, event: { type: "text", attempt, offset, text } };
}
