// How an error class is recognised across two copies of the package (an ESM and a CJS build side by
// side, or two versions): a registered symbol on its prototype, which instanceof also consults.

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Marks `cls` with `Symbol.for("fieldstream.<name>")` and makes `instanceof cls` and the returned
 * check true for any error carrying that mark, whichever copy of the package made it.
 */
export function brand<C extends ErrorClass>(
  cls: C,
  name: string,
): (value: unknown) => value is InstanceType<C> {
  const mark = Symbol.for(`fieldstream.${name}`);
  Object.defineProperty(cls.prototype, mark, { value: true });
  const is = (value: unknown): value is InstanceType<C> =>
    typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[mark] === true;
  Object.defineProperty(cls, Symbol.hasInstance, { value: is });
  return is;
}
