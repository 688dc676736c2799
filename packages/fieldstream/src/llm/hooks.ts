// Observers of structured calls: `on("request" | "response" | "partial" | "retry" | "error", fn)`.
// A hook that throws is reported to the console and never breaks the call it observes.

import type { Usage } from "../stream/index.js";

export interface HookEvents {
  request: { provider: string; body: Record<string, unknown>; attempt: number };
  /** An attempt's answer arrived whole; `usage` is the total over every attempt so far. */
  response: { provider: string; attempt: number; usage: Usage; finishReason: string | undefined };
  partial: unknown;
  retry: { provider: string; attempt: number; error: unknown };
  error: { provider: string; error: unknown };
}

export type HookName = keyof HookEvents;

export class Hooks {
  private readonly listeners = new Map<HookName, Set<(event: never) => void>>();

  on<K extends HookName>(name: K, fn: (event: HookEvents[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(fn as (event: never) => void);
    return () => set.delete(fn as (event: never) => void);
  }

  has(name: HookName): boolean {
    return (this.listeners.get(name)?.size ?? 0) > 0;
  }

  emit<K extends HookName>(name: K, event: HookEvents[K]): void {
    for (const fn of this.listeners.get(name) ?? []) {
      try {
        (fn as (event: HookEvents[K]) => void)(event);
      } catch (error) {
        console.error(`fieldstream: a "${name}" hook threw`, error);
      }
    }
  }
}
