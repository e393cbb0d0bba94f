import '../src/define.js';
// The fake vendors' sessions name real transports; the emulation routes them, the real plugins back it.
import '../src/transports/install/livekit.js';
import '../src/transports/install/agora.js';
import '../src/transports/install/trtc.js';
import { AVATAR_EVENTS } from '../src/index.js';
import type { StreamingAvatarElement } from '../src/element/streaming-avatar-element.js';
import { installFakeVendorTransports } from './emulation/fake-transports.js';

// Vendor sessions here come from the local fake vendor (mounted by `npm start`): play them in the page.
installFakeVendorTransports();

const avatar = document.querySelector<StreamingAvatarElement>('#avatar')!;
const log = document.querySelector<HTMLOListElement>('#log')!;
const form = document.querySelector<HTMLFormElement>('#say')!;
const providerSelect = document.querySelector<HTMLSelectElement>('#provider')!;
const streamTypeSelect = document.querySelector<HTMLSelectElement>('#stream-type')!;
const streamTypeField = document.querySelector<HTMLElement>('#stream-type-field')!;
const avatarIdInput = document.querySelector<HTMLInputElement>('#avatar-id')!;

/** Points the element at the chosen vendor; a live session is replaced by the element itself. */
function applyProvider(): void {
  const provider = providerSelect.value;
  const akool = provider === 'akool';
  streamTypeField.hidden = !akool;
  avatar.provider = provider;
  avatar.tokenUrl = '/api/avatar';
  // DeepBrain and Akool refuse a session without an avatar id, as the real vendors do.
  avatar.avatarId = avatarIdInput.value.trim() || undefined;
  if (akool) avatar.setAttribute('stream-type', streamTypeSelect.value);
  else avatar.removeAttribute('stream-type');
}
providerSelect.value = avatar.provider;
providerSelect.addEventListener('change', applyProvider);
streamTypeSelect.addEventListener('change', applyProvider);
avatarIdInput.addEventListener('change', applyProvider);
applyProvider();

const backgroundSelect = document.querySelector<HTMLSelectElement>('#background')!;
backgroundSelect.addEventListener('change', () => {
  if (backgroundSelect.value) avatar.setAttribute('background', backgroundSelect.value);
  else avatar.removeAttribute('background');
});

const byId = (id: string) => document.getElementById(id) as HTMLButtonElement;
byId('start').addEventListener('click', () => avatar.start().catch(() => undefined));
byId('stop').addEventListener('click', () => void avatar.stop());
byId('interrupt').addEventListener('click', () => avatar.interrupt().catch(() => undefined));
byId('mute').addEventListener('click', () => (avatar.muted ? avatar.unmute() : avatar.mute()));

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const mode = data.get('mode') === 'chat' ? 'chat' : 'repeat';
  avatar.speak(String(data.get('text') ?? ''), { mode }).catch(() => undefined);
});

for (const name of AVATAR_EVENTS) {
  avatar.addEventListener(name, (event) => {
    const item = document.createElement('li');
    // Text, never HTML: transcripts are untrusted.
    item.textContent = `${name} ${JSON.stringify((event as CustomEvent).detail)}`;
    log.prepend(item);
  });
}
