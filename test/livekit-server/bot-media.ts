// A bot's media: the synthetic picture and an audio tone, fed to wrtc sources on timers, from which each
// client's media peer takes its own track. Frames are only made while some peer holds a track.
import type { nonstandard } from '@roamhq/wrtc';
import { type PictureSpec, PicturePainter } from './picture.js';
import { wrtc } from './wrtc.js';

export interface ToneSpec {
  /** Hz; default 440. */
  frequency?: number;
  /** Peak amplitude, 0..1; default 0.25. */
  level?: number;
  /** `'speaking'` (default): the tone sounds only while the bot speaks; `'constant'`: always. */
  mode?: 'speaking' | 'constant';
}

const SAMPLE_RATE = 48000;
const CHUNK = SAMPLE_RATE / 100; // wrtc takes audio in 10 ms chunks

export class BotMedia {
  readonly painter?: PicturePainter;
  speaking = false;
  /** Frames sent so far (the counter drawn in the picture). */
  frames = 0;
  readonly #video?: nonstandard.RTCVideoSource;
  readonly #audio?: nonstandard.RTCAudioSource;
  readonly #tone: Required<ToneSpec>;
  readonly #tracks = new Set<MediaStreamTrack>();
  #timers: ReturnType<typeof setInterval>[] = [];
  #phase = 0;
  #chunks = 0;
  #started = 0;
  #speakingSince = 0;

  constructor(video: PictureSpec | false, audio: ToneSpec | false) {
    const { nonstandard } = wrtc();
    if (video) {
      this.painter = new PicturePainter(video);
      this.#video = new nonstandard.RTCVideoSource();
    }
    if (audio) this.#audio = new nonstandard.RTCAudioSource();
    this.#tone = { frequency: 440, level: 0.25, mode: 'speaking', ...(audio || {}) };
  }

  get kinds(): ('audio' | 'video')[] {
    return [...(this.#audio ? (['audio'] as const) : []), ...(this.#video ? (['video'] as const) : [])];
  }

  /** A new track of `kind` for one peer; stop it with `release`. */
  track(kind: 'audio' | 'video'): MediaStreamTrack {
    const source = kind === 'audio' ? this.#audio : this.#video;
    if (!source) throw new Error(`This bot has no ${kind}`);
    const track = source.createTrack();
    this.#tracks.add(track);
    if (this.#tracks.size === 1) this.#start();
    return track;
  }

  release(track: MediaStreamTrack): void {
    if (!this.#tracks.delete(track)) return;
    track.stop();
    if (this.#tracks.size === 0) this.#stop();
  }

  setSpeaking(speaking: boolean): void {
    if (speaking && !this.speaking) this.#speakingSince = performance.now();
    this.speaking = speaking;
  }

  close(): void {
    for (const track of [...this.#tracks]) this.release(track);
    this.#stop();
  }

  #start(): void {
    this.#started = performance.now();
    this.#chunks = 0;
    if (this.#video && this.painter) {
      const painter = this.painter;
      const video = this.#video;
      const paint = () => {
        const open = this.speaking ? 0.25 + 0.75 * Math.abs(Math.sin(((performance.now() - this.#speakingSince) / 1000) * Math.PI * 2.5)) : 0;
        video.onFrame({ width: painter.width, height: painter.height, data: painter.frame(this.frames++, open) });
      };
      paint();
      this.#timers.push(setInterval(paint, 1000 / painter.fps));
    }
    if (this.#audio) this.#timers.push(setInterval(() => this.#feedAudio(), 20));
    for (const timer of this.#timers) timer.unref();
  }

  #stop(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
  }

  /** Sends the 10 ms chunks that are due (a late timer catches up, a very late one skips ahead). */
  #feedAudio(): void {
    const due = Math.floor((performance.now() - this.#started) / 10) - this.#chunks;
    if (due > 25) this.#chunks += due - 25;
    const { frequency, level, mode } = this.#tone;
    const sounding = mode === 'constant' || this.speaking;
    for (let i = 0; i < Math.min(due, 25); i++) {
      const samples = new Int16Array(CHUNK);
      if (sounding) {
        const t = (this.#chunks * CHUNK) / SAMPLE_RATE;
        // A syllable-like swell (4 Hz) while speaking; steady when constant.
        const envelope = mode === 'constant' ? 1 : 0.55 + 0.45 * Math.sin(t * Math.PI * 8);
        for (let s = 0; s < CHUNK; s++) {
          samples[s] = Math.round(Math.sin(this.#phase) * level * envelope * 32767);
          this.#phase += (2 * Math.PI * frequency) / SAMPLE_RATE;
        }
        this.#phase %= 2 * Math.PI;
      }
      this.#audio!.onData({ samples, sampleRate: SAMPLE_RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: CHUNK });
      this.#chunks++;
    }
  }
}
