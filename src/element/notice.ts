/**
 * A short-lived line for errors that do not end the session (microphone refused, a command the vendor
 * turned down, a message over the size limit): the `avatar-error` event says it to code, this says it to
 * the visitor, in the status part, for a few seconds. One timer at most, and none after `clear()`.
 */
export class Notice {
  #text = '';
  #timer: ReturnType<typeof setTimeout> | undefined;

  readonly #onChange: () => void;
  readonly #durationMs: number;

  constructor(onChange: () => void, durationMs = 6000) {
    this.#onChange = onChange;
    this.#durationMs = durationMs;
  }

  get text(): string {
    return this.#text;
  }

  show(text: string): void {
    this.#cancel();
    this.#text = text;
    this.#timer = setTimeout(() => this.clear(), this.#durationMs);
    this.#onChange();
  }

  clear(): void {
    const had = this.#text !== '';
    this.#cancel();
    this.#text = '';
    if (had) this.#onChange();
  }

  #cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
