import { drawFace, FACE_HEIGHT, FACE_WIDTH } from './local-face.js';
import { LocalVoice, type Utterance, type VoiceOptions } from './local-voice.js';

export interface SayCallbacks {
  onStart?(): void;
  /** The words said so far, as they are said. */
  onProgress?(textSoFar: string): void;
}

/**
 * The "remote" side of the local transport: a canvas face and a voice, producing the video and audio tracks
 * that the loopback peer connection sends to the element. Utterances are said one after another.
 */
export class LocalAvatar {
  readonly videoTrack: MediaStreamTrack;
  readonly audioTrack: MediaStreamTrack;
  listening = false;

  private readonly canvas = document.createElement('canvas');
  private readonly ctx: CanvasRenderingContext2D;
  private readonly voice: LocalVoice;
  private readonly started = performance.now();
  private readonly timer: ReturnType<typeof setInterval>;
  private queue: Promise<unknown> = Promise.resolve();
  private generation = 0;
  private speaking?: { utterance: Utterance; words: number; callbacks: SayCallbacks };

  constructor(voiceOptions: VoiceOptions) {
    this.canvas.width = FACE_WIDTH;
    this.canvas.height = FACE_HEIGHT;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('Canvas 2D is not available');
    this.ctx = ctx;
    this.voice = new LocalVoice(voiceOptions);
    this.draw();
    const [videoTrack] = this.canvas.captureStream(30).getVideoTracks();
    if (!videoTrack) throw new Error('canvas.captureStream gave no video track');
    this.videoTrack = videoTrack;
    this.audioTrack = this.voice.track;
    // A timer rather than requestAnimationFrame: the canvas is never in the document.
    this.timer = setInterval(() => this.draw(), 1000 / 30);
  }

  /** Queues `text`; resolves when it has been said or interrupted. */
  say(text: string, callbacks: SayCallbacks = {}): Promise<'ended' | 'interrupted'> {
    const generation = this.generation;
    const turn = this.queue.then(async () => {
      if (generation !== this.generation) return 'interrupted' as const;
      const utterance = this.voice.speak(text);
      this.speaking = { utterance, words: 0, callbacks };
      callbacks.onStart?.();
      const result = await utterance.done;
      if (result === 'ended') this.reportProgress(true);
      this.speaking = undefined;
      return result;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Stops the current utterance and drops the queued ones. */
  interrupt(): void {
    this.generation++;
    this.speaking?.utterance.interrupt();
  }

  resumeAudio(): Promise<void> {
    return this.voice.resume();
  }

  dispose(): void {
    this.interrupt();
    clearInterval(this.timer);
    this.voice.dispose();
    this.videoTrack.stop();
  }

  private reportProgress(all = false): void {
    const current = this.speaking;
    if (!current?.callbacks.onProgress) return;
    const { words } = current.utterance.schedule;
    const elapsed = current.utterance.elapsed();
    const count = all ? words.length : words.filter((w) => w.start <= elapsed).length;
    if (count > current.words) {
      current.words = count;
      current.callbacks.onProgress(words.slice(0, count).map((w) => w.text).join(' '));
    }
  }

  private draw(): void {
    const time = (performance.now() - this.started) / 1000;
    const utterance = this.speaking?.utterance;
    drawFace(this.ctx, {
      time,
      mouth: utterance ? utterance.level() : 0,
      speaking: Boolean(utterance),
      listening: this.listening,
    });
    this.reportProgress();
  }
}
