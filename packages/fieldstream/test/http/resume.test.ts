// Resuming over a real node:http server on loopback: the first response is cut after N bytes, for
// every N from 0 to its full length, and the client must end with the exact value and exact text.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStore, readObjectStream, resumeResponse, toResponse } from "../../src/http/index.js";
import { serve, type TestServer } from "./helpers/node-server.js";
import { expectExact, Plan, planStream } from "./helpers/streams.js";

describe("resume after a cut", () => {
  const store = new MemoryStore();
  let cutAt = new Map<string, number>();
  let server: TestServer;
  let wireLength = 0;

  beforeAll(async () => {
    server = await serve(
      (request) => {
        if (request.method === "GET") return resumeResponse(request, { store, keepAliveMs: 0 });
        // Each client names its own stream id, so the server knows where to cut its first response.
        const id = new URL(request.url).searchParams.get("sid") ?? undefined;
        return toResponse(planStream(), {
          store,
          coalesceMs: 0,
          keepAliveMs: 0,
          ...(id !== undefined ? { id } : {}),
        });
      },
      {
        cutAfter: (request) =>
          request.method === "POST"
            ? cutAt.get(new URL(request.url).searchParams.get("sid") ?? "")
            : undefined,
      },
    );
    // The wire is the same for every run (no coalescing by time, stream ids of one length).
    wireLength = new TextEncoder().encode(
      await toResponse(planStream(), { id: "cut-0000", coalesceMs: 0, store: new MemoryStore() }).text(),
    ).length;
  });

  afterAll(async () => {
    await server?.close();
  });

  it("ends with the exact value and text whatever byte the connection drops at", async () => {
    expect(wireLength).toBeGreaterThan(400);
    cutAt = new Map();
    const cuts = Array.from({ length: wireLength + 1 }, (_, n) => n);
    const reconnects: number[] = [];
    // In batches, so the whole sweep takes a second or two.
    for (let start = 0; start < cuts.length; start += 40) {
      await Promise.all(
        cuts.slice(start, start + 40).map(async (n) => {
          const sid = `cut-${String(n).padStart(4, "0")}`;
          cutAt.set(sid, n);
          const client = readObjectStream(`${server.url}/plan?sid=${sid}`, {
            schema: Plan,
            init: { method: "POST" },
            reconnect: { delayMs: 0, url: `${server.url}/plan` },
          });
          await expectExact(client);
          reconnects[n] = client.reconnects;
        }),
      );
    }
    // Every cut before the last byte needed exactly one reconnection; the full response none.
    expect(reconnects.slice(0, wireLength)).toEqual(Array(wireLength).fill(1));
    expect(reconnects[wireLength]).toBe(0);
  });

  it("resumes a stream that is still running, live, after a cut", async () => {
    const live = await serve(
      (request) =>
        request.method === "GET"
          ? resumeResponse(request, { store })
          : toResponse(planStream(3, 3), { store, coalesceMs: 5 }),
      { cutAfter: (_request, index) => (index === 0 ? 300 : undefined) },
    );
    try {
      const client = readObjectStream(`${live.url}/plan`, {
        schema: Plan,
        init: { method: "POST" },
        reconnect: { delayMs: 0 },
      });
      await expectExact(client);
      expect(client.reconnects).toBe(1);
    } finally {
      await live.close();
    }
  });

  it("gives up after the configured retries", async () => {
    const broken = await serve(
      (request) =>
        request.method === "GET"
          ? new Response("down", { status: 503 })
          : toResponse(planStream(2), { store, coalesceMs: 0 }),
      { cutAfter: (request) => (request.method === "POST" ? 120 : undefined) },
    );
    try {
      const client = readObjectStream(`${broken.url}/plan`, {
        schema: Plan,
        init: { method: "POST" },
        reconnect: { delayMs: 0, retries: 2 },
      });
      await expect(client.final).rejects.toMatchObject({
        name: "TransportError",
        message: "The connection was lost after 2 reconnections",
      });
      expect(broken.requests).toBe(3);
    } finally {
      await broken.close();
    }
  });

  it("answers 400 without a stream id and 404 for an unknown one", async () => {
    const missing = await resumeResponse(new Request("http://x/plan"), { store });
    expect(missing.status).toBe(400);
    const unknown = await resumeResponse(new Request("http://x/plan?id=nope"), { store });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { name: "TransportError" } });
    const bad = await resumeResponse(
      new Request("http://x/plan?id=a", { headers: { "last-event-id": "x" } }),
      {
        store,
      },
    );
    expect(bad.status).toBe(400);
  });
});
