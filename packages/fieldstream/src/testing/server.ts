// The loopback HTTP server behind `startMockProvider`: routes requests to a wire format, logs them,
// picks a script, writes the answer with its delays and faults, and shuts down without hanging tests.

import { setMaxListeners } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { dropAfter, injectFault, isCleanDrop, isStatusFault, type StatusFault } from "./faults.js";
import { detectFormat, loadRecording, replayEvents } from "./replay.js";
import { isReplay, type MockScript, planScript, ScriptError } from "./script.js";
import { type ApiName, matchRoute, type WireEvent, type WireFormat } from "./wire/index.js";
import { frameSse } from "./wire/sse.js";
import type { WireContext } from "./wire/types.js";

/** One request as the server received it. */
export interface RecordedRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  readonly body: unknown;
  /** Which API the route belongs to; undefined for an unknown route. */
  readonly api: ApiName | undefined;
  /** Whether the request asked for a stream. */
  readonly stream: boolean;
  /** The API key, wherever this API carries it (`Authorization`, `x-api-key`, `x-goog-api-key`, `?key=`). */
  readonly apiKey: string | undefined;
}

/** Computes the script for a request; returning undefined falls through to `defaultScript`. */
export type MockHandler = (
  request: RecordedRequest,
) => MockScript | undefined | Promise<MockScript | undefined>;

export interface MockProviderOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Defaults to 127.0.0.1. */
  readonly host?: string;
  /** Answers requests when the queue is empty and the handler gives nothing. */
  readonly defaultScript?: MockScript;
  readonly handler?: MockHandler;
  /** Answer 401 (in the provider's format) when no key is sent, or, given a string, a different one. */
  readonly requireKey?: boolean | string;
}

export interface MockProvider {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Scripts for the next requests, one each, first in first out. */
  enqueue(...scripts: MockScript[]): void;
  /** Consulted when the queue is empty; pass undefined to remove it. */
  setHandler(handler: MockHandler | undefined): void;
  /** Stops the server and destroys open connections, stalled streams included. */
  close(): Promise<void>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/** Resolves once `chunk` is handed to the kernel (so a following destroy cannot discard it). */
function write(res: ServerResponse, chunk: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed || signal.aborted) return resolve();
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    res.write(chunk, done);
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    // A client that goes away mid-body still gets logged with what it sent.
    req.on("error", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent || res.destroyed) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  let json = typeof body !== "string";
  if (!json) {
    try {
      JSON.parse(text);
      json = true;
    } catch {
      // Sent as plain text: the point of a custom string body may be that it is not JSON.
    }
  }
  res.writeHead(status, {
    ...headers,
    "content-type": json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

interface Answer {
  readonly res: ServerResponse;
  readonly wire: WireFormat;
  readonly ctx: WireContext;
  /** Aborts when the client goes away or the server closes. */
  readonly gone: AbortSignal;
}

function sendStatusFault({ res, wire, ctx }: Answer, fault: StatusFault) {
  const headers = wire.headers(ctx);
  if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
  const message = fault.message ?? `Mock error ${fault.status}`;
  sendJson(res, fault.status, fault.body ?? wire.errorBody(fault.status, message, ctx), headers);
}

/**
 * Writes the events with `delayMs` between them. A drop cuts the body after that many bytes (or at
 * its end) and destroys the socket, or with `cleanDrop` ends it after the last whole event; a stall leaves the connection open until the client or the
 * server closes it. Gemini without `alt=sse` streams a JSON array instead of events.
 */
async function writeEvents(
  answer: Answer,
  events: readonly WireEvent[],
  options: {
    readonly delayMs: number;
    readonly dropAfterBytes: number | undefined;
    readonly cleanDrop?: boolean;
    readonly jsonArray: boolean;
  },
) {
  const { res, wire, ctx, gone } = answer;
  res.writeHead(200, {
    ...wire.headers(ctx),
    "content-type": options.jsonArray
      ? "application/json; charset=utf-8"
      : "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  res.flushHeaders();
  let sent = 0;
  let written = 0;
  const drop = options.dropAfterBytes;
  for (const event of events) {
    if (gone.aborted) return;
    if (event.stall) {
      await untilAborted(gone);
      return;
    }
    if (written > 0 && options.delayMs > 0) {
      await sleep(options.delayMs, gone);
      if (gone.aborted) return;
    }
    const frame = options.jsonArray
      ? `${written === 0 ? "[" : ",\r\n"}${event.text ?? JSON.stringify(event.data)}`
      : frameSse(event, wire.eol);
    const bytes = Buffer.from(frame, "utf8");
    written += 1;
    if (drop !== undefined && sent + bytes.length > drop && options.cleanDrop) {
      res.end();
      return;
    }
    if (drop !== undefined && sent + bytes.length >= drop && !options.cleanDrop) {
      await cut(answer, bytes.subarray(0, drop - sent));
      return;
    }
    sent += bytes.length;
    await write(res, bytes, gone);
  }
  const tail = options.jsonArray ? Buffer.from(written === 0 ? "[]" : "]") : Buffer.alloc(0);
  if (drop !== undefined && options.cleanDrop) {
    res.end(sent + tail.length > drop ? undefined : tail);
    return;
  }
  if (drop !== undefined) {
    await cut(answer, tail.subarray(0, Math.max(0, drop - sent)));
    return;
  }
  res.end(tail);
}

/** Writes the last bytes, then destroys the socket once they are out. */
async function cut({ res, gone }: Answer, last: Buffer) {
  if (last.length > 0) await write(res, last, gone);
  else await new Promise((resolve) => setImmediate(resolve));
  res.socket?.destroy();
  res.destroy();
}

/** A non-streaming answer, with the faults that make sense for one. */
async function writeBody(answer: Answer, body: unknown, fault: MockScript["fault"]) {
  const { res, wire, ctx, gone } = answer;
  const text = JSON.stringify(body);
  if (fault !== undefined && "stallAfter" in fault) {
    res.writeHead(200, { ...wire.headers(ctx), "content-type": "application/json; charset=utf-8" });
    res.flushHeaders();
    await untilAborted(gone);
    return;
  }
  if (fault !== undefined && "errorEventAfter" in fault) {
    sendStatusFault(answer, {
      status: fault.status ?? 500,
      ...(fault.message === undefined ? {} : { message: fault.message }),
    });
    return;
  }
  const broken = fault !== undefined && "malformedEventAfter" in fault;
  let bytes = Buffer.from(broken ? text.slice(0, Math.ceil(text.length / 2)) : text, "utf8");
  const drop = dropAfter(fault);
  // A clean drop of a whole answer: a shorter body, with a length that says so.
  if (drop !== undefined && isCleanDrop(fault)) bytes = bytes.subarray(0, drop);
  res.writeHead(200, {
    ...wire.headers(ctx),
    "content-type": "application/json; charset=utf-8",
    "content-length": String(bytes.length),
  });
  if (drop !== undefined && !isCleanDrop(fault)) {
    res.flushHeaders();
    await cut(answer, bytes.subarray(0, drop));
    return;
  }
  res.end(bytes);
}

export async function startMockProvider(options: MockProviderOptions = {}): Promise<MockProvider> {
  const host = options.host ?? "127.0.0.1";
  const queue: MockScript[] = [];
  const requests: RecordedRequest[] = [];
  let handler = options.handler;
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  // Every open request listens for the shutdown; many at once is normal, not a leak.
  setMaxListeners(0, closing.signal);
  let counter = 0;
  const id = (prefix: string) => `${prefix}mock${(++counter).toString().padStart(6, "0")}`;

  async function pickScript(request: RecordedRequest): Promise<MockScript | undefined> {
    return queue.shift() ?? (await handler?.(request)) ?? options.defaultScript;
  }

  async function answer(req: IncomingMessage, res: ServerResponse, gone: AbortSignal) {
    const target = req.url ?? "/";
    // Joined rather than resolved, so that a path starting with "//" stays a path.
    const url = target.startsWith("/")
      ? new URL(`http://mock.invalid${target}`)
      : new URL(target, "http://mock.invalid");
    const route = matchRoute(req.method ?? "GET", url.pathname);
    const raw = await readBody(req);
    const headers = headerRecord(req);
    const query = Object.fromEntries(url.searchParams);
    let body: unknown = raw === "" ? undefined : raw;
    let parsed = false;
    try {
      if (raw !== "") {
        body = JSON.parse(raw);
        parsed = true;
      }
    } catch {
      // Logged as text; the route answers 400 below, as the real APIs do.
    }
    const wire = route?.wire;
    const request: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query,
      headers,
      body,
      api: wire?.api,
      stream: route?.pathStream ?? (isObject(body) && body.stream === true),
      apiKey: wire?.apiKey(headers, query),
    };
    requests.push(request);

    if (route === undefined || wire === undefined) {
      sendJson(res, 404, {
        error: {
          code: 404,
          type: "not_found_error",
          status: "NOT_FOUND",
          message: `No mock route for ${request.method} ${request.path}`,
        },
      });
      return;
    }
    const errorCtx = { id };
    const fail = (status: number, message: string) =>
      sendJson(res, status, wire.errorBody(status, message, errorCtx), wire.headers(errorCtx));

    if (!parsed || !isObject(body)) {
      fail(400, "The request body is not a JSON object.");
      return;
    }
    const required = options.requireKey;
    if (required !== undefined && required !== false) {
      const key = request.apiKey;
      if (key === undefined || (typeof required === "string" && key !== required)) {
        fail(401, key === undefined ? "No API key provided." : "Incorrect API key provided.");
        return;
      }
    }

    let script: MockScript | undefined;
    try {
      script = await pickScript(request);
    } catch (error) {
      fail(500, `fieldstream/testing: the handler failed: ${String(error)}`);
      return;
    }
    if (script === undefined) {
      fail(
        500,
        `fieldstream/testing: no script for ${request.method} ${request.path}; ` +
          "call mock.enqueue(...) or mock.setHandler(...), or pass defaultScript",
      );
      return;
    }
    const requested = typeof body.model === "string" ? body.model : undefined;
    const scripted = isReplay(script) ? undefined : script.model;
    const ctx: WireContext = {
      body,
      model: scripted ?? route.pathModel ?? requested ?? wire.defaultModel,
      created: Math.floor(Date.now() / 1000),
      id,
    };
    const out: Answer = { res, wire, ctx, gone };
    const fault = script.fault;
    try {
      if (isStatusFault(fault)) {
        sendStatusFault(out, fault);
        return;
      }
      const jsonArray = wire.api === "google-gemini" && request.stream && query.alt !== "sse";
      if (isReplay(script)) {
        const recording = await loadRecording(script);
        let events = replayEvents(recording, script.format ?? detectFormat(recording), wire);
        events = injectFault(events, fault, wire, ctx);
        await writeEvents(out, wire.finalize?.(events) ?? events, {
          delayMs: script.delayMs ?? 0,
          dropAfterBytes: dropAfter(fault),
          cleanDrop: isCleanDrop(fault),
          jsonArray: false,
        });
        return;
      }
      const plan = planScript(script, raw);
      if (!request.stream) {
        // A whole answer has no events to pace; it comes after one delay, like a slow server.
        if (plan.delayMs > 0) await sleep(plan.delayMs, gone);
        await writeBody(out, wire.body(plan, ctx), fault);
        return;
      }
      let events = injectFault(wire.stream(plan, ctx), fault, wire, ctx);
      events = wire.finalize?.(events) ?? events;
      await writeEvents(out, events, {
        delayMs: plan.delayMs,
        dropAfterBytes: dropAfter(fault),
        cleanDrop: isCleanDrop(fault),
        jsonArray,
      });
    } catch (error) {
      if (!(error instanceof ScriptError)) throw error;
      fail(500, `fieldstream/testing: ${error.message}`);
    }
  }

  const server = createServer({ noDelay: true }, (req, res) => {
    // Errors on a connection the client dropped are expected here and must never crash the test run.
    req.on("error", () => {});
    res.on("error", () => {});
    const gone = new AbortController();
    const leave = () => gone.abort();
    res.on("close", leave);
    closing.signal.addEventListener("abort", leave, { once: true });
    answer(req, res, gone.signal)
      .catch((error: unknown) => {
        if (!res.headersSent)
          sendJson(res, 500, { error: { message: `fieldstream/testing: ${String(error)}` } });
        else res.destroy();
      })
      .finally(() => closing.signal.removeEventListener("abort", leave));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(":") ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${hostInUrl}:${port}`,
    port,
    requests,
    enqueue: (...scripts) => {
      queue.push(...scripts);
    },
    setHandler: (next) => {
      handler = next;
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
