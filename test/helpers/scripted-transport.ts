import { AvatarError } from '../../src/errors/avatar-error.js';
import { attachTrack, detachTrack } from '../../src/transports/media.js';
import { registerTransport } from '../../src/transports/registry.js';
import type { Transport, TransportHost, TransportOptions } from '../../src/transports/transport.js';

/**
 * A transport the test steers: joins (or fails, or hangs), attaches real canvas video, and lets the test
 * fire host reports (reconnecting, disconnected…) at will. Registered in place of a real transport kind.
 */
export interface Script {
  join: 'ok' | 'reject' | 'hang';
  media: boolean;
  joinDelayMs: number;
}

export interface ScriptedInstance {
  options: TransportOptions;
  host: TransportHost;
  sent: Uint8Array[];
  disconnected: boolean;
  tracks: MediaStreamTrack[];
}

export function installScriptedTransport(kind = 'livekit', initial: Partial<Script> = {}) {
  const script: Script = { join: 'ok', media: true, joinDelayMs: 0, ...initial };
  const instances: ScriptedInstance[] = [];
  let loads = 0;
  const loadTimes: number[] = [];
  /** When the controller asked the module to preload its (pretend) SDK. */
  const preloadTimes: number[] = [];

  const createTransport = (options: TransportOptions): Transport => {
    const instance: ScriptedInstance = { options, host: options.host, sent: [], disconnected: false, tracks: [] };
    instances.push(instance);
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const ctx = canvas.getContext('2d')!;
    let frame = 0;
    const timer = setInterval(() => {
      ctx.fillStyle = `hsl(${(frame++ * 20) % 360} 80% 50%)`;
      ctx.fillRect(0, 0, 64, 48);
    }, 30);
    return {
      kind: 'livekit',
      maxMessageBytes: 1000,
      async connect(signal) {
        if (script.joinDelayMs) await new Promise((r) => setTimeout(r, script.joinDelayMs));
        if (script.join === 'reject') throw new AvatarError('transport-join-failed', 'join rejected by the scripted room');
        if (script.join === 'hang') {
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new AvatarError('aborted', 'aborted'))));
        }
        if (script.media) {
          const [track] = canvas.captureStream(30).getVideoTracks();
          instance.tracks.push(track);
          attachTrack(options.video, track);
          options.host.mediaChanged();
        }
      },
      async send(payload) {
        if (payload.byteLength > 1000) throw new AvatarError('transport-data-too-large', 'too large', { fatal: false });
        instance.sent.push(payload);
      },
      async startMicrophone() {},
      async stopMicrophone() {},
      async setMicrophoneMuted() {},
      async resumeAudio() {},
      async disconnect() {
        instance.disconnected = true;
        clearInterval(timer);
        for (const track of instance.tracks) {
          detachTrack(options.video, track);
          track.stop();
        }
      },
    };
  };

  const restore = registerTransport(kind, async () => {
    loads++;
    loadTimes.push(performance.now());
    return {
      createTransport,
      preload: async () => {
        preloadTimes.push(performance.now());
      },
    };
  });
  return {
    script,
    instances,
    get loads() {
      return loads;
    },
    loadTimes,
    preloadTimes,
    restore,
  };
}
