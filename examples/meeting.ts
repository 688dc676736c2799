// The meeting extraction, streamed: the model's answer redrawn as it grows, field by field.
// Runs against OpenAI by default; set OPENAI_BASE_URL to use any compatible server (or the mock).

import { instructor, Partial } from "fieldstream";
import OpenAI from "openai";
import * as z from "zod";

const client = instructor(new OpenAI());

const User = z.object({
  name: z.string(),
  email: z.string(),
  twitter: z.string(),
});

const MeetingInfo = z.object({
  users: z.array(User),
  date: z.string(),
  location: z.string(),
  budget: z.number().int(),
  deadline: z.string(),
});

const PartialMeetingInfo = Partial(MeetingInfo);

export const textBlock = `
In our online meeting last week, people from several teams met to plan the developer summit.
These were the participants and their contact details:

- Name: Priya Raman, Email: priya.raman@example.org, Twitter: @priyabuilds
- Name: Tomás Oliveira, Email: tomas.o@example.net, Twitter: @tomas_codes
- Name: Hannah Becker, Email: hbecker@example.com, Twitter: @hannahb_dev

We agreed that the summit will take place on 14 May 2025 in Hall B of the Riverside Convention
Centre, 200 Quay Street. The budget is set at $48,500, for the venue, catering and travel grants.
Everyone is to send a talk proposal by 2 April 2025.
`;

const extractionStream = client.chat.completions.create({
  model: process.env.OPENAI_MODEL ?? "gpt-4o",
  response_model: PartialMeetingInfo,
  messages: [{ role: "user", content: `Get the information about the meeting and the users ${textBlock}` }],
  stream: true,
});

for await (const extraction of extractionStream) {
  console.clear();
  console.dir(extraction, { depth: null });
}

const meeting = await extractionStream.final;
console.log(`\n${meeting.users?.length ?? 0} participants, budget ${meeting.budget}`);
