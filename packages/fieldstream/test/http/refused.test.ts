// A server that refuses the request, over real HTTP on loopback: the client's error says the server's
// own reason (JSON, text or an HTML page's title), keeps the status, and reads only the body's start.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MemoryStore,
  readObjectStream,
  resumeResponse,
  TransportError,
  toResponse,
} from "../../src/http/index.js";
import { serve, type TestServer } from "./helpers/node-server.js";
import { Plan, planStream } from "./helpers/streams.js";

/** A body that never ends: the same text again and again, as a misbehaving proxy might send. */
function endless(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    pull(controller) {
      controller.enqueue(bytes);
    },
  });
}

const refusals: Record<string, () => Response> = {
  "/nested": () =>
    Response.json({ error: { message: "Send { text } with the meeting note" } }, { status: 400 }),
  "/flat": () => Response.json({ error: "The note is too long" }, { status: 422 }),
  "/text": () =>
    new Response("Forbidden:\n  this key cannot call the model\n", {
      status: 403,
      headers: { "content-type": "text/plain; charset=utf-8" },
    }),
  "/html": () =>
    new Response(
      "<!doctype html><html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>",
      {
        status: 502,
        headers: { "content-type": "text/html" },
      },
    ),
  "/silent": () => new Response(null, { status: 500 }),
  "/shapeless": () => Response.json({ code: 7 }, { status: 409 }),
  "/endless": () =>
    new Response(endless("Payload too large: é"), {
      status: 413,
      headers: { "content-type": "text/plain; charset=utf-8" },
    }),
};

describe("a refused request", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serve((request) => refusals[new URL(request.url).pathname]!());
  });
  afterAll(async () => {
    await server.close();
  });

  /** What `final` rejects with for a POST to `path`. */
  async function refusal(path: string): Promise<TransportError> {
    const client = readObjectStream(`${server.url}${path}`, {
      schema: Plan,
      init: { method: "POST", body: "{}" },
    });
    const error = await client.final.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  }

  it("says the message of a JSON error, nested or flat, and keeps the status", async () => {
    const nested = await refusal("/nested");
    expect(nested.message).toBe("The server answered 400: Send { text } with the meeting note");
    expect(nested).toMatchObject({ status: 400, retryable: false });
    expect(JSON.parse(nested.body!)).toEqual({ error: { message: "Send { text } with the meeting note" } });

    const flat = await refusal("/flat");
    expect(flat.message).toBe("The server answered 422: The note is too long");
    expect(flat.status).toBe(422);
  });

  it("says plain text on one line, and an HTML error page by its title", async () => {
    expect((await refusal("/text")).message).toBe(
      "The server answered 403: Forbidden: this key cannot call the model",
    );
    const html = await refusal("/html");
    expect(html.message).toBe("The server answered 502: 502 Bad Gateway");
    expect(html.body).toContain("<h1>nginx</h1>");
  });

  it("says only the status when the body gives no reason", async () => {
    expect((await refusal("/silent")).message).toBe("The server answered 500");
    const shapeless = await refusal("/shapeless");
    expect(shapeless.message).toBe("The server answered 409");
    expect(shapeless.body).toBe('{"code":7}');
  });

  it("reads no more than the body's first 4 KB, so an endless body cannot hold up the error", async () => {
    const error = await refusal("/endless");
    expect(error.status).toBe(413);
    expect(error.message).toMatch(/^The server answered 413: (Payload too large: é){5}/);
    // The reason is clipped for a message; the body keeps the start, cut on a character boundary.
    expect(error.message.length).toBeLessThanOrEqual("The server answered 413: ".length + 300);
    expect(error.message.endsWith("…")).toBe(true);
    const bytes = new TextEncoder().encode(error.body).length;
    expect(bytes).toBeGreaterThan(4000);
    expect(bytes).toBeLessThanOrEqual(4096);
    expect(error.body).not.toContain("\uFFFD");
  }, 10_000);

  it("says why a reconnection was refused", async () => {
    const store = new MemoryStore();
    // The first response breaks early, and the stream it was is unknown where the client comes back.
    const forgetful = await serve(
      (request) =>
        request.method === "GET"
          ? resumeResponse(request, { store: new MemoryStore(), keepAliveMs: 0 })
          : toResponse(planStream(), { store, coalesceMs: 0, keepAliveMs: 0, id: "gone-1" }),
      { cutAfter: (request) => (request.method === "POST" ? 150 : undefined) },
    );
    try {
      const client = readObjectStream(`${forgetful.url}/plan`, {
        schema: Plan,
        init: { method: "POST" },
        reconnect: { delayMs: 0 },
      });
      await expect(client.final).rejects.toMatchObject({
        name: "TransportError",
        status: 404,
        message: "The server answered 404 to a reconnection: Unknown or expired stream gone-1",
      });
    } finally {
      await forgetful.close();
    }
  });
});
