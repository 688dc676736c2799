// useObjectStream: posts a request to an endpoint that answers with `toResponse` and renders the
// object it streams back, field by field, through useSyncExternalStore over an ObjectStreamStore.

import { useEffect, useInsertionEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { type Fetch, readObjectStream } from "../http/index.js";
import type { PathSegment } from "../json/index.js";
import type { DeepPartial, InputOf, JsonSchema, OutputOf } from "../schema/internal.js";
import type { ObjectStream, Usage } from "../stream/index.js";
import { type ObjectStreamStatus, ObjectStreamStore } from "./store.js";

type PartialOf<S> = DeepPartial<InputOf<S>>;

/** How the hook reaches the server (a URL string and a full init); `fetch` by default. */
export type Fetcher = Fetch;

export interface UseObjectStreamOptions<S> {
  /** The endpoint `submit` posts to. Defaults to `/api/object`. */
  readonly api?: string;
  /** Replaces `fetch`, for the first request and for reconnections alike. */
  readonly fetcher?: Fetcher;
  /** The schema of the streamed object: zod 4, or any Standard Schema together with `jsonSchema`. */
  readonly schema: S;
  readonly jsonSchema?: JsonSchema;
  /** Merged into every request (headers, credentials...); `method` and `body` are the hook's. */
  readonly init?: RequestInit;
  /** Read prose or a ```json fence around the value: set it when the server streams a text mode. */
  readonly lenient?: boolean;
  /** The validated object, once the stream is done. */
  readonly onFinish?: (object: OutputOf<S>) => void;
  /** What the stream failed with, always an Error (not called for `stop()`). */
  readonly onError?: (error: Error) => void;
}

export interface UseObjectStreamResult<S> {
  /** The newest partial; unchanged parts keep their identity from one render to the next. */
  readonly object: PartialOf<S> | undefined;
  /**
   * Whether a node of `object` is complete: no argument, the whole object; an array or object, that
   * node; a parent and key, `parent[key]`. The function's identity never changes.
   */
  readonly isComplete: (node?: object, key?: PathSegment) => boolean;
  readonly status: ObjectStreamStatus;
  /**
   * What the stream failed with, while `status` is `"error"`: server errors arrive as their own
   * classes (`ValidationError`, `ProviderError`...), anything else a request fails with as an Error.
   */
  readonly error: Error | undefined;
  /** The attempt the partial belongs to: it goes up when the server retries the model. */
  readonly attempt: number;
  /**
   * Token usage the server reported, once the stream has ended (done or error): `inputTokens`,
   * `outputTokens` and `totalTokens` over all attempts for a model call. Undefined before that.
   */
  readonly usage: Usage | undefined;
  /** Posts `body` as JSON and streams the answer, replacing the request under way. */
  readonly submit: (body?: unknown) => void;
  /** Aborts the request under way; the partial it got to stays. */
  readonly stop: () => void;
}

/**
 * Streams an object from an endpoint that answers with `toResponse`. The result only changes when
 * something shown changed, and `object` is structurally shared, so `memo` children that receive a
 * part of it re-render only while that part grows.
 */
export function useObjectStream<S>(options: UseObjectStreamOptions<S>): UseObjectStreamResult<S> {
  // The latest options, read when a request starts, so callers need not memoise them.
  const latest = useRef(options);
  useInsertionEffect(() => {
    latest.current = options;
  });

  const [store] = useState(
    () =>
      new ObjectStreamStore<PartialOf<S>, OutputOf<S>>(
        (body, signal) => {
          const { api, fetcher, schema, jsonSchema, init, lenient } = latest.current;
          const headers = new Headers(init?.headers);
          if (!headers.has("content-type")) headers.set("content-type", "application/json");
          const stream = readObjectStream(api ?? "/api/object", {
            schema,
            ...(jsonSchema !== undefined ? { jsonSchema } : {}),
            ...(fetcher !== undefined ? { fetch: fetcher } : {}),
            ...(lenient !== undefined ? { lenient } : {}),
            init: { ...init, method: "POST", headers, body: JSON.stringify(body ?? {}) },
            signal,
          });
          return stream as unknown as ObjectStream<PartialOf<S>, OutputOf<S>, unknown>;
        },
        () => latest.current,
      ),
  );

  const state = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);

  // Leaving the page cancels the request; stop() is a no-op when nothing is under way, so the
  // mount-unmount-mount of StrictMode costs nothing.
  useEffect(() => store.stop, [store]);

  return useMemo(
    () => ({
      object: state.object,
      isComplete: store.isComplete,
      status: state.status,
      error: state.error,
      attempt: state.attempt,
      usage: state.usage,
      submit: store.submit,
      stop: store.stop,
    }),
    [state, store],
  );
}
