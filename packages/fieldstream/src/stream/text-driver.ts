// The driver of a stream read from a plain text source: each attempt reads its source into the
// stream; after a failed attempt the user's `retry` callback may hand over the source of the next.

import type { AttemptOutcome, Driver, StreamWriter } from "./events.js";
import { isPushSource, type PushSource, type SourceInput, TextReader } from "./source.js";

/** What a `retry` callback learns about the attempt that failed. */
export interface RetryContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly error: unknown;
  /** The raw JSON text the attempt received. */
  readonly text: string;
  /** The last partial of the attempt. */
  readonly partial: unknown;
}

/** Given a failed attempt, the source of the next one, or nothing to fail with the attempt's error. */
export type RetryHook = (context: RetryContext) => SourceInput | undefined | Promise<SourceInput | undefined>;

/** Reads `source`, and after each failed attempt asks `retry` for another. */
export function textDriver(source: SourceInput, retry?: RetryHook): Driver {
  return async (writer) => {
    let input = source;
    for (;;) {
      const outcome = await readAttempt(input, writer);
      if (writer.signal.aborted) return;
      if (outcome.ok) {
        writer.done(outcome.value);
        return;
      }
      let next: SourceInput | undefined;
      try {
        next = await retry?.({
          attempt: writer.attempt,
          error: outcome.error,
          text: outcome.text,
          partial: outcome.partial,
        });
      } catch (error) {
        writer.fail(error);
        return;
      }
      if (writer.signal.aborted) return;
      if (next === undefined) {
        writer.fail(outcome.error);
        return;
      }
      input = next;
      writer.write({ type: "attempt" });
    }
  };
}

/** One attempt: its source read to the end (or until the attempt is given up), then settled. */
async function readAttempt(input: SourceInput, writer: StreamWriter): Promise<AttemptOutcome> {
  const signal = writer.attemptSignal;
  try {
    const source = typeof input === "function" ? await input(signal) : input;
    if (isPushSource(source)) {
      await pushFrom(source, writer, signal);
    } else {
      const reader = new TextReader(source, signal);
      try {
        for (let chunk = await reader.next(); chunk !== undefined; chunk = await reader.next()) {
          writer.write({ type: "text", text: chunk });
          if (signal.aborted) break;
        }
      } finally {
        reader.cancel();
      }
    }
  } catch (error) {
    return writer.settle({ error });
  }
  return writer.settle();
}

/** Runs a push source; an abort ends the wait at once even if the producer has not noticed yet. */
async function pushFrom(source: PushSource, writer: StreamWriter, signal: AbortSignal): Promise<void> {
  let stop: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    stop = () => signal.removeEventListener("abort", onAbort);
  });
  aborted.catch(() => {});
  try {
    await Promise.race([
      source.pushInto((text) => {
        if (text && !signal.aborted) writer.write({ type: "text", text });
      }, signal),
      aborted,
    ]);
  } finally {
    stop?.();
  }
}
