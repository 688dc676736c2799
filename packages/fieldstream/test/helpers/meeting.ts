// The meeting extraction the tests share with the terminal demo: the schema, the note and the answer
// come from the demo's own module; the pretty-printed answer is how a model would write it.

import { meetingAnswer } from "../../../fieldstream-cli/src/meeting.js";

export { MeetingInfo, meetingAnswer, meetingNote, User } from "../../../fieldstream-cli/src/meeting.js";

/** The answer as a model would write it: pretty-printed JSON. */
export const meetingJson = JSON.stringify(meetingAnswer, null, 2);
