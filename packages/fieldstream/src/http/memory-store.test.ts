// MemoryStore: ordered replay after any position, a live tail that ends with the stream, and the
// bounds (TTL, stream count, size) that keep a server from holding on to old streams.

import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "./memory-store.js";
import type { StoredEvent } from "./protocol.js";

const text = (attempt: number, offset: number, value: string): StoredEvent => ({
  id: `${attempt}:${offset + value.length}`,
  event: { type: "text", attempt, offset, text: value },
});

async function all(iterable: AsyncIterable<StoredEvent>): Promise<string[]> {
  const ids: string[] = [];
  for await (const stored of iterable) ids.push(stored.id);
  return ids;
}

describe("MemoryStore", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("replays after any position, then follows live appends to the end", async () => {
    const store = new MemoryStore();
    await store.create("s");
    await store.append("s", text(1, 0, "ab"));
    await store.append("s", text(1, 2, "cd"));
    const live = all(store.read("s", { after: "1:2" }));
    await store.append("s", { id: "2:0", event: { type: "attempt", attempt: 2 } });
    await store.append("s", text(2, 0, "x"));
    await store.append("s", { id: "2:2", event: { type: "done", attempt: 2, length: 1 } });
    expect(await live).toEqual(["1:4", "2:0", "2:1", "2:2"]);
    expect(await all(store.read("s"))).toEqual(["1:2", "1:4", "2:0", "2:1", "2:2"]);
    expect(await all(store.read("s", { after: "1:3" }))).toEqual(["1:4", "2:0", "2:1", "2:2"]);
    expect(await all(store.read("s", { after: "2:2" }))).toEqual([]);
  });

  it("ignores an append that does not move forward, so a writer may retry", async () => {
    const store = new MemoryStore();
    await store.create("s");
    await store.append("s", text(1, 0, "ab"));
    await store.append("s", text(1, 0, "ab"));
    await store.append("s", text(1, 0, "a"));
    await store.append("s", { id: "1:3", event: { type: "done", attempt: 1, length: 2 } });
    expect(await all(store.read("s"))).toEqual(["1:2", "1:3"]);
  });

  it("knows created streams, refuses a taken id, and ends the read of an unknown one", async () => {
    const store = new MemoryStore();
    await store.create("s");
    expect(await store.exists("s")).toBe(true);
    expect(await store.exists("t")).toBe(false);
    await expect(store.create("s")).rejects.toThrow(/already in use/);
    expect(await all(store.read("t"))).toEqual([]);
  });

  it("stops a waiting reader when asked", async () => {
    const store = new MemoryStore();
    await store.create("s");
    const controller = new AbortController();
    const reading = all(store.read("s", { signal: controller.signal }));
    controller.abort();
    expect(await reading).toEqual([]);
    const iterator = store.read("s")[Symbol.asyncIterator]();
    const pending = iterator.next();
    await iterator.return?.();
    expect(await pending).toEqual({ value: undefined, done: true });
  });

  it("forgets a stream some time after its last write, and its readers end", async () => {
    vi.useFakeTimers();
    const store = new MemoryStore({ ttlMs: 1000 });
    await store.create("s");
    await store.append("s", text(1, 0, "ab"));
    const reading = all(store.read("s"));
    vi.advanceTimersByTime(999);
    expect(await store.exists("s")).toBe(true);
    vi.advanceTimersByTime(1);
    expect(await store.exists("s")).toBe(false);
    expect(await reading).toEqual(["1:2"]);
  });

  it("keeps at most maxStreams and maxChars, dropping the least recently written", async () => {
    const store = new MemoryStore({ maxStreams: 2 });
    for (const id of ["a", "b"]) await store.create(id);
    await store.append("a", text(1, 0, "x"));
    await store.create("c");
    expect([await store.exists("a"), await store.exists("b"), await store.exists("c")]).toEqual([
      true,
      false,
      true,
    ]);

    const small = new MemoryStore({ maxChars: 1000 });
    await small.create("a");
    await small.append("a", text(1, 0, "x".repeat(600)));
    await small.create("b");
    await small.append("b", text(1, 0, "y".repeat(600)));
    expect(await small.exists("a")).toBe(false);
    expect(await small.exists("b")).toBe(true);
    expect(small.size).toBe(1);
  });
});
