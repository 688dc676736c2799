// Servers that misbehave, over real HTTP on loopback: an endless line, a `retry: 0` that invites a
// reconnection storm, and a stream that stalls. The client must stay bounded in memory, rate and time.

import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { readObjectStream, TransportError } from "../../src/http/index.js";
import { Plan } from "./helpers/streams.js";

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
