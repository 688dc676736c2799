import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.js";

describe("backoffDelay", () => {
  it("doubles from the base, jittered between half and all of it, up to the cap", () => {
    const low = () => 0;
    const high = () => 1;
    expect(
      [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { baseMs: 100, maxMs: 1000 }, undefined, high)),
    ).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(3, { baseMs: 100, maxMs: 1000 }, undefined, low)).toBe(200);
  });

  it("lets retry-after lengthen the pause, never shorten it below the floor", () => {
    const half = () => 0.5;
    // retry-after: 0 used to replace the backoff entirely.
    expect(backoffDelay(1, { baseMs: 400 }, 0, half)).toBe(300);
    expect(backoffDelay(1, { baseMs: 400 }, 2000, half)).toBe(2000);
    // A server asking for an hour is held to the longest pause.
    expect(backoffDelay(1, { baseMs: 400, maxMs: 5000 }, 3_600_000, half)).toBe(5000);
    expect(backoffDelay(1, { baseMs: 400 }, Number.NaN, half)).toBe(300);
  });
});
