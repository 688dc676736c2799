// What the layers above the parser may use beyond its public surface: the completion marks that the
// schema layer carries over onto the snapshots it reshapes.

export * from "./index.js";
export { defineMark, isMarkedComplete, markComplete, markOpenString, openStringSlot } from "./marks.js";
