// SDP and ICE helpers for the media peers: every candidate that is not 127.0.0.1 is dropped, and the
// stream ids of the tracks the server sends become LiveKit's `PA_<participant>|TR_<track>`.

/** Whether an ICE candidate line (`candidate:…` or `a=candidate:…`) is an IPv4 loopback one. */
export function isLoopbackCandidate(candidate: string): boolean {
  const fields = candidate.replace(/^a=/, '').split(' ');
  return fields[4] === '127.0.0.1';
}

export interface SdpSection {
  mid: string | undefined;
  kind: string;
  /** sendrecv, sendonly, recvonly or inactive, as written in the section. */
  direction: string;
  /** The track id of the section's `a=msid` line, if any. */
  msidTrack: string | undefined;
}

function splitSections(sdp: string): string[] {
  return sdp.split(/\r\n(?=m=)/);
}

/** The media sections of an SDP, in order. */
export function sdpSections(sdp: string): SdpSection[] {
  return splitSections(sdp)
    .slice(1)
    .map((section) => ({
      mid: /\r\na=mid:(\S+)/.exec(section)?.[1],
      kind: /^m=(\w+)/.exec(section)?.[1] ?? '',
      direction: /\r\na=(sendrecv|sendonly|recvonly|inactive)/.exec(section)?.[1] ?? 'sendrecv',
      msidTrack: /\r\na=msid:\S+ (\S+)/.exec(section)?.[1],
    }));
}

/**
 * The SDP the server sends: non-loopback candidates removed, and in each section listed in `streams`
 * (by mid) the msid rewritten so the client finds the participant and track from the stream id.
 */
export function rewriteSdp(sdp: string, streams: ReadonlyMap<string, { participantSid: string; trackSid: string }>): string {
  const sections = splitSections(sdp).map((section, index) => {
    let lines = section.split('\r\n').filter((line) => !line.startsWith('a=candidate:') || isLoopbackCandidate(line));
    const mid = /\r\na=mid:(\S+)/.exec(section)?.[1];
    const stream = index > 0 && mid !== undefined ? streams.get(mid) : undefined;
    if (stream) {
      const msid = `${stream.participantSid}|${stream.trackSid} ${stream.trackSid}`;
      lines = lines
        .filter((line) => !line.startsWith('a=msid:'))
        .map((line) => line.replace(/^(a=ssrc:\d+ msid:).*$/, `$1${msid}`))
        .filter((line) => !/^a=ssrc:\d+ (mslabel|label):/.test(line));
      const at = lines.findIndex((line) => line.startsWith('a=mid:'));
      lines.splice(at + 1, 0, `a=msid:${msid}`);
    }
    return lines.join('\r\n');
  });
  return sections.join('\r\n');
}
