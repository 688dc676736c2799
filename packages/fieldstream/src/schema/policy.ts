// Per-field stream policies: read from zod metadata (`.meta({ stream: ... })`) and set with the small
// helpers `atomic(schema)` and `required(schema)`, which write that same metadata.

import type { StreamPolicy } from "./node.js";

/** A zod schema with the classic `.meta()` method (get with no argument, set with one). */
interface WithMeta {
  meta(): unknown;
  meta(data: Record<string, unknown>): unknown;
}

function hasMeta(schema: unknown): schema is WithMeta {
  return (
    typeof schema === "object" && schema !== null && typeof (schema as { meta?: unknown }).meta === "function"
  );
}

/** The policy a schema's metadata asks for: `stream: "atomic" | "required" | { atomic?, required? }`. */
export function readPolicy(schema: unknown): StreamPolicy {
  if (!hasMeta(schema)) return {};
  const meta = schema.meta() as { stream?: unknown } | undefined;
  return parsePolicy(meta?.stream);
}

/** Reads the `stream` metadata value, as zod metadata or as a JSON Schema keyword. */
export function parsePolicy(stream: unknown): StreamPolicy {
  if (stream === "atomic") return { atomic: true };
  if (stream === "required") return { required: true };
  if (Array.isArray(stream)) return Object.assign({}, ...stream.map(parsePolicy)) as StreamPolicy;
  if (typeof stream === "object" && stream !== null) {
    const { atomic, required } = stream as { atomic?: unknown; required?: unknown };
    return {
      ...(typeof atomic === "boolean" ? { atomic } : {}),
      ...(typeof required === "boolean" ? { required } : {}),
    };
  }
  return {};
}

function withPolicy<S>(schema: S, policy: StreamPolicy): S {
  if (!hasMeta(schema)) {
    throw new TypeError("fieldstream: stream policies need a zod 4 schema (with .meta())");
  }
  const meta = (schema.meta() ?? {}) as { stream?: unknown };
  return schema.meta({ ...meta, stream: { ...parsePolicy(meta.stream), ...policy } }) as S;
}

/** The field appears only once complete: for strings whose prefix means nothing (a code, a URL). */
export function atomic<S>(schema: S): S {
  return withPolicy(schema, { atomic: true });
}

/** The object holding this field appears only once the field is present (an id, a discriminator). */
export function required<S>(schema: S): S {
  return withPolicy(schema, { required: true });
}
