// Type tests for useObjectStream: what its result and callbacks look like to the compiler, above all
// that `error` is an Error a component can show without narrowing it first.

import { describe, expectTypeOf, it } from "vitest";
import * as z from "zod";
import { type ObjectStreamState, type UseObjectStreamOptions, useObjectStream } from "./index.js";

const Meeting = z.object({ title: z.string(), budget: z.number() });

function ErrorLine() {
  const { error, status } = useObjectStream({ schema: Meeting });
  expectTypeOf(error).toEqualTypeOf<Error | undefined>();
  expectTypeOf(status).toEqualTypeOf<"idle" | "streaming" | "done" | "error">();
  return error?.message;
}

function Title() {
  const { object } = useObjectStream({ schema: Meeting });
  expectTypeOf(object).toEqualTypeOf<{ title?: string; budget?: number } | undefined>();
  return object?.title;
}

describe("useObjectStream", () => {
  it("types error as an Error, undefined unless the stream failed", () => {
    expectTypeOf(ErrorLine).returns.toEqualTypeOf<string | undefined>();
    expectTypeOf<ObjectStreamState<unknown>["error"]>().toEqualTypeOf<Error | undefined>();
  });

  it("hands onError an Error, and still takes a callback written for unknown", () => {
    type OnError = NonNullable<UseObjectStreamOptions<typeof Meeting>["onError"]>;
    expectTypeOf<Parameters<OnError>[0]>().toEqualTypeOf<Error>();
    expectTypeOf<(error: unknown) => void>().toExtend<OnError>();
  });

  it("types object as the schema's partial and onFinish's argument as its output", () => {
    type OnFinish = NonNullable<UseObjectStreamOptions<typeof Meeting>["onFinish"]>;
    expectTypeOf<Parameters<OnFinish>[0]>().toEqualTypeOf<{ title: string; budget: number }>();
    expectTypeOf(Title).returns.toEqualTypeOf<string | undefined>();
  });
});
