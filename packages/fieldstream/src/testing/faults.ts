// The ways a scripted answer can go wrong, and where in the event list each one strikes, so clients
// can be tested against rate limits, dropped connections, error events, broken lines and stalls.

import type { DropFault, Fault, StatusFault } from "./fault.js";
import type { WireContext, WireEvent, WireFormat } from "./wire/types.js";

export type {
  DropFault,
  ErrorEventFault,
  Fault,
  MalformedEventFault,
  StallFault,
  StatusFault,
} from "./fault.js";

export function isStatusFault(fault: Fault | undefined): fault is StatusFault {
  // An error event carries a status too, for the error it writes inside the stream.
  return (
    fault !== undefined && typeof (fault as StatusFault).status === "number" && !("errorEventAfter" in fault)
  );
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
    const message = fault.message ?? DEFAULT_ERROR_MESSAGE;
    return [...events.slice(0, at), ...wire.errorEvents(message, ctx, fault.status)];
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
