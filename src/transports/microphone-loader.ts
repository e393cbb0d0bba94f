import { AvatarError, reasonOf } from '../errors/avatar-error.js';

/**
 * Voice chat's two lazy chunks, fetched when it starts rather than with the page: the microphone helpers
 * (used by every transport) and barge-in's voice-activity detector (used by the session). A chunk that fails
 * to load (offline, a redeploy removed it) is a microphone failure the page can act on, `mic-failed`, not a
 * bare TypeError that would surface as `command-failed`.
 */
type MicrophoneModule = typeof import('./microphone.js');
type VoiceActivityModule = typeof import('../session/voice-activity.js');

interface ChunkImports {
  microphone(): Promise<MicrophoneModule>;
  voiceActivity(): Promise<VoiceActivityModule>;
}

const imports: ChunkImports = {
  microphone: () => import('./microphone.js'),
  voiceActivity: () => import('../session/voice-activity.js'),
};

async function loadChunk<T>(load: () => Promise<T>, what: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new AvatarError('mic-failed', `The microphone could not start: ${what} did not load (${reasonOf(error)}).`, {
      fatal: false,
      cause: error,
    });
  }
}

/** The microphone helpers (constraints, error mapping, getUserMedia). Rejects with a non-fatal `mic-failed`. */
export function loadMicrophone(): Promise<MicrophoneModule> {
  return loadChunk(() => imports.microphone(), 'the microphone code');
}

/** Barge-in's voice-activity detector. Rejects with a non-fatal `mic-failed`. */
export function loadVoiceActivity(): Promise<VoiceActivityModule> {
  return loadChunk(() => imports.voiceActivity(), 'the voice-activity detector');
}

/** Test seam: replaces one chunk's import (e.g. with one that fails as a missing chunk does); returns the undo. */
export function replaceChunkImport<K extends keyof ChunkImports>(name: K, load: ChunkImports[K]): () => void {
  const previous = imports[name];
  imports[name] = load;
  return () => {
    imports[name] = previous;
  };
}
