// The SSE reader against the WHATWG rules (line ends, comments, fields, BOM, ids) and the writer's
// framing round trip: any text, framed and re-read in any chunking, comes back exactly.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TransportError } from "../errors/index.js";
import {
  DEFAULT_MAX_EVENT_CHARS,
  dataLines,
  frameEvent,
  isRawSafe,
  isWellFormed,
  type SseEvent,
  SseParser,
} from "./sse.js";

function parse(chunks: readonly string[]): { events: SseEvent[]; parser: SseParser } {
  const events: SseEvent[] = [];
  const parser = new SseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return { events, parser };
}

/** Cuts at the given points (taken modulo the length), so empty chunks and single characters happen. */
function cut(text: string, points: readonly number[]): string[] {
  const sorted = points.map((p) => p % (text.length + 1)).sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const point of sorted) {
    out.push(text.slice(from, point));
    from = point;
  }
  out.push(text.slice(from));
  return out;
}

describe("SseParser", () => {
  it("reads every line-end convention, also split between chunks", () => {
    const body = "data:a\r\n\r\ndata:b\r\rdata:c\n\ndata:d\r\n\n";
    const expected = ["a", "b", "c", "d"];
    expect(parse([body]).events.map((e) => e.data)).toEqual(expected);
    for (let i = 0; i <= body.length; i++) {
      expect(parse([body.slice(0, i), body.slice(i)]).events.map((e) => e.data)).toEqual(expected);
    }
    expect(parse([...body]).events.map((e) => e.data)).toEqual(expected);
  });

  it("joins data lines with \\n and strips one leading space only", () => {
    const { events } = parse(["data:  two\ndata\ndata: x\n\n"]);
    expect(events).toEqual([{ type: "message", data: " two\n\nx", id: undefined, lastEventId: "" }]);
  });

  it("ignores comments, unknown fields and events without data", () => {
    const { events } = parse([": hello\nfoo: bar\nevent: x\n\n:\ndata: y\n\n"]);
    expect(events).toEqual([{ type: "message", data: "y", id: undefined, lastEventId: "" }]);
  });

  it("keeps the last event id across events, and says which event set it", () => {
    const { events, parser } = parse(["id: 1:4\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: x\0y\ndata: d\n\n"]);
    expect(events.map((e) => [e.id, e.lastEventId])).toEqual([
      ["1:4", "1:4"],
      [undefined, "1:4"],
      ["", ""],
      [undefined, ""],
    ]);
    expect(parser.lastEventId).toBe("");
  });

  it("names events, reads retry, and strips one BOM", () => {
    const { events, parser } = parse(["\uFEFF", "event: done\nretry: 1500\nretry: x\ndata: {}\n\n"]);
    expect(events).toEqual([{ type: "done", data: "{}", id: undefined, lastEventId: "" }]);
    expect(parser.retry).toBe(1500);
    expect(parse(["\uFEFF\uFEFFdata:a\n\n"]).events).toEqual([]); // the second BOM starts a field name
  });

  it("refuses a line longer than the limit, however it is chunked, before holding it", () => {
    const events: SseEvent[] = [];
    const parser = new SseParser((event) => events.push(event), { maxEventChars: 100 });
    parser.push("data:");
    for (let i = 0; i < 9; i++) parser.push("x".repeat(10));
    expect(() => parser.push("x".repeat(10))).toThrow(
      new TransportError("The event stream sent an event longer than 100 characters (maxEventChars)", {
        retryable: false,
      }),
    );
    expect(() => new SseParser(() => {}, { maxEventChars: 100 }).push(`: ${"x".repeat(200)}\n`)).toThrow(
      TransportError,
    );
  });

  it("counts every data line of an event against the limit, and starts again at each event", () => {
    const events: SseEvent[] = [];
    const parser = new SseParser((event) => events.push(event), { maxEventChars: 100 });
    const line = `data:${"y".repeat(40)}\n`;
    for (let i = 0; i < 10; i++) parser.push(`${line}${line}\n`);
    expect(events).toHaveLength(10);
    let error: unknown;
    try {
      parser.push(`${line}${line}${line}\n`);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: "TransportError", retryable: false });
    expect(events).toHaveLength(10);
  });

  it("holds events of a few megabytes by default", () => {
    const events: SseEvent[] = [];
    const parser = new SseParser((event) => events.push(event));
    const big = "z".repeat(DEFAULT_MAX_EVENT_CHARS - 10);
    parser.push(`data:${big}\n\n`);
    expect(events[0]?.data).toBe(big);
    expect(() => parser.push(`data:${big}${"z".repeat(20)}`)).toThrow(TransportError);
  });

  it("drops an event cut off by the end of the stream", () => {
    expect(parse(["data: a\n\ndata: b\n"]).events.map((e) => e.data)).toEqual(["a"]);
  });
});

describe("framing", () => {
  it("frames multi-line text as several data lines", () => {
    expect(dataLines("a\n b\n\n")).toBe("data:a\ndata:  b\ndata:\ndata:\n");
    expect(frameEvent({ id: "1:3", data: "x" })).toBe("id:1:3\ndata:x\n\n");
  });

  it("knows what raw lines cannot carry", () => {
    expect(isRawSafe("a\nb 🚀")).toBe(true);
    expect(isRawSafe("a\rb")).toBe(false);
    expect(isRawSafe("\uD83D")).toBe(false);
    expect(isWellFormed("x\uDE80")).toBe(false);
    expect(isWellFormed("🚀")).toBe(true);
  });

  it("gives back any raw-safe text exactly, whatever the chunking", () => {
    const text = fc
      .string({ unit: fc.constantFrom("a", " ", "\n", ":", "é", "🚀", "data:", "\uFEFF"), maxLength: 30 })
      .filter(isRawSafe);
    fc.assert(
      fc.property(fc.array(text, { maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }), (texts, points) => {
        const body = texts.map((t, i) => frameEvent({ id: `1:${i}`, data: t })).join("");
        const { events } = parse(cut(body, points));
        expect(events.map((e) => e.data)).toEqual(texts);
        expect(events.map((e) => e.id)).toEqual(texts.map((_, i) => `1:${i}`));
      }),
    );
  });
});
