import '../src/define.js';
import { AVATAR_EVENTS } from '../src/index.js';
import type { StreamingAvatarElement } from '../src/element/streaming-avatar-element.js';

const avatar = document.querySelector<StreamingAvatarElement>('#avatar')!;
const log = document.querySelector<HTMLOListElement>('#log')!;
const form = document.querySelector<HTMLFormElement>('#say')!;

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
