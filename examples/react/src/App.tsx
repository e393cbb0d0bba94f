import { useState } from 'react';
import { StreamingAvatar } from 'streaming-avatar/react';

export function App() {
  const [state, setState] = useState('idle');
  const [readyEvents, setReadyEvents] = useState(0);
  return (
    <main>
      <h1>streaming-avatar in React</h1>
      {/* provider="local" needs no account; with a vendor, add avatarId and tokenUrl="/api/avatar", and import its transport once (import 'streaming-avatar/transports/livekit'). */}
      <StreamingAvatar
        provider="local"
        autostart="muted"
        onAvatarStateChange={(event) => setState(event.detail.state)}
        onAvatarReady={() => setReadyEvents((n) => n + 1)}
      />
      <p>
        State: <output id="state">{state}</output> · ready events: <output id="ready-events">{readyEvents}</output>
      </p>
    </main>
  );
}
