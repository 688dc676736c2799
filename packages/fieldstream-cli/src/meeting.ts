// The demo's task: the meeting note, the MeetingInfo schema to extract from it, and the scripted
// answer the offline replay streams, shaped to whatever the request asks for (a tool call or text).

import type { RecordedRequest, Script } from "fieldstream/testing";
import * as z from "zod";

export const User = z.object({
  name: z.string(),
  email: z.email(),
  twitter: z.string(),
});

export const MeetingInfo = z.object({
  users: z.array(User),
  date: z.string(),
  location: z.string(),
  budget: z.number().int(),
  deadline: z.string(),
});

export const meetingModel = {
  schema: MeetingInfo,
  name: "MeetingInfo",
  description: "The meeting's participants, date, place, budget and deadline.",
};

export const meetingNote = `Notes from Tuesday's planning call for the developer summit.

On the call:
- Priya Raman (priya.raman@example.org, @priyabuilds)
- Tomás Oliveira (tomas.o@example.net, @tomas_codes)
- Hannah Becker (hbecker@example.com, @hannahb_dev)

The summit takes place on 14 May 2025 in Hall B of the Riverside Convention Centre, 200 Quay Street.
We approved a budget of 48,500 dollars for the venue, catering and travel grants.
Talk proposals are due by 2 April 2025.`;

export const meetingPrompt = `Get the information about the meeting and the users:\n\n${meetingNote}`;

export const meetingAnswer = {
  users: [
    { name: "Priya Raman", email: "priya.raman@example.org", twitter: "@priyabuilds" },
    { name: "Tomás Oliveira", email: "tomas.o@example.net", twitter: "@tomas_codes" },
    { name: "Hannah Becker", email: "hbecker@example.com", twitter: "@hannahb_dev" },
  ],
  date: "2025-05-14",
  location: "Hall B, Riverside Convention Centre, 200 Quay Street",
  budget: 48500,
  deadline: "2025-04-02",
};

/** The tool the request forces, in whichever API's spelling; undefined when it asks for text. */
export function requestedTool(request: RecordedRequest): string | undefined {
  const body = request.body as { tools?: unknown } | undefined;
  const tools = Array.isArray(body?.tools) ? (body.tools as Record<string, unknown>[]) : [];
  const first = tools[0];
  if (first === undefined) return undefined;
  const fn = first.function as { name?: unknown } | undefined;
  const declarations = first.functionDeclarations as { name?: unknown }[] | undefined;
  const name = fn?.name ?? first.name ?? declarations?.[0]?.name;
  return typeof name === "string" ? name : undefined;
}

/**
 * The scripted answer to a request: the meeting as the forced tool's arguments, or as the text when
 * the request asks for a JSON response, cut into `pieces` with `delayMs` between them.
 */
export function meetingScript(
  request: RecordedRequest,
  pieces: (text: string) => string[],
  delayMs: number,
): Script {
  const json = JSON.stringify(meetingAnswer);
  const tokens = pieces(json);
  const tool = requestedTool(request);
  const common = {
    chunks: (text: string) => (text === json ? tokens : pieces(text)),
    delayMs,
    usage: { outputTokens: tokens.length },
  };
  return tool === undefined
    ? { ...common, text: json }
    : { ...common, toolCalls: [{ name: tool, arguments: json }] };
}
