// The schema the page streams into and the note it starts with; the server imports both too, so the
// two ends of the wire agree on the shape.

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
