// The meeting extraction streamed end to end from a text source: partials never show a truncated
// number, each participant arrives as an element once complete, and final is the parsed object.

import { describe, expect, it } from "vitest";
import { streamObject } from "../src/index.js";
import { MeetingInfo, meetingAnswer, meetingJson, User } from "./helpers/meeting.js";
import { chunk, source } from "./helpers/sources.js";

describe("MeetingInfo streamed from text", () => {
  for (const size of [1, 3, 7]) {
    it(`behaves in ${size}-character chunks`, async () => {
      const stream = streamObject({ schema: MeetingInfo, source: source(chunk(meetingJson, size)) });
      const budgets = new Set<number>();
      let partials = 0;
      for await (const partial of stream) {
        partials++;
        if (partial.budget !== undefined) budgets.add(partial.budget);
        for (const user of partial.users ?? []) expect(Object.keys(user ?? {})).not.toContain("extra");
      }
      expect([...budgets]).toEqual([48500]);
      expect(partials).toBeGreaterThan(10);
      expect(await stream.final).toEqual(MeetingInfo.parse(JSON.parse(meetingJson)));
    });
  }

  it("yields each participant as an element when complete, in order, once", async () => {
    const users = streamObject({
      schema: MeetingInfo.shape.users,
      source: source(chunk(JSON.stringify(meetingAnswer.users), 5)),
    });
    const seen: unknown[] = [];
    for await (const user of users.elements) seen.push(user);
    expect(seen).toEqual(meetingAnswer.users.map((u) => User.parse(u)));
  });

  it("shows a participant while it is still being written", async () => {
    const stream = streamObject({ schema: MeetingInfo, source: source(chunk(meetingJson, 2)) });
    const names = new Set<string>();
    for await (const partial of stream) {
      const last = partial.users?.at(-1);
      if (last?.name !== undefined && !stream.isComplete(partial.users!.at(-1)!)) names.add(last.name);
    }
    expect([...names]).toContain("Tomá");
  });
});
