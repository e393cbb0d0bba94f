/**
 * Real media for the SDK fakes: a canvas that keeps drawing (so `captureStream()` yields frames) and a
 * WebAudio tone, handed to the plugins as the avatar's remote tracks. Attach, first-frame and autoplay paths
 * then run for real in Chromium.
 */
export interface FakeMedia {
  readonly video: MediaStreamTrack;
  readonly audio: MediaStreamTrack;
  /** Ends both tracks and stops drawing, as a closed peer connection ends its receivers. */
  stop(): void;
}

/** Every track a fake made, so a test can assert none is left live. */
export const createdTracks: MediaStreamTrack[] = [];

export function createFakeMedia({ width = 320, height = 180, hue = 210 } = {}): FakeMedia {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('No 2D canvas');
  let frame = 0;
  const draw = () => {
    ctx.fillStyle = `hsl(${hue} 60% ${30 + (frame++ % 20)}%)`;
    ctx.fillRect(0, 0, width, height);
  };
  draw();
  const timer = setInterval(draw, 1000 / 15);
  const [video] = canvas.captureStream(15).getVideoTracks();

  const context = new AudioContext();
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  gain.gain.value = 0.02;
  const destination = context.createMediaStreamDestination();
  oscillator.connect(gain).connect(destination);
  oscillator.start();
  const [audio] = destination.stream.getAudioTracks();
  if (!video || !audio) throw new Error('No fake tracks');
  createdTracks.push(video, audio);

  let stopped = false;
  return {
    video,
    audio,
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      video.stop();
      audio.stop();
      oscillator.stop();
      void context.close();
    },
  };
}

/** A real microphone track (Chromium's fake device), as an SDK's capture would give. */
export async function openFakeMicrophone(constraints: MediaTrackConstraints = {}): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: constraints });
  const [track] = stream.getAudioTracks();
  if (!track) throw new Error('No microphone track');
  createdTracks.push(track);
  return track;
}

export function liveTracks(): MediaStreamTrack[] {
  return createdTracks.filter((track) => track.readyState === 'live');
}
