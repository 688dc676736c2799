// The token usage the store reports, over the real wire (toResponse → readObjectStream) as the hook
// opens its requests: absent while streaming, the server's figures at the end, after an error too.

import { describe, expect, it } from "vitest";
import type * as z from "zod";
import { MeetingInfo, meetingJson } from "../../test/helpers/meeting.js";
import { chunk, source } from "../../test/helpers/sources.js";
import { Plan, planStream, usage } from "../../test/http/helpers/streams.js";
import { MemoryStore, readObjectStream, toResponse } from "../http/index.js";
import type { DeepPartial } from "../schema/deep-partial.js";
import { ObjectStream, streamObject } from "../stream/index.js";
import { textDriver } from "../stream/text-driver.js";
import { type ObjectStreamState, ObjectStreamStore, type OpenStream } from "./store.js";

type State = ObjectStreamState<unknown>;

/** A store whose every request is answered by the server-side stream `serve()` makes, and what it told. */
function overTheWire(serve: () => ObjectStream<unknown, unknown, unknown>, schema: unknown = Plan) {
  const open: OpenStream<unknown, unknown> = (_body, signal) =>
    readObjectStream(toResponse(serve(), { store: new MemoryStore(), keepAliveMs: 0, coalesceMs: 0 }), {
      schema,
      signal,
    });
  const store = new ObjectStreamStore(open);
  const seen: State[] = [];
  store.subscribe(() => seen.push(store.getSnapshot()));
  return { store, seen };
}

function until(store: ObjectStreamStore<unknown, unknown>, status: string): Promise<void> {
  return new Promise((resolve) => {
    if (store.getSnapshot().status === status) return resolve();
    const stop = store.subscribe(() => {
      if (store.getSnapshot().status !== status) return;
      stop();
      resolve();
    });
  });
}

/** A server-side stream that reports usage, as a model call does, and fails partway. */
function failingCall(text: string): ObjectStream<unknown, unknown, unknown> {
  const read = textDriver(source(chunk(text, 9)));
  return new ObjectStream({ schema: MeetingInfo }, (writer) => {
    writer.write({ type: "usage", usage: { inputTokens: 50, outputTokens: 7, totalTokens: 57 } });
    return read(writer);
  }).start();
}

describe("ObjectStreamStore usage", () => {
  it("is undefined before the end, then the usage the server reported, and resets on the next request", async () => {
    const { store, seen } = overTheWire(() => planStream(0, 7));
    expect(store.getSnapshot().usage).toBeUndefined();
    store.submit();
    await until(store, "done");

    const streaming = seen.filter((state) => state.status === "streaming");
    expect(streaming.length).toBeGreaterThan(3);
    for (const state of streaming) expect(state.usage).toBeUndefined();
    expect(store.getSnapshot()).toMatchObject({ status: "done", attempt: 2, usage });

    store.submit();
    expect(store.getSnapshot()).toMatchObject({ status: "streaming", usage: undefined });
    await until(store, "done");
    expect(store.getSnapshot().usage).toEqual(usage);
  });

  it("is reported with the error a stream fails with", async () => {
    const broken = `${meetingJson.slice(0, meetingJson.indexOf('"email"'))}?`;
    const { store } = overTheWire(() => failingCall(broken), MeetingInfo);
    store.submit();
    await until(store, "error");
    const state = store.getSnapshot();
    expect(state.error?.name).toBe("JsonStreamError");
    expect(state.usage).toEqual({ inputTokens: 50, outputTokens: 7, totalTokens: 57 });
    expect((state.object as DeepPartial<z.input<typeof MeetingInfo>>).users?.[0]?.name).toBe("Priya Raman");
  });

  it("stays undefined for a stream that reports none", async () => {
    const { store } = overTheWire(() => streamObject({ schema: Plan, source: ['{"title":"t","steps":[]}'] }));
    store.submit();
    await until(store, "done");
    expect(store.getSnapshot()).toMatchObject({ status: "done", usage: undefined });
  });
});
