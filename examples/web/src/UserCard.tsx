// One participant's card. Memoised: it receives its own `user` snapshot, which keeps its identity
// once complete, so it stops re-rendering while the participants after it stream.

import type { DeepPartial, PathSegment } from "fieldstream";
import { memo, useLayoutEffect, useRef } from "react";
import type * as z from "zod";
import { type User, userFields } from "./meeting.js";

interface UserCardProps {
  readonly index: number;
  readonly user: DeepPartial<z.input<typeof User>>;
  /** Whether the whole participant is complete; flips once, when the object closes. */
  readonly done: boolean;
  /** Never changes identity, so it does not defeat `memo`. */
  readonly isComplete: (node?: object, key?: PathSegment) => boolean;
}

export const UserCard = memo(function UserCard({ index, user, done, isComplete }: UserCardProps) {
  const card = useRef<HTMLElement>(null);
  const commits = useRef(0);
  // A probe for the browser tests: how many times this card was rendered and committed (written to
  // the DOM directly, so that counting never causes a render of its own), and what each commit showed
  // when a test asks for it through `window.__userCardCommits`.
  useLayoutEffect(() => {
    commits.current += 1;
    const element = card.current;
    if (element === null) return;
    element.setAttribute("data-renders", String(commits.current));
    const log = (window as { __userCardCommits?: string[][] }).__userCardCommits;
    if (log === undefined) return;
    const shown = log[index] ?? [];
    log[index] = shown;
    shown.push(element.textContent ?? "");
  });

  return (
    <article ref={card} className={done ? "user done" : "user"} data-testid="user" data-complete={done}>
      <h3>
        Participant {index + 1}
        {done && <span className="check"> ✓</span>}
      </h3>
      <dl>
        {userFields.map((key) => {
          const value = user[key];
          const state = value === undefined ? "empty" : isComplete(user, key) ? "complete" : "writing";
          return (
            <div key={key} className={`field ${state}`} data-field={key} data-state={state}>
              <dt>{key}</dt>
              <dd>
                {value ?? "…"}
                {state === "complete" && <span className="check"> ✓</span>}
              </dd>
            </div>
          );
        })}
      </dl>
    </article>
  );
});
