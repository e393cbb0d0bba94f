import { VoiceActivity, type VoiceActivityOptions } from '../session/voice-activity.js';

/**
 * Speaking state from the avatar's audio level: the documented fallback for vendors that send no speaking
 * events (DeepBrain). It follows the audio track on the element's `<video>` (transports may attach it after
 * joining, or replace it) and runs a `VoiceActivity` on the track itself, so it works while the element is
 * muted. Word gaps stay inside one utterance thanks to the end hold.
 */

/**
 * Tuned on speech-like audio: about -36 dBFS counts as sound; speech ends after 0.7 s of quiet, longer
 * than the pause after a sentence. A WebRTC track carrying silence stays far below the threshold.
 */
export const AVATAR_SPEECH: VoiceActivityOptions = { threshold: 0.016, startMs: 80, endMs: 700, intervalMs: 40 };

const FOLLOW_MS = 200;
const GESTURES = ['pointerdown', 'keydown', 'touchend'] as const;

export interface SpeechActivityCallbacks {
  onStart(): void;
  onEnd(): void;
}

export class SpeechActivity {
  private activity?: VoiceActivity;
  private track?: MediaStreamTrack;
  private readonly timer: ReturnType<typeof setInterval>;
  private disposed = false;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly callbacks: SpeechActivityCallbacks,
    private readonly options: VoiceActivityOptions = AVATAR_SPEECH,
  ) {
    this.follow();
    this.timer = setInterval(() => this.follow(), FOLLOW_MS);
    // Before any user gesture an AudioContext stays suspended and hears nothing: start over after the first one.
    if (globalThis.navigator?.userActivation?.hasBeenActive === false) {
      for (const type of GESTURES) document.addEventListener(type, this.restart, { capture: true, once: true });
    }
  }

  get speaking(): boolean {
    return this.activity?.active ?? false;
  }

  /** Current RMS level of the avatar's audio, 0..1. */
  level(): number {
    return this.activity?.level() ?? 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.timer);
    for (const type of GESTURES) document.removeEventListener(type, this.restart, { capture: true });
    this.activity?.dispose();
    this.activity = undefined;
  }

  private readonly restart = () => {
    for (const type of GESTURES) document.removeEventListener(type, this.restart, { capture: true });
    if (this.disposed || !this.track) return;
    // After the gesture: a new context starts running.
    setTimeout(() => {
      if (this.disposed || !this.track) return;
      this.watch(this.track);
    }, 0);
  };

  private follow(): void {
    if (this.disposed) return;
    const stream = this.video.srcObject instanceof MediaStream ? this.video.srcObject : null;
    const track = stream?.getAudioTracks().find((t) => t.readyState === 'live');
    if (track !== this.track) this.watch(track);
  }

  private watch(track: MediaStreamTrack | undefined): void {
    const wasSpeaking = this.speaking;
    this.activity?.dispose();
    this.activity = undefined;
    this.track = track;
    if (wasSpeaking) this.callbacks.onEnd();
    if (!track) return;
    this.activity = new VoiceActivity(() => track, { start: () => this.callbacks.onStart(), end: () => this.callbacks.onEnd() }, this.options);
  }
}
