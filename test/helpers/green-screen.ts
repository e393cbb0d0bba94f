import { registerProvider } from '../../src/providers/registry.js';
import { attachTrack, detachTrack } from '../../src/transports/media.js';
import { registerTransport } from '../../src/transports/registry.js';
import type { Transport } from '../../src/transports/transport.js';

/** The two halves of the test frame: a vendor's pure green backdrop, and a colour the key must keep. */
export const GREEN = '#00ff00';
export const KEPT = [208, 48, 32] as const;

/**
 * Provider `green-screen`: no server, played by a transport (in place of `local`) whose video is a real
 * canvas `captureStream()` track painted left half pure green, right half `KEPT`, repainted at 30 fps.
 */
export function installGreenScreen(width = 160, height = 90): () => void {
  const tracks: MediaStreamTrack[] = [];
  const unprovide = registerProvider('green-screen', {
    needsServer: false,
    expectedTransport: () => 'local',
    load: async () => ({
      createProvider: () => ({
        receive() {},
        async speak() {},
        async interrupt() {
          return 'ok' as const;
        },
        dispose() {},
      }),
    }),
  });
  const untransport = registerTransport('local', async () => ({
    createTransport: ({ video, host }): Transport => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d')!;
      let timer: ReturnType<typeof setInterval> | undefined;
      let track: MediaStreamTrack | undefined;
      const paint = () => {
        ctx.fillStyle = GREEN;
        ctx.fillRect(0, 0, width / 2, height);
        ctx.fillStyle = `rgb(${KEPT.join(' ')})`;
        ctx.fillRect(width / 2, 0, width / 2, height);
      };
      return {
        kind: 'local',
        maxMessageBytes: 1000,
        async connect() {
          paint();
          timer = setInterval(paint, 33);
          [track] = canvas.captureStream(30).getVideoTracks();
          tracks.push(track);
          attachTrack(video, track);
          host.mediaChanged();
        },
        async send() {},
        async startMicrophone() {},
        async stopMicrophone() {},
        async setMicrophoneMuted() {},
        async resumeAudio() {},
        async disconnect() {
          clearInterval(timer);
          if (track) {
            detachTrack(video, track);
            track.stop();
          }
        },
      };
    },
  }));
  return () => {
    unprovide();
    untransport();
    for (const track of tracks) track.stop();
  };
}
