// The meeting-extraction example used across tests: a schema with a list of people, a date, a place,
// an integer budget and a deadline, a meeting note to extract it from, and a model's answer.

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

export const meetingNote = `Notes from Tuesday's planning call for the developer summit.

On the call:
- Priya Raman (priya.raman@example.org, @priyabuilds)
- Tomás Oliveira (tomas.o@example.net, @tomas_codes)
- Hannah Becker (hbecker@example.com, @hannahb_dev)

The summit takes place on 14 May 2025 in Hall B of the Riverside Convention Centre, 200 Quay Street.
We approved a budget of 48,500 dollars for the venue, catering and travel grants.
Talk proposals are due by 2 April 2025.`;

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

/** The answer as a model would write it: pretty-printed JSON. */
export const meetingJson = JSON.stringify(meetingAnswer, null, 2);
