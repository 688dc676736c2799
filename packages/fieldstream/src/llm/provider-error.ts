// Turns whatever an SDK throws (an HTTP error with a status, an error the provider sent inside the
// stream, a dropped connection, a timeout) into a ProviderError that says whether trying again may help.

import { isRetryableStatus, ProviderError } from "../errors/index.js";
import {
  anthropicErrorStatus,
  googleErrorStatus,
  openaiErrorStatus,
  openaiErrorType,
} from "./error-status.js";

interface HttpErrorLike {
  readonly status?: unknown;
  readonly error?: unknown;
  readonly type?: unknown;
  readonly headers?: unknown;
  readonly message?: unknown;
}

/** What the provider said about a failure, as far as the SDK's error lets us read it. */
interface Reported {
  readonly status: number | undefined;
  readonly type: string | undefined;
  readonly message: string | undefined;
  readonly body: unknown;
  /** Sent inside a stream that had started, rather than as the HTTP response. */
  readonly inStream: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

// `@google/genai` keeps no parsed body: it writes the JSON into the message, after this prefix when
// the error came inside the stream.
const GOOGLE_STREAM_PREFIX = /^got status: [^.]*\. /;

/**
 * Reads the provider's error out of what an SDK threw. The SDKs throw an in-stream error before an
 * adapter sees it, and without a status: `openai` and `@anthropic-ai/sdk` as an APIError with the
 * parsed payload in `error` (a connection error has none), `@google/genai` as an ApiError whose status
 * is the body's `code` and whose message holds the body.
 */
function reported(e: HttpErrorLike): Reported | undefined {
  const body = e.error;
  if (isRecord(body)) {
    const inStream = typeof e.status !== "number";
    if (body.type === "error" && isRecord(body.error)) {
      // Anthropic's envelope, as an HTTP body or an `event: error`.
      const type = text(body.error.type) ?? text(e.type);
      return { status: anthropicErrorStatus(type), type, message: text(body.error.message), body, inStream };
    }
    // OpenAI's error object, and the many servers that copy it (Groq, OpenRouter, vLLM...).
    return {
      status: openaiErrorStatus(body),
      type: openaiErrorType(body),
      message: text(body.message),
      body,
      inStream,
    };
  }
  if (typeof e.status === "number" && typeof e.message === "string") {
    const inStream = GOOGLE_STREAM_PREFIX.test(e.message);
    const json = e.message.replace(GOOGLE_STREAM_PREFIX, "");
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      return undefined;
    }
    if (!isRecord(parsed) || !isRecord(parsed.error)) return undefined;
    const error = parsed.error;
    return {
      status: googleErrorStatus(error),
      type: text(error.status),
      message: text(error.message),
      body: parsed,
      inStream,
    };
  }
  return undefined;
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

function retryAfterMs(headers: unknown): number | undefined {
  const ms = header(headers, "retry-after-ms");
  if (ms !== undefined && Number.isFinite(Number(ms))) return Number(ms);
  const seconds = header(headers, "retry-after");
  if (seconds === undefined) return undefined;
  if (Number.isFinite(Number(seconds))) return Number(seconds) * 1000;
  const date = Date.parse(seconds);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The typed form of an SDK failure. `signal` tells an abort (passed through) from a broken connection. */
export function toProviderError(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof ProviderError) return error;
  const e = (error ?? {}) as HttpErrorLike;
  const sdkMessage = typeof e.message === "string" ? e.message : String(error);
  const said = reported(e);
  // The HTTP status wins; an in-stream error came after a 200, so its body says what it stands for.
  const status = typeof e.status === "number" ? e.status : said?.status;
  if (said !== undefined) {
    const wait = said.inStream ? undefined : retryAfterMs(e.headers);
    const type = said.type ?? text(e.type);
    return new ProviderError(said.inStream ? (said.message ?? sdkMessage) : sdkMessage, {
      ...(status !== undefined ? { status } : {}),
      ...(type !== undefined ? { type } : {}),
      body: said.body,
      // Without a status the provider still said what went wrong: a failure on its side, which the
      // one rule treats like a broken connection.
      retryable: isRetryableStatus(status),
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      cause: error,
    });
  }
  if (status !== undefined) {
    const wait = retryAfterMs(e.headers);
    const type = text(e.type);
    return new ProviderError(sdkMessage, {
      status,
      ...(type !== undefined ? { type } : {}),
      body: e.error,
      retryable: isRetryableStatus(status),
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      cause: error,
    });
  }
  // No status and nothing to read one from: the connection failed or dropped mid-stream (or the
  // provider sent an error it did not describe), which a new request may well survive.
  return new ProviderError(sdkMessage, {
    ...(e.error !== undefined ? { body: e.error } : {}),
    retryable: true,
    cause: error,
  });
}
