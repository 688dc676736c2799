// The meeting extraction page: paste a note, press Extract and watch the card fill in field by field,
// with a progress bar, a Stop button and the error the server reports.

import type { DeepPartial, PathSegment } from "fieldstream";
import { useObjectStream } from "fieldstream/react";
import { useState } from "react";
import type * as z from "zod";
import { MeetingInfo, meetingFields, meetingNote, type User, userFields } from "./meeting.js";
import { UserCard } from "./UserCard.js";

type PartialMeeting = DeepPartial<z.input<typeof MeetingInfo>>;
type IsComplete = (node?: object, key?: PathSegment) => boolean;

/**
 * The endpoint, with the fault the page was opened with passed through (the server honours it only
 * when started for tests), so a browser test can cut the connection mid-stream.
 */
function endpoint(): string {
  const cut = new URLSearchParams(window.location.search).get("cutAfterBytes");
  return cut === null ? "/api/extract" : `/api/extract?cutAfterBytes=${encodeURIComponent(cut)}`;
}

/** Fields complete out of the fields known so far (each participant seen adds three). */
function progress(meeting: PartialMeeting | undefined, isComplete: IsComplete) {
  const users = meeting?.users ?? [];
  let complete = 0;
  for (const key of meetingFields) {
    if (meeting?.[key] !== undefined && isComplete(meeting, key)) complete++;
  }
  for (const user of users) {
    for (const key of userFields) if (user[key] !== undefined && isComplete(user, key)) complete++;
  }
  return { complete, total: meetingFields.length + userFields.length * Math.max(users.length, 1) };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function App() {
  const [text, setText] = useState(meetingNote);
  const [simulateError, setSimulateError] = useState(false);
  const [api] = useState(endpoint);
  const { object, isComplete, status, error, attempt, submit, stop } = useObjectStream({
    api,
    schema: MeetingInfo,
  });
  const meeting = object as PartialMeeting | undefined;
  const users = meeting?.users;
  const { complete, total } = progress(meeting, isComplete);
  const shown = status === "idle" && meeting !== undefined ? "stopped" : status;

  return (
    <main>
      <h1>Meeting extraction</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit({ text, simulateError });
        }}
      >
        <label htmlFor="note">Meeting note</label>
        <textarea id="note" rows={10} value={text} onChange={(event) => setText(event.target.value)} />
        <div className="controls">
          <button type="submit" disabled={status === "streaming"}>
            Extract
          </button>
          <button type="button" onClick={stop} disabled={status !== "streaming"}>
            Stop
          </button>
          <label className="toggle">
            <input
              type="checkbox"
              checked={simulateError}
              onChange={(event) => setSimulateError(event.target.checked)}
            />
            Simulate error
          </label>
        </div>
      </form>

      <section
        className="meeting"
        data-testid="meeting"
        data-status={shown}
        data-participants={users?.length ?? 0}
        data-complete-fields={complete}
        data-total-fields={total}
      >
        <div className="status-line">
          <span className={`status ${shown}`} data-testid="status">
            {shown}
          </span>
          {attempt > 1 && <span className="attempt">attempt {attempt}</span>}
          <progress data-testid="progress" max={total} value={complete} />
          <span className="count">
            {complete} / {total} fields
          </span>
        </div>
        {status === "error" && (
          <p className="error-message" role="alert" data-testid="error">
            {describeError(error)}
          </p>
        )}
        <dl className="fields">
          {meetingFields.map((key) => (
            <Field key={key} name={key} parent={meeting} isComplete={isComplete} />
          ))}
        </dl>
        <h2>Participants</h2>
        <div className="users">
          {users?.map((user, index) => (
            <UserCard
              // The list only grows at its end, so the index is a stable key.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              key={index}
              index={index}
              user={user as DeepPartial<z.input<typeof User>>}
              done={isComplete(users, index)}
              isComplete={isComplete}
            />
          ))}
        </div>
      </section>
    </main>
  );
}

/** One field of the meeting: empty, being written, or complete (✓). */
function Field({
  name,
  parent,
  isComplete,
}: {
  name: (typeof meetingFields)[number];
  parent: PartialMeeting | undefined;
  isComplete: IsComplete;
}) {
  const value = parent?.[name];
  const state = value === undefined ? "empty" : parent && isComplete(parent, name) ? "complete" : "writing";
  return (
    <div className={`field ${state}`} data-field={name} data-state={state}>
      <dt>{name}</dt>
      <dd>
        {value === undefined ? "…" : String(value)}
        {state === "complete" && <span className="check"> ✓</span>}
      </dd>
    </div>
  );
}
