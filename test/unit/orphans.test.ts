/** Which slug a project name was made for (rule 35's orphans): the pattern must give exactly that name. */
import { describe, expect, it } from 'vitest';
import { slugMatcher } from '../../src/actions/clone-items.ts';

const matcher = (repository: string, name = '') => {
  const match = slugMatcher(name, { repository, sha: undefined });
  if (!match) throw new Error('no matcher');
  return match;
};

describe('the slug a name was made for', () => {
  it('splits after the whole repository name, hyphens in it included', () => {
    const match = matcher('acme/my-datasets');
    expect(match('my-datasets-old-2025')).toBe('old-2025');
    expect(match('my-datasets')).toBeUndefined();
    expect(match('other-old-2025')).toBeUndefined();
  });

  it("finds the default pattern's shortened repository name, and only where the name is 100 characters", () => {
    const repo = `my-${'r'.repeat(92)}`;
    const match = matcher(`acme/${repo}`);
    const shortened = `${repo.slice(0, 84)}-street-2026-w47`;
    expect([...shortened]).toHaveLength(100);
    expect(match(shortened)).toBe('street-2026-w47');
    expect(match(`${repo.slice(0, 83)}-street-2026-w47`)).toBeUndefined();
  });

  it('follows a pattern of its own, and none without {repo}', () => {
    expect(matcher('acme/datasets', 'batch {dataset} of {repo}')('batch lot-1 of datasets')).toBe('lot-1');
    expect(slugMatcher('batch {dataset}', { repository: 'acme/datasets', sha: undefined })).toBeUndefined();
  });
});
