// Whether this process runs in a loopback-only network namespace (what the WebRTC tests need), and why not.
import { networkInterfaces } from 'node:os';

export interface NetworkIsolation {
  isolated: boolean;
  /** The interfaces besides loopback, when not isolated. */
  interfaces: string[];
  /** LIVEKIT_TESTS_HOST_NETWORK=1: run anyway on the machine's network (candidates are still filtered to 127.0.0.1). */
  overridden: boolean;
}

export function networkIsolation(): NetworkIsolation {
  const interfaces = Object.entries(networkInterfaces())
    .filter(([, addresses]) => (addresses ?? []).some((a) => !a.internal))
    .map(([name]) => name);
  return { isolated: interfaces.length === 0, interfaces, overridden: process.env.LIVEKIT_TESTS_HOST_NETWORK === '1' };
}
