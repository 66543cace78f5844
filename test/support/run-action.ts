/**
 * Runs the action the way the runner does: every input as an INPUT_* variable
 * (action.yml's defaults first), and GITHUB_OUTPUT and GITHUB_STEP_SUMMARY
 * files to read back. `runAction` starts a child process on src/index.ts (Node
 * 24 runs it directly, so a stale bundle cannot pass a test), or on the bundle
 * for its smoke test; `runInProcess` calls run() with the same environment and
 * captures what it writes, for the many tests that need no process of their own.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(ROOT, 'dist/index.js');
export const SOURCE = join(ROOT, 'src/index.ts');
/** The workflow token the runner passes as github-token's default, in these tests. */
export const RUNNER_TOKEN = 'ghs_runnerdefaulttoken0123456789abcdef';
/** Node keeps the type-stripped source here between runs, which halves a run's start-up. */
const COMPILE_CACHE = join(ROOT, 'node_modules/.cache/avala-action-compile');

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
  /** Every byte the process wrote or left behind: stdout, stderr, outputs, summary and files it wrote. */
  everything: string;
  /** Lines of the log: stdout without workflow commands but annotations. */
  annotations: Array<{ level: string; title?: string; message: string }>;
}

export interface RunOptions {
  /** Environment variables beside the inputs (proxies, RUNNER_DEBUG). */
  env?: Record<string, string>;
  /** Kills the process after this many ms. */
  killAfterMs?: number;
  /** The script to run: src/index.ts unless a test is about the bundle. */
  entry?: string;
  /** Called with the child process once it runs, for tests that signal it. */
  onSpawn?: (child: ChildProcess) => void;
}

interface ActionYaml {
  inputs: Record<string, { default?: string }>;
}

/** The part of a push event's payload the action reads. */
export const PUSH_EVENT = {
  ref: 'refs/heads/main',
  repository: { full_name: 'acme/datasets', default_branch: 'main' },
};

let defaults: Record<string, string> | undefined;

export async function actionDefaults(): Promise<Record<string, string>> {
  if (!defaults) {
    const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as ActionYaml;
    // The runner fills in an expression default (github-token's ${{ github.token }}) before the step starts.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template literal.
    const evaluate = (value: string) => (value === '${{ github.token }}' ? RUNNER_TOKEN : value);
    defaults = Object.fromEntries(
      Object.entries(action.inputs).flatMap(([name, spec]) =>
        spec.default === undefined ? [] : [[name, evaluate(String(spec.default))]],
      ),
    );
  }
  return defaults;
}

/** The environment the runner gives an action step, with the inputs as INPUT_* variables. */
export async function runnerEnv(dir: string, inputs: Record<string, string>): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/datasets',
    GITHUB_SHA: '4f2c9a1b7d3e8f6a5b4c3d2e1f0a9b8c7d6e5f4a',
    // A push to the default branch, as the runner describes it: what `mode: auto` applies on.
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  for (const [name, value] of Object.entries({ ...(await actionDefaults()), ...inputs })) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

export function runAction(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> {
  return inRunnerEnv(inputs, options, (env) => spawnAction(options.entry ?? SOURCE, env, options));
}

/** The same run as runAction, in this process: run() with the runner's environment, its writes captured. */
export function runInProcess(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> {
  return inRunnerEnv(inputs, options, async (env) => {
    const { run } = await import('../../src/main.ts');
    const { githubRunner } = await import('../../src/runner/github.ts');
    const saved = new Map<string, string | undefined>();
    for (const name of Object.keys(process.env)) {
      if (/^(INPUT_|GITHUB_|RUNNER_|AVALA_)/.test(name)) saved.set(name, process.env[name]);
    }
    for (const name of saved.keys()) delete process.env[name];
    for (const [name, value] of Object.entries(env)) {
      if (name === 'PATH' || name === 'HOME') continue;
      if (!saved.has(name)) saved.set(name, process.env[name]);
      process.env[name] = value;
    }
    let stdout = '';
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    }) as typeof process.stdout.write;
    process.exitCode = undefined;
    try {
      await run(githubRunner(process.env));
      return { exitCode: Number(process.exitCode ?? 0), stdout, stderr: '' };
    } finally {
      process.stdout.write = write;
      process.exitCode = undefined;
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
}

async function inRunnerEnv(
  inputs: Record<string, string>,
  options: RunOptions,
  start: (env: Record<string, string>) => Promise<{ exitCode: number; stdout: string; stderr: string }>,
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'avala-action-'));
  try {
    const base = await runnerEnv(dir, inputs);
    await writeFile(base.GITHUB_OUTPUT as string, '');
    await writeFile(base.GITHUB_STEP_SUMMARY as string, '');
    await writeFile(base.GITHUB_EVENT_PATH as string, JSON.stringify(PUSH_EVENT));
    // A test may point GITHUB_OUTPUT or GITHUB_STEP_SUMMARY where nothing can be written.
    const env = { ...base, ...options.env };
    const started = performance.now();
    const { exitCode, stdout, stderr } = await start(env);
    const ms = performance.now() - started;
    const outputText = await readFile(env.GITHUB_OUTPUT as string, 'utf8').catch(() => '');
    const summary = await readFile(env.GITHUB_STEP_SUMMARY as string, 'utf8').catch(() => '');
    const outputs = parseOutputs(outputText);
    const files = outputs['projects-file'] ? await readFile(outputs['projects-file'], 'utf8').catch(() => '') : '';
    return {
      exitCode,
      stdout,
      stderr,
      outputs,
      summary,
      ms,
      everything: [stdout, stderr, outputText, summary, files].join('\n'),
      annotations: parseAnnotations(stdout),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function spawnAction(
  entry: string,
  env: Record<string, string>,
  { killAfterMs, onSpawn }: RunOptions,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [entry],
      {
        env: { NODE_COMPILE_CACHE: COMPILE_CACHE, ...env },
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        ...(killAfterMs ? { timeout: killAfterMs } : {}),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ exitCode: child.exitCode ?? code, stdout, stderr });
      },
    );
    onSpawn?.(child);
  });
}

/** Reads a GITHUB_OUTPUT file: `name<<DELIMITER`, the value, `DELIMITER`. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = (lines[i] as string).match(/^([^<=]+)<<(.+)$/);
    if (!match) continue;
    const [, name, delimiter] = match as [string, string, string];
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] as string);
    outputs[name] = value.join('\n');
  }
  return outputs;
}

function parseAnnotations(stdout: string): ActionRun['annotations'] {
  return stdout.split('\n').flatMap((line) => {
    const match = line.match(/^::(error|warning|notice)(?: ([^:]*))?::(.*)$/);
    if (!match) return [];
    const [, level, props, message] = match as [string, string, string | undefined, string];
    const title = props?.match(/title=([^,]*)/)?.[1];
    return [{ level, message: decode(message), ...(title ? { title: decode(title) } : {}) }];
  });
}

function decode(text: string): string {
  return text
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}

/** The log as a person reads it on the run page: workflow commands left out, annotations kept. */
export function logLines(run: ActionRun): string[] {
  return run.stdout.split('\n').filter((line) => line !== '' && !/^::(add-mask|debug|group|endgroup)/.test(line));
}
