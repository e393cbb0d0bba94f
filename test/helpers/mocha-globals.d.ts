// The mocha globals the browser tests use (@web/test-runner provides mocha; its types are not installed).
type MochaDone = (error?: unknown) => void;
type MochaTest = (this: { timeout(ms: number): void }, done: MochaDone) => void | Promise<unknown>;
declare function describe(title: string, body: () => void): void;
declare function it(title: string, test: MochaTest): void;
declare function before(hook: MochaTest): void;
declare function after(hook: MochaTest): void;
declare function beforeEach(hook: MochaTest): void;
declare function afterEach(hook: MochaTest): void;
