/**
 * The event emitter the fakes share: typed by the same event map the plugin declares (built from the SDK's
 * own types), and countable, so tests can assert every listener was removed.
 */
type Listeners<M> = { [E in keyof M]: (...args: never[]) => void };

export class FakeEmitter<M extends Listeners<M>> {
  private readonly listeners = new Map<keyof M, Set<M[keyof M]>>();

  on<E extends keyof M>(event: E, listener: M[E]): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return this;
  }

  off<E extends keyof M>(event: E, listener: M[E]): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  emit<E extends keyof M>(event: E, ...args: Parameters<M[E]>): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      (listener as (...a: Parameters<M[E]>) => void)(...args);
    }
  }

  /** Listeners still registered, over all events. */
  listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }
}
