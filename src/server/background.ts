/** Work that outlives the answer (a late vendor answer, a stop, the lazy sweep), handed to the runtime's `waitUntil`. */
export class Background {
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly log: (message: string) => void) {}

  /**
   * Runs `task` past the answer. `waitUntil` (Cloudflare's `ctx.waitUntil`, Next.js' `after`, Vercel's
   * `waitUntil`) keeps the runtime from ending it; on Node the promise runs anyway.
   */
  run(task: Promise<unknown>, waitUntil?: (promise: Promise<unknown>) => void): void {
    const settled: Promise<void> = task
      .then(
        () => undefined,
        (error: unknown) => this.log(`background work failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`),
      )
      .finally(() => this.#pending.delete(settled));
    this.#pending.add(settled);
    waitUntil?.(settled);
  }

  /** Resolves once nothing started here is still running (work started meanwhile included). */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
