// Cutting an answer into the pieces a GPT model streams: its real tokens in the GPT-4o vocabulary
// (o200k_base, bundled with js-tiktoken, so nothing is fetched), decoded without splitting a character.

import { Tiktoken } from "js-tiktoken/lite";
import o200kBase from "js-tiktoken/ranks/o200k_base";

let encoder: Tiktoken | undefined;

/** The text as GPT-4o's tokens; the pieces join back to `text` exactly. */
export function gptTokens(text: string): string[] {
  // Building the encoder reads a large table; once per process is enough.
  encoder ??= new Tiktoken(o200kBase);
  const pieces: string[] = [];
  let held: number[] = [];
  for (const id of encoder.encode(text)) {
    held.push(id);
    const piece = encoder.decode(held);
    // A token can end inside a multi-byte character; it waits for the next one to complete it.
    if (piece.endsWith("\uFFFD")) continue;
    pieces.push(piece);
    held = [];
  }
  if (held.length > 0) pieces.push(encoder.decode(held));
  if (pieces.join("") !== text) return Array.from(text);
  return pieces;
}
