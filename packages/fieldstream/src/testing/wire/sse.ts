// Server-sent-event framing shared by every wire format: one `event:` line when named, one `data:`
// line, a blank line; raw blocks from recordings pass through untouched.

import type { WireEvent } from "./types.js";

export function frameSse(event: WireEvent, eol: string): string {
  if (event.frame !== undefined) return event.frame;
  const payload = event.text ?? JSON.stringify(event.data);
  const name = event.event === undefined ? "" : `event: ${event.event}${eol}`;
  return `${name}data: ${payload}${eol}${eol}`;
}

/**
 * Cuts a raw SSE body into its events, each keeping the blank line that ends it, so that joining the
 * blocks gives back the body byte for byte and a delay can go between two events.
 */
export function splitSseBlocks(body: string): string[] {
  const blocks: string[] = [];
  const separator = /\r\n\r\n|\n\n|\r\r/g;
  let start = 0;
  for (let match = separator.exec(body); match !== null; match = separator.exec(body)) {
    const end = match.index + match[0].length;
    blocks.push(body.slice(start, end));
    start = end;
  }
  if (start < body.length) blocks.push(body.slice(start));
  return blocks;
}
