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
}

/** Runs the pull; resolves to undefined when git succeeded, else to why not, in one line without the token. */
export function pullLfs(workspace: string, dir: string, s: LfsSettings): Promise<string | undefined> {
  // git lfs splits --include on commas and reads patterns: a path with either would fetch another directory.
  if (/[,*?[\]\\]/.test(dir)) {
    return Promise.resolve(`its path holds a character git lfs --include reads as a pattern or a list`);
  }
  const env: NodeJS.ProcessEnv = { ...s.env, GIT_TERMINAL_PROMPT: '0' };
  if (s.token) {
    const n = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${s.token}`).toString('base64')}`;
    env.GIT_CONFIG_COUNT = String(n + 1);
    env[`GIT_CONFIG_KEY_${n}`] = `http.${s.serverUrl.replace(/\/*$/, '/')}.extraheader`;
    env[`GIT_CONFIG_VALUE_${n}`] = header;
  }
  return new Promise((resolve) => {
    let stderr = '';
    const child = spawn('git', ['lfs', 'pull', `--include=${dir}`], {
      cwd: workspace,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => {
      // The last of what git says is why it failed; the rest is progress.
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'ENOENT' ? 'git is not installed on this runner' : `git could not run: ${error.message}`);
    });
    child.on('close', (code) => {
      if (code === 0) return resolve(undefined);
      const said = stderr
        .split('\n')
        .filter((line) => line.trim())
        .slice(-2)
        .join(' ');
      const hint = /'lfs' is not a git command/.test(stderr) ? ' (git-lfs is not installed on this runner)' : '';
      resolve(shorten(oneLine(`git lfs pull exited ${code}${hint}${said ? `: ${said}` : ''}`), 500));
    });
  });
}
