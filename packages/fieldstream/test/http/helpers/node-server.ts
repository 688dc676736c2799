// A node:http server on loopback that answers with web Request/Response handlers, as a Node app would
// with an adapter, plus faults: cut a response's connection, or stall it, after a given number of body bytes.

import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (request: Request) => Response | Promise<Response>;

export interface ServeOptions {
  /**
   * Body bytes after which to drop the connection of the n-th request (0-based), or `undefined` to
   * let it finish. The cut lands wherever the count says, inside an event or a character alike.
   */
  readonly cutAfter?: (request: Request, index: number) => number | undefined;
  /**
   * Body bytes after which the n-th response passes nothing more on (keep-alive comments included)
   * while its connection stays open, as a stalled proxy would; it ends when the client goes away.
   */
  readonly stallAfter?: (request: Request, index: number) => number | undefined;
}

export interface TestServer {
  readonly url: string;
  readonly server: Server;
  /** Requests received so far. */
  readonly requests: number;
  /** Responses whose client went away before the end. */
  readonly disconnects: number;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? "GET";
  const init: RequestInit = { method, headers };
  if (method !== "GET" && method !== "HEAD") {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    init.body = Buffer.concat(chunks);
  }
  return new Request(new URL(req.url ?? "/", origin), init);
}

/** Writes a web Response to Node's response; cancels the body when the client goes away. */
export async function writeResponse(
  response: Response,
  res: ServerResponse,
  cutAfter?: number,
  stallAfter?: number,
): Promise<"done" | "cut" | "gone"> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  res.writeHead(response.status, headers);
  res.flushHeaders();
  if (!response.body) {
    res.end();
    return "done";
  }
  const reader = response.body.getReader();
  let gone = false;
  res.on("close", () => {
    if (!res.writableFinished) {
      gone = true;
      reader.cancel().catch(() => {});
    }
  });
  let sent = 0;
  try {
    for (;;) {
      if (cutAfter !== undefined && sent >= cutAfter) {
        reader.cancel().catch(() => {});
        res.socket?.destroy();
        return "cut";
      }
      if (stallAfter !== undefined && sent >= stallAfter) {
        if (!gone) await once(res, "close");
        return "gone";
      }
      const { value, done } = await reader.read();
      if (done) break;
      if (gone) return "gone";
      let chunk = value;
      const limit = Math.min(cutAfter ?? Number.POSITIVE_INFINITY, stallAfter ?? Number.POSITIVE_INFINITY);
      if (sent + chunk.length > limit) chunk = chunk.subarray(0, limit - sent);
      sent += chunk.length;
      if (chunk.length > 0 && !res.write(chunk)) await once(res, "drain");
      if (cutAfter !== undefined && sent >= cutAfter) {
        // Let the bytes reach the socket before it goes, so the client really got exactly these.
        await new Promise<void>((resolve) => res.write("", () => resolve()));
      }
    }
  } catch {
    return "gone";
  }
  if (gone) return "gone";
  res.end();
  return "done";
}

export async function serve(handler: Handler, options: ServeOptions = {}): Promise<TestServer> {
  let requests = 0;
  let disconnects = 0;
  let origin = "";
  const server = createServer((req, res) => {
    const index = requests++;
    void (async () => {
      try {
        const request = await toRequest(req, origin);
        const response = await handler(request);
        const outcome = await writeResponse(
          response,
          res,
          options.cutAfter?.(request, index),
          options.stallAfter?.(request, index),
        );
        if (outcome === "gone") disconnects++;
      } catch (error) {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(error));
      }
    })();
  });
  server.keepAliveTimeout = 1000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    server,
    get requests() {
      return requests;
    },
    get disconnects() {
      return disconnects;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
