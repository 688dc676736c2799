// Servers that misbehave, over real HTTP on loopback: an endless line, a `retry: 0` that invites a
// reconnection storm, and a stream that stalls. The client must stay bounded in memory, rate and time.

import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import {
  MemoryStore,
  readObjectStream,
  resumeResponse,
  TransportError,
  toResponse,
} from "../../src/http/index.js";
import { IdleTimeoutError, streamObject } from "../../src/index.js";
import { stalling } from "../helpers/sources.js";
import { serve } from "./helpers/node-server.js";
import { expected, Plan, secondAttempt } from "./helpers/streams.js";

/** A raw node:http server on loopback, for wire behaviour that `toResponse` would never produce. */
async function rawServer(
  handle: (req: IncomingMessage, res: ServerResponse, index: number) => void,
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((req, res) => handle(req, res, requests++));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const SSE = { "content-type": "text/event-stream", "x-fieldstream-id": "hostile" };

describe("a server that sends one endless line", () => {
  it("fails with a TransportError at the event size limit, reading no more than that", async () => {
    const chunk = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    let closed = false;
    // Up to 256 MB of one `data:` line without its end, written as fast as the client takes it.
    const server = await rawServer((_req, res) => {
      res.writeHead(200, SSE);
      res.write('event:stream\ndata:{"id":"hostile"}\n\ndata:');
      res.on("close", () => {
        closed = true;
      });
      const pump = () => {
        while (!closed && sent < 256 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    try {
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      const sample = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }, 5);
      const client = readObjectStream(`${server.url}/plan`, { schema: Plan, maxEventChars: 1024 * 1024 });
      const error = await client.final.catch((e: unknown) => e);
      clearInterval(sample);
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ retryable: false });
      expect((error as Error).message).toMatch(/longer than 1048576 characters \(maxEventChars\)/);
      // The client cancelled the response soon after the limit: far from the whole line.
      expect(sent).toBeLessThan(32 * 1024 * 1024);
      expect(peak - before).toBeLessThan(64 * 1024 * 1024);
      console.log(
        `endless line: ${(sent / 1024 / 1024).toFixed(1)} MB sent before the client hung up, ` +
          `peak heap growth ${((peak - before) / 1024 / 1024).toFixed(1)} MB`,
      );
    } finally {
      await server.close();
    }
  }, 20_000);
});

describe("a server that asks for `retry: 0` and drops every connection", () => {
  /** Each response says `retry`, brings one more character of text (so never a retry "in a row"), and ends. */
  async function storm(retry: number) {
    return rawServer((req, res) => {
      const position = /^1:(\d+)$/.exec(String(req.headers["last-event-id"] ?? ""));
      const have = position ? Number(position[1]) : 0;
      res.writeHead(200, SSE);
      const open = have === 0 ? 'event:stream\ndata:{"id":"hostile"}\n\n' : "";
      const text = have === 0 ? "data:{\n\n" : "data:  \n\n";
      res.end(`retry:${retry}\n${open}id:1:${have + 1}\n${text}`);
    });
  }

  async function requestsWithin(ms: number, reconnect?: { delayMs: number }, retry = 0) {
    const server = await storm(retry);
    const controller = new AbortController();
    try {
      const client = readObjectStream(`${server.url}/plan`, {
        schema: Plan,
        signal: controller.signal,
        ...(reconnect ? { reconnect } : {}),
      });
      await new Promise((resolve) => setTimeout(resolve, ms));
      controller.abort(new Error("enough"));
      await expect(client.final).rejects.toThrow("enough");
      // Every reconnection brought text: the retries were never spent, only the floor held it back.
      // (The abort may land while the last request is in flight, before its text arrives.)
      const missing = server.requests() - client.rawText.length;
      expect(missing).toBeGreaterThanOrEqual(0);
      expect(missing).toBeLessThanOrEqual(1);
      console.log(
        `retry:${retry}, delayMs ${reconnect?.delayMs ?? "default"}: ${server.requests()} requests in ${ms} ms`,
      );
      return server.requests();
    } finally {
      await server.close();
    }
  }

  it("reconnects no faster than its own delay, whatever the server's retry says", async () => {
    // The default delay is 500 ms, jittered down to no less than half: at most 4 reconnections a second.
    const requests = await requestsWithin(1000);
    expect(requests).toBeGreaterThanOrEqual(2);
    expect(requests).toBeLessThanOrEqual(5);
  });

  it("keeps a shorter delay of the caller's as the floor", async () => {
    // 50 to 100 ms between reconnections: 10 to 20 in a second, never the thousands `retry: 0` asks for.
    const requests = await requestsWithin(1000, { delayMs: 100 });
    expect(requests).toBeGreaterThanOrEqual(5);
    expect(requests).toBeLessThanOrEqual(22);
  });

  it("lets the server's retry lengthen the pause", async () => {
    expect(await requestsWithin(1000, { delayMs: 0 }, 800)).toBeLessThanOrEqual(2);
  });
});

describe("a server that goes silent", () => {
  /** The answer in 3-character deltas every 2 ms, with a pause of `pauseMs` halfway. */
  const pausing = (pauseMs: number) =>
    streamObject({
      schema: Plan,
      source: (async function* () {
        for (let i = 0; i < secondAttempt.length; i += 3) {
          const pause = i === 60 ? pauseMs : 2;
          await new Promise((resolve) => setTimeout(resolve, pause));
          yield secondAttempt.slice(i, i + 3);
        }
      })(),
    });

  it("cancels a response that stops sending keep-alives, and resumes the stream", async () => {
    const store = new MemoryStore();
    // The first response's bytes stop reaching the client (a stalled proxy) while the stream goes on.
    const http = await serve(
      (request) =>
        request.method === "GET"
          ? resumeResponse(request, { store, keepAliveMs: 20 })
          : toResponse(pausing(0), { store, coalesceMs: 0, keepAliveMs: 20 }),
      { stallAfter: (request) => (request.method === "POST" ? 200 : undefined) },
    );
    try {
      const client = readObjectStream(`${http.url}/plan`, {
        schema: Plan,
        init: { method: "POST" },
        idleTimeoutMs: 150,
        reconnect: { delayMs: 0 },
      });
      expect(await client.final).toEqual(expected);
      expect(client.rawText).toBe(secondAttempt);
      expect(client.reconnects).toBe(1);
      // The stalled response was cancelled, not left open beside the new one.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(http.disconnects).toBe(1);
    } finally {
      await http.close();
    }
  }, 10_000);

  it("keeps a quiet stream open while keep-alive comments arrive", async () => {
    const http = await serve(() =>
      toResponse(pausing(400), { store: new MemoryStore(), coalesceMs: 0, keepAliveMs: 20 }),
    );
    try {
      const client = readObjectStream(`${http.url}/plan`, { schema: Plan, idleTimeoutMs: 150 });
      expect(await client.final).toEqual(expected);
      expect(client.reconnects).toBe(0);
    } finally {
      await http.close();
    }
  }, 10_000);

  it("waits as long as it takes with idleTimeoutMs: 0", async () => {
    const http = await serve(() =>
      toResponse(pausing(300), { store: new MemoryStore(), coalesceMs: 0, keepAliveMs: 0 }),
    );
    try {
      const client = readObjectStream(`${http.url}/plan`, { schema: Plan, idleTimeoutMs: 0 });
      expect(await client.final).toEqual(expected);
      expect(client.reconnects).toBe(0);
    } finally {
      await http.close();
    }
  }, 10_000);

  it("fails with the IdleTimeoutError as the cause once reconnections bring nothing", async () => {
    const store = new MemoryStore();
    const source = stalling(['{"title": "st', "ill going"]);
    const http = await serve((request) =>
      request.method === "GET"
        ? resumeResponse(request, { store, keepAliveMs: 0 })
        : toResponse(streamObject({ schema: Plan, source }), { store, coalesceMs: 0, keepAliveMs: 0 }),
    );
    try {
      const client = readObjectStream(`${http.url}/plan`, {
        schema: Plan,
        init: { method: "POST" },
        idleTimeoutMs: 100,
        reconnect: { delayMs: 0, retries: 2 },
      });
      const error = await client.final.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({
        message: "The connection was lost after 2 reconnections: the server sent nothing for 100 ms",
        retryable: true,
      });
      expect((error as Error).cause).toBeInstanceOf(IdleTimeoutError);
      expect((error as Error).cause).toMatchObject({ idleMs: 100 });
      expect(client.rawText).toBe('{"title": "still going');
      expect(http.requests).toBe(3);
    } finally {
      await http.close();
    }
  }, 10_000);

  it("gives up on a first request the server never answers", async () => {
    const server = await rawServer(() => {
      // Never writes a status line.
    });
    try {
      const client = readObjectStream(`${server.url}/plan`, { schema: Plan, idleTimeoutMs: 100 });
      const error = await client.final.catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: "TransportError",
        message: "The request failed",
        retryable: false,
      });
      expect((error as Error).cause).toBeInstanceOf(IdleTimeoutError);
    } finally {
      await server.close();
    }
  }, 10_000);
});
