/** action.yml, the workflows and the README agree with the code and with GitHub's own parser. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { NoOperationTraceWriter } from '@actions/workflow-parser/templates/trace-writer';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderActionYml, renderReadme } from '../scripts/docs.ts';
import { ACTIONS, usedBy } from '../src/actions/registry.ts';
import { ERROR_CODES } from '../src/error-codes.ts';
import { INPUT_NAMES, INPUTS, type InputSpec } from '../src/inputs/inputs.ts';
import { OUTPUTS } from '../src/runner/outputs.ts';
import { VERSION } from '../src/version.ts';
import { ROOT } from './support/run-action.ts';

const read = (path: string) => readFile(join(ROOT, path), 'utf8');

interface ActionYaml {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

function errorsOf(result: { context: { errors: { getErrors(): Array<{ message: string }> } } }): string[] {
  return result.context.errors.getErrors().map((e) => e.message);
}

describe('action.yml', () => {
  it("passes GitHub's action parser", async () => {
    const result = parseAction({ name: 'action.yml', content: await read('action.yml') }, new NoOperationTraceWriter());
    expect(errorsOf(result)).toEqual([]);
    expect(result.value).toBeDefined();
  });

  it('the parser catches a broken action.yml, so the check above can fail', () => {
    const broken = 'name: x\ndescription: y\nruns:\n  using: node12\n  mian: dist/index.js\n';
    const result = parseAction({ name: 'action.yml', content: broken }, new NoOperationTraceWriter());
    expect(errorsOf(result).length).toBeGreaterThan(0);
  });

  it('declares every input and output the code uses, and no other, on node24', async () => {
    const action = parse(await read('action.yml')) as ActionYaml;
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    expect(Object.keys(action.outputs).sort()).toEqual([...OUTPUTS].sort());
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    for (const [name, spec] of Object.entries({ ...action.inputs, ...action.outputs })) {
      expect(spec.description, name).toMatch(/\S/);
    }
  });

  it("declares exactly the contract's inputs and outputs (copied into test/fixtures/contract.json)", async () => {
    const contract = JSON.parse(await read('test/fixtures/contract.json')) as { inputs: string[]; outputs: string[] };
    const action = parse(await read('action.yml')) as ActionYaml;
    expect(Object.keys(action.inputs).sort()).toEqual([...contract.inputs].sort());
    expect(Object.keys(action.outputs).sort()).toEqual([...contract.outputs].sort());
  });

  it("names the registry's actions, and each input's users, as npm run docs writes them from the registry", async () => {
    const { current, expected } = await renderActionYml();
    expect(current).toBe(expected);
    const action = parse(await read('action.yml')) as ActionYaml;
    const named = action.inputs.action?.description.match(/: (.*)\.$/)?.[1]?.split(/, | or /);
    expect(named).toEqual(ACTIONS);
  });

  it("keeps the code's defaults and each input's users as action.yml states them", async () => {
    const action = parse(await read('action.yml')) as ActionYaml;
    for (const name of INPUT_NAMES) {
      const spec: InputSpec = INPUTS[name];
      if (spec.fromRunner) expect(action.inputs[name]?.default, name).toMatch(/^\$\{\{ .+ \}\}$/);
      else expect(action.inputs[name]?.default, name).toBe(spec.default);
      // An input that only some actions read says which, first, in its description (as actions/cache does).
      const users = usedBy(name);
      if (users.length < ACTIONS.length)
        expect(action.inputs[name]?.description, name).toMatch(new RegExp(`^${users.join(', ')}:`));
    }
  });
});

describe('workflows', () => {
  const workflowFiles = async () => {
    const found: string[] = [];
    for (const dir of ['.github/workflows', 'examples']) {
      // examples/avala-projects.yml is the config file the example workflow reads, not a workflow.
      for (const file of await readdir(join(ROOT, dir))) {
        if (/\.ya?ml$/.test(file) && file !== 'avala-projects.yml') found.push(`${dir}/${file}`);
      }
    }
    return found;
  };

  it("pass GitHub's workflow parser", async () => {
    const files = await workflowFiles();
    expect(files).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/check-dist.yml',
        '.github/workflows/e2e.yml',
        '.github/workflows/codeql.yml',
        '.github/workflows/workflow-lint.yml',
        '.github/workflows/release.yml',
        'examples/avala.yml',
        'examples/dataset-projects.yml',
        'examples/nightly-archive.yml',
      ]),
    );
    for (const file of files) {
      const result = parseWorkflow({ name: file, content: await read(file) }, new NoOperationTraceWriter());
      expect(errorsOf(result), file).toEqual([]);
    }
  });

  it('use every action by a full commit SHA, its version in a comment (the action itself aside)', async () => {
    const lines = (await workflowFiles())
      .filter((file) => file.startsWith('.github/'))
      .map(async (file) => (await read(file)).split('\n').map((line) => [file, line] as const));
    const uses = (await Promise.all(lines)).flat().filter(([, line]) => /^\s*(- )?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(10);
    const loose = uses.filter(
      ([, line]) => !/uses: (\.\/|[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$)/.test(line),
    );
    expect(loose).toEqual([]);
  });

  it("Dependabot updates npm and the workflows' actions, each in groups", async () => {
    const config = parse(await read('.github/dependabot.yml')) as {
      updates: Array<{ 'package-ecosystem': string; groups?: Record<string, unknown> }>;
    };
    const ecosystems = config.updates.map((u) => [u['package-ecosystem'], Object.keys(u.groups ?? {}).length > 0]);
    expect(ecosystems).toEqual([
      ['npm', true],
      ['github-actions', true],
    ]);
  });

  it('the parser catches a broken workflow, so the check above can fail', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n';
    const result = parseWorkflow({ name: 'broken.yml', content: broken }, new NoOperationTraceWriter());
    expect(errorsOf(result).length).toBeGreaterThan(0);
  });

  it('e2e runs clone and every status change through uses: ./', async () => {
    const e2e = parse(await read('.github/workflows/e2e.yml')) as {
      jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }>;
    };
    const local = Object.values(e2e.jobs)
      .flatMap((job) => job.steps)
      .filter((step) => step.uses === './');
    const actions = new Set(local.map((step) => step.with?.action ?? 'clone'));
    for (const action of ACTIONS) {
      expect(actions, action).toContain(action);
    }
  });

  it('CI runs on the Node version the action runs on', async () => {
    expect((await read('.node-version')).trim()).toBe('24');
  });
});

describe('Marketplace and release', () => {
  it("the description fits the Marketplace's limit (under 125 characters)", async () => {
    const action = parse(await read('action.yml')) as { description: string; branding: unknown };
    expect(action.description.length).toBeLessThan(125);
    expect(action.branding).toMatchObject({ icon: expect.any(String), color: expect.any(String) });
  });

  it('the Troubleshooting table and action.yml name the error codes src/error-codes.ts declares', async () => {
    const action = parse(await read('action.yml')) as ActionYaml;
    const named = [
      ...(action.outputs['error-code']?.description ?? '').matchAll(
        /[a-z][a-z_]*(?:-[a-z<>]+)+|[a-z]+_[a-z]+|\b(?:timeout|network|unexpected|canceled)\b/g,
      ),
    ].map((m) => m[0].replace('http-<status>', 'http-404'));
    expect(named.length).toBeGreaterThan(10);
    const documented: string[] = ERROR_CODES.map((e) => e.code);
    expect(named.filter((code) => !documented.includes(code))).toEqual([]);
    // Each code the action makes itself is named in action.yml too (not-tried is for results only).
    const own = documented.filter((code) => !code.startsWith('http-') && !code.includes('_') && code !== 'not-tried');
    expect(own.filter((code) => !named.includes(code))).toEqual([]);
    const readme = await read('README.md');
    for (const code of documented) expect(readme).toContain(`| \`${code}\` |`);
  });

  it('the licence notices name every production package, which the bundle is made of', async () => {
    const lock = JSON.parse(await read('package-lock.json')) as {
      packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
    };
    const production = Object.entries(lock.packages)
      .filter(([path, meta]) => path.startsWith('node_modules/') && !meta.dev && !meta.devOptional)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(production).toEqual(
      expect.arrayContaining(['@actions/core', 'undici', 'before-after-hook', '@octokit/core']),
    );
    const notices = await read('dist/licenses.txt');
    expect([...new Set(production)].filter((name) => !notices.includes(` - ${name}@`))).toEqual([]);
  });

  it('every file of dist/ is minified', async () => {
    const files = (await readdir(join(ROOT, 'dist'))).filter((f) => f.endsWith('.js'));
    expect(files).toContain('index.js');
    for (const file of files) {
      const text = await read(`dist/${file}`);
      const lines = text.split('\n');
      // Long lines; or, where template literals keep their line breaks (the YAML parser's), none indented as source is.
      const average = text.length / lines.length;
      const indented = lines.filter((line) => /^ {2,}[\w.}]/.test(line)).length / lines.length;
      expect(average > 1000 || (average > 500 && indented < 0.02), `${file}: ${average}, ${indented}`).toBe(true);
    }
  });
});

describe('docs and versions', () => {
  it("README's inputs and outputs tables match action.yml (npm run docs regenerates them)", async () => {
    const { current, expected } = await renderReadme();
    expect(current).toBe(expected);
  });

  it('README starts with the two commands for a fresh machine, and .ci/run runs the same test command', async () => {
    const readme = await read('README.md');
    const firstBlock = readme.split('```sh')[1]?.split('```')[0] ?? '';
    expect(firstBlock).toContain('npm ci && npm run demo');
    expect(firstBlock).toContain('npm ci && npm test');
    const ci = await read('.ci/run');
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
  });

  it('the main bundle stays small: no HTTP client or octokit on the path to the first request', async () => {
    const bundle = await read('dist/index.js');
    // undici (proxies only) and @actions/github (default name only) live in chunks loaded on demand.
    expect(bundle.length).toBeLessThan(100 * 1024);
    // Octokit's code names itself in its user agents; only the name of the lazy import may appear.
    expect(bundle.match(/tunnel|octokit-(core|endpoint|request)|octokit\/(core|request)/gi)).toBeNull();
  });

  it('the User-Agent version is package.json version', async () => {
    const pkg = JSON.parse(await read('package.json')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
