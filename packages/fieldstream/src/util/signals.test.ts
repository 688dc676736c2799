import { describe, expect, it } from "vitest";
import { follow } from "./signals.js";

/** How many abort listeners a signal holds, counted through its add/remove calls. */
function counted(): { signal: AbortSignal; controller: AbortController; listeners: () => number } {
  const controller = new AbortController();
  const signal = controller.signal;
  let count = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    count++;
    add(...args);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    count--;
    remove(...args);
  }) as typeof signal.removeEventListener;
  return { signal, controller, listeners: () => count };
}

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
    const shared = counted();
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
