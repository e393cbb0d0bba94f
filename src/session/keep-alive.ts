/**
 * Keeps a vendor session from idling out while someone is actually there: it pings at half the vendor's
 * idle timeout, but only while the page is visible and the visitor has been active within that timeout.
 * A visitor who left lets the vendor's timer end the session, so no one pays for an empty room.
 */
export interface KeepAliveOptions {
  /** The vendor's idle timeout, in seconds. */
  idleTimeoutSeconds: number;
  /** Milliseconds since the visitor last did something (pointer, key, scroll, speech, a command). */
  idleFor(): number;
  isVisible(): boolean;
  ping(): Promise<void>;
  onError(error: unknown): void;
}

export const MIN_KEEP_ALIVE_MS = 15_000;

export class KeepAlive {
  #timer?: ReturnType<typeof setTimeout>;
  #stopped = false;
  readonly #options: KeepAliveOptions;
  readonly intervalMs: number;

  constructor(options: KeepAliveOptions) {
    this.#options = options;
    this.intervalMs = Math.max(MIN_KEEP_ALIVE_MS, (options.idleTimeoutSeconds * 1000) / 2);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#tick(), this.intervalMs);
  }

  async #tick(): Promise<void> {
    const { idleTimeoutSeconds, idleFor, isVisible, ping, onError } = this.#options;
    if (isVisible() && idleFor() < idleTimeoutSeconds * 1000) {
      try {
        await ping();
      } catch (error) {
        onError(error);
      }
    }
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
