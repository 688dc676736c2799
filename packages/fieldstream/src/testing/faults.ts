// The ways a scripted answer can go wrong, and where in the event list each one strikes, so clients
// can be tested against rate limits, dropped connections, error events, broken lines and stalls.

import type { WireContext, WireEvent, WireFormat } from "./wire/types.js";

/** Answer with an HTTP error in the provider's error format instead of the script. */
export interface StatusFault {
  readonly status: number;
  /** Seconds, sent as the `retry-after` header. */
  readonly retryAfter?: number;
  /** Replaces the provider-style error body (an object is sent as JSON, a string as is). */
  readonly body?: unknown;
  readonly message?: string;
}

/** Write this many bytes of the response body, then destroy the socket. */
export interface DropFault {
  readonly dropAfterBytes: number;
  /**
   * End the body normally instead, after the last whole event that fits in those bytes, as a proxy
   * that gives up on its upstream does: the client sees a stream that simply stops, with no error.
   */
  readonly clean?: boolean;
}

/** After this many content events, the provider's mid-stream error event, then the end of the stream. */
export interface ErrorEventFault {
  readonly errorEventAfter: number;
  readonly message?: string;
}

/** After this many content events, a `data:` line that is not JSON; the rest of the stream follows. */
export interface MalformedEventFault {
  readonly malformedEventAfter: number;
}

/** After this many content events, send nothing more and keep the connection open. */
export interface StallFault {
  readonly stallAfter: number;
}

export type Fault = StatusFault | DropFault | ErrorEventFault | MalformedEventFault | StallFault;

export function isStatusFault(fault: Fault | undefined): fault is StatusFault {
  return fault !== undefined && typeof (fault as StatusFault).status === "number";
}

export function dropAfter(fault: Fault | undefined): number | undefined {
  const bytes = (fault as DropFault | undefined)?.dropAfterBytes;
  return typeof bytes === "number" ? Math.max(0, bytes) : undefined;
}

export function isCleanDrop(fault: Fault | undefined): boolean {
  return dropAfter(fault) !== undefined && (fault as DropFault).clean === true;
}

export const DEFAULT_ERROR_MESSAGE = "The server is overloaded. Please try again later.";

/**
 * Where a fault "after n content events" goes: right after the nth one. With n = 0 that is just before
 * the first content event (after the preamble such as `message_start`); when there are fewer than n,
 * right after the last one, so the closing events are what is lost.
 */
function position(events: readonly WireEvent[], n: number): number {
  const content: number[] = [];
  events.forEach((event, index) => {
    if (event.content) content.push(index);
  });
  if (content.length === 0) return Math.min(1, events.length);
  if (n <= 0) return content[0] as number;
  return (content[Math.min(n, content.length) - 1] as number) + 1;
}

/** The event list with the fault's event(s) put in place; status and drop faults act elsewhere. */
export function injectFault(
  events: WireEvent[],
  fault: Fault | undefined,
  wire: WireFormat,
  ctx: WireContext,
): WireEvent[] {
  if (fault === undefined) return events;
  if ("errorEventAfter" in fault) {
    const at = position(events, fault.errorEventAfter);
    return [...events.slice(0, at), ...wire.errorEvents(fault.message ?? DEFAULT_ERROR_MESSAGE, ctx)];
  }
  if ("malformedEventAfter" in fault) {
    const at = position(events, fault.malformedEventAfter);
    return [...events.slice(0, at), wire.malformedEvent(), ...events.slice(at)];
  }
  if ("stallAfter" in fault) {
    const at = position(events, fault.stallAfter);
    return [...events.slice(0, at), { stall: true }];
  }
  return events;
}
