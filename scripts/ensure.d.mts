// Types of the parts of ensure.mjs that TypeScript files import (the Node tests' redis-server).
export declare const root: string;
export declare function ensureRedis(): string;
export declare function startRedis(binary?: string): Promise<{ url: string; stop(): Promise<void> }>;
