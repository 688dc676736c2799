// The meeting extraction scaled up for the benchmarks: the demo's MeetingInfo with as many generated
// participants as it takes to reach a size, so the same shape is measured at any length.

import type * as z from "zod";
import { MeetingInfo } from "../packages/fieldstream-cli/src/meeting.js";

export { MeetingInfo };

const FIRST = [
  "Priya",
  "Tomás",
  "Hannah",
  "Kwame",
  "Mei",
  "Olu",
  "Sven",
  "Aiko",
  "Ravi",
  "Zoë",
  "Liam",
  "Noor",
];
const LAST = ["Raman", "Oliveira", "Becker", "Mensah", "Chen", "Adeyemi", "Larsen", "Sato", "Iyer", "Dubois"];

/** A meeting whose JSON (`JSON.stringify(value, null, indent)`) reaches `targetChars`. */
export function scaledMeeting(targetChars: number, indent?: number): z.input<typeof MeetingInfo> {
  const users: { name: string; email: string; twitter: string }[] = [];
  const value = {
    users,
    date: "2025-05-14",
    location: "Hall B, Riverside Convention Centre, 200 Quay Street",
    budget: 48500,
    deadline: "2025-04-02",
  };
  for (let i = 0; JSON.stringify(value, null, indent).length < targetChars; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const handle = first
      .toLowerCase()
      .normalize("NFD")
      .replace(/[^a-z]/g, "");
    users.push({
      name: `${first} ${last}`,
      email: `${handle}.${last.toLowerCase()}${i}@example.org`,
      twitter: `@${handle}_${i}`,
    });
  }
  return value;
}
