// The ground floor's helpers, each written once: the abortable sleep, backoff, the follower log,
// signal following and JSON paths. Every layer reaches them through this file.

export { type BackoffOptions, backoffDelay } from "./backoff.js";
export { FollowerLog } from "./follower-log.js";
export { formatPath, type PathSegment } from "./path.js";
export { follow, onAbort } from "./signals.js";
export { sleep } from "./sleep.js";
