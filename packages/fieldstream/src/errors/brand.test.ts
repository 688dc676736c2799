import { describe, expect, it } from "vitest";
import {
  FieldValidationError,
  JsonStreamError,
  ProviderError,
  TransportError,
  ValidationError,
} from "./index.js";

describe("error brands", () => {
  it("recognise an error made by another copy of the package", () => {
    // A second copy of the class, as a second build of the package would define it.
    class OtherProviderError extends Error {
      override readonly name = "ProviderError";
    }
    Object.defineProperty(OtherProviderError.prototype, Symbol.for("fieldstream.ProviderError"), {
      value: true,
    });
    const foreign = new OtherProviderError("from the other copy");
    expect(ProviderError.isInstance(foreign)).toBe(true);
    expect(foreign instanceof ProviderError).toBe(true);
    expect(TransportError.isInstance(foreign)).toBe(false);
  });

  it("tell the classes apart and ignore look-alikes", () => {
    const json = new JsonStreamError("bad", {
      code: "unexpected-end",
      offset: 1,
      line: 1,
      column: 2,
      excerpt: "",
    });
    expect(JsonStreamError.isInstance(json)).toBe(true);
    expect(json instanceof JsonStreamError).toBe(true);
    expect(ValidationError.isInstance(json)).toBe(false);
    expect(FieldValidationError.isInstance({ name: "FieldValidationError" })).toBe(false);
    expect(ProviderError.isInstance(null)).toBe(false);
    expect(new Error("plain") instanceof ProviderError).toBe(false);
  });

  it("keep the brand out of what is serialised", () => {
    const error = new ProviderError("rate limited", { status: 429 });
    expect(Object.keys(error)).not.toContain(Symbol.for("fieldstream.ProviderError"));
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "ProviderError",
      status: 429,
      retryable: true,
    });
  });
});
