import { describe, expect, it } from "vitest";
import { countedSignal } from "../../test/helpers/signals.js";
import { FollowerLog } from "./follower-log.js";

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

describe("FollowerLog", () => {
  it("gives every follower every entry from where it starts, then live ones, up to the last", async () => {
    const log = new FollowerLog<string>();
    log.push("a");
    const first = all(log.follow((entry) => entry === "end"));
    const late = all(log.follow((entry) => entry === "end", 1));
    log.push("b");
    log.push("end");
    log.push("after the end");
    expect(await first).toEqual(["a", "b", "end"]);
    expect(await late).toEqual(["b", "end"]);
  });

  it("ends waiting followers when it closes, and followers that start after", async () => {
    const log = new FollowerLog<number>();
    const waiting = all(log.follow());
    log.push(1);
    log.close();
    log.push(2);
    expect(await waiting).toEqual([1]);
    expect(await all(log.follow())).toEqual([1]);
  });

  it("ends a next() still waiting when its follower returns, or when its signal aborts, and lets go of the signal", async () => {
    const log = new FollowerLog<number>();
    const iterator = log.follow()[Symbol.asyncIterator]();
    const pending = iterator.next();
    await iterator.return?.();
    expect(await pending).toEqual({ value: undefined, done: true });

    const shared = countedSignal();
    const followers = Array.from({ length: 100 }, () => all(log.follow(() => false, 0, shared.signal)));
    shared.controller.abort();
    expect(await Promise.all(followers)).toEqual(Array.from({ length: 100 }, () => []));
    expect(shared.listeners()).toBe(0);
  });
});
