// Errors survive the trip: each fieldstream class comes back as itself with every field, anything
// else as an Error of the same name; fields that are not JSON are left out rather than failing.

import { describe, expect, it } from "vitest";
import {
  FieldValidationError,
  IncompleteOutputError,
  JsonStreamError,
  ProviderError,
  RefusalError,
  TransportError,
  ValidationError,
} from "../errors/index.js";
import { reviveError, serializeError } from "./error-wire.js";

const roundTrip = (error: unknown) => reviveError(JSON.parse(JSON.stringify(serializeError(error))));

describe("errors over the wire", () => {
  const cases: [string, Error, new (...args: never[]) => Error][] = [
    [
      "JsonStreamError",
      new JsonStreamError('Unexpected "3"', {
        code: "unexpected-character",
        offset: 22,
        line: 3,
        column: 11,
        excerpt: "tru3",
      }),
      JsonStreamError,
    ],
    [
      "FieldValidationError",
      new FieldValidationError(["users", 1, "email"], [{ message: "Invalid email", path: [] }], "x@"),
      FieldValidationError,
    ],
    [
      "ValidationError",
      new ValidationError([{ message: "Required", path: ["date"] }], '{"a":1}', { a: 1 }),
      ValidationError,
    ],
    [
      "ProviderError",
      new ProviderError("Rate limited", { status: 429, body: { error: "slow down" }, retryAfterMs: 1200 }),
      ProviderError,
    ],
    [
      "IncompleteOutputError",
      new IncompleteOutputError("length", { users: [{ name: "Pri" }] }),
      IncompleteOutputError,
    ],
    ["RefusalError", new RefusalError("I can't help with that"), RefusalError],
    ["TransportError", new TransportError("Gone", { status: 404, body: "{}" }), TransportError],
  ];

  for (const [name, error, Class] of cases) {
    it(`rebuilds a ${name} with its fields`, () => {
      const back = roundTrip(error);
      expect(back).toBeInstanceOf(Class);
      expect(back).toBeInstanceOf(Error);
      expect(back.name).toBe(name);
      expect(back.message).toBe(error.message);
      const fields = Object.fromEntries(Object.entries(error).filter(([, v]) => v !== undefined));
      expect({ ...back }).toEqual(fields);
    });
  }

  it("keeps any other error's name and fields on a plain Error", () => {
    const error = Object.assign(new TypeError("bad"), { code: "E_BAD", detail: { n: 1 } });
    const back = roundTrip(error);
    expect(back.constructor).toBe(Error);
    expect(back).toMatchObject({ name: "TypeError", message: "bad", code: "E_BAD", detail: { n: 1 } });
    const abort = roundTrip(new DOMException("stopped", "AbortError"));
    expect(abort).toMatchObject({ name: "AbortError", message: "stopped" });
  });

  it("drops what JSON cannot hold and keeps a cause", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const error = Object.assign(new Error("outer", { cause: new RangeError("inner") }), {
      cyclic,
      fn: () => 1,
      big: 10n,
    });
    const data = serializeError(error);
    expect(data).toEqual({
      name: "Error",
      message: "outer",
      big: "10",
      cause: { name: "RangeError", message: "inner" },
    });
    const back = reviveError(data);
    expect((back as Error & { cause: Error }).cause).toMatchObject({ name: "RangeError", message: "inner" });
    expect(serializeError("just text")).toEqual({ name: "Error", message: "just text" });
  });
});
