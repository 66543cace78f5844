/**
 * Arbitrary strings in every UID, owner, dataset reference and name input: the
 * action either sends requests whose paths stay under /api/v1/projects/ (or the
 * datasets and slices that references name), or fails with invalid-input before
 * sending anything. It never crashes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEYS, TEMPLATES } from '../emulator/seed.ts';
import { type Emulator, startEmulator } from '../emulator/server.ts';
import { ACTIONS, type Job, prepareJob } from '../src/actions/registry.ts';
import { AvalaClient } from '../src/api/client.ts';
import { HttpClient } from '../src/api/http.ts';
import { ActionError } from '../src/errors.ts';
import { InputError } from '../src/inputs/errors.ts';
import type { Reporter } from '../src/procedures/reporter.ts';
import { runAction } from './support/run-action.ts';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ rateLimit: false });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

/** Strings that look like what breaks paths, mixed with anything at all. */
const nasty = fc.oneof(
  // Valid values too, so that a good share of cases get past validation and send requests.
  fc.constantFrom(
    TEMPLATES.image,
    TEMPLATES.video,
    'acme',
    'dev@acme.com',
    'Batch 1',
    'proj-uuid-001',
    'acme/street-2026-w47',
  ),
  fc.constantFrom(TEMPLATES.image, 'acme'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('..', '../x', 'a/b', '%2f', 'a%2Fb', '?x=1', '#frag', 'a b', '.', 'x\r\ny', '\u202e', 'ünï'),
  fc
    .array(fc.constantFrom('a', 'Z', '9', '-', '_', '.', '/', '%', '2', 'f', '?', '#', '@', ' ', '\\', '..'), {
      maxLength: 20,
    })
    .map((parts) => parts.join('')),
);

const withoutNul = (s: string) => s.replaceAll('\u0000', '');

/**
 * Where requests may go: projects, and the datasets and slices that owner/slug
 * references name, each segment percent-encoded (no '.' or '..' segment, no '?' or '#' of ours).
 */
const UNDER_THE_API = /^\/api\/v1\/(projects|datasets|slices)\/(?:(?!\.\.?\/)[^/?#]+\/)+(\?[^#]*)?$/;

const scenarios = fc.record({
  action: fc.constantFrom(...ACTIONS),
  template: nasty,
  dataset: nasty,
  'lidar-dataset': fc.oneof(fc.constant(''), nasty),
  slice: fc.oneof(fc.constant(''), nasty),
  project: nasty,
  owner: nasty,
  name: nasty,
});

const quiet = () => undefined;
const reporter: Reporter = { info: quiet, notice: quiet, warning: quiet, group: (_title, fn) => fn() };

describe('arbitrary inputs', () => {
  it('in process: every request a parsed job sends stays under the API, or the inputs fail as invalid input', async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(scenarios, async (inputs) => {
        emu.reset();
        const read = (name: string) => (inputs as Record<string, string>)[name] ?? '';
        let job: Job;
        try {
          job = await prepareJob((name) => read(name).trim(), {
            apiKey: KEYS.pro,
            warn: quiet,
            workflow: { repository: 'acme/datasets', sha: '4f2c9a1b7d3e8f6a5b4c3d2e1f0a9b8c7d6e5f4a' },
          });
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          return;
        }
        const http = new HttpClient({
          baseUrl: new URL(emu.url),
          apiKey: KEYS.pro,
          userAgent: 't',
          timeoutMs: 2000,
          retries: 0,
          log: { info: quiet },
        });
        // Whatever Avala makes of the values, the job ends in an error of the action's own kinds, never a crash.
        const result = await job.run(new AvalaClient(http), reporter).catch((error: unknown) => {
          expect(error).toBeInstanceOf(ActionError);
          return undefined;
        });
        for (const item of result?.items ?? []) if (item.error) expect(item.error).toBeInstanceOf(ActionError);
        if (emu.requests.length > 0) sent += 1;
        for (const r of emu.requests) expect(r.path).toMatch(UNDER_THE_API);
      }),
      { numRuns: 400 },
    );
    // About one case in eight gets past validation; this many shows the requests were looked at.
    expect(sent).toBeGreaterThan(10);
  });

  it('as a process: requests under the API, or invalid-input and none', async () => {
    const blank = {
      action: '',
      template: '',
      dataset: '',
      'lidar-dataset': '',
      slice: '',
      project: '',
      owner: '',
      name: '',
    };
    let sent = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(scenarios, async (inputs) => {
        emu.reset();
        const clean = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, withoutNul(v)]));
        const r = await runAction({ 'base-url': emu.url, 'api-key': KEYS.pro, retries: '0', ...clean });
        expect([0, 1]).toContain(r.exitCode);
        expect(r.stderr).toBe('');
        for (const q of emu.requests) expect(q.path).toMatch(UNDER_THE_API);
        if (emu.requests.length === 0) {
          refused += 1;
          expect(r.exitCode).toBe(1);
          expect(r.outputs['error-code']).toBe('invalid-input');
        } else {
          sent += 1;
          expect(r.outputs['error-code'] ?? 'none').not.toBe('invalid-input');
          expect(r.outputs['error-code'] ?? 'none').not.toBe('unexpected');
        }
      }),
      // The in-process property above explores; here a few processes, among them one case of each branch for sure.
      {
        numRuns: 8,
        examples: [[{ ...blank, action: 'list', owner: 'acme' }], [{ ...blank, action: 'pause', project: '../x' }]],
      },
    );
    // Both branches of the property were exercised, so it says something about each.
    expect(sent).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 120_000);
});
