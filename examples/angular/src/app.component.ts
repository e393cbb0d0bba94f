import { Component, CUSTOM_ELEMENTS_SCHEMA, signal } from '@angular/core';
import 'streaming-avatar/define';
import type { AvatarEventMap } from 'streaming-avatar';

@Component({
  selector: 'app-root',
  // Lets the template use <streaming-avatar> and bind to its attributes and events.
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <h1>streaming-avatar in Angular</h1>
    <!-- provider="local" needs no account; with a vendor, add avatar-id and token-url="/api/avatar", and
         import the vendor's transport once (import 'streaming-avatar/transports/livekit'). -->
    <streaming-avatar
      provider="local"
      autostart="muted"
      (avatar-state-change)="onStateChange($event)"
      (avatar-ready)="readyEvents.set(readyEvents() + 1)"
    ></streaming-avatar>
    <p>
      State: <output id="state">{{ state() }}</output> · ready events: <output id="ready-events">{{ readyEvents() }}</output>
    </p>
  `,
})
export class AppComponent {
  readonly state = signal('idle');
  readonly readyEvents = signal(0);

  onStateChange(event: Event): void {
    this.state.set((event as AvatarEventMap['avatar-state-change']).detail.state);
  }
}
