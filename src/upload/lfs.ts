/**
 * Rule 37: the Git LFS files of one directory to upload, fetched with
 * `git lfs pull --include=<directory>` in the checkout. The token reaches git
 * through its configuration environment (GIT_CONFIG_COUNT, git 2.31 and
 * later) as an extra header scoped to GITHUB_SERVER_URL, never on a command
 * line, where any process of the runner could read it.
 */
import { spawn } from 'node:child_process';
import { oneLine, shorten } from '../api/text.ts';

export interface LfsSettings {
  /** github-token: sent by git to `serverUrl` only. */
  token: string;
  /** GITHUB_SERVER_URL, `https://github.com` on github.com. */
  serverUrl: string;
  /** The environment git runs in: the runner's. */
  env: NodeJS.ProcessEnv;
  /** The `timeout` input: how long Git LFS may go without a byte moving (its lfs.activitytimeout). */
  timeoutMs?: number;
}

/** Runs the pull; resolves to undefined when git succeeded, else to why not, in one line without the token. */
export async function pullLfs(workspace: string, dir: string, s: LfsSettings): Promise<string | undefined> {
  // git lfs splits --include on commas and reads patterns: a path with either would fetch another directory.
  if (/[,*?[\]\\]/.test(dir)) return 'its path holds a character git lfs --include reads as a pattern or a list';
  const env: NodeJS.ProcessEnv = { ...s.env, GIT_TERMINAL_PROMPT: '0' };
  const key = `http.${s.serverUrl.replace(/\/*$/, '/')}.extraheader`;
  // git-lfs sends every extra header configured for the URL: beside the credentials actions/checkout kept
  // (persist-credentials: true), a second Authorization would be refused. Those serve instead.
  const kept = await git(['config', '--get-all', key], workspace, env);
  const config: Array<[string, string]> = [];
  // A stalled LFS server fails the fetch as a stalled target fails a file (the timeout input, not git-lfs's 30 s).
  if (s.timeoutMs) config.push(['lfs.activitytimeout', String(Math.max(1, Math.ceil(s.timeoutMs / 1000)))]);
  const credential = Buffer.from(`x-access-token:${s.token}`).toString('base64');
  if (s.token && !(kept.code === 0 && /^\s*authorization\s*:/im.test(kept.stdout))) {
    config.push([key, `AUTHORIZATION: basic ${credential}`]);
  }
  const n = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  for (const [i, [name, value]] of config.entries()) {
    env[`GIT_CONFIG_KEY_${n + i}`] = name;
    env[`GIT_CONFIG_VALUE_${n + i}`] = value;
  }
  if (config.length > 0) env.GIT_CONFIG_COUNT = String(n + config.length);
  const pulled = await git(['lfs', 'pull', `--include=${dir}`], workspace, env);
  if (pulled.code === 0) return undefined;
  if (pulled.spawnError) return pulled.spawnError;
  // What git says is quoted without the token in any form: a line that names a credential is left out whole.
  const said = pulled.stderr
    .split('\n')
    .filter((line) => line.trim() && !/authorization|x-access-token/i.test(line))
    .map((line) => (s.token ? line.split(s.token).join('***').split(credential).join('***') : line))
    .slice(-2)
    .join(' ');
  const hint = /'lfs' is not a git command/.test(pulled.stderr) ? ' (git-lfs is not installed on this runner)' : '';
  return shorten(oneLine(`git lfs pull exited ${pulled.code}${hint}${said ? `: ${said}` : ''}`), 500);
}

interface Ran {
  code: number | null;
  stdout: string;
  /** The last of what git said: why it failed; the rest is progress. */
  stderr: string;
  spawnError?: string;
}

function git(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    const ran: Ran = { code: null, stdout: '', stderr: '' };
    const child = spawn('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    // A canceled run takes its git with it, rather than leave a fetch running on the runner.
    const kill = () => child.kill();
    process.once('exit', kill);
    child.stdout.on('data', (chunk: Buffer) => {
      ran.stdout = (ran.stdout + chunk.toString('utf8')).slice(-4000);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      ran.stderr = (ran.stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      ran.spawnError =
        error.code === 'ENOENT' ? 'git is not installed on this runner' : `git could not run: ${error.message}`;
      resolve(ran);
    });
    child.on('close', (code) => {
      process.off('exit', kill);
      ran.code = code;
      resolve(ran);
    });
  });
}
