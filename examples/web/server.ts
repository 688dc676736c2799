// The web demo's server: serves the built page and streams the extraction to it with `toResponse`,
// from OpenAI when OPENAI_API_KEY is set, else replayed by the offline mock model (`/api/mode` says which).

import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { instructor, type ObjectStream } from "fieldstream";
import { MemoryStore, resumeResponse, toResponse } from "fieldstream/http";
import { type MockProvider, startMockProvider } from "fieldstream/testing";
import OpenAI from "openai";
import { type DemoMode, type Meeting, MeetingInfo, meetingNote } from "./src/meeting.js";

export interface WebDemoOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Defaults to 127.0.0.1. */
  readonly host?: string;
  /** The built page; defaults to `dist/page` beside this file. */
  readonly pageDir?: string;
  /** Pacing of the offline model: milliseconds between deltas (default 40) and characters per delta. */
  readonly offline?: { readonly delayMs?: number; readonly chunks?: number };
  /** Use OpenAI (or OPENAI_BASE_URL) instead of the offline model; by default when OPENAI_API_KEY is set. */
  readonly online?: boolean;
  /**
   * Honour `?cutAfterBytes=N` on `/api/extract`: the first response's socket is destroyed after N
   * bytes, as a flaky proxy would, and the page must resume. For tests only.
   */
  readonly allowFaults?: boolean;
}

export interface WebDemo {
  /** `http://HOST:PORT`, without a trailing slash. */
  readonly url: string;
  /** Whether the answers come from the offline model. */
  readonly offline: boolean;
  close(): Promise<void>;
}

/** What the offline model answers, whatever the note says: the sample note's meeting. */
const offlineAnswer: Meeting = {
  users: [
    { name: "Priya Raman", email: "priya.raman@example.org", twitter: "@priyabuilds" },
    { name: "Tomás Oliveira", email: "tomas.o@example.net", twitter: "@tomas_codes" },
    { name: "Hannah Becker", email: "hbecker@example.com", twitter: "@hannahb_dev" },
  ],
  date: "2025-05-14",
  location: "Hall B, Riverside Convention Centre, 200 Quay Street",
  budget: 48500,
  deadline: "2025-04-02",
};

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", reject);
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        resolvePromise(text === "" ? {} : JSON.parse(text));
      } catch {
        reject(new Error("The request body is not JSON"));
      }
    });
  });
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(value));
}

/** A refused request, in the `{ error: { message } }` shape the page's client reads the reason from. */
function sendRefusal(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { message } });
}

/**
 * Writes a web Response to a Node response. With `cutAfterBytes`, the socket is destroyed once that
 * many body bytes are out: the browser sees a broken connection, not an end.
 */
async function sendResponse(res: ServerResponse, response: Response, cutAfterBytes?: number): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.flushHeaders();
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const closed = () => void reader.cancel().catch(() => {});
  res.once("close", closed);
  let sent = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (res.destroyed) return;
      if (cutAfterBytes !== undefined && sent + value.byteLength >= cutAfterBytes) {
        res.write(value.subarray(0, cutAfterBytes - sent), () => res.socket?.destroy());
        await reader.cancel();
        return;
      }
      sent += value.byteLength;
      res.write(value);
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    res.off("close", closed);
  }
}

/** Starts the demo server; with the offline model, its mock provider too. */
export async function startWebDemo(options: WebDemoOptions = {}): Promise<WebDemo> {
  const pageDir = resolve(options.pageDir ?? new URL("dist/page", import.meta.url).pathname);
  const online = options.online ?? Boolean(process.env.OPENAI_API_KEY);
  let mock: MockProvider | undefined;
  let openai: OpenAI;
  if (online) {
    openai = new OpenAI();
  } else {
    const pace = { delayMs: options.offline?.delayMs ?? 40, chunks: options.offline?.chunks ?? 3 };
    mock = await startMockProvider({
      // The tool the client asked for, called with the sample answer, paced like a model's output.
      handler: (request) => {
        const body = request.body as { tools?: { function?: { name?: string } }[] };
        const name = body.tools?.[0]?.function?.name ?? "Response";
        return { toolCalls: [{ name, arguments: JSON.stringify(offlineAnswer, null, 2) }], ...pace };
      },
    });
    openai = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: "offline", maxRetries: 0 });
  }
  const client = instructor(openai);
  const model = online ? (process.env.OPENAI_MODEL ?? "gpt-4o-mini") : "offline";
  // The page asks for this before anything else, so that offline it can say the note typed is not read.
  const mode: DemoMode = online ? { mode: "live", model } : { mode: "offline", sampleNote: meetingNote };
  // Every extraction's events are kept here for a while, so a page whose connection broke resumes
  // from where it was (toResponse writes them, resumeResponse reads them back).
  const store = new MemoryStore({ ttlMs: 5 * 60_000 });
  const running = new Set<ObjectStream<unknown, unknown, unknown>>();

  async function extract(req: IncomingMessage, res: ServerResponse, url: URL) {
    let body: { text?: unknown; simulateError?: unknown };
    try {
      body = (await readJson(req)) as typeof body;
    } catch (error) {
      return sendRefusal(res, 400, (error as Error).message);
    }
    if (typeof body.text !== "string" || body.text.trim() === "") {
      return sendRefusal(res, 400, "The meeting note is empty: paste or type a note to extract from");
    }
    const result = client.chat.completions.create({
      model,
      response_model: MeetingInfo,
      messages: [
        { role: "user", content: `Get the information about the meeting and the users:\n\n${body.text}` },
      ],
      stream: true,
    });
    if (body.simulateError === true) failMidway(result);
    running.add(result);
    void result.final.then(
      () => running.delete(result),
      () => running.delete(result),
    );
    // The model call runs to its end even if the page goes away, so that a page that lost its
    // connection finds the whole answer when it comes back.
    const response = toResponse(result, { store, retryMs: 200 });
    const cut = options.allowFaults
      ? Number(url.searchParams.get("cutAfterBytes") ?? Number.NaN)
      : Number.NaN;
    await sendResponse(res, response, Number.isInteger(cut) && cut > 0 ? cut : undefined);
  }

  async function resume(req: IncomingMessage, res: ServerResponse, url: URL) {
    const headers = new Headers();
    for (const name of ["last-event-id", "x-fieldstream-id"]) {
      const value = req.headers[name];
      if (typeof value === "string") headers.set(name, value);
    }
    const closed = new AbortController();
    res.once("close", () => closed.abort());
    const response = await resumeResponse(
      new Request(new URL(url.pathname + url.search, "http://demo"), { headers }),
      {
        store,
        signal: closed.signal,
      },
    );
    await sendResponse(res, response);
  }

  async function page(res: ServerResponse, pathname: string) {
    const file = normalize(join(pageDir, pathname === "/" ? "index.html" : decodeURIComponent(pathname)));
    if (!file.startsWith(pageDir + sep)) return sendText(res, 404, "Not found");
    try {
      const content = await readFile(file);
      res.writeHead(200, {
        "content-type": contentTypes[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-cache",
      });
      res.end(content);
    } catch {
      sendText(res, 404, pathname === "/" ? `The page is not built: run \`npm run demo:web\`` : "Not found");
    }
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    let handled: Promise<void>;
    if (req.method === "POST" && url.pathname === "/api/extract") handled = extract(req, res, url);
    else if (req.method === "GET" && url.pathname === "/api/mode")
      handled = Promise.resolve(sendJson(res, 200, mode));
    else if (req.method === "GET" && url.pathname === "/api/extract") handled = resume(req, res, url);
    else if (req.method === "GET" || req.method === "HEAD") handled = page(res, url.pathname);
    else handled = Promise.resolve(sendText(res, 405, "Method not allowed"));
    handled.catch((error: unknown) => {
      if (!res.headersSent) sendText(res, 500, String(error));
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolvePromise);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    offline: !online,
    close: async () => {
      for (const stream of running) stream.abort(new Error("The server is closing"));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      await mock?.close();
    },
  };
}

/**
 * "Simulate error": the model's answer breaks down once the second participant shows up, as when a
 * provider fails mid-answer, and the page gets the error the stream ends with.
 */
function failMidway(stream: ObjectStream<{ readonly users?: readonly unknown[] }, unknown, unknown>): void {
  void (async () => {
    try {
      for await (const partial of stream) {
        if ((partial.users?.length ?? 0) >= 2) {
          stream.abort(new Error("Simulated failure: the model stopped answering mid-stream"));
          return;
        }
      }
    } catch {
      // The stream failed on its own: that is what the page shows.
    }
  })();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const demo = await startWebDemo({ port: Number(process.env.PORT ?? 5173) });
  console.log(`fieldstream web demo: ${demo.url}`);
  console.log(
    demo.offline
      ? "Offline: every answer is a scripted replay of the sample note's, whatever note is sent (set OPENAI_API_KEY to use OpenAI)."
      : `Answers come from ${process.env.OPENAI_BASE_URL ?? "OpenAI"}.`,
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void demo.close().then(() => process.exit(0)));
  }
}
