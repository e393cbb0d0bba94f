/**
 * The local avatar's voice. A small WebAudio "babble" synthesiser whose syllables follow the text, so the
 * sound travels through the same WebRTC audio track a vendor's would, and the mouth follows the same
 * schedule. Where the browser has speech synthesis voices, real words are spoken instead (speech
 * synthesis cannot be routed into a MediaStream, so it plays beside the track, which then stays silent).
 */

export interface Syllable {
  start: number;
  end: number;
  /** 0..1, picks a vowel colour and pitch so the babble does not sound like one tone. */
  colour: number;
}

export interface SpeechSchedule {
  syllables: Syllable[];
  /** Start time of each word, in seconds from the start. */
  words: { start: number; text: string }[];
  duration: number;
}

const SYLLABLE_SECONDS = 0.17;
const WORD_GAP_SECONDS = 0.06;
const PAUSE_SECONDS = 0.28;

/** Lays the text out in time: one pulse per vowel group, pauses after punctuation. */
export function scheduleSpeech(text: string, rate = 1): SpeechSchedule {
  const syllables: Syllable[] = [];
  const words: { start: number; text: string }[] = [];
  let t = 0.05;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    words.push({ start: t, text: word });
    const groups = word.toLowerCase().match(/[aeiouyàâäéèêëîïôöùûüáíóúñ]+|[\p{L}\p{N}]/gu) ?? [];
    const count = Math.max(1, Math.min(8, word.match(/[aeiouyàâäéèêëîïôöùûüáíóúñ]+/giu)?.length ?? Math.ceil(groups.length / 3)));
    for (let i = 0; i < count; i++) {
      const length = SYLLABLE_SECONDS / rate;
      const code = word.charCodeAt(i % word.length) || 97;
      syllables.push({ start: t, end: t + length, colour: (code % 17) / 16 });
      t += length + 0.015 / rate;
    }
    t += (/[.,;:!?]$/.test(word) ? PAUSE_SECONDS : WORD_GAP_SECONDS) / rate;
  }
  return { syllables, words, duration: t };
}

/** Mouth opening at `t` seconds into the schedule: a half-sine per syllable. */
export function levelAt(schedule: SpeechSchedule, t: number): number {
  for (const s of schedule.syllables) {
    if (t < s.start) return 0;
    if (t <= s.end) return Math.sin((Math.PI * (t - s.start)) / (s.end - s.start)) * (0.55 + s.colour * 0.45);
  }
  return 0;
}

export interface VoiceOptions {
  language?: string;
  rate?: number;
  /** Whether real speech synthesis may be used for this utterance (false when the element is muted). */
  allowSpeechSynthesis: () => boolean;
}

export interface Utterance {
  readonly schedule: SpeechSchedule;
  /** Seconds since the utterance started. */
  elapsed(): number;
  /** Current mouth opening 0..1. */
  level(): number;
  readonly done: Promise<'ended' | 'interrupted'>;
  interrupt(): void;
}

export class LocalVoice {
  readonly track: MediaStreamTrack;
  private readonly context: AudioContext;
  private readonly source: OscillatorNode;
  private readonly formant: BiquadFilterNode;
  private readonly gain: GainNode;
  private current?: Utterance;

  constructor(private readonly options: VoiceOptions) {
    this.context = new AudioContext();
    const destination = this.context.createMediaStreamDestination();
    this.source = this.context.createOscillator();
    this.source.type = 'sawtooth';
    this.source.frequency.value = 150;
    this.formant = this.context.createBiquadFilter();
    this.formant.type = 'bandpass';
    this.formant.Q.value = 4;
    this.formant.frequency.value = 700;
    this.gain = this.context.createGain();
    this.gain.gain.value = 0;
    this.source.connect(this.formant).connect(this.gain).connect(destination);
    this.source.start();
    const [track] = destination.stream.getAudioTracks();
    if (!track) throw new Error('WebAudio gave no audio track');
    this.track = track;
  }

  /** Needed after an autoplay block: an AudioContext made without a user gesture starts suspended. */
  resume(): Promise<void> {
    return this.context.state === 'suspended' ? this.context.resume() : Promise.resolve();
  }

  speak(text: string): Utterance {
    this.current?.interrupt();
    const rate = this.options.rate ?? 1;
    const schedule = scheduleSpeech(text, rate);
    const startedAt = performance.now();
    const elapsed = () => (performance.now() - startedAt) / 1000;
    let finish!: (result: 'ended' | 'interrupted') => void;
    let finished = false;
    const done = new Promise<'ended' | 'interrupted'>((resolve) => (finish = resolve));
    const timers: ReturnType<typeof setTimeout>[] = [];
    let spoken: SpeechSynthesisUtterance | undefined;

    const end = (result: 'ended' | 'interrupted') => {
      if (finished) return;
      finished = true;
      timers.forEach(clearTimeout);
      this.silence();
      if (spoken) {
        spoken.onend = spoken.onerror = null;
        globalThis.speechSynthesis?.cancel();
      }
      if (this.current === utterance) this.current = undefined;
      finish(result);
    };

    const babble = () => {
      this.playSchedule(schedule, elapsed());
      timers.push(setTimeout(() => end('ended'), Math.max(0, (schedule.duration - elapsed()) * 1000)));
    };

    const synth = globalThis.speechSynthesis;
    if (synth && this.options.allowSpeechSynthesis() && synth.getVoices().length > 0) {
      spoken = new SpeechSynthesisUtterance(text);
      if (this.options.language) spoken.lang = this.options.language;
      spoken.rate = rate;
      spoken.onend = () => end('ended');
      // Blocked (no user activation) or failed: fall back to the babble, which the element can always play.
      spoken.onerror = () => {
        spoken = undefined;
        babble();
      };
      synth.speak(spoken);
      // Speech synthesis can hang without firing anything; never leave the avatar talking forever.
      timers.push(setTimeout(() => end('ended'), (schedule.duration * 3 + 5) * 1000));
    } else {
      babble();
    }

    const utterance: Utterance = {
      schedule,
      elapsed,
      level: () => {
        if (finished) return 0;
        const t = elapsed();
        // Real speech runs on its own clock; loop the text's rhythm until it ends.
        return levelAt(schedule, spoken ? t % Math.max(schedule.duration, 0.2) : t);
      },
      done,
      interrupt: () => end('interrupted'),
    };
    this.current = utterance;
    return utterance;
  }

  private playSchedule(schedule: SpeechSchedule, offset: number): void {
    const now = this.context.currentTime - offset;
    const gain = this.gain.gain;
    gain.cancelScheduledValues(this.context.currentTime);
    gain.setValueAtTime(0, this.context.currentTime);
    for (const s of schedule.syllables) {
      if (s.end < offset) continue;
      const start = Math.max(now + s.start, this.context.currentTime);
      const end = now + s.end;
      // Attack, hold, release: a sustained vowel, so level-based speech detection sees it as speech.
      const peak = 0.5 + s.colour * 0.2;
      gain.setValueAtTime(0, start);
      gain.linearRampToValueAtTime(peak, Math.min(start + 0.02, end));
      gain.setValueAtTime(peak, Math.max(start + 0.02, end - 0.03));
      gain.linearRampToValueAtTime(0, end);
      this.source.frequency.setValueAtTime(125 + s.colour * 70, start);
      this.formant.frequency.setValueAtTime(450 + s.colour * 900, start);
    }
  }

  private silence(): void {
    const t = this.context.currentTime;
    this.gain.gain.cancelScheduledValues(t);
    this.gain.gain.setValueAtTime(0, t);
  }

  dispose(): void {
    this.current?.interrupt();
    try {
      this.source.stop();
    } catch {
      // Already stopped.
    }
    this.track.stop();
    void this.context.close().catch(() => undefined);
  }
}
