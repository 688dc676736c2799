// The state behind useObjectStream, kept free of React so it can be tested on its own: it holds the
// ObjectStream of the current request and tells subscribers when what a component would show changed.

import { reviveError, serializeError } from "../http/index.js";
import type { PathSegment } from "../json/index.js";
import type { Usage } from "../stream/index.js";

/** What the hook reports: idle before the first request and after `stop()`. */
export type ObjectStreamStatus = "idle" | "streaming" | "done" | "error";

/** One immutable view of the request under way; a new object only when something in it changed. */
export interface ObjectStreamState<Partial> {
  /** The newest partial (structurally shared with the previous one), kept after an error or a stop. */
  readonly object: Partial | undefined;
  readonly status: ObjectStreamStatus;
  /**
   * What the stream failed with, while `status` is `"error"`: always an Error (server errors arrive as
   * their own classes; anything else a request fails with is wrapped in one).
   */
  readonly error: Error | undefined;
  /** The attempt the partial belongs to (a retry on the server starts the partials afresh). */
  readonly attempt: number;
  /**
   * Token usage over all attempts, as the server reported it at the end of the stream (after an error
   * too); model-call streams report `inputTokens`, `outputTokens` and `totalTokens`. Undefined until
   * then, and for streams that report none.
   */
  readonly usage: Usage | undefined;
}

/** The part of an ObjectStream the store reads. */
export interface StreamLike<Partial, Output> extends AsyncIterable<Partial> {
  readonly final: Promise<Output>;
  readonly partial: Partial | undefined;
  readonly attempt: number;
  /** Present on streams read with `readObjectStream`. */
  readonly usage?: Usage | undefined;
  isComplete(node?: object, key?: PathSegment): boolean;
  abort(reason?: unknown): void;
}

/** Opens the stream for one request; `signal` aborts when the request is stopped or replaced. */
export type OpenStream<Partial, Output> = (body: unknown, signal: AbortSignal) => StreamLike<Partial, Output>;

export interface StoreCallbacks<Output> {
  readonly onFinish?: (object: Output) => void;
  readonly onError?: (error: Error) => void;
}

const IDLE: ObjectStreamState<never> = Object.freeze({
  object: undefined,
  status: "idle",
  error: undefined,
  attempt: 0,
  usage: undefined,
});

/**
 * `error` itself when it is an Error; otherwise an Error with its message and JSON-safe fields, made the
 * way errors cross the wire, so a component can always show `error.message`.
 */
export function toError(error: unknown): Error {
  return error instanceof Error ? error : reviveError(serializeError(error));
}

/** The reason a request stopped by `stop()` or replaced by a new `submit()` is aborted with. */
export class StreamStoppedError extends Error {
  override readonly name = "StreamStoppedError";
  constructor() {
    super("The stream was stopped");
  }
}

/**
 * One request at a time: `submit` replaces the one under way, `stop` aborts it. Every method is bound,
 * so they can be handed to React as they are and never change identity.
 */
export class ObjectStreamStore<Partial, Output> {
  private state: ObjectStreamState<Partial> = IDLE;
  private readonly listeners = new Set<() => void>();
  private stream: StreamLike<Partial, Output> | undefined = undefined;
  private controller: AbortController | undefined = undefined;

  constructor(
    private readonly open: OpenStream<Partial, Output>,
    private readonly callbacks: () => StoreCallbacks<Output> = () => ({}),
  ) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  readonly getSnapshot = (): ObjectStreamState<Partial> => this.state;

  /** Rendering on a server shows the state before any request. */
  readonly getServerSnapshot = (): ObjectStreamState<Partial> => IDLE;

  /**
   * Whether a node of the current partial is complete: no argument, the whole value; an array or
   * object, that container; a parent and key, the value at `parent[key]`. Completed nodes keep their
   * identity, so the answer for a given node never goes back to false.
   */
  readonly isComplete = (node?: object, key?: PathSegment): boolean => {
    const stream = this.stream;
    if (stream === undefined) return false;
    if (node === undefined) return stream.isComplete();
    return key === undefined ? stream.isComplete(node) : stream.isComplete(node, key);
  };

  /** Starts a request with `body`, stopping the one under way. */
  readonly submit = (body?: unknown): void => {
    this.cancel();
    const controller = new AbortController();
    this.controller = controller;
    let stream: StreamLike<Partial, Output>;
    try {
      stream = this.open(body, controller.signal);
    } catch (thrown) {
      this.controller = undefined;
      const error = toError(thrown);
      this.set({ object: undefined, status: "error", error, attempt: 0, usage: undefined });
      this.callbacks().onError?.(error);
      return;
    }
    this.stream = stream;
    this.set({
      object: undefined,
      status: "streaming",
      error: undefined,
      attempt: stream.attempt,
      usage: undefined,
    });
    void this.follow(stream, controller.signal);
  };

  /** Aborts the request under way and keeps the partial it got to. */
  readonly stop = (): void => {
    if (this.state.status !== "streaming") return;
    this.cancel();
    this.set({ ...this.state, status: "idle" });
  };

  private cancel(): void {
    const controller = this.controller;
    const stream = this.stream;
    this.controller = undefined;
    if (controller === undefined) return;
    const reason = new StreamStoppedError();
    controller.abort(reason);
    stream?.abort(reason);
  }

  /** Reads the newest partials of one request until it ends, unless a newer request replaced it. */
  private async follow(stream: StreamLike<Partial, Output>, signal: AbortSignal): Promise<void> {
    try {
      // The iterator only wakes us up: the partial and the attempt are read together, so a partial
      // is never shown under the number of the attempt after it.
      for await (const _ of stream) {
        if (signal.aborted) return;
        this.show(stream, "streaming");
      }
      const value = await stream.final;
      if (signal.aborted) return;
      this.controller = undefined;
      this.show(stream, "done");
      this.callbacks().onFinish?.(value);
    } catch (thrown) {
      if (signal.aborted) return;
      this.controller = undefined;
      const error = toError(thrown);
      this.set({
        object: stream.partial,
        status: "error",
        error,
        attempt: stream.attempt,
        usage: stream.usage,
      });
      this.callbacks().onError?.(error);
    }
  }

  /** The stream's newest partial, attempt and usage under `status`, unless that is what is shown. */
  private show(stream: StreamLike<Partial, Output>, status: ObjectStreamStatus): void {
    const { partial: object, attempt } = stream;
    // The usage event comes just before the end, often in the same read as the last text: holding it
    // back until then gives one rule (known once the stream ends) and no extra render for it.
    const usage = status === "streaming" ? undefined : stream.usage;
    const state = this.state;
    if (state.object === object && state.attempt === attempt && state.status === status) return;
    this.set({ object, status, error: undefined, attempt, usage });
  }

  private set(state: ObjectStreamState<Partial>): void {
    this.state = state;
    for (const listener of [...this.listeners]) listener();
  }
}
