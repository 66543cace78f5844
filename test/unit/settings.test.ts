import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, parseSettings } from '../../src/actions/registry.ts';
import { InputError } from '../../src/inputs/errors.ts';
import { readApiKey, readJob } from '../../src/main.ts';
import { githubRunner } from '../../src/runner/github.ts';
import { actionDefaults } from '../support/run-action.ts';

const TEMPLATE = '770a9600-a40d-63f6-c938-668877660000';
const WORKFLOW = { repository: 'acme/datasets', sha: '4f2c9a1b7d3e8f6a5b4c3d2e1f0a9b8c7d6e5f4a' };
const KEY = 'avk_unit_test_key_0123456789';
const saved = { ...process.env };

/** Sets the inputs as the runner does (action.yml's defaults first) and reads them with the real core.getInput. */
async function settingsFor(inputs: Record<string, string>) {
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name];
  for (const [name, value] of Object.entries({ ...(await actionDefaults()), 'api-key': KEY, ...inputs })) {
    process.env[`INPUT_${name.toUpperCase()}`] = value;
  }
  // The real adapter reads the inputs; masking is left out, since it would print ::add-mask:: into the test log.
  const runner = { ...githubRunner(), secret: () => undefined };
  return (await readJob(runner, readApiKey(runner))).settings;
}

async function inputError(inputs: Record<string, string>): Promise<InputError> {
  const error = await settingsFor(inputs).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  const message = (error as InputError).message;
  expect(message).not.toContain('\n');
  return error as InputError;
}

beforeEach(() => {
  process.env.GITHUB_REPOSITORY = 'acme/datasets';
  process.env.GITHUB_SHA = '4f2c9a1b7d3e8f6a5b4c3d2e1f0a9b8c7d6e5f4a';
  delete process.env.AVALA_API_KEY;
});
afterEach(() => {
  process.env = { ...saved };
});

describe('readSettings', () => {
  it('reads a clone with the documented defaults', async () => {
    const s = await settingsFor({ template: TEMPLATE, dataset: '880b0700-b51e-74g7-d049-779988770000' });
    expect(s).toMatchObject({
      action: 'clone',
      template: TEMPLATE,
      items: [
        {
          input: '880b0700-b51e-74g7-d049-779988770000',
          data: { image: { uid: '880b0700-b51e-74g7-d049-779988770000' } },
          name: 'datasets-4f2c9a1',
        },
      ],
      waitMs: 0,
      copyCollaborators: true,
      approve: false,
      ifExists: 'reuse',
      timeoutMs: 30_000,
      retries: 3,
      dryRun: false,
    });
    expect(s.baseUrl.href).toBe('https://api.avala.ai/api/v1');
  });

  it("falls back to action.yml's defaults when the runner passes no value (local runs, other runners)", async () => {
    const context = { apiKey: KEY, warn: () => undefined, workflow: WORKFLOW };
    const defaults = await actionDefaults();
    const cases: Array<Record<string, string>> = [
      { template: TEMPLATE },
      { action: 'list', owner: 'acme' },
      { action: 'pause', project: TEMPLATE },
    ];
    for (const required of cases) {
      const bare = await parseSettings((name) => required[name] ?? '', context);
      const given = await parseSettings((name) => required[name] ?? defaults[name] ?? '', context);
      expect(bare).toEqual(given);
    }
  });

  it('fits the default name into 100 characters', async () => {
    process.env.GITHUB_REPOSITORY = `acme/${'r'.repeat(120)}`;
    const s = await settingsFor({ template: TEMPLATE });
    expect(s.action === 'clone' && s.items[0]?.name).toBe(`${'r'.repeat(92)}-4f2c9a1`);
  });

  it('asks for a name when there is no workflow context to derive one from', async () => {
    delete process.env.GITHUB_REPOSITORY;
    const e = await inputError({ template: TEMPLATE });
    expect(e.input).toBe('name');
    expect(e.message).toMatch(/^Missing name:/);
  });

  it('warns about inputs the action does not use, and if-exists: fail without owner', async () => {
    const warnings: string[] = [];
    const read = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';
    const context = { apiKey: KEY, warn: (m: string) => warnings.push(m), workflow: WORKFLOW };
    await parseSettings(read({ action: 'pause', project: TEMPLATE, dataset: 'd1', name: 'x' }), context);
    await parseSettings(read({ template: TEMPLATE, 'if-exists': 'fail' }), context);
    await parseSettings(read({ template: TEMPLATE, 'if-exists': 'fail', owner: 'acme' }), context);
    expect(warnings).toEqual([
      "Input 'dataset' is not used by action 'pause' and is ignored.",
      "Input 'name' is not used by action 'pause' and is ignored.",
      "Input 'if-exists: fail' needs 'owner' to look the name up; without it the API refuses a duplicate name (409).",
    ]);
  });

  it('takes the key from AVALA_API_KEY when the input is empty', async () => {
    process.env.AVALA_API_KEY = 'avk_from_env';
    const s = await settingsFor({ 'api-key': '', action: 'list', owner: 'acme' });
    expect(s.apiKey).toBe('avk_from_env');
  });

  it('accepts the documented UIDs, an e-mail owner and loopback http URLs', async () => {
    for (const uid of ['880b0700-b51e-74g7-d049-779988770000', 'proj-uuid-001', 'A1B2']) {
      const s = await settingsFor({ action: 'pause', project: uid, owner: 'dev@acme.com' });
      expect(s).toMatchObject({ projects: [uid], owner: 'dev@acme.com' });
    }
    for (const url of [
      'http://localhost:8787/api/v1/',
      'http://127.0.0.1/api/v1',
      'http://[::1]:9/api/v1',
      'https://server.avala.ai/api/v1',
    ]) {
      const s = await settingsFor({ action: 'list', owner: 'acme', 'base-url': url });
      expect(s.baseUrl.href).toBe(url.replace(/\/$/, ''));
    }
  });

  it.each([
    [{ action: 'delete' }, 'action', `Invalid action "delete". Expected one of: ${ACTIONS.join(', ')}.`],
    [{ action: 'Approve', project: TEMPLATE }, 'action', 'Invalid action "Approve"'],
    [{ 'api-key': '' }, 'api-key', 'Missing api-key: set the api-key input'],
    [{}, 'template', 'Missing template: expected the UID of the template project to clone.'],
    [{ action: 'pause' }, 'project', 'Missing project: expected the UID of the project to pause.'],
    [{ action: 'list' }, 'owner', 'Missing owner: expected the name of the owner whose projects to list.'],
    [{ template: TEMPLATE, name: 'x'.repeat(101) }, 'name', 'Expected 1 to 100 characters, got 101.'],
    [{ template: TEMPLATE, name: 'Batch\n1' }, 'name', 'Invalid name "Batch\\n1". Expected no control characters'],
    [{ action: 'list', owner: 'acme', name: 'a\tb' }, 'name', 'Expected no control characters'],
    [
      { template: TEMPLATE, slice: 'acme/slice-1', dataset: 'acme/data-1' },
      'slice',
      'Invalid slice: it cannot be combined with dataset or lidar-dataset.',
    ],
    [{ template: TEMPLATE, slice: 'acme/slice-1', 'lidar-dataset': 'acme/data-1' }, 'slice', 'cannot be combined'],
    [{ template: TEMPLATE, approve: 'yes' }, 'approve', 'Invalid approve "yes". Expected true or false.'],
    [{ template: TEMPLATE, 'copy-collaborators': '1' }, 'copy-collaborators', 'Expected true or false.'],
    [{ template: TEMPLATE, 'dry-run': 'on' }, 'dry-run', 'Expected true or false.'],
    [{ template: TEMPLATE, 'if-exists': 'replace' }, 'if-exists', 'Expected one of: reuse, fail.'],
    [
      { template: TEMPLATE, timeout: 'abc' },
      'timeout',
      'Invalid timeout "abc". Expected a number greater than 0 and at most 600.',
    ],
    [{ template: TEMPLATE, timeout: '0' }, 'timeout', 'Expected a number greater than 0'],
    [{ template: TEMPLATE, timeout: '601' }, 'timeout', 'at most 600'],
    [{ template: TEMPLATE, retries: '-1' }, 'retries', 'Expected a whole number from 0 to 10.'],
    [{ template: TEMPLATE, retries: '1.5' }, 'retries', 'Expected a whole number from 0 to 10.'],
    [{ template: TEMPLATE, retries: '11' }, 'retries', 'Expected a whole number from 0 to 10.'],
    [{ action: 'list', owner: 'acme', limit: '0' }, 'limit', 'Expected a whole number from 1 to 100000.'],
    [{ action: 'list', owner: 'acme', limit: 'ten' }, 'limit', 'Invalid limit "ten"'],
    [{ action: 'list', owner: 'acme', ordering: 'name;drop' }, 'ordering', 'Invalid ordering'],
    [
      { action: 'list', owner: 'acme', 'base-url': 'http://api.avala.ai/api/v1' },
      'base-url',
      'Expected an https:// URL',
    ],
    [{ action: 'list', owner: 'acme', 'base-url': 'ftp://api.avala.ai' }, 'base-url', 'Expected an https:// URL'],
    [{ action: 'list', owner: 'acme', 'base-url': 'not a url' }, 'base-url', 'Invalid base-url "not a url"'],
    [
      { action: 'list', owner: 'acme', 'base-url': 'https://api.avala.ai/api/v1?x=1' },
      'base-url',
      'must not have a query',
    ],
  ])('rejects %j naming %s', async (inputs, input, message) => {
    const e = await inputError(inputs);
    expect(e.input).toBe(input);
    expect(e.message).toContain(message);
  });

  it('refuses credentials in base-url without printing them', async () => {
    const e = await inputError({
      action: 'list',
      owner: 'acme',
      'base-url': 'https://user:s3cret@api.avala.ai/api/v1',
    });
    expect(e.message).toBe(
      'Invalid base-url: it must not carry credentials (user:password@); the API key goes in api-key.',
    );
  });

  it('refuses a key a header cannot carry without printing it', async () => {
    const e = await inputError({ action: 'list', owner: 'acme', 'api-key': 'abc def' });
    expect(e.input).toBe('api-key');
    expect(e.message).not.toContain('abc def');
  });

  it.each(['../x', 'a/b', 'a?b', 'a#b', 'a%2fb', 'a%2Fb', 'a b', '.', '..', '-x', 'x\u0000', 'a/../b', 'a/b/c', '/b'])(
    'rejects the UID %j that could change the request path',
    async (uid) => {
      // owner/slug names a dataset or slice: there 'a/b' is a reference, resolved with its parts percent-encoded.
      const data = uid === 'a/b' ? [] : (['dataset', 'lidar-dataset', 'slice'] as const);
      for (const [input, inputs] of [
        ['template', { template: uid }],
        ...data.map((input) => [input, { template: TEMPLATE, [input]: uid }] as const),
        ['project', { action: 'archive', project: uid }],
      ] as const) {
        const e = await inputError(inputs);
        expect(e.input).toBe(input);
        expect(e.message).toMatch(new RegExp(`^Invalid ${input} ".*"\\. Expected a (project|dataset|slice) UID`));
      }
    },
  );

  it.each(['a/b', '..', '../etc', 'a?b', 'a#b', 'a%2fb', 'a b', '.hidden'])('rejects the owner %j', async (owner) => {
    const e = await inputError({ action: 'list', owner });
    expect(e.input).toBe('owner');
    expect(e.message).toContain('Expected a username or e-mail address');
  });
});
