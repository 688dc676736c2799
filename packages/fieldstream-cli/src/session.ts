// Driving one streamed answer to the terminal or a pipe: the live in-place view on a terminal, one
// line per completed field when piped, NDJSON partials or fields for programs; then the final value.

import type { Slot } from "fieldstream";
import { createLogUpdate } from "log-update";
import { CancelledError } from "./errors.js";
import { FieldTracker, fieldLine } from "./fields.js";
import type { AnyStream } from "./providers.js";
import { type Paragraph, render, type StatusInfo } from "./render.js";
import { displayWidth, truncateEnd } from "./text.js";

export type OutputMode = "live" | "lines" | "json" | "fields";

export interface Terminal {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  readonly stderr: NodeJS.WritableStream;
}

export interface SessionOptions {
  readonly stream: AnyStream;
  /** The root row's name, e.g. the schema's. */
  readonly title: string;
  readonly slot: Slot | undefined;
  /** `openai · gpt-4o`. */
  readonly source: string;
  readonly header: readonly Paragraph[];
  readonly output: OutputMode;
  readonly color: boolean;
  readonly terminal: Terminal;
}

/** How long the answer has streamed, and how fast, for the status line and the summary. */
class Clock {
  private readonly started = performance.now();
  private firstAt: number | undefined;
  private lastAt: number | undefined;

  mark(): void {
    const now = performance.now();
    this.firstAt ??= now;
    this.lastAt = now;
  }

  elapsedMs(): number {
    return performance.now() - this.started;
  }

  /** Seconds between the first and the last change: the pace of the model, not of the connection. */
  streamingSeconds(): number {
    return this.firstAt === undefined || this.lastAt === undefined ? 0 : (this.lastAt - this.firstAt) / 1000;
  }

  rate(chars: number): string | undefined {
    if (this.firstAt === undefined) return undefined;
    const seconds = (performance.now() - this.firstAt) / 1000;
    return seconds < 0.05 ? undefined : `${Math.round(chars / seconds)} chars/s`;
  }
}

function tokenRate(stream: AnyStream, clock: Clock): string | undefined {
  const tokens = stream.usage?.outputTokens ?? 0;
  const seconds = clock.streamingSeconds();
  if (tokens <= 0) return undefined;
  return seconds > 0.05 ? `${tokens} tokens, ${Math.round(tokens / seconds)} tok/s` : `${tokens} tokens`;
}

/** One line: what was extracted, how much, how fast, from whom; the least useful parts go first. */
function summary(
  options: SessionOptions,
  fields: number,
  clock: Clock,
  width = Number.POSITIVE_INFINITY,
): string {
  const stream = options.stream;
  const parts = [
    { text: `valid ${options.title}`, keep: 9 },
    { text: `${fields} ${fields === 1 ? "field" : "fields"}`, keep: 6 },
    { text: tokenRate(stream, clock) ?? `${stream.rawText.length} chars`, keep: 3 },
    { text: `${(clock.elapsedMs() / 1000).toFixed(1)}s`, keep: 4 },
    { text: `attempt ${stream.attempt}`, keep: stream.attempt > 1 ? 6 : 2 },
    { text: options.source, keep: 1 },
  ];
  let line = "";
  for (let level = 0; level <= 9; level++) {
    line = `✓ ${parts
      .filter((part) => part.keep > level)
      .map((part) => part.text)
      .join(" · ")}`;
    if (displayWidth(line) <= width) return line;
  }
  return truncateEnd(line, width);
}

function fieldErrorsOf(stream: AnyStream) {
  return stream.fieldErrors.map((error) => ({
    path: error.path,
    message: error.issues.map((issue) => issue.message).join("; "),
  }));
}

/** Counts the leaves of a value, for the summary of the outputs that draw no tree. */
function countFields(value: unknown): number {
  if (typeof value !== "object" || value === null) return 1;
  const children = Object.values(value);
  return children.length === 0 ? 1 : children.reduce<number>((sum, child) => sum + countFields(child), 0);
}

/**
 * Cancels the stream on Ctrl-C, so the request is aborted and the screen left tidy; a second Ctrl-C
 * leaves at once. The listener stays registered while the stream runs: a library that restores the
 * cursor on signals re-raises the signal when it finds itself the only listener left.
 */
function cancelOnInterrupt(stream: AnyStream): () => void {
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    stream.abort(new CancelledError());
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}

async function live(options: SessionOptions): Promise<void> {
  const { stream, terminal } = options;
  const stdout = terminal.stdout;
  const clock = new Clock();
  const draw = createLogUpdate(stdout, { showCursor: false });
  let state: StatusInfo["state"] = "connecting";
  let drawnAt = 0;
  let complete = 0;
  const frame = () => {
    const rate = state === "done" ? tokenRate(stream, clock) : clock.rate(stream.rawText.length);
    const result = render({
      title: options.title,
      slot: options.slot,
      partial: stream.partial,
      isComplete: (node, key) => stream.isComplete(node, key),
      activePath: state === "streaming" ? stream.activePath : undefined,
      fieldErrors: fieldErrorsOf(stream),
      header: options.header,
      status: {
        source: options.source,
        state,
        elapsedMs: clock.elapsedMs(),
        attempt: stream.attempt,
        ...(rate !== undefined ? { rate } : {}),
      },
      width: stdout.columns ?? 80,
      // log-update ends each frame with a line break, which takes a row of its own.
      height: Math.max(1, (stdout.rows ?? 24) - 1),
      color: options.color,
    });
    complete = result.fields.complete;
    draw(result.lines.join("\n"));
    drawnAt = performance.now();
  };
  frame();
  // The spinner and the clock move even while the model pauses.
  const ticker = setInterval(frame, 100);
  const onResize = () => {
    draw.clear();
    frame();
  };
  stdout.on("resize", onResize);
  try {
    for await (const _ of stream) {
      clock.mark();
      state = "streaming";
      // Partials can arrive faster than a terminal can usefully show them.
      if (performance.now() - drawnAt >= 16) frame();
    }
    const value = await stream.final;
    state = "done";
    frame();
    draw.done();
    stdout.write(
      `\n${JSON.stringify(value, null, 2)}\n\n${summary(options, complete, clock, stdout.columns)}\n`,
    );
  } catch (error) {
    state = "failed";
    frame();
    draw.done();
    throw error;
  } finally {
    clearInterval(ticker);
    stdout.off("resize", onResize);
  }
}

function write(stdout: NodeJS.WritableStream, line: string): void {
  stdout.write(`${line}\n`);
}

async function piped(options: SessionOptions): Promise<void> {
  const { stream, terminal, output } = options;
  const clock = new Clock();
  const isComplete = (node?: object, key?: PropertyKey) => stream.isComplete(node, key as string | number);
  let tracker = new FieldTracker(isComplete);
  let attempt = stream.attempt;
  let last: string | undefined;
  const emit = (partial: unknown) => {
    if (stream.attempt !== attempt) {
      // Partials start afresh with each attempt; so do the fields reported.
      attempt = stream.attempt;
      tracker = new FieldTracker(isComplete);
      terminal.stderr.write(`attempt ${attempt}: asking again\n`);
    }
    if (output === "json") {
      const line = JSON.stringify(partial);
      if (line !== last) write(terminal.stdout, line);
      last = line;
      return;
    }
    for (const field of tracker.take(partial)) {
      write(
        terminal.stdout,
        output === "fields" ? JSON.stringify({ path: field.path, value: field.value }) : fieldLine(field),
      );
    }
  };
  for await (const partial of stream) {
    clock.mark();
    emit(partial);
  }
  // The last partial may have been skipped for a newer one while the reader was busy.
  if (stream.partial !== undefined) emit(stream.partial);
  const value = await stream.final;
  if (output === "json") {
    const line = JSON.stringify(value);
    if (line !== last) write(terminal.stdout, line);
  } else if (output === "lines") {
    write(terminal.stdout, JSON.stringify(value, null, 2));
  }
  if (output === "lines") terminal.stderr.write(`${summary(options, countFields(value), clock)}\n`);
}

/** Streams the answer to the chosen output; resolves once the final value is out, rejects on failure. */
export async function runSession(options: SessionOptions): Promise<void> {
  const release = cancelOnInterrupt(options.stream);
  try {
    if (options.output === "live") await live(options);
    else await piped(options);
  } finally {
    release();
  }
}
