// What fieldstream/http costs: bytes on the wire per byte of JSON for a ~20 KB meeting extraction (paced
// like a model, and as fast as possible), and the browser-side parse cost against the AI SDK's approach.

import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parsePartialJson } from "ai";
import { MemoryStore, readObjectStream, toResponse } from "../packages/fieldstream/src/http/index.js";
import { streamObject } from "../packages/fieldstream/src/stream/index.js";
import { chunkText } from "./documents.js";
import { type Contender, measureTogether } from "./measure.js";
import { MeetingInfo, scaledMeeting } from "./meeting-document.js";
import { jsonEqual } from "./peers.js";

/** Deltas due at fixed times from the start (`everyMs` apart), so timer drift does not slow the pace. */
function paced(deltas: readonly string[], everyMs: number): AsyncIterable<string> {
  return {
    async *[Symbol.asyncIterator]() {
      const start = performance.now();
      for (let i = 0; i < deltas.length; i++) {
        const wait = start + i * everyMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        yield deltas[i]!;
      }
    },
  };
}

interface WireRun {
  readonly label: string;
  readonly source: () => AsyncIterable<string> | readonly string[];
  readonly coalesceMs: number;
}

interface WireResult {
  readonly body: number;
  readonly socket: number;
  readonly events: number;
  readonly ok: boolean;
  /** The SSE body as written, one chunk per write. */
  readonly chunks: readonly Uint8Array[];
}

/**
 * Serves one stream per request from a node:http server on loopback and reads it with readObjectStream,
 * counting the SSE body and every byte the socket wrote (status line, headers, chunked framing).
 */
async function wireRuns(runs: readonly WireRun[], expected: unknown): Promise<WireResult[]> {
  const counts = new Map<number, { body: number; socket: number; events: number; chunks: Uint8Array[] }>();
  const server: Server = createServer((req, res) => {
    const index = Number(new URL(req.url ?? "/", "http://x").searchParams.get("run"));
    const run = runs[index]!;
    const stream = streamObject({ schema: MeetingInfo, source: run.source() });
    const response = toResponse(stream, { store: new MemoryStore(), coalesceMs: run.coalesceMs });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    res.writeHead(response.status, headers);
    const socket = res.socket!;
    const startBytes = socket.bytesWritten;
    const count = { body: 0, socket: 0, events: 0, chunks: [] as Uint8Array[] };
    counts.set(index, count);
    void (async () => {
      const reader = response.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        count.body += value.byteLength;
        count.events++;
        count.chunks.push(value);
        res.write(value);
      }
      res.end(() => {
        count.socket = socket.bytesWritten - startBytes;
      });
    })();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const oks = await Promise.all(
      runs.map(async (_, index) => {
        const client = readObjectStream(`${url}?run=${index}`, { schema: MeetingInfo });
        return jsonEqual(await client.final, expected);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    return runs.map((_, index) => ({ ...counts.get(index)!, ok: oks[index]! }));
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** A body that hands out the recorded chunks one read at a time, as the network would. */
function bodyOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(chunks[next++]!);
      else controller.close();
    },
  });
}

const SSE = { "content-type": "text/event-stream" };

async function fieldstreamClient(chunks: readonly Uint8Array[]): Promise<unknown> {
  const stream = readObjectStream(new Response(bodyOf(chunks), { headers: SSE }), { schema: MeetingInfo });
  for await (const _partial of stream) {
    // A UI would render each partial here.
  }
  return stream.final;
}

/** What the AI SDK's useObject does with its text stream: the whole text re-parsed after every chunk. */
async function aiSdkClient(chunks: readonly Uint8Array[]): Promise<unknown> {
  const reader = bodyOf(chunks).getReader();
  const decoder = new TextDecoder();
  let text = "";
  let value: unknown;
  for (;;) {
    const read = await reader.read();
    if (read.done) break;
    text += decoder.decode(read.value, { stream: true });
    const parsed = await parsePartialJson(text);
    if (parsed.value !== undefined) value = parsed.value;
  }
  return value;
}

function ratio(n: number): string {
  return `${n.toFixed(2)}×`;
}

export async function transport(): Promise<string> {
  const value = scaledMeeting(20_000);
  const compact = JSON.stringify(value);
  const pretty = JSON.stringify(value, null, 2);
  const deltas = chunkText(compact, 7);
  const prettyDeltas = chunkText(pretty, 7);
  const bytes = (text: string) => new TextEncoder().encode(text).length;
  const jsonBytes = bytes(compact);
  const PACE_MS = 5;
  const mean = (compact.length / deltas.length).toFixed(1);

  const runs: WireRun[] = [
    { label: `paced, coalesceMs 20 (default)`, source: () => paced(deltas, PACE_MS), coalesceMs: 20 },
    { label: `paced, coalesceMs 50`, source: () => paced(deltas, PACE_MS), coalesceMs: 50 },
    { label: `paced, coalesceMs 100`, source: () => paced(deltas, PACE_MS), coalesceMs: 100 },
    {
      label: `paced, pretty-printed JSON, coalesceMs 20`,
      source: () => paced(prettyDeltas, PACE_MS),
      coalesceMs: 20,
    },
    { label: "as fast as possible, coalesceMs 20", source: () => deltas, coalesceMs: 20 },
    { label: "as fast as possible, pretty-printed JSON", source: () => prettyDeltas, coalesceMs: 20 },
    { label: "coalesceMs 0: one event per delta, any pace", source: () => deltas, coalesceMs: 0 },
  ];
  const started = performance.now();
  const wire = await wireRuns(runs, value);
  const wireSeconds = (performance.now() - started) / 1000;

  const lines = [
    `Transport (fieldstream/http): a meeting extraction of ${jsonBytes.toLocaleString("en-US")} bytes of compact JSON ` +
      `(${value.users.length} users; ${bytes(pretty).toLocaleString("en-US")} pretty-printed), ` +
      `${deltas.length.toLocaleString("en-US")} deltas of 1..7 characters (mean ${mean})`,
    `"paced": one delta every ${PACE_MS} ms (~${Math.round(Number(mean) * (1000 / PACE_MS))} characters/s, a fast model); ` +
      `all runs at once over loopback, ${wireSeconds.toFixed(0)} s`,
    `${"bytes per byte of JSON".padEnd(48)}  SSE body  HTTP/1.1 socket  events  final value`,
  ];
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i]!;
    const result = wire[i]!;
    const json = run.label.includes("pretty") ? bytes(pretty) : jsonBytes;
    lines.push(
      `${run.label.padEnd(48)}  ${ratio(result.body / json).padStart(8)}  ${ratio(result.socket / json).padStart(15)}  ` +
        `${String(result.events).padStart(6)}  ${result.ok ? "✓" : "✗"}`,
    );
  }

  // The parse cost in the browser, on the same 4-character deltas: fieldstream gets one SSE event per
  // delta (its worst case; coalescing only makes fewer, larger events), the AI SDK approach the raw deltas.
  const perDelta = wire[6]!.chunks;
  const coalesced = wire[0]!.chunks;
  const raw = deltas.map((d) => new TextEncoder().encode(d));
  const plan = { warmups: 3, runs: 15 };
  const contenders: Contender[] = [
    { name: "readObjectStream, one SSE event per delta", run: () => fieldstreamClient(perDelta), plan },
    {
      name: "readObjectStream, as sent when paced (coalesceMs 20)",
      run: () => fieldstreamClient(coalesced),
      plan,
    },
    { name: "AI SDK: parsePartialJson(whole text) per delta", run: () => aiSdkClient(raw), plan },
  ];
  const results = await measureTogether(contenders, (v) => jsonEqual(v, value));
  const base = results.get(contenders[0]!.name)!.medianMs;
  lines.push(
    `Browser-side parse cost, the same ${deltas.length.toLocaleString("en-US")} deltas read to the end (median of ${plan.runs} runs)`,
    `${"".padEnd(56)}  total ms  × readObjectStream  final value`,
  );
  for (const contender of contenders) {
    const m = results.get(contender.name)!;
    lines.push(
      `${contender.name.padEnd(56)}  ${m.medianMs.toFixed(1).padStart(8)}  ${ratio(m.medianMs / base).padStart(18)}  ${m.ok ? "✓" : `✗ ${m.error ?? ""}`}`,
    );
  }
  const ai = results.get(contenders[2]!.name)!.medianMs;
  lines.push(
    `parsePartialJson ms / readObjectStream ms: ${ratio(ai / base)} (one event per delta), ` +
      `${ratio(ai / results.get(contenders[1]!.name)!.medianMs)} (coalesced as sent when paced)`,
  );
  return lines.join("\n");
}
