// An abort signal whose listeners are counted through its add/remove calls: how the tests prove that a
// signal shared by many streams is let go of when each stream ends.

export function countedSignal(): {
  signal: AbortSignal;
  controller: AbortController;
  listeners: () => number;
} {
  const controller = new AbortController();
  const signal = controller.signal;
  let count = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    count++;
    add(...args);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    count--;
    remove(...args);
  }) as typeof signal.removeEventListener;
  return { signal, controller, listeners: () => count };
}
