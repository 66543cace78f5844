/** A UID pasted with what surrounds it (Avala's address bar, mostly) is refused naming the UID to paste, in full. */
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/actions/registry.ts';
import { InputError } from '../../src/inputs/errors.ts';

const UID = '770a9600-a40d-63f6-c938-668877660000';
const OTHER = '880b0700-b51e-74g7-d049-779988770000';
const context = {
  apiKey: 'avk_unit_test_key_0123456789',
  warn: () => undefined,
  workflow: { repository: 'acme/datasets', sha: '4f2c9a1b7d3e8f6a5b4c3d2e1f0a9b8c7d6e5f4a' },
};

async function refusal(inputs: Record<string, string>): Promise<InputError> {
  const error = await parseSettings((name) => inputs[name] ?? '', context).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('a UID pasted with more around it', () => {
  it.each([
    [
      { template: `https://app.avala.ai/projects/${UID}/settings` },
      'template',
      `Invalid template: it is a URL; paste the project UID from it: ${UID}.`,
    ],
    [
      { action: 'pause', project: `app.avala.ai/projects/${UID}?tab=tasks` },
      'project',
      `Invalid project: it is a URL; paste the project UID from it: ${UID}.`,
    ],
    [
      { template: UID, dataset: `https://app.avala.ai/datasets/${OTHER}/items` },
      'dataset',
      `Invalid dataset: it is a URL; paste the dataset UID from it: ${OTHER}.`,
    ],
    [
      { template: `https://app.avala.ai/projects/${UID}/datasets/${OTHER}` },
      'template',
      `Invalid template: it is a URL; paste the project UID from it, one of: ${UID}, ${OTHER}.`,
    ],
    [
      { template: 'https://app.avala.ai/projects/' },
      'template',
      'Invalid template: it is a URL with no UID in it; paste the project UID (8-4-4-4-12).',
    ],
    [{ template: `uid:${UID}` }, 'template', `Invalid template "uid:${UID}": paste the project UID alone: ${UID}.`],
  ])('%j is refused naming %s and the UID in full', async (inputs, input, message) => {
    const e = await refusal(inputs);
    expect(e.input).toBe(input);
    expect(e.message).toBe(message);
  });

  it('a URL is not echoed, so credentials in it are not printed', async () => {
    const e = await refusal({ template: `https://user:s3cret@app.avala.ai/projects/${UID}` });
    expect(e.message).toBe(`Invalid template: it is a URL; paste the project UID from it: ${UID}.`);
  });

  it('a value without a UID in it keeps the plain message', async () => {
    const e = await refusal({ template: 'not a uid' });
    expect(e.message).toBe(
      'Invalid template "not a uid". Expected a project UID such as 770a9600-a40d-63f6-c938-668877660000 (letters, digits and hyphens).',
    );
  });
});
