// Types for size-measure.mjs, which the size-budget test imports.
export interface Chunk {
  file: string;
  bytes: number;
  gzip: number;
  sources: string[];
  imports: string[];
  dynamicImports: string[];
}
export interface CdnGraph {
  cdnDir: string;
  entry: string;
  chunks: Map<string, Chunk>;
}
export interface Sized {
  gzip: number;
  chunks: string[];
}
export interface CdnSizes {
  idle: Sized;
  core: Sized;
  providers: Record<'local' | 'heygen' | 'konpro' | 'deepbrain' | 'akool', Sized>;
  plugins: Record<'livekit' | 'agora' | 'trtc', Sized>;
  sdks: Record<'livekit' | 'agora' | 'trtc', Sized>;
  pages: Record<'HeyGen over LiveKit' | 'Akool over Agora' | 'Akool over TRTC', Sized>;
}
export const root: string;
export const GZIP_LEVEL: number;
export const KB: number;
export const BUDGETS: { core: number; plugin: number; livekitPageOverhead: number };
export function gzipSize(bytes: Uint8Array): number;
export function readCdnGraph(cdnDir?: string): CdnGraph;
export function chunkOf(graph: CdnGraph, module: string): string;
export function staticClosure(graph: CdnGraph, files: Iterable<string>): Set<string>;
export function total(graph: CdnGraph, files: Iterable<string>): number;
export function measureCdn(graph?: CdnGraph): CdnSizes;
export function measurePeer(name: string): Promise<{ gzip: number; chunks: number }>;
