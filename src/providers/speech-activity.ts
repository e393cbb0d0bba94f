/**
 * Speaking state from the avatar's audio level: the fallback for vendors that send no speaking events
 * (DeepBrain). It reads the audio track on the element's `<video>` through WebAudio (the track, not the
 * element, so it works while the element is muted) and applies hysteresis so word gaps do not flicker.
 */

export interface SpeechActivityOptions {
  /** RMS level (0..1) that counts as speech. */
  startLevel?: number;
  /** RMS level under which the avatar counts as quiet. */
  endLevel?: number;
  /** How long the level must stay above `startLevel` before speech starts. */
  startHoldMs?: number;
  /** How long the level must stay under `endLevel` before speech ends (longer than a pause between words). */
  endHoldMs?: number;
  /** How often the level is read. */
  intervalMs?: number;
  /** Makes the AudioContext (tests inject one to check that it is closed). */
  createContext?: () => AudioContext;
}

export interface SpeechActivityCallbacks {
  onStart(): void;
  onEnd(): void;
}

/**
 * Tuned on speech-like audio: -36 dBFS opens, -42 dBFS closes. Real TTS runs well above -30 dBFS while
 * talking; a WebRTC track carrying silence or comfort noise stays far below -50 dBFS.
 */
const DEFAULTS = {
  startLevel: 0.016,
  endLevel: 0.008,
  startHoldMs: 80,
  endHoldMs: 700,
  intervalMs: 40,
} as const;

const GESTURES = ['pointerdown', 'keydown', 'touchend'] as const;

export class SpeechActivity {
  private readonly settings: Required<Omit<SpeechActivityOptions, 'createContext'>>;
  private readonly context: AudioContext;
  private readonly analyser: AnalyserNode;
  private readonly samples: Float32Array<ArrayBuffer>;
  private readonly timer: ReturnType<typeof setInterval>;
  private source?: MediaStreamAudioSourceNode;
  private track?: MediaStreamTrack;
  private speakingValue = false;
  private aboveSince?: number;
  private belowSince?: number;
  private disposed = false;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly callbacks: SpeechActivityCallbacks,
    options: SpeechActivityOptions = {},
  ) {
    const { createContext, ...rest } = options;
    this.settings = { ...DEFAULTS, ...rest };
    this.context = createContext ? createContext() : new AudioContext();
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.samples = new Float32Array(this.analyser.fftSize);
    // A context made without a user gesture may start suspended: analysis then waits for one.
    if (this.context.state === 'suspended') {
      void this.context.resume().catch(() => undefined);
      for (const type of GESTURES) document.addEventListener(type, this.resume, { capture: true });
    }
    this.timer = setInterval(() => this.tick(), this.settings.intervalMs);
  }

  get speaking(): boolean {
    return this.speakingValue;
  }

  /** Current RMS level of the avatar's audio, 0..1. */
  level(): number {
    if (!this.source) return 0;
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const sample of this.samples) sum += sample * sample;
    return Math.sqrt(sum / this.samples.length);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.timer);
    this.removeGestureListeners();
    this.source?.disconnect();
    this.source = undefined;
    void this.context.close().catch(() => undefined);
  }

  private readonly resume = () => {
    void this.context.resume().then(() => {
      if (this.context.state === 'running') this.removeGestureListeners();
    }, () => undefined);
  };

  private removeGestureListeners(): void {
    for (const type of GESTURES) document.removeEventListener(type, this.resume, { capture: true });
  }

  /** Follows the `<video>`'s audio track: transports may attach it after joining, or replace it. */
  private follow(): void {
    const stream = this.video.srcObject instanceof MediaStream ? this.video.srcObject : null;
    const track = stream?.getAudioTracks().find((t) => t.readyState === 'live');
    if (track === this.track) return;
    this.source?.disconnect();
    this.source = undefined;
    this.track = track;
    if (track) {
      this.source = this.context.createMediaStreamSource(new MediaStream([track]));
      this.source.connect(this.analyser);
    }
  }

  private tick(): void {
    if (this.disposed) return;
    this.follow();
    const now = performance.now();
    const level = this.level();
    const { startLevel, endLevel, startHoldMs, endHoldMs } = this.settings;
    if (!this.speakingValue) {
      this.aboveSince = level >= startLevel ? (this.aboveSince ?? now) : undefined;
      if (this.aboveSince !== undefined && now - this.aboveSince >= startHoldMs) {
        this.speakingValue = true;
        this.belowSince = undefined;
        this.callbacks.onStart();
      }
    } else {
      this.belowSince = level < endLevel ? (this.belowSince ?? now) : undefined;
      if (this.belowSince !== undefined && now - this.belowSince >= endHoldMs) {
        this.speakingValue = false;
        this.aboveSince = undefined;
        this.callbacks.onEnd();
      }
    }
  }
}
