// Serving recorded streams: a raw SSE body goes out byte for byte, a "one chunk JSON per line" file is
// framed the way the route's API frames its events, so real recordings drive the real SDKs.

import { readFile } from "node:fs/promises";
import type { ReplayScript } from "./script.js";
import { ScriptError } from "./script.js";
import { splitSseBlocks } from "./wire/sse.js";
import type { WireEvent, WireFormat } from "./wire/types.js";

/** A recording given inline has a line break or starts like one; anything else names a file. */
function looksInline(replay: string): boolean {
  const start = replay.trimStart();
  return (
    /[\r\n]/.test(replay) || start.startsWith("{") || start.startsWith("data:") || start.startsWith("event:")
  );
}

export async function loadRecording(script: ReplayScript): Promise<string> {
  if (looksInline(script.replay)) return script.replay;
  try {
    return await readFile(script.replay, "utf8");
  } catch (error) {
    throw new ScriptError(`cannot read the recording ${JSON.stringify(script.replay)}: ${String(error)}`);
  }
}

export function detectFormat(recording: string): "sse" | "chunks" {
  return /^(?:data|event):/m.test(recording) ? "sse" : "chunks";
}

export function replayEvents(recording: string, format: "sse" | "chunks", wire: WireFormat): WireEvent[] {
  if (format === "sse") {
    // Saved bodies often lose the blank line after the last event, and without it a client drops
    // that event; the server sent it, so it is put back.
    const body = /(?:\r\n\r\n|\n\n|\r\r)$/.test(recording)
      ? recording
      : `${recording.replace(/[\r\n]*$/, "")}${wire.eol}${wire.eol}`;
    // Blank filler between events is written too, but only real events count as fault positions.
    return splitSseBlocks(body).map((frame) => ({ frame, content: frame.trim() !== "" }));
  }
  const lines = recording.split(/\r\n|\r|\n/).filter((line) => line.trim() !== "");
  return [...lines.map((line) => wire.replayEvent(line)), ...wire.replayEnd];
}
