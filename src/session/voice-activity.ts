/**
 * Detects speech on an audio track from its level, with hysteresis so breaths and short noises do not
 * count: speech starts after `startMs` above the threshold and ends after `endMs` below it. Used for
 * barge-in (the user talks over the avatar) and wherever a vendor sends no speaking events.
 */
export interface VoiceActivityOptions {
  /** RMS level (0..1) that counts as sound. */
  threshold?: number;
  startMs?: number;
  endMs?: number;
  intervalMs?: number;
}

export interface VoiceActivityCallbacks {
  start?(): void;
  end?(): void;
}

export class VoiceActivity {
  active = false;
  private readonly context: AudioContext;
  private readonly analyser: AnalyserNode;
  private readonly source: MediaStreamAudioSourceNode;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly samples: Float32Array<ArrayBuffer>;
  private aboveSince?: number;
  private belowSince?: number;
  private disposed = false;

  constructor(
    track: MediaStreamTrack,
    private readonly callbacks: VoiceActivityCallbacks,
    private readonly options: VoiceActivityOptions = {},
  ) {
    this.context = new AudioContext();
    // A context made without a user gesture starts suspended and would read silence.
    void this.context.resume().catch(() => undefined);
    this.source = this.context.createMediaStreamSource(new MediaStream([track]));
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.samples = new Float32Array(this.analyser.fftSize);
    this.source.connect(this.analyser);
    this.timer = setInterval(() => this.sample(), options.intervalMs ?? 50);
  }

  /** Current RMS level, 0..1. */
  level(): number {
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const s of this.samples) sum += s * s;
    return Math.sqrt(sum / this.samples.length);
  }

  private sample(): void {
    const now = performance.now();
    const loud = this.level() >= (this.options.threshold ?? 0.02);
    if (loud) {
      this.belowSince = undefined;
      this.aboveSince ??= now;
      if (!this.active && now - this.aboveSince >= (this.options.startMs ?? 120)) {
        this.active = true;
        this.callbacks.start?.();
      }
    } else {
      this.aboveSince = undefined;
      this.belowSince ??= now;
      if (this.active && now - this.belowSince >= (this.options.endMs ?? 600)) {
        this.active = false;
        this.callbacks.end?.();
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.timer);
    this.source.disconnect();
    void this.context.close().catch(() => undefined);
  }
}
