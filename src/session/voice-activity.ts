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

/**
 * How long the followed track may stay ended (or missing) before `lost`: SDKs stop the old track before
 * they capture its replacement.
 */
const LOST_MS = 2000;

export interface VoiceActivityCallbacks {
  start?(): void;
  end?(): void;
  /** The followed track ended and no live one replaced it within `LOST_MS` (once, until one is live again). */
  lost?(): void;
  /**
   * True while an ended track is expected and not lost: a muted push-to-talk microphone. LiveKit captures
   * an ended track again only when it is unmuted, so the wait for a replacement starts at the unmute.
   */
  paused?(): boolean;
}

export class VoiceActivity {
  active = false;
  private readonly context: AudioContext;
  private readonly analyser: AnalyserNode;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly samples: Float32Array<ArrayBuffer>;
  private track?: MediaStreamTrack | null;
  private node?: MediaStreamAudioSourceNode | null;
  private aboveSince?: number;
  private belowSince?: number;
  private endedSince?: number;
  private disposed = false;

  /**
   * `read` gives the track to listen to, read again on every sample: an SDK can replace the track under a
   * published microphone (a device change, a capture again after the device failed).
   */
  constructor(
    private readonly read: () => MediaStreamTrack | null | undefined,
    private readonly callbacks: VoiceActivityCallbacks,
    private readonly options: VoiceActivityOptions = {},
  ) {
    this.context = new AudioContext();
    // A context made without a user gesture starts suspended and would read silence.
    void this.context.resume().catch(() => undefined);
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.samples = new Float32Array(this.analyser.fftSize);
    // The first sample connects the track.
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
    const track = this.read();
    if (track !== this.track) {
      this.track = track;
      this.node?.disconnect();
      this.node = track && this.context.createMediaStreamSource(new MediaStream([track]));
      this.node?.connect(this.analyser);
    }
    // An ended track reads silence: wait a little for its replacement, then report it lost. Infinity:
    // reported, until a live track comes back.
    if (this.callbacks.paused?.()) this.endedSince = undefined;
    else if (track?.readyState !== 'live') {
      this.endedSince ??= now;
      if (now - this.endedSince >= LOST_MS) {
        this.endedSince = Infinity;
        this.callbacks.lost?.();
      }
    } else this.endedSince = undefined;
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
    this.node?.disconnect();
    void this.context.close().catch(() => undefined);
  }
}
