// Errors across the wire: a server error becomes plain JSON (name, message, its own fields) and the
// client turns it back into an instance of the same fieldstream class, so `instanceof` keeps working.

import {
  FieldValidationError,
  IdleTimeoutError,
  IncompleteOutputError,
  JsonStreamError,
  NoObjectError,
  ProviderError,
  RefusalError,
  TransportError,
  ValidationError,
} from "../errors/index.js";

/** An error as it travels: its name and message, plus every own enumerable field that is JSON. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

/** Fields that are never copied: `name` and `message` are written first, `stack` shows server internals. */
const SKIPPED = new Set(["name", "message", "stack"]);

/** A JSON-safe copy of `value`, or `undefined` when it cannot be one (cycles, functions). */
function jsonSafe(value: unknown): unknown {
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return undefined;
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `{ name, message, ...own enumerable fields }` of an error, each field made JSON-safe (fields that
 * cannot be are left out). A `cause` is kept the same way, a few levels deep. Anything that is not an
 * error object becomes `{ name: "Error", message: String(value) }`.
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (typeof error !== "object" || error === null) return { name: "Error", message: String(error) };
  const source = error as { name?: unknown; message?: unknown; cause?: unknown };
  const out: Record<string, unknown> = {
    name: typeof source.name === "string" ? source.name : "Error",
    message: typeof source.message === "string" ? source.message : String(error),
  };
  for (const key of Object.keys(error)) {
    if (SKIPPED.has(key)) continue;
    const value = jsonSafe((error as Record<string, unknown>)[key]);
    if (value !== undefined) out[key] = value;
  }
  if (source.cause !== undefined && !("cause" in out) && depth < 3) {
    out.cause = serializeError(source.cause, depth + 1);
  }
  return out as SerializedError;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** The classes a client rebuilds by name; any other name gives a plain Error carrying that name. */
const CLASSES: Readonly<Record<string, ErrorClass>> = {
  JsonStreamError,
  FieldValidationError,
  ValidationError,
  ProviderError,
  IncompleteOutputError,
  RefusalError,
  TransportError,
  NoObjectError,
  IdleTimeoutError,
};

/**
 * The error a serialized one stands for: an instance of the fieldstream class of that name (built
 * without running its constructor, so every field is exactly the server's), or an Error named so.
 */
export function reviveError(data: unknown): Error {
  const record = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const name = typeof record.name === "string" ? record.name : "Error";
  const message = typeof record.message === "string" ? record.message : String(data);
  const target = Object.hasOwn(CLASSES, name) ? CLASSES[name]! : Error;
  const error = Reflect.construct(Error, [message], target) as Error;
  // Own and enumerable, as the classes' own `name` fields are.
  Object.defineProperty(error, "name", { value: name, enumerable: true, writable: true, configurable: true });
  for (const [key, value] of Object.entries(record)) {
    if (key === "name" || key === "message") continue;
    const revived =
      key === "cause" && typeof value === "object" && value !== null ? reviveError(value) : value;
    Object.defineProperty(error, key, {
      value: revived,
      enumerable: key !== "cause",
      writable: true,
      configurable: true,
    });
  }
  return error;
}
