// useObjectStream where no DOM is needed: rendered on a server it shows the idle state and sends
// nothing. How it renders a live stream is tested in Chromium (test/browser).

import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MeetingInfo } from "../../test/helpers/meeting.js";
import { useObjectStream } from "./index.js";

const requested: string[] = [];

function Meeting() {
  const { object, status, attempt, error, isComplete } = useObjectStream({
    api: "/api/extract",
    schema: MeetingInfo,
    fetcher: async (input) => {
      requested.push(input);
      return new Response(null, { status: 500 });
    },
  });
  return createElement(
    "p",
    null,
    `${status} ${attempt} ${object === undefined} ${error === undefined} ${isComplete()}`,
  );
}

describe("useObjectStream on the server", () => {
  it("renders the idle state and sends no request", () => {
    expect(renderToString(createElement(Meeting))).toBe("<p>idle 0 true true false</p>");
    expect(requested).toEqual([]);
  });
});
