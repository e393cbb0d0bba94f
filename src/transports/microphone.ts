import { AvatarError, reasonOf } from '../errors/avatar-error.js';
import type { MicrophoneOptions } from './transport.js';

export interface MicrophoneConstraints {
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
  deviceId?: { exact: string };
}

/** Voice chat defaults: the avatar's own voice must not feed back into the microphone. */
export function microphoneConstraints(options: MicrophoneOptions = {}): MicrophoneConstraints {
  const constraints: MicrophoneConstraints = {
    echoCancellation: options.echoCancellation ?? true,
    noiseSuppression: options.noiseSuppression ?? true,
    autoGainControl: options.autoGainControl ?? true,
  };
  if (options.deviceId) constraints.deviceId = { exact: options.deviceId };
  return constraints;
}

/**
 * Fails early, with its own code, where the browser cannot offer a microphone at all: pages served
 * over plain http have no `navigator.mediaDevices`, and users otherwise see a bare TypeError.
 */
export function assertMicrophoneAvailable(): void {
  if (!globalThis.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    throw new AvatarError(
      'insecure-context',
      'The microphone needs a secure context (https or localhost); this page cannot use it.',
      { fatal: false },
    );
  }
}

/**
 * Maps getUserMedia failures (and SDK errors that wrap them) onto the element's microphone codes. SDKs that
 * replace the DOMException with their own error pass the DOMException name it stands for as `name`.
 */
export function microphoneError(error: unknown, name: unknown = (error as { name?: unknown } | null)?.name): AvatarError {
  if (error instanceof AvatarError) return error;
  const message = reasonOf(error);
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
    return new AvatarError('mic-denied', 'Microphone permission was denied.', { fatal: false, cause: error });
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') {
    return new AvatarError('mic-not-found', 'No microphone was found.', { fatal: false, cause: error });
  }
  return new AvatarError('mic-failed', `The microphone could not start: ${message}`, { fatal: false, cause: error });
}

/** Opens the microphone with the voice-chat constraints, throwing the element's typed errors. */
export async function openMicrophone(options?: MicrophoneOptions): Promise<MediaStreamTrack> {
  assertMicrophoneAvailable();
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: microphoneConstraints(options) });
    const [track] = stream.getAudioTracks();
    if (!track) throw new DOMException('No audio track', 'NotFoundError');
    return track;
  } catch (error) {
    throw microphoneError(error);
  }
}
