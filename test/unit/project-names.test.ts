import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/actions/registry.ts';
import { InputError } from '../../src/inputs/errors.ts';
import { fillName } from '../../src/inputs/project-names.ts';
import { parseDatasetRef, parseList } from '../../src/inputs/values.ts';

const TEMPLATE = '770a9600-a40d-63f6-c938-668877660000';
const WORKFLOW = { repository: 'acme/datasets', sha: '4f2c9a1b7d3e8f6a5b4c3d2e1f0a9b8c7d6e5f4a' };
const parse = (inputs: Record<string, string>) =>
  parseSettings((name) => inputs[name] ?? '', { apiKey: 'k', warn: () => undefined, workflow: WORKFLOW });
const failure = async (inputs: Record<string, string>) => {
  const error = await parse(inputs).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
};

describe('parseList', () => {
  it('splits lines and commas, trims, drops blanks and repeats, keeps the order', () => {
    expect(parseList(' b, a\n\nb ,c\r\n')).toEqual(['b', 'a', 'c']);
    expect(parseList('')).toEqual([]);
  });
});

describe('parseDatasetRef', () => {
  it('takes a UID or owner/slug', () => {
    expect(parseDatasetRef('dataset', '880b0700-b51e-74g7-d049-779988770000', 'dataset')).toEqual({
      uid: '880b0700-b51e-74g7-d049-779988770000',
    });
    expect(parseDatasetRef('dataset', 'dev@acme.com/street_2026-w47', 'dataset')).toEqual({
      owner: 'dev@acme.com',
      slug: 'street_2026-w47',
    });
  });

  it.each(['acme/Street', 'acme/', '/x', 'a/b/c', '../x', 'acme/x y', 'acme/%2f', 'acme/..', '..'])(
    'refuses %j',
    (v) => {
      expect(() => parseDatasetRef('dataset', v, 'dataset')).toThrow(/^Invalid dataset ".*"\. Expected a dataset UID/);
    },
  );
});

describe('fillName', () => {
  const values = { dataset: 'street', repo: 'datasets', sha: '4f2c9a1' };

  it('fills placeholders and keeps literal braces', () => {
    expect(fillName('name', '{repo}-{dataset} {{v2}} {sha}', values)).toBe('datasets-street {v2} 4f2c9a1');
  });

  it('shortens the repository in a default name to fit 100 characters, and only there', () => {
    const long = { ...values, repo: 'r'.repeat(120) };
    expect(fillName('name', '{repo}-{dataset}', long, true)).toBe(`${'r'.repeat(93)}-street`);
    expect(() => fillName('name', '{repo}-{dataset}', long)).toThrow('Expected 1 to 100 characters, got 127.');
  });

  it.each([
    ['{dataset} {branch}', 'unknown placeholder "{branch}"'],
    ['a { b', 'unknown placeholder "{"'],
    ['{dataset}', '{dataset} needs a dataset, lidar-dataset or slice'],
  ])('refuses %j', (pattern, message) => {
    expect(() => fillName('name', pattern, { ...values, dataset: undefined })).toThrow(message);
  });
});

describe('several items', () => {
  it('one clone item per dataset, with default names {repo}-{dataset}', async () => {
    const s = await parse({
      template: TEMPLATE,
      dataset: 'acme/street-2026-w47\nacme/street-2026-w48, acme/street-2026-w47',
    });
    expect(s.action === 'clone' && s.items.map((i) => [i.input, i.name])).toEqual([
      ['acme/street-2026-w47', 'datasets-street-2026-w47'],
      ['acme/street-2026-w48', 'datasets-street-2026-w48'],
    ]);
  });

  it('shares a single LiDAR dataset among the image datasets that make the items', async () => {
    const s = await parse({
      template: TEMPLATE,
      dataset: 'acme/a,acme/b',
      'lidar-dataset': 'acme/l',
      name: 'x-{dataset}',
    });
    expect(s.action === 'clone' && s.items.map((i) => i.data)).toEqual([
      { image: { owner: 'acme', slug: 'a' }, lidar: { owner: 'acme', slug: 'l' }, slice: undefined },
      { image: { owner: 'acme', slug: 'b' }, lidar: { owner: 'acme', slug: 'l' }, slice: undefined },
    ]);
  });

  it('one status change per project, each once', async () => {
    const s = await parse({ action: 'pause', project: `${TEMPLATE}\n${TEMPLATE}, proj-uuid-001` });
    expect(s.action === 'pause' && s.projects).toEqual([TEMPLATE, 'proj-uuid-001']);
  });

  it.each([
    [{ dataset: 'acme/a,acme/b', name: 'Batch' }, 'name', 'with several datasets it must contain {dataset}'],
    [
      { dataset: 'acme/x,other/x', name: 'n-{dataset}' },
      'name',
      'the projects for acme/x and other/x would both be named "n-x"',
    ],
    [{ dataset: 'acme/a', name: 'Batch {dataset}\u0007' }, 'name', 'Expected no control characters'],
    [
      { dataset: 'acme/a,acme/b', 'lidar-dataset': 'acme/c,acme/d' },
      'lidar-dataset',
      'only one of dataset, lidar-dataset and slice',
    ],
    [{ approve: 'true' }, 'approve', 'Invalid approve: true needs dataset, lidar-dataset, slice or dataset-dirs'],
    [{ dataset: 'acme/a', 'wait-for-dataset': '-1' }, 'wait-for-dataset', 'Expected a whole number from 0 to 21600'],
  ])('refuses %j naming %s before any request', async (inputs, input, message) => {
    const e = await failure({ template: TEMPLATE, ...inputs });
    expect(e.input).toBe(input);
    expect(e.message).toContain(message);
  });

  it('refuses an unknown status for list', async () => {
    const e = await failure({ action: 'list', owner: 'acme', status: 'completed,done' });
    expect(e.message).toBe(
      'Invalid status "done". Expected statuses among: pending-approval, active, paused, canceled, archived, completed.',
    );
  });
});
