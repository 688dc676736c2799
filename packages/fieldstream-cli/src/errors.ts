// How the command fails: every error becomes one line on stderr and an exit code, because a stack
// trace tells the person at the terminal nothing they can act on.

/** A mistake in how the command was called or set up (flags, keys, files): exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode: number = 2;
}

/** The person pressed Ctrl-C. */
export class CancelledError extends Error {
  override readonly name = "CancelledError";
  constructor() {
    super("cancelled");
  }
}

/** Collapses whitespace so a multi-line message still makes a single line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** `ProviderError: 401 Incorrect API key provided`, or the bare message for our own usage errors. */
export function describeError(error: unknown): string {
  if (error instanceof UsageError) return oneLine(error.message);
  if (error instanceof Error) {
    const message = oneLine(error.message);
    return message === "" ? error.name : `${error.name}: ${message}`;
  }
  return oneLine(String(error));
}

/** Loads an optional package, turning its absence into an instruction to install it. */
export async function need<T>(pkg: string, load: () => Promise<T>, purpose: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "ERR_MODULE_NOT_FOUND" && String((error as Error).message).includes(pkg)) {
      throw new UsageError(`${purpose} needs the ${pkg} package: npm install ${pkg}`);
    }
    throw error;
  }
}
