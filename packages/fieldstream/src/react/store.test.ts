// The store behind useObjectStream, driven by real ObjectStreams over paced text: what subscribers
// see, that they hear of nothing that did not change, and how stop, replace, errors and retries end.

import { describe, expect, it } from "vitest";
import type * as z from "zod";
import { MeetingInfo, meetingAnswer, meetingJson } from "../../test/helpers/meeting.js";
import { chunk, source, stalling } from "../../test/helpers/sources.js";
import { readObjectStream, TransportError } from "../http/index.js";
import { JsonStreamError } from "../json/index.js";
import type { DeepPartial } from "../schema/deep-partial.js";
import type { SourceInput } from "../stream/index.js";
import { streamObject } from "../stream/index.js";
import {
  type ObjectStreamState,
  ObjectStreamStore,
  type StoreCallbacks,
  StreamStoppedError,
} from "./store.js";

type Meeting = DeepPartial<z.input<typeof MeetingInfo>>;
type Output = z.output<typeof MeetingInfo>;

/** A store whose requests stream `open(body)` through the meeting schema, and what it told listeners. */
function meetingStore(open: (body: unknown) => SourceInput, callbacks: StoreCallbacks<Output> = {}) {
  const signals: AbortSignal[] = [];
  const store = new ObjectStreamStore<Meeting, Output>(
    (body, signal) => {
      signals.push(signal);
      return streamObject({ schema: MeetingInfo, source: open(body), signal });
    },
    () => callbacks,
  );
  const seen: ObjectStreamState<Meeting>[] = [];
  store.subscribe(() => seen.push(store.getSnapshot()));
  return { store, seen, signals };
}

/** Resolves once the store's status is one of `statuses`. */
function until(store: ObjectStreamStore<Meeting, Output>, ...statuses: string[]): Promise<void> {
  return new Promise((resolve) => {
    if (statuses.includes(store.getSnapshot().status)) return resolve();
    const stop = store.subscribe(() => {
      if (!statuses.includes(store.getSnapshot().status)) return;
      stop();
      resolve();
    });
  });
}

describe("ObjectStreamStore", () => {
  it("is idle before the first request, on the server too", () => {
    const { store } = meetingStore(() => source([]));
    expect(store.getSnapshot()).toMatchObject({ object: undefined, status: "idle", attempt: 0 });
    expect(store.getServerSnapshot()).toBe(store.getSnapshot());
    expect(store.isComplete()).toBe(false);
  });

  it("shows each new partial once, then the final object, and calls onFinish with the parsed value", async () => {
    const finished: Output[] = [];
    const { store, seen } = meetingStore(() => source(chunk(meetingJson, 3)), {
      onFinish: (object) => finished.push(object),
    });
    store.submit({ text: "notes" });
    expect(store.getSnapshot().status).toBe("streaming");
    await until(store, "done");

    expect(seen.length).toBeGreaterThan(20);
    // Every notification carries a different state: listeners never hear of nothing.
    for (let i = 1; i < seen.length; i++) {
      const [before, after] = [seen[i - 1]!, seen[i]!];
      expect(after).not.toBe(before);
      expect(after.object !== before.object || after.status !== before.status).toBe(true);
    }
    const last = store.getSnapshot();
    expect(last).toMatchObject({ status: "done", error: undefined, attempt: 1 });
    expect(last.object).toEqual(meetingAnswer);
    expect(store.isComplete()).toBe(true);
    expect(finished).toEqual([meetingAnswer]);
    // Nothing is said after the end.
    const count = seen.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.length).toBe(count);
  });

  it("keeps a completed participant's identity while the next ones stream", async () => {
    const { store, seen } = meetingStore(() => source(chunk(meetingJson, 2)));
    store.submit();
    await until(store, "done");
    const states = seen.filter((s) => (s.object?.users?.length ?? 0) >= 2);
    const first = states[0]!.object!.users![0]!;
    expect(store.isComplete(first)).toBe(true);
    for (const state of states) expect(state.object!.users![0]).toBe(first);
    // The second participant, by contrast, is a new object while it grows.
    const seconds = new Set(states.map((s) => s.object!.users![1]));
    expect(seconds.size).toBeGreaterThan(10);
  });

  it("answers isComplete(parent, key) for the field of the snapshot it was given", async () => {
    const { store, seen } = meetingStore(() => source(chunk(meetingJson, 2)));
    store.submit();
    await until(store, "done");
    const growing = seen.find((s) => s.object?.users?.[0]?.email !== undefined)!.object!.users![0]!;
    expect(store.isComplete(growing, "name")).toBe(true);
    expect(store.isComplete(growing, "email")).toBe(false);
    expect(store.isComplete(growing)).toBe(false);
  });

  it("stops: aborts the source, keeps the partial, goes idle and reports no error", async () => {
    const errors: unknown[] = [];
    const text = stalling(chunk(meetingJson.slice(0, 120), 6));
    const { store, signals } = meetingStore(() => text, { onError: (error) => errors.push(error) });
    store.submit();
    await text.stalled;
    await new Promise((resolve) => setTimeout(resolve, 0));
    const before = store.getSnapshot().object;
    expect(before?.users?.[0]?.name).toBe("Priya Raman");

    store.stop();
    expect(store.getSnapshot()).toMatchObject({ status: "idle", error: undefined });
    expect(store.getSnapshot().object).toBe(before);
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[0]!.reason).toBeInstanceOf(StreamStoppedError);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(text.cancelled).toBe(true);
    expect(errors).toEqual([]);
    expect(store.getSnapshot().status).toBe("idle");
  });

  it("replaces the request under way: the old one is aborted and never shown again", async () => {
    const first = stalling(chunk(meetingJson.slice(0, 80), 5));
    const { store, signals } = meetingStore((body) =>
      body === "first"
        ? first
        : source(chunk('{"users":[],"date":"d","location":"l","budget":1,"deadline":"x"}')),
    );
    store.submit("first");
    await first.stalled;
    store.submit("second");
    expect(signals[0]!.aborted).toBe(true);
    expect(store.getSnapshot()).toMatchObject({ status: "streaming", object: undefined });
    await until(store, "done");
    expect(store.getSnapshot().object).toEqual({
      users: [],
      date: "d",
      location: "l",
      budget: 1,
      deadline: "x",
    });
  });

  it("fails with the stream's error, keeps the last partial and calls onError", async () => {
    const errors: unknown[] = [];
    const broken = `${meetingJson.slice(0, meetingJson.indexOf('"email"'))}?`;
    const { store } = meetingStore(() => source(chunk(broken, 7)), {
      onError: (error) => errors.push(error),
    });
    store.submit();
    await until(store, "error");
    const state = store.getSnapshot();
    expect(state.error).toBeInstanceOf(JsonStreamError);
    expect(state.object?.users?.[0]?.name).toBe("Priya Raman");
    expect(errors).toEqual([state.error]);
  });

  it("reports a failure to open the request as an error", () => {
    const errors: unknown[] = [];
    const store = new ObjectStreamStore<Meeting, Output>(
      () => {
        throw new TypeError("bad url");
      },
      () => ({ onError: (error) => errors.push(error) }),
    );
    store.submit();
    expect(store.getSnapshot()).toMatchObject({ status: "error", error: new TypeError("bad url") });
    expect(errors).toHaveLength(1);
  });

  it.each([
    ["a string", "offline", { message: "offline" }],
    [
      "a plain object",
      { name: "QuotaError", message: "over quota", code: 429 },
      { name: "QuotaError", code: 429 },
    ],
    ["undefined", undefined, { message: "undefined" }],
  ])(
    "turns %s the stream fails with into an Error, for the state and onError alike",
    async (_what, thrown, fields) => {
      const errors: Error[] = [];
      const { store } = meetingStore(
        () => ({
          async *[Symbol.asyncIterator]() {
            yield meetingJson.slice(0, 40);
            throw thrown;
          },
        }),
        { onError: (error) => errors.push(error) },
      );
      store.submit();
      await until(store, "error");
      const { error } = store.getSnapshot();
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject(fields);
      expect(errors).toEqual([error]);
    },
  );

  it("turns a non-Error thrown while opening the request into an Error", () => {
    const store = new ObjectStreamStore<Meeting, Output>(() => {
      throw "no network";
    });
    store.submit();
    const { status, error } = store.getSnapshot();
    expect(status).toBe("error");
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toBe("no network");
  });

  describe("over readObjectStream, as the hook opens its requests", () => {
    const open =
      (fetch: (url: string, init: RequestInit) => Promise<Response>, init: RequestInit = {}) =>
      (body: unknown, signal: AbortSignal) =>
        readObjectStream("/api/object", {
          schema: MeetingInfo,
          fetch,
          init: { ...init, method: "POST", body: JSON.stringify(body ?? {}) },
          signal,
        });

    it("reports a fetcher that rejects with a non-Error as a TransportError that keeps it as cause", async () => {
      const store = new ObjectStreamStore<Meeting, Output>(open(() => Promise.reject("offline")));
      store.submit();
      await until(store, "error");
      const { error } = store.getSnapshot();
      expect(error).toBeInstanceOf(TransportError);
      expect(error?.cause).toBe("offline");
    });

    it("reports a request signal aborted with a non-Error reason as an Error with that message", async () => {
      const controller = new AbortController();
      controller.abort("left the page");
      const store = new ObjectStreamStore<Meeting, Output>(
        open(() => new Promise<Response>(() => {}), { signal: controller.signal }),
      );
      store.submit();
      await until(store, "error");
      const { error } = store.getSnapshot();
      expect(error).toBeInstanceOf(Error);
      expect(error?.message).toBe("left the page");
    });
  });

  it("follows a retry: the attempt goes up and the partials start afresh", async () => {
    const store = new ObjectStreamStore<Meeting, Output>((_body, signal) =>
      streamObject({
        schema: MeetingInfo,
        source: source(chunk('{"users":[{"name":"Wrong"', 4)),
        signal,
        retry: ({ attempt }) => (attempt === 1 ? source(chunk(meetingJson, 8), 1) : undefined),
      }),
    );
    const seen: ObjectStreamState<Meeting>[] = [];
    store.subscribe(() => seen.push(store.getSnapshot()));
    store.submit();
    await until(store, "done");
    expect(seen.some((s) => s.attempt === 1 && s.object?.users?.[0]?.name === "Wrong")).toBe(true);
    const second = seen.filter((s) => s.attempt === 2);
    expect(second.length).toBeGreaterThan(3);
    for (const state of second) expect(state.object?.users?.[0]?.name ?? "").not.toContain("Wrong");
    expect(store.getSnapshot()).toMatchObject({ status: "done", attempt: 2, object: meetingAnswer });
  });

  it("lets a listener unsubscribe", async () => {
    const { store } = meetingStore(() => source(chunk(meetingJson, 50)));
    let calls = 0;
    const unsubscribe = store.subscribe(() => calls++);
    unsubscribe();
    store.submit();
    await until(store, "done");
    expect(calls).toBe(0);
  });
});
