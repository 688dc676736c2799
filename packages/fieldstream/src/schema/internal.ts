// What the layers above the schema layer may use beyond its public surface: reading a schema into
// slots, shaping partials, checking fields, and the static types a schema gives a stream.

export { describeSchema } from "./describe.js";
export { FieldChecker } from "./field-checker.js";
export { iterableInfo } from "./helpers.js";
export * from "./index.js";
export type { ElementOf, InputOf, OutputOf } from "./infer.js";
export { Shaper } from "./shape.js";
