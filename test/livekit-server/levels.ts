// Sound level of a client's published microphone as the server receives it: RMS per 10 ms chunk, kept for
// the last minute, summarised for tests ("did sound arrive", "is it silent since the mute").

export interface MicrophoneLevels {
  trackSid: string;
  muted: boolean;
  /** 10 ms chunks received in the window. */
  chunks: number;
  /** Highest RMS (0..1) in the window. */
  peak: number;
  /** Time with an RMS over 0.01 in the window, in ms. */
  loudMs: number;
  /** Time of the last chunk, Date.now() ms (0: none yet). */
  lastAt: number;
}

export class Levels {
  readonly #entries: { at: number; rms: number; ms: number }[] = [];

  add(samples: Int16Array, sampleRate: number, channelCount: number): void {
    let sum = 0;
    for (const s of samples) sum += s * s;
    const rms = samples.length ? Math.sqrt(sum / samples.length) / 32768 : 0;
    const ms = (samples.length / Math.max(1, channelCount) / sampleRate) * 1000;
    const now = Date.now();
    this.#entries.push({ at: now, rms, ms });
    while (this.#entries.length > 0 && this.#entries[0]!.at < now - 60_000) this.#entries.shift();
  }

  summary(trackSid: string, muted: boolean, sinceMs = 60_000): MicrophoneLevels {
    const from = Date.now() - sinceMs;
    const window = this.#entries.filter((e) => e.at >= from);
    return {
      trackSid,
      muted,
      chunks: window.length,
      peak: window.reduce((max, e) => Math.max(max, e.rms), 0),
      loudMs: Math.round(window.reduce((sum, e) => sum + (e.rms > 0.01 ? e.ms : 0), 0)),
      lastAt: this.#entries.at(-1)?.at ?? 0,
    };
  }
}
