// The static type of every partial value: what a snapshot of T can look like while it streams.
// Object fields may be missing, arrays hold partial elements, and atomic values are whole or absent.

type Whole = string | number | boolean | bigint | symbol | null | undefined | Date | RegExp;

// biome-ignore lint/complexity/noBannedTypes: functions have no partial form; they pass through as they are.
type Callable = Function;

/**
 * `DeepPartial<T>`: every object field optional, recursively; arrays of partial elements; strings,
 * numbers, booleans and null as they are (a field is either absent or holds a value of its type).
 */
export type DeepPartial<T> = T extends Whole | Callable
  ? T
  : T extends readonly unknown[]
    ? number extends T["length"]
      ? DeepPartial<T[number]>[]
      : { [K in keyof T]?: DeepPartial<T[K]> }
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;
