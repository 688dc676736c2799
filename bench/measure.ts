// Timing discipline shared by every table: collect garbage, warm up, time whole runs, keep the median.
// The median rather than the mean, because one GC pause or a noisy neighbour should not move a row.

export interface Plan {
  /** Untimed runs first, so the timed ones measure optimised code. */
  readonly warmups: number;
  readonly runs: number;
}

/** One row of a table: something to time, and how often. */
export interface Contender {
  readonly name: string;
  /** Parses the whole document once and returns the final value (or a promise of it). */
  readonly run: () => unknown;
  readonly plan: Plan;
}

export interface Measurement {
  readonly medianMs: number;
  readonly runs: number;
  /** Whether the final value deep-equals `JSON.parse` of the whole text. */
  readonly ok: boolean;
  /** Why `ok` is false, when the parser threw rather than returned a wrong value. */
  readonly error?: string;
}

type Gc = (options?: { type: "major" | "minor" }) => void;
const gc = (globalThis as { gc?: Gc }).gc;

/** Whether `--expose-gc` was given; without it garbage from one row can be collected during the next. */
export const canCollect = gc !== undefined;

/**
 * A forced full collection also throws away optimised code ("weak objects" deopts), so the run after
 * it would measure re-compilation rather than parsing. Hence one full collection before the warm-ups,
 * and only a young-generation collection between timed runs, which leaves code alone.
 */
const fullGc = (): void => gc?.();
const minorGc = (): void => gc?.({ type: "minor" });

interface State {
  readonly times: number[];
  checked?: boolean;
  error?: string;
}

/**
 * Times every contender on the same document. Timed runs go round-robin (one run of each, then the
 * next round) so that a burst of machine noise lands on all rows alike instead of skewing one ratio.
 * Async runs are awaited inside the timed region, so async parsers pay for their own scheduling.
 * The first result of each contender is checked with `check`, outside the timed region.
 */
export async function measureTogether(
  contenders: readonly Contender[],
  check: (value: unknown) => boolean,
): Promise<Map<string, Measurement>> {
  const states = contenders.map((): State => ({ times: [] }));
  const attempt = async (i: number, timed: boolean): Promise<void> => {
    const state = states[i]!;
    if (state.error !== undefined) return;
    try {
      if (timed) minorGc();
      const start = performance.now();
      const value = await contenders[i]!.run();
      const elapsed = performance.now() - start;
      if (timed) state.times.push(elapsed);
      state.checked ??= check(value);
    } catch (error) {
      state.error = String(error).split("\n")[0]!;
    }
  };

  fullGc();
  for (let i = 0; i < contenders.length; i++) {
    for (let w = 0; w < contenders[i]!.plan.warmups; w++) await attempt(i, false);
  }
  const rounds = Math.max(...contenders.map((c) => c.plan.runs));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      // Right-aligned, so that one long single run comes after the short rows' runs, not among them.
      if (round >= rounds - contenders[i]!.plan.runs) await attempt(i, true);
    }
  }

  const results = new Map<string, Measurement>();
  contenders.forEach((c, i) => {
    const s = states[i]!;
    const ok = s.error === undefined && s.checked === true;
    const m = { medianMs: s.error === undefined ? median(s.times) : Number.NaN, runs: s.times.length, ok };
    results.set(c.name, s.error === undefined ? m : { ...m, error: s.error });
  });
  return results;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
