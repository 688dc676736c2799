// The client half: reads a `toResponse` event stream into an ObjectStream (parsing happens here, once,
// incrementally) and survives dropped connections by resuming from the exact character it had.

import { IdleTimeoutError, isRetryableStatus, TransportError } from "../errors/index.js";
import {
  type Driver,
  ObjectStream,
  type ObjectStreamOf,
  type ObjectStreamOptions,
  type Usage,
} from "../stream/index.js";
import { backoffDelay, follow, sleep } from "../util/index.js";
import { reviveError } from "./error-wire.js";
import { formatPosition, parsePosition, STREAM_ID_HEADER } from "./protocol.js";
import { type SseEvent, SseParser, type SseParserOptions } from "./sse.js";

/** How the client reaches the server: `fetch` by default. Called with a URL string and a full init. */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export interface ReconnectContext {
  /** The stream id. */
  readonly id: string;
  /** The position to resume after, also sent as `Last-Event-ID`. */
  readonly lastEventId: string;
  /** 1 for the first reconnection of this stream. */
  readonly reconnect: number;
}

export interface ReconnectOptions {
  /** Reconnections in a row that bring nothing new before giving up. Default 3; 0: never reconnect. */
  readonly retries?: number;
  /**
   * Pause before the first reconnection (jittered between half and all of it); it doubles for each
   * one in a row that brings nothing new, up to 10 s. The server's `retry` field may lengthen the
   * pause, never shorten it. Default 500 ms.
   */
  readonly delayMs?: number;
  /**
   * Where to reconnect: a URL, a list (used in turn: the first for the first reconnection...), or a
   * function. Default: the URL of the first request. The request is a GET with `Last-Event-ID` and
   * `x-fieldstream-id` headers, which `resumeResponse` answers.
   */
  readonly url?: string | URL | readonly (string | URL)[] | ((context: ReconnectContext) => string | URL);
}

export interface ReadObjectStreamOptions<S> extends Omit<ObjectStreamOptions<S>, "signal" | "schema"> {
  /** The schema of the streamed value: partials are shaped and the final value validated with it here. */
  readonly schema: S;
  /** Replaces the global `fetch`, for the first request and for reconnections. */
  readonly fetch?: Fetch;
  /** The first request's init (method, body, headers...); reconnections reuse its headers and credentials. */
  readonly init?: RequestInit;
  /** Aborts the request, any reconnection, and the stream. */
  readonly signal?: AbortSignal;
  readonly reconnect?: ReconnectOptions;
  /**
   * The longest SSE event (or line) accepted, in characters; a longer one fails the stream with a
   * TransportError instead of being held whole. Default 4 Mi, far above `toResponse`'s events.
   */
  readonly maxEventChars?: number;
  /**
   * How long a response may send nothing at all (no event, no keep-alive comment) before it is taken
   * for a dead connection: it is cancelled and the stream resumed like after any drop. When the
   * reconnections are spent, the TransportError's `cause` is the IdleTimeoutError. Keep it above twice
   * the server's `keepAliveMs`: a comment goes out only after a whole interval without writing, so the
   * gaps reach almost two. Default 45 s (three of `toResponse`'s 15 s intervals); 0: wait for ever.
   */
  readonly idleTimeoutMs?: number;
}

/** What the connection hands to the stream, in order, each exactly once. */
type ClientEvent =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "attempt"; readonly attempt: number }
  | { readonly type: "usage"; readonly usage: Usage }
  | { readonly type: "error"; readonly error: Error }
  | { readonly type: "done" };

const DEFAULT_DELAY_MS = 500;
const DEFAULT_IDLE_TIMEOUT_MS = 45_000;
/** The longest delay timers take; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_DELAY_MS = 10_000;

/** How much of a refusal's body is read: enough for any error message, never a whole error page. */
const ERROR_BODY_BYTES = 4096;
/** The longest reason put into an error message; the body keeps the rest. */
const MAX_REASON_CHARS = 300;

/**
 * The first `limit` bytes of a body as text. The rest is cancelled unread, so a huge or endless body
 * cannot hold up the error; a body that breaks gives what had arrived.
 */
async function readStart(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  try {
    while (size < limit) {
      const { value, done } = await reader.read();
      if (done) break;
      const part = value.subarray(0, limit - size);
      size += part.byteLength;
      // A character cut at the limit is dropped rather than shown as a replacement character.
      text += decoder.decode(part, { stream: true });
    }
  } catch {
    // What arrived before the break is still the best account of the refusal.
  } finally {
    reader.cancel().catch(() => {});
  }
  return text;
}

/** The message of a JSON error body: `{ error: { message } }`, `{ error: "..." }`, `{ message }` or a string. */
function jsonMessage(data: unknown): string | undefined {
  if (typeof data === "string") return data;
  if (typeof data !== "object" || data === null) return undefined;
  const { error, message } = data as { error?: unknown; message?: unknown };
  if (typeof error === "string") return error;
  if (typeof error === "object" && error !== null) {
    const inner = (error as { message?: unknown }).message;
    if (typeof inner === "string") return inner;
  }
  return typeof message === "string" ? message : undefined;
}

/**
 * Why the server refused, from the start of its body: a JSON error's message, an HTML page's title,
 * or plain text, on one line and clipped. Undefined when the body says nothing readable.
 */
function reasonOf(body: string, type: string): string | undefined {
  const text = body.trim();
  let reason: string | undefined = text;
  if (type.includes("json") || /^[{"]/.test(text)) {
    try {
      reason = jsonMessage(JSON.parse(text));
    } catch {
      // Cut at the limit or malformed: only text that never claimed to be JSON is shown as it is.
      if (type.includes("json")) reason = undefined;
    }
  } else if (type.includes("html") || /^<(!doctype|html)/i.test(text)) {
    reason = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  }
  const line = reason?.replace(/\s+/g, " ").trim();
  if (!line) return undefined;
  return line.length > MAX_REASON_CHARS ? `${line.slice(0, MAX_REASON_CHARS - 1)}…` : line;
}

function headersWithout(init: HeadersInit | undefined, drop: readonly string[]): Headers {
  const headers = new Headers(init);
  for (const name of drop) headers.delete(name);
  return headers;
}

/** The first request as a URL and an init, whatever form it was given in. */
async function firstRequest(
  input: Request | string | URL,
  init: RequestInit | undefined,
): Promise<{ url: string; init: RequestInit }> {
  if (typeof input === "string" || input instanceof URL) return { url: String(input), init: { ...init } };
  const method = input.method.toUpperCase();
  const body = method === "GET" || method === "HEAD" ? undefined : await input.arrayBuffer();
  return {
    url: input.url,
    init: {
      method,
      headers: input.headers,
      ...(body !== undefined ? { body } : {}),
      credentials: input.credentials,
      cache: input.cache,
      redirect: input.redirect,
      referrer: input.referrer,
      integrity: input.integrity,
      ...init,
    },
  };
}

/**
 * Calls `onIdle` once nothing was `touch`ed for `ms`. One timer per quiet spell, re-armed for what
 * remains when it finds a newer touch, so a busy stream costs a clock read per chunk, not a timer.
 */
class IdleWatch {
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(
    readonly ms: number,
    private readonly onIdle: () => void,
  ) {}

  start(): void {
    this.stop();
    this.last = performance.now();
    this.arm(this.ms);
  }

  touch(): void {
    this.last = performance.now();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => {
      const quiet = performance.now() - this.last;
      if (quiet < this.ms) {
        this.arm(this.ms - quiet);
        return;
      }
      this.timer = undefined;
      this.onIdle();
    }, delay);
  }
}

/**
 * One logical event stream over as many HTTP responses as it takes. Keeps the position (attempt and
 * characters of its text) of what it handed out, and after a drop asks for what follows exactly that,
 * dropping anything the server repeats and reconnecting again on a gap.
 */
class Connection {
  streamId: string | undefined = undefined;
  reconnects = 0;
  private hadUsage = false;
  /** A `done` or `error` has been queued: nothing more will come. */
  finished = false;
  private attempt = 1;
  private length = 0;
  private readonly queue: ClientEvent[] = [];
  private head = 0;
  private reading: Promise<void> | undefined = undefined;
  private failure: { error: unknown } | undefined = undefined;
  private readonly controller = new AbortController();
  /** The request under way: aborting it gives up this one response, not the stream. */
  private request: AbortController | undefined = undefined;
  private releaseRequest: () => void = () => {};
  /** Why the response under way was given up for its silence, once it was. */
  private silence: IdleTimeoutError | undefined = undefined;
  private readonly idle: IdleWatch | undefined;
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined = undefined;
  private decoder = new TextDecoder();
  private readonly parserOptions: SseParserOptions;
  private parser: SseParser;
  private opened = false;
  private url: string | undefined = undefined;
  private init: RequestInit = {};
  /** Reconnections in a row without anything new. */
  private failures = 0;
  private progressed = false;
  private readonly fetch: Fetch;

  constructor(
    private readonly input: Response | Request | string | URL,
    private readonly options: ReadObjectStreamOptions<unknown>,
  ) {
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.parserOptions = options.maxEventChars === undefined ? {} : { maxEventChars: options.maxEventChars };
    this.parser = new SseParser((event) => this.handle(event), this.parserOptions);
    const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.idle = idleMs > 0 && idleMs <= MAX_TIMER_MS ? new IdleWatch(idleMs, () => this.silent()) : undefined;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The next event, without taking it. Rejects when the stream cannot go on. */
  async peek(): Promise<ClientEvent> {
    for (;;) {
      const event = this.queue[this.head];
      if (event) return event;
      if (this.failure) throw this.failure.error;
      if (this.finished) throw new TransportError("The event stream is over");
      this.reading ??= this.readMore().finally(() => {
        this.reading = undefined;
      });
      await this.reading;
    }
  }

  /** The next event, taken. */
  async next(): Promise<ClientEvent> {
    const event = await this.peek();
    this.shift();
    return event;
  }

  /** Takes the event `peek` returned. */
  shift(): void {
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Stops everything: the request under way, any reconnection, and reading. */
  close(reason?: unknown): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(reason);
    this.failure ??= { error: this.controller.signal.reason };
    this.release();
  }

  private release(): void {
    this.idle?.stop();
    this.releaseRequest();
    const reader = this.reader;
    this.reader = undefined;
    reader?.cancel().catch(() => {});
  }

  /** A new request (or the given response) begins: it gets its own abort, and its own silence watch. */
  private begin(): AbortSignal {
    this.release();
    this.silence = undefined;
    const request = new AbortController();
    this.request = request;
    this.releaseRequest = follow(request, this.controller.signal);
    this.idle?.start();
    return request.signal;
  }

  /** Nothing arrived for too long: the response is cancelled, and its read fails with the silence. */
  private silent(): void {
    const silence = new IdleTimeoutError(this.idle!.ms, "The server");
    this.silence = silence;
    this.request?.abort(silence);
    this.release();
  }

  private async readMore(): Promise<void> {
    try {
      if (!this.reader) await this.open();
      const reader = this.reader!;
      const { value, done } = await reader.read();
      if (this.silence) throw this.silence;
      this.idle?.touch();
      if (done) {
        this.parser.push(this.decoder.decode());
        this.parser.end();
        if (!this.finished) this.dropped(new TransportError("The connection ended before the stream did"));
        return;
      }
      this.parser.push(this.decoder.decode(value, { stream: true }));
      if (this.finished) this.release();
    } catch (error) {
      if (this.controller.signal.aborted) {
        this.failure ??= { error: this.controller.signal.reason };
      } else if (error instanceof TransportError && !error.retryable) {
        this.failure = { error };
        this.release();
      } else {
        // Whatever cancelling a silent response made the fetch or the read throw, the silence is why.
        this.dropped(this.silence ?? error);
      }
    }
  }

  /** The connection broke: the next read reconnects, unless the retries are spent. */
  private dropped(error: unknown): void {
    this.release();
    if (this.progressed) this.failures = 0;
    this.progressed = false;
    this.failures++;
    const retries = this.options.reconnect?.retries ?? 3;
    if (this.streamId === undefined || this.failures > retries) {
      const why =
        this.streamId === undefined
          ? "before the server said which stream it was"
          : `after ${retries} reconnection${retries === 1 ? "" : "s"}`;
      const silence =
        error instanceof IdleTimeoutError ? `: the server sent nothing for ${error.idleMs} ms` : "";
      this.failure = {
        error: new TransportError(`The connection was lost ${why}${silence}`, { cause: error }),
      };
    }
  }

  private async open(): Promise<void> {
    let response: Response;
    if (!this.opened) {
      this.opened = true;
      const signal = this.begin();
      if (this.input instanceof Response) {
        response = this.input;
        this.url = response.url || undefined;
      } else {
        const first = await firstRequest(this.input, this.options.init);
        this.url = first.url;
        this.init = first.init;
        try {
          response = await this.fetch(first.url, { ...first.init, signal });
        } catch (error) {
          // Without a response there is no stream id to come back for; sending the request again
          // could start a second generation, so this is final.
          throw new TransportError("The request failed", { cause: this.silence ?? error, retryable: false });
        }
      }
      await this.accept(response, false);
      return;
    }
    this.reconnects++;
    // The caller's delay is the floor: a server that says `retry: 0` and drops every connection after
    // a little text (so the retries are never spent) must not get a reconnection storm.
    const wait = backoffDelay(
      this.failures,
      { baseMs: this.options.reconnect?.delayMs ?? DEFAULT_DELAY_MS, maxMs: MAX_DELAY_MS },
      this.parser.retry,
    );
    if (wait > 0) await sleep(wait, this.controller.signal);
    const id = this.streamId!;
    const lastEventId = formatPosition(this.attempt, this.length);
    const url = this.reconnectUrl({ id, lastEventId, reconnect: this.reconnects });
    const headers = headersWithout(this.options.init?.headers ?? this.init.headers, [
      "content-type",
      "content-length",
    ]);
    headers.set("last-event-id", lastEventId);
    headers.set(STREAM_ID_HEADER, id);
    headers.set("accept", "text/event-stream");
    const init: RequestInit = { method: "GET", headers, signal: this.begin() };
    const credentials = this.options.init?.credentials ?? this.init.credentials;
    if (credentials !== undefined) init.credentials = credentials;
    response = await this.fetch(url, init);
    await this.accept(response, true);
  }

  private reconnectUrl(context: ReconnectContext): string {
    const option = this.options.reconnect?.url;
    let url: string | URL | undefined;
    if (typeof option === "function") url = option(context);
    else if (Array.isArray(option)) url = option[(context.reconnect - 1) % option.length];
    else if (option !== undefined) url = option as string | URL;
    else url = this.url;
    if (url === undefined) {
      throw new TransportError("Cannot reconnect: the response has no URL; pass reconnect.url", {
        retryable: false,
      });
    }
    return String(url);
  }

  /** Checks a response and starts reading it. */
  private async accept(response: Response, resumed: boolean): Promise<void> {
    this.idle?.touch();
    if (!response.ok) {
      const body = await readStart(response, ERROR_BODY_BYTES);
      const reason = reasonOf(body, response.headers.get("content-type") ?? "");
      throw new TransportError(
        `The server answered ${response.status}${resumed ? " to a reconnection" : ""}${reason ? `: ${reason}` : ""}`,
        {
          status: response.status,
          body,
          // A first request that failed, or a stream the server no longer knows, will not get better.
          retryable: resumed && isRetryableStatus(response.status),
        },
      );
    }
    const type = response.headers.get("content-type") ?? "";
    if (!type.includes("text/event-stream") || !response.body) {
      response.body?.cancel().catch(() => {});
      throw new TransportError(`Expected an event stream, got ${type || "no content type"}`, {
        status: response.status,
        retryable: false,
      });
    }
    this.streamId ??= response.headers.get(STREAM_ID_HEADER) ?? undefined;
    this.decoder = new TextDecoder();
    const retry = this.parser.retry;
    this.parser = new SseParser((event) => this.handle(event), this.parserOptions);
    this.parser.retry = retry;
    this.reader = response.body.getReader();
  }

  private push(event: ClientEvent): void {
    this.queue.push(event);
    this.progressed = true;
  }

  private handle(sse: SseEvent): void {
    if (this.finished) return;
    switch (sse.type) {
      case "message":
        this.text(sse.data, sse.id);
        return;
      case "text":
        this.text(this.json(sse.data) as string, sse.id);
        return;
      case "stream": {
        const id = (this.json(sse.data) as { id?: unknown }).id;
        if (typeof id === "string") this.streamId ??= id;
        return;
      }
      case "attempt": {
        const attempt = Number((this.json(sse.data) as { attempt?: unknown }).attempt);
        if (!(attempt > this.attempt)) return; // already had it
        this.attempt = attempt;
        this.length = 0;
        this.push({ type: "attempt", attempt });
        return;
      }
      case "usage":
        // The total, sent once before the end; a resumed response may send it again.
        if (!this.hadUsage) this.push({ type: "usage", usage: usageFrom(this.json(sse.data)) });
        this.hadUsage = true;
        return;
      case "error":
        this.finished = true;
        this.push({ type: "error", error: reviveError(this.json(sse.data)) });
        return;
      case "done": {
        const end = this.json(sse.data) as { attempt?: unknown; length?: unknown };
        if (end.attempt !== this.attempt || end.length !== this.length) {
          throw new TransportError(
            `The stream ended at ${end.attempt}:${end.length} but ${this.attempt}:${this.length} arrived`,
          );
        }
        this.finished = true;
        this.push({ type: "done" });
        return;
      }
      default:
        return; // unknown events are for newer clients
    }
  }

  /** Text at its position: repeats are dropped, a gap is a broken connection (reconnect from here). */
  private text(text: string, id: string | undefined): void {
    if (typeof text !== "string") throw new TransportError("A text event without text");
    if (id !== undefined) {
      const position = parsePosition(id);
      if (!position) throw new TransportError(`Invalid event id ${JSON.stringify(id)}`);
      const [attempt, end] = position;
      if (attempt < this.attempt || (attempt === this.attempt && end <= this.length)) return;
      const start = end - text.length;
      if (attempt > this.attempt || start > this.length) {
        throw new TransportError(`Missing text before ${id} (have ${this.attempt}:${this.length})`);
      }
      if (start < this.length) text = text.slice(this.length - start);
    }
    if (text.length === 0) return;
    this.length += text.length;
    this.push({ type: "text", text });
  }

  private json(data: string): unknown {
    try {
      return JSON.parse(data);
    } catch (error) {
      throw new TransportError("An event with invalid JSON data", { cause: error });
    }
  }
}

/** The counts of a usage event, as far as they are numbers: the server is not trusted blindly. */
function usageFrom(data: unknown): Usage {
  const usage: Record<string, number> = {};
  if (typeof data === "object" && data !== null) {
    for (const key of ["inputTokens", "outputTokens", "totalTokens", "cacheReadTokens", "cacheWriteTokens"]) {
      const value = (data as Record<string, unknown>)[key];
      if (typeof value === "number" && Number.isFinite(value)) usage[key] = value;
    }
  }
  return usage;
}

/**
 * The driver of a stream read from the server: the connection's events written into the stream as
 * they come, the same fold as on the server. An attempt that fails here before it does on the server
 * (a stricter schema, say) skips the rest of its text and follows the server to its next attempt.
 */
function remoteDriver(connection: Connection): Driver {
  return async (writer) => {
    for (;;) {
      const event = await connection.next();
      switch (event.type) {
        case "text":
          writer.write({ type: "text", text: event.text });
          break;
        case "attempt":
          writer.write({ type: "attempt" });
          break;
        case "usage":
          writer.write(event);
          break;
        case "error":
          // An attempt already given up here fails with its own reason, as it would have on its own.
          writer.fail(writer.attemptSignal.aborted ? writer.attemptSignal.reason : event.error);
          return;
        case "done": {
          const outcome = await writer.settle();
          if (outcome.ok) writer.done(outcome.value);
          else writer.fail(outcome.error);
          return;
        }
      }
    }
  };
}

/** An ObjectStream read from a `toResponse` endpoint, with what its connection knows. */
export type RemoteObjectStream<Partial, Output, Element = never> = ObjectStream<Partial, Output, Element> & {
  /** The server's id for the stream, once known. */
  readonly streamId: string | undefined;
  /** How many times the connection was re-established. */
  readonly reconnects: number;
};

type Parts<S> = ObjectStreamOf<S> extends ObjectStream<infer P, infer O, infer E> ? [P, O, E] : never;

/** The stream `readObjectStream` returns for a schema. */
export type RemoteObjectStreamOf<S> = RemoteObjectStream<Parts<S>[0], Parts<S>[1], Parts<S>[2]>;

/**
 * Reads an object streamed by `toResponse`: a `Response` already fetched, or a `Request` or URL to
 * fetch. Gives the same ObjectStream as on the server (partials, elements, `final` validated with
 * `schema` here, `attempt`), rebuilt from the raw text with one incremental parse. Server errors
 * arrive as the same error classes with the same fields. A dropped connection is resumed from the
 * exact character received (`reconnect`), with nothing repeated and nothing missed.
 */
export function readObjectStream<S>(
  input: Response | Request | string | URL,
  options: ReadObjectStreamOptions<S>,
): RemoteObjectStreamOf<S> {
  const {
    fetch: _fetch,
    init: _init,
    reconnect: _reconnect,
    maxEventChars: _maxEventChars,
    idleTimeoutMs: _idleTimeoutMs,
    signal,
    ...streamOptions
  } = options;
  // The caller's signals may outlive many streams: this stream listens to them through a controller
  // of its own, and lets go of them as soon as it is over, however it ends.
  const aborted = new AbortController();
  const release = follow(aborted, signal, options.init?.signal ?? undefined);
  const connection = new Connection(input, options as ReadObjectStreamOptions<unknown>);
  const stream = new ObjectStream<unknown, unknown, unknown>(
    { ...streamOptions, signal: aborted.signal },
    remoteDriver(connection),
  );
  Object.defineProperties(stream, {
    streamId: { get: () => connection.streamId, enumerable: true },
    reconnects: { get: () => connection.reconnects, enumerable: true },
  });
  // The stream's own signal aborts on any failure, the caller's abort included (passed on above).
  const stop = () => connection.close(stream.signal.reason);
  stream.signal.addEventListener("abort", stop, { once: true });
  stream.final.then(() => {
    release();
    connection.close();
  }, release);
  return stream.start() as unknown as RemoteObjectStreamOf<S>;
}
