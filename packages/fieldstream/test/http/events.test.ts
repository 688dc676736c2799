// What besides text crosses the wire: attempts (a server re-ask is a new attempt in the browser),
// usage, every error class with its fields, aborts from either side, and keep-alive comments.

import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { MemoryStore, readObjectStream, resumeResponse, toResponse } from "../../src/http/index.js";
import {
  FieldValidationError,
  IncompleteOutputError,
  instructor,
  JsonStreamError,
  ProviderError,
  RefusalError,
  streamObject,
  ValidationError,
} from "../../src/index.js";
import { type MockProvider, startMockProvider } from "../../src/testing/index.js";
import { MeetingInfo, meetingAnswer, meetingJson } from "../helpers/meeting.js";
import { stalling } from "../helpers/sources.js";
import { serve } from "./helpers/node-server.js";
import {
  expectExact,
  firstAttempt,
  Plan,
  paced,
  planStream,
  secondAttempt,
  usage,
} from "./helpers/streams.js";

const through = (stream: Parameters<typeof toResponse>[0], coalesceMs?: number) =>
  readObjectStream(
    toResponse(stream, { store: new MemoryStore(), ...(coalesceMs !== undefined ? { coalesceMs } : {}) }),
    {
      schema: Plan,
    },
  );

describe("attempts", () => {
  it("shows a server re-ask as a new attempt whose partials start afresh", async () => {
    const client = through(planStream(1, 4), 0);
    const seen: { attempt: number; partial: unknown }[] = [];
    for await (const partial of client)
      seen.push({ attempt: client.attempt, partial: structuredClone(partial) });
    await expectExact(client);
    const second = seen.filter((s) => s.attempt === 2);
    expect(seen.filter((s) => s.attempt === 1).length).toBeGreaterThan(3);
    expect(second.length).toBeGreaterThan(3);
    // Attempt 2 begins from nothing: its first partial is a short title, not attempt 1's steps.
    expect(second[0]!.partial).not.toHaveProperty("steps");
    const events = [];
    for await (const event of client.events()) if (event.type !== "text") events.push(event);
    // The same log as on the server, usage included (the server sends the total before the end).
    expect(events).toEqual([
      { type: "attempt", attempt: 2 },
      { type: "usage", usage },
      { type: "done", value: expect.anything() },
    ]);
  });

  it("follows the server to its next attempt when this side rejected a field first", async () => {
    // The server accepts a one-step plan; the stricter client aborts attempt 1 at its first step.
    const strict = z.object({
      title: z.string(),
      steps: z.array(z.object({ n: z.number(), what: z.string() })),
    });
    const client = readObjectStream(toResponse(planStream(1), { store: new MemoryStore() }), {
      schema: strict,
      onInvalidField: "abort",
    });
    expect(await client.final).toEqual(JSON.parse(secondAttempt));
    expect(client.attempt).toBe(2);
    expect(client.fieldErrors[0]?.path).toEqual(["steps", 0, "n"]);
    expect(client.rawText).toBe(secondAttempt);
  });

  describe("from a real model call", () => {
    let mock: MockProvider;
    beforeAll(async () => {
      mock = await startMockProvider();
    });
    afterAll(async () => {
      await mock.close();
    });

    it("carries the re-ask and the usage of an instructor stream", async () => {
      const bad = JSON.stringify({ ...meetingAnswer, budget: "lots" });
      mock.enqueue({ text: bad, chunks: 7, delayMs: 1 }, { text: meetingJson, chunks: 5, delayMs: 1 });
      const client = instructor(new OpenAI({ apiKey: "t", baseURL: `${mock.url}/v1` }), { mode: "json" });
      const stream = client.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "x" }],
        response_model: MeetingInfo,
        stream: true,
      });
      const remote = readObjectStream(toResponse(stream, { store: new MemoryStore() }), {
        schema: MeetingInfo,
      });
      expect(await remote.final).toEqual(meetingAnswer);
      expect(remote.attempt).toBe(2);
      expect(remote.rawText).toBe(meetingJson);
      expect(remote.usage).toEqual(stream.usage);
      expect(remote.usage?.outputTokens).toBeGreaterThan(0);
    });
  });
});

describe("errors", () => {
  /** A stream whose source writes some text and then throws `error`. */
  const failing = (error: unknown) =>
    streamObject({
      schema: Plan,
      source: (async function* () {
        yield '{"title": "x", ';
        throw error;
      })(),
    });

  const thrown: [string, Error][] = [
    ["ProviderError", new ProviderError("Overloaded", { status: 529, body: { type: "overloaded" } })],
    ["IncompleteOutputError", new IncompleteOutputError("length", { title: "x" })],
    ["RefusalError", new RefusalError("Not this one")],
    ["a plain TypeError with a code", Object.assign(new TypeError("boom"), { code: "E_BOOM" })],
  ];
  for (const [name, error] of thrown) {
    it(`delivers a ${name} with its class and fields`, async () => {
      const failure = await through(failing(error)).final.catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(error instanceof TypeError ? Error : error.constructor);
      expect((failure as Error).name).toBe(error.name);
      expect((failure as Error).message).toBe(error.message);
      expect(failure).toMatchObject(
        Object.fromEntries(Object.entries(error).filter(([, v]) => v !== undefined)),
      );
    });
  }

  it("delivers a ValidationError with its issues, text and value", async () => {
    const server = streamObject({ schema: Plan, source: paced(firstAttempt, 6, 0) });
    const failure = await through(server).final.catch((e: unknown) => e);
    const original = await server.final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ValidationError);
    expect({ ...(failure as object) }).toEqual({ ...(original as object) });
    expect((failure as ValidationError).text).toBe(firstAttempt);
  });

  it("delivers a FieldValidationError that aborted the server's stream", async () => {
    const server = streamObject({ schema: Plan, source: paced(firstAttempt, 6, 0), onInvalidField: "abort" });
    const failure = await through(server).final.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FieldValidationError);
    expect(failure).toMatchObject({ path: ["steps", 0, "n"], value: "one" });
    expect((failure as FieldValidationError).issues.length).toBeGreaterThan(0);
  });

  it("fails with the same JsonStreamError as the server on invalid JSON", async () => {
    const server = streamObject({ schema: Plan, source: paced('{"title": "x",, }', 4, 0) });
    const failure = await through(server).final.catch((e: unknown) => e);
    const original = (await server.final.catch((e: unknown) => e)) as JsonStreamError;
    expect(failure).toBeInstanceOf(JsonStreamError);
    expect(failure).toMatchObject({
      code: original.code,
      offset: original.offset,
      message: original.message,
    });
  });
});

describe("aborts", () => {
  it("cancels the server's stream when the client aborts, with abortOnDisconnect", async () => {
    const source = stalling(['{"title": "st', "ill going"]);
    const server = streamObject({ schema: Plan, source });
    const http = await serve(() => toResponse(server, { store: new MemoryStore(), abortOnDisconnect: true }));
    try {
      const controller = new AbortController();
      const client = readObjectStream(`${http.url}/plan`, { schema: Plan, signal: controller.signal });
      for await (const partial of client) {
        if ((partial as { title?: string }).title === "still going") break;
      }
      controller.abort(new Error("user left"));
      await expect(client.final).rejects.toThrow("user left");
      const failure = await server.final.catch((e: unknown) => e);
      expect(failure).toMatchObject({ name: "AbortError", message: "The client disconnected" });
      expect(source.cancelled).toBe(true);
    } finally {
      await http.close();
    }
  });

  it("keeps the server's stream running into the store when the client leaves", async () => {
    const store = new MemoryStore();
    const server = planStream(2);
    const http = await serve((request) =>
      request.method === "GET"
        ? resumeResponse(request, { store })
        : toResponse(server, { store, id: "stays" }),
    );
    try {
      const controller = new AbortController();
      const client = readObjectStream(`${http.url}/plan`, {
        schema: Plan,
        init: { method: "POST" },
        signal: controller.signal,
      });
      for await (const _ of client) break;
      controller.abort();
      await client.final.catch(() => {});
      await server.final;
      // Coming back later still gets the whole stream, from the store.
      const later = readObjectStream(new Request(`${http.url}/plan?id=stays`), { schema: Plan });
      await expectExact(later);
    } finally {
      await http.close();
    }
  });

  it("ends the response with an error event when the server aborts", async () => {
    const controller = new AbortController();
    const server = streamObject({ schema: Plan, source: stalling(['{"title": "x"']) });
    const response = toResponse(server, { store: new MemoryStore(), signal: controller.signal });
    const client = readObjectStream(response, { schema: Plan });
    for await (const _ of client) break;
    controller.abort(new Error("shutting down"));
    await expect(client.final).rejects.toMatchObject({ name: "Error", message: "shutting down" });
    await expect(server.final).rejects.toThrow("shutting down");
  });

  it("writes keep-alive comments while the stream is idle, which the client skips", async () => {
    const source = stalling(['{"title": "x", "steps": []']);
    const server = streamObject({ schema: Plan, source });
    const response = toResponse(server, { store: new MemoryStore(), keepAliveMs: 10 });
    const [mine, theirs] = response.body!.tee();
    const client = readObjectStream(new Response(theirs, response), { schema: Plan });
    // Read the wire until two keep-alives have gone by, however slowly the timers fire on this machine.
    const reader = mine.pipeThrough(new TextDecoderStream()).getReader();
    let wire = "";
    const comments = () => wire.split("\n").filter((line) => line === ":").length;
    while (comments() < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      wire += value;
    }
    server.abort(new Error("enough"));
    await expect(client.final).rejects.toThrow("enough");
    for (let next = await reader.read(); !next.done; next = await reader.read()) wire += next.value;
    expect(comments()).toBeGreaterThanOrEqual(2);
    // The client still got the text around them and nothing of the comments.
    expect(client.partial).toEqual({ title: "x", steps: [] });
  });
});
