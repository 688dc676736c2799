// The schema the page streams into, the note it starts with, and what the server says about where its
// answers come from; the server imports them too, so the two ends of the wire agree on the shape.

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

export type Meeting = z.output<typeof MeetingInfo>;

/** The fields of the meeting itself, in the order the card shows them. */
export const meetingFields = ["date", "location", "budget", "deadline"] as const;
/** The fields of each participant. */
export const userFields = ["name", "email", "twitter"] as const;

export const meetingNote = `Notes from Tuesday's planning call for the developer summit.

On the call:
- Priya Raman (priya.raman@example.org, @priyabuilds)
- Tomás Oliveira (tomas.o@example.net, @tomas_codes)
- Hannah Becker (hbecker@example.com, @hannahb_dev)

The summit takes place on 14 May 2025 in Hall B of the Riverside Convention Centre, 200 Quay Street.
We approved a budget of 48,500 dollars for the venue, catering and travel grants.
Talk proposals are due by 2 April 2025.`;

/**
 * What `GET /api/mode` answers. Offline, the server replays a scripted answer (the one for
 * `sampleNote`) whatever note it is sent, and the page has to say so; live, a model reads the note.
 */
export type DemoMode =
  | { readonly mode: "offline"; readonly sampleNote: string }
  | { readonly mode: "live"; readonly model: string };
