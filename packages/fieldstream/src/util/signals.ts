// Tying abort signals together without leaks: a controller that follows other signals, and lets go
// of them when it is done, so a signal reused across many streams does not collect listeners.

/**
 * Aborts `controller` when any of `signals` aborts (at once if one already has). Returns the function
 * that removes the listeners it added; it is also called by itself once the controller aborts.
 */
export function follow(controller: AbortController, ...signals: (AbortSignal | undefined)[]): () => void {
  const added: [AbortSignal, () => void][] = [];
  const release = () => {
    for (const [signal, listener] of added.splice(0)) signal.removeEventListener("abort", listener);
    controller.signal.removeEventListener("abort", release);
  };
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) {
      release();
      controller.abort(signal.reason);
      return release;
    }
    const listener = () => {
      release();
      controller.abort(signal.reason);
    };
    signal.addEventListener("abort", listener, { once: true });
    added.push([signal, listener]);
  }
  controller.signal.addEventListener("abort", release, { once: true });
  return release;
}

/**
 * Calls `fn` with the reason when `signal` aborts (at once if it has). Returns the function that
 * removes the listener, for when the listener's owner is done before the signal is.
 */
export function onAbort(signal: AbortSignal | undefined, fn: (reason: unknown) => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    fn(signal.reason);
    return () => {};
  }
  const listener = () => fn(signal.reason);
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}
