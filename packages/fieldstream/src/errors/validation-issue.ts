// One problem a validator found, with the path from the root of the streamed value: what both
// validation errors carry, and what a re-ask tells the model.

import type { PathSegment } from "../util/index.js";

export interface ValidationIssue {
  readonly message: string;
  readonly path: readonly PathSegment[];
}
