/**
 * Replaces getUserMedia's microphone with a real WebAudio track the test can make "talk": a tone at
 * speech-like level for as long as asked, silence otherwise. (Chromium's fake device only beeps briefly,
 * which a speech detector rightly ignores.)
 */
export function installFakeMicrophone() {
  const context = new AudioContext();
  void context.resume();
  const oscillator = context.createOscillator();
  oscillator.frequency.value = 220;
  const gain = context.createGain();
  gain.gain.value = 0;
  const destination = context.createMediaStreamDestination();
  oscillator.connect(gain).connect(destination);
  oscillator.start();
  const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  const constraints: MediaStreamConstraints[] = [];
  const tracks: MediaStreamTrack[] = [];
  navigator.mediaDevices.getUserMedia = async (request?: MediaStreamConstraints) => {
    constraints.push(request ?? {});
    const track = destination.stream.getAudioTracks()[0].clone();
    tracks.push(track);
    return new MediaStream([track]);
  };
  return {
    constraints,
    /** Every track handed out, in order (each a capture of the same voice). */
    tracks,
    /** Talks for `ms` milliseconds. */
    async talk(ms: number) {
      gain.gain.setValueAtTime(0.3, context.currentTime);
      await new Promise((r) => setTimeout(r, ms));
      gain.gain.setValueAtTime(0, context.currentTime);
    },
    restore() {
      navigator.mediaDevices.getUserMedia = real;
      for (const track of tracks) track.stop();
      oscillator.stop();
      void context.close();
    },
  };
}
