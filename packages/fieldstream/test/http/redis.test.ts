// The Redis resume store against a real redis-server: the store's contract (order, exactly once from
// any position, live tail, TTL), and a stream that runs on server A being finished by server B.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readObjectStream, resumeResponse, type StoredEvent, toResponse } from "../../src/http/index.js";
import { RedisStore } from "../../src/http/redis/index.js";
import { serve, type TestServer } from "./helpers/node-server.js";
import { type RedisServer, startRedis } from "./helpers/redis.js";
import { expectExact, Plan, planStream } from "./helpers/streams.js";

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

const text = (attempt: number, offset: number, value: string): StoredEvent => ({
  id: `${attempt}:${offset + value.length}`,
  event: { type: "text", attempt, offset, text: value },
});

async function ids(iterable: AsyncIterable<StoredEvent>): Promise<string[]> {
  const out: string[] = [];
  for await (const stored of iterable) out.push(stored.id);
  return out;
}

describe("RedisStore", () => {
  it("replays after any position and follows live appends to the end", async () => {
    const store = new RedisStore({ client: redis.client(), blockMs: 50 });
    await store.create("contract");
    await store.append("contract", text(1, 0, "ab\r\n\uD83D"));
    const live = ids(store.read("contract", { after: "1:2" }));
    const fromStart = ids(store.read("contract"));
    await new Promise((resolve) => setTimeout(resolve, 80)); // the readers are blocked in XREAD by now
    await store.append("contract", { id: "2:0", event: { type: "attempt", attempt: 2 } });
    await store.append("contract", text(2, 0, "x"));
    await store.append("contract", { id: "2:2", event: { type: "done", attempt: 2, length: 1 } });
    expect(await live).toEqual(["1:5", "2:0", "2:1", "2:2"]);
    expect(await fromStart).toEqual(["1:5", "2:0", "2:1", "2:2"]);
    expect(await ids(store.read("contract", { after: "2:1" }))).toEqual(["2:2"]);
    // Text goes through unchanged, lone surrogate and \r included.
    for await (const stored of store.read("contract")) {
      expect(stored).toEqual(text(1, 0, "ab\r\n\uD83D"));
      break;
    }
  });

  it("refuses a taken id, ignores a repeated append, and refuses appends to an unknown stream", async () => {
    const store = new RedisStore({ client: redis.client() });
    await store.create("once");
    await expect(store.create("once")).rejects.toThrow(/already in use/);
    await store.append("once", text(1, 0, "ab"));
    await store.append("once", text(1, 0, "ab"));
    await store.append("once", { id: "1:3", event: { type: "done", attempt: 1, length: 2 } });
    expect(await ids(store.read("once"))).toEqual(["1:2", "1:3"]);
    await expect(store.append("never", text(1, 0, "x"))).rejects.toThrow(/unknown or expired/);
    expect(await store.exists("never")).toBe(false);
  });

  it("sets a TTL on every write and ends a live reader once the stream expires", async () => {
    const client = redis.client();
    const store = new RedisStore({ client, ttlSeconds: 1, blockMs: 100, prefix: "ttl:" });
    await store.create("short");
    await store.append("short", text(1, 0, "ab"));
    const ttl = (await client.call("TTL", "ttl:short")) as number;
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1);
    const started = Date.now();
    expect(await ids(store.read("short"))).toEqual(["1:2"]);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await store.exists("short")).toBe(false);
  });

  it("stops a blocked reader at once when the read ends early", async () => {
    const store = new RedisStore({ client: redis.client(), blockMs: 10_000 });
    await store.create("early");
    const controller = new AbortController();
    const reading = ids(store.read("early", { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    controller.abort();
    expect(await reading).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("works from connection options, and closes what it opened", async () => {
    const store = new RedisStore({ redis: redis.url });
    await store.create("owned");
    expect(await store.exists("owned")).toBe(true);
    await store.close();
  });
});

describe("resuming on another server instance", () => {
  let a: TestServer;
  let b: TestServer;
  let cutAt = 0;

  beforeAll(async () => {
    // Two instances, each with its own connection to the shared Redis, as two processes would have.
    const storeA = new RedisStore({ client: redis.client() });
    const storeB = new RedisStore({ client: redis.client(), blockMs: 1000 });
    a = await serve(() => toResponse(planStream(2, 3), { store: storeA, coalesceMs: 5 }), {
      cutAfter: () => cutAt,
    });
    b = await serve((request) => resumeResponse(request, { store: storeB }));
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  for (const cut of [0, 90, 250, 400, 600]) {
    it(`finishes on B a stream that runs on A, cut after ${cut} bytes`, async () => {
      cutAt = cut;
      const before = b.requests;
      const client = readObjectStream(`${a.url}/plan`, {
        schema: Plan,
        init: { method: "POST" },
        reconnect: { delayMs: 0, url: [`${b.url}/plan`] },
      });
      await expectExact(client);
      expect(client.reconnects).toBe(1);
      expect(b.requests - before).toBe(1);
    });
  }
});
