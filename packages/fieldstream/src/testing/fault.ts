// What can go wrong in a scripted answer, as scripts spell it: an HTTP error, a dropped connection,
// an error event, a broken line, a stall. Where each one strikes is decided in faults.ts.

/** Answer with an HTTP error in the provider's error format instead of the script. */
export interface StatusFault {
  readonly status: number;
  /** Seconds, sent as the `retry-after` header. */
  readonly retryAfter?: number;
  /** Replaces the provider-style error body (an object is sent as JSON, a string as is). */
  readonly body?: unknown;
  readonly message?: string;
}

/** Write this many bytes of the response body, then destroy the socket. */
export interface DropFault {
  readonly dropAfterBytes: number;
  /**
   * End the body normally instead, after the last whole event that fits in those bytes, as a proxy
   * that gives up on its upstream does: the client sees a stream that simply stops, with no error.
   */
  readonly clean?: boolean;
}

/** After this many content events, the provider's mid-stream error event, then the end of the stream. */
export interface ErrorEventFault {
  readonly errorEventAfter: number;
  readonly message?: string;
  /**
   * The HTTP status the error stands for, written as the provider writes that failure in a stream
   * (Anthropic's error type, Google's code and status, OpenAI's type and code). Default: the
   * provider's overload or server error.
   */
  readonly status?: number;
}

/** After this many content events, a `data:` line that is not JSON; the rest of the stream follows. */
export interface MalformedEventFault {
  readonly malformedEventAfter: number;
}

/** After this many content events, send nothing more and keep the connection open. */
export interface StallFault {
  readonly stallAfter: number;
}

export type Fault = StatusFault | DropFault | ErrorEventFault | MalformedEventFault | StallFault;
