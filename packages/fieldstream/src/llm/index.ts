// The Instructor-style client: official SDK clients patched with `response_model`, streaming,
// validation retries and hooks.

export { API_MODES, type ApiModes, type ApiName } from "./api-modes.js";
export type { LLMObjectStream, LLMObjectStreamOf, RetryDelay } from "./call-driver.js";
export type { HookEvents, HookName } from "./hooks.js";
export {
  type CallOptions,
  type Instructed,
  type InstructorOptions,
  instructor,
  type StructuredParams,
} from "./instructor.js";
export { type Channel, MODE_STRATEGIES, type Mode, type ModeStrategy } from "./modes.js";
export { outlineOf } from "./outline.js";
export type { ResponseModel } from "./response-model.js";
