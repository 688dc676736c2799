// One abort signal reused for many streams (an app-wide "stop everything" signal): each stream must
// let go of it when it ends, however it ends, so the signal does not collect a listener per stream.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStore, readObjectStream, toResponse } from "../../src/http/index.js";
import { streamObject } from "../../src/index.js";
import { countedSignal } from "../helpers/signals.js";
import { serve, type TestServer } from "./helpers/node-server.js";
import { Plan } from "./helpers/streams.js";

describe("a signal shared by many streams", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serve((request) => {
      // `/bad` ends in a ValidationError; the others succeed.
      const text = new URL(request.url).pathname === "/bad" ? '{"title": 1}' : '{"title": "x", "steps": []}';
      return toResponse(streamObject({ schema: {}, source: [text] }), {
        store: new MemoryStore(),
        keepAliveMs: 0,
      });
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("holds no listener once 1,000 streams are over, done, failed or aborted", async () => {
    const shared = countedSignal();
    const outcomes = { done: 0, failed: 0, aborted: 0 };
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const kind = i % 3;
          const client = readObjectStream(`${server.url}/${kind === 1 ? "bad" : "ok"}`, {
            schema: Plan,
            signal: shared.signal,
            // Passed both ways at once, as code that forwards one signal everywhere does.
            init: { method: "POST", signal: shared.signal },
          });
          if (kind === 2) client.abort(new Error("not needed"));
          const failure = await client.final.then(
            () => undefined,
            (error: unknown) => error,
          );
          if (failure === undefined) outcomes.done++;
          else if (kind === 2) outcomes.aborted++;
          else outcomes.failed++;
        }),
      );
    }
    expect(outcomes).toEqual({ done: 340, failed: 330, aborted: 330 });
    expect(shared.listeners()).toBe(0);
    expect(shared.signal.aborted).toBe(false);
  });

  it("still aborts every stream under way, and then holds nothing", async () => {
    const shared = countedSignal();
    const clients = Array.from({ length: 20 }, () =>
      readObjectStream(`${server.url}/ok`, { schema: Plan, signal: shared.signal }),
    );
    shared.controller.abort(new Error("stop all"));
    for (const client of clients) await expect(client.final).rejects.toThrow("stop all");
    expect(shared.listeners()).toBe(0);
  });

  it("is let go of by streamObject and toResponse too, once their streams end", async () => {
    const shared = countedSignal();
    for (let i = 0; i < 500; i++) {
      const stream = streamObject({
        schema: Plan,
        source: ['{"title": "x", "steps": []}'],
        signal: shared.signal,
      });
      await stream.final;
      const served = streamObject({ schema: Plan, source: ['{"title": 1}'] });
      const response = toResponse(served, {
        store: new MemoryStore(),
        keepAliveMs: 0,
        signal: shared.signal,
      });
      await served.final.catch(() => {});
      await response.text();
    }
    expect(shared.listeners()).toBe(0);
    expect(shared.signal.aborted).toBe(false);
  });
});
