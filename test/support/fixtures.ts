/** The emulator as the action-level test files use it, and the ways to run the action against it. */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { KEYS } from '../../emulator/seed.ts';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../emulator/server.ts';
import { type ActionRun, runAction, runInProcess } from './run-action.ts';
import { type Listening, startBystander } from './servers.ts';

export interface EmulatorFixture {
  /** The emulator, reset before each test. */
  readonly emu: Emulator;
  /** Another origin, which must receive no request in any test (with `bystander: true`). */
  readonly bystander: Listening;
  /** run() in process, against the emulator, with acme's key unless another is given. */
  run(inputs: Record<string, string>, env?: Record<string, string>, key?: string): Promise<ActionRun>;
  /** src/index.ts as a process, likewise. */
  runProcess(inputs: Record<string, string>, env?: Record<string, string>): Promise<ActionRun>;
}

export function useEmulator(options: EmulatorOptions & { bystander?: boolean } = {}): EmulatorFixture {
  let emu: Emulator | undefined;
  let bystander: Listening | undefined;
  beforeAll(async () => {
    emu = await startEmulator({ rateLimit: false, ...options });
    if (options.bystander) bystander = await startBystander();
  });
  afterAll(async () => {
    await emu?.close();
    await bystander?.close();
  });
  beforeEach(() => emu?.reset());
  if (options.bystander) afterEach(() => expect(bystander?.seen).toEqual([]));
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the emulator starts in beforeAll');
    return value;
  };
  return {
    get emu() {
      return started(emu);
    },
    get bystander() {
      return started(bystander);
    },
    run: (inputs, env = {}, key = KEYS.pro) =>
      runInProcess({ 'base-url': started(emu).url, 'api-key': key, ...inputs }, { env }),
    runProcess: (inputs, env = {}) =>
      runAction({ 'base-url': started(emu).url, 'api-key': KEYS.pro, ...inputs }, { env }),
  };
}
