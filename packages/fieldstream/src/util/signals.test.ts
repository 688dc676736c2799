import { describe, expect, it } from "vitest";
import { countedSignal } from "../../test/helpers/signals.js";
import { follow } from "./signals.js";

describe("follow", () => {
  it("aborts with the first source's reason", () => {
    const a = new AbortController();
    const b = new AbortController();
    const target = new AbortController();
    follow(target, a.signal, undefined, b.signal);
    b.abort("b went");
    expect(target.signal.aborted).toBe(true);
    expect(target.signal.reason).toBe("b went");
  });

  it("aborts at once when a source already has", () => {
    const target = new AbortController();
    follow(target, AbortSignal.abort("early"));
    expect(target.signal.reason).toBe("early");
  });

  it("leaves no listener on a long-lived signal once each follower is done", () => {
    const shared = countedSignal();
    for (let i = 0; i < 1000; i++) {
      const target = new AbortController();
      const release = follow(target, shared.signal);
      if (i % 2 === 0) target.abort("done");
      else release();
    }
    expect(shared.listeners()).toBe(0);
    expect(shared.signal.aborted).toBe(false);
  });
});
