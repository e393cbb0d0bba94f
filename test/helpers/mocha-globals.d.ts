/**
 * The Mocha globals that @web/test-runner provides in the browser (no @types/mocha is installed).
 * Function declarations, so another file declaring the same globals merges instead of clashing.
 */
interface StreamingAvatarTestContext {
  timeout(ms: number): void;
  skip(): never;
}
type StreamingAvatarTestFn = (this: StreamingAvatarTestContext, done: (error?: unknown) => void) => void | Promise<unknown>;

declare function describe(title: string, fn: (this: StreamingAvatarTestContext) => void): void;
declare function it(title: string, fn?: StreamingAvatarTestFn): void;
declare function before(fn: StreamingAvatarTestFn): void;
declare function after(fn: StreamingAvatarTestFn): void;
declare function beforeEach(fn: StreamingAvatarTestFn): void;
declare function afterEach(fn: StreamingAvatarTestFn): void;
