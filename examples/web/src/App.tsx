// The meeting extraction page: paste a note, press Extract and watch the card fill in field by field,
// with a progress bar, Stop, the server's errors, and at the end the time, tokens and validated JSON.

import type { DeepPartial, PathSegment, Usage } from "fieldstream";
import { useObjectStream } from "fieldstream/react";
import { useEffect, useRef, useState } from "react";
import type * as z from "zod";
import {
  type DemoMode,
  type Meeting,
  MeetingInfo,
  meetingFields,
  meetingNote,
  type User,
  userFields,
} from "./meeting.js";
import { UserCard } from "./UserCard.js";

type PartialMeeting = DeepPartial<z.input<typeof MeetingInfo>>;
type IsComplete = (node?: object, key?: PathSegment) => boolean;

/** An extraction that ran to its end: the validated value and how long it took from Extract. */
interface Finished {
  readonly value: Meeting;
  readonly elapsedMs: number;
}

/**
 * The endpoint, with the fault the page was opened with passed through (the server honours it only
 * when started for tests), so a browser test can cut the connection mid-stream.
 */
function endpoint(): string {
  const cut = new URLSearchParams(window.location.search).get("cutAfterBytes");
  return cut === null ? "/api/extract" : `/api/extract?cutAfterBytes=${encodeURIComponent(cut)}`;
}

/**
 * Fields complete, and out of how many once that is known. How many participants there are is only
 * known when their list closes; a total counting those seen so far would grow as each one appears and
 * move the bar backwards (3 of 7, then 3 of 10). So there is no total until then: complete fields never
 * become incomplete, and a total once known never changes, so the bar only moves forwards.
 */
function progress(meeting: PartialMeeting | undefined, isComplete: IsComplete) {
  const users = meeting?.users ?? [];
  let complete = 0;
  for (const key of meetingFields) {
    if (meeting?.[key] !== undefined && isComplete(meeting, key)) complete++;
  }
  for (const user of users) {
    for (const key of userFields) if (user[key] !== undefined && isComplete(user, key)) complete++;
  }
  const known = meetingFields.length + userFields.length * users.length;
  const listClosed = meeting?.users !== undefined && isComplete(meeting, "users");
  return { complete, known, total: listClosed ? known : undefined };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Where the answers come from, as the server says; undefined until it has (or if it cannot). */
function useDemoMode(): DemoMode | undefined {
  const [mode, setMode] = useState<DemoMode>();
  useEffect(() => {
    const controller = new AbortController();
    fetch("/api/mode", { signal: controller.signal })
      .then((response) => (response.ok ? (response.json() as Promise<DemoMode>) : undefined))
      .then((value) => {
        if (value !== undefined) setMode(value);
      })
      // Without an answer the page makes no claim about where answers come from.
      .catch(() => {});
    return () => controller.abort();
  }, []);
  return mode;
}

export function App() {
  const [text, setText] = useState(meetingNote);
  const [simulateError, setSimulateError] = useState(false);
  const [api] = useState(endpoint);
  const [finished, setFinished] = useState<Finished>();
  const startedAt = useRef(0);
  const mode = useDemoMode();
  const { object, isComplete, status, error, attempt, usage, submit, stop } = useObjectStream({
    api,
    schema: MeetingInfo,
    onFinish: (value) => setFinished({ value, elapsedMs: performance.now() - startedAt.current }),
  });
  const meeting = object as PartialMeeting | undefined;
  const users = meeting?.users;
  const { complete, known, total } = progress(meeting, isComplete);
  const shown = status === "idle" && meeting !== undefined ? "stopped" : status;
  // While streaming without a total the bar is indeterminate; once the stream is over, what it got to
  // is measured against the fields it knew of.
  const barMax = total ?? (status === "streaming" ? undefined : Math.max(known, 1));

  return (
    <main>
      <h1>Meeting extraction</h1>
      {mode?.mode === "offline" && (
        <OfflineNotice
          sampleNote={mode.sampleNote}
          note={text}
          onUseSample={() => setText(mode.sampleNote)}
        />
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          startedAt.current = performance.now();
          setFinished(undefined);
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
          <progress
            data-testid="progress"
            aria-label="Fields complete"
            max={barMax}
            value={barMax === undefined ? undefined : complete}
          />
          <span className="count" data-testid="count">
            {total === undefined ? `${complete} fields complete` : `${complete} of ${total} fields complete`}
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

      {status === "done" && finished !== undefined && (
        <Summary finished={finished} usage={usage} mode={mode} />
      )}
    </main>
  );
}

/**
 * Offline the server reads no note: it replays the answer scripted for the sample note. Said up front,
 * with that note, so that an answer unrelated to the note typed is not taken for the library's doing.
 */
function OfflineNotice({
  sampleNote,
  note,
  onUseSample,
}: {
  sampleNote: string;
  note: string;
  onUseSample: () => void;
}) {
  return (
    <aside className="notice" data-testid="offline-notice" aria-label="Offline replay">
      <p>
        <strong>Offline replay.</strong> The server has no model API key, so it does not read your note: every
        extraction is a scripted replay of the answer for the sample note below. Set{" "}
        <code>OPENAI_API_KEY</code> on the server to extract from your own note.
      </p>
      {note !== sampleNote && (
        <p data-testid="note-differs">
          Your note differs from the sample; the answer will still be the sample's.{" "}
          <button type="button" onClick={onUseSample}>
            Use the sample note
          </button>
        </p>
      )}
      <details open>
        <summary>Sample note</summary>
        <pre className="sample-note" data-testid="sample-note">
          {sampleNote}
        </pre>
      </details>
    </aside>
  );
}

function describeUsage(usage: Usage | undefined): string {
  const input = usage?.inputTokens;
  const output = usage?.outputTokens;
  const total =
    usage?.totalTokens ?? (input !== undefined && output !== undefined ? input + output : undefined);
  if (total === undefined) return "not reported";
  const count = (n: number) => n.toLocaleString("en");
  if (input === undefined || output === undefined) return count(total);
  return `${count(total)} (${count(input)} in, ${count(output)} out)`;
}

function describeElapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The end of a run: how long it took, what it cost, and the value as the schema validated it. */
function Summary({
  finished,
  usage,
  mode,
}: {
  finished: Finished;
  usage: Usage | undefined;
  mode: DemoMode | undefined;
}) {
  return (
    <section className="summary" data-testid="summary" aria-label="Result">
      <dl className="facts">
        <div>
          <dt>Time</dt>
          <dd data-testid="elapsed">{describeElapsed(finished.elapsedMs)}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd data-testid="tokens">{describeUsage(usage)}</dd>
        </div>
        {mode !== undefined && (
          <div>
            <dt>Source</dt>
            <dd data-testid="source">{mode.mode === "offline" ? "offline replay" : mode.model}</dd>
          </div>
        )}
      </dl>
      <h2>Validated JSON</h2>
      {/* Focusable, so that a keyboard can scroll it sideways on a narrow screen. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable */}
      <pre className="final-json" data-testid="final-json" tabIndex={0}>
        {JSON.stringify(finished.value, null, 2)}
      </pre>
    </section>
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
