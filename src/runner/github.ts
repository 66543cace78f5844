/** The Runner for GitHub's runner (and anything that speaks its protocol), through @actions/core. */
import { appendFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { ActionError } from '../errors.ts';
import type { Runner } from './runner.ts';

export function githubRunner(env: NodeJS.ProcessEnv = process.env): Runner {
  return {
    input: (name) => core.getInput(name),
    secret: (value) => core.setSecret(value),
    info: (message) => core.info(escapeLine(message)),
    // An annotation is one line too: a status or type from the API cannot stretch it over several.
    notice: (message, title) => core.notice(escapeLine(message), title ? { title: escapeLine(title) } : {}),
    warning: (message, title) => core.warning(escapeLine(message), title ? { title: escapeLine(title) } : {}),
    debug: core.isDebug() ? (message) => core.debug(message) : undefined,
    fail(message, title) {
      core.error(escapeLine(message), { title: escapeLine(title) });
      process.exitCode = 1;
    },
    output(name, value) {
      try {
        core.setOutput(name, value);
      } catch (error) {
        throw new RunnerFileError(
          `Could not write the output ${name} to the file GITHUB_OUTPUT names: ${reason(error)}`,
        );
      }
    },
    group: (title, fn) => core.group(escapeLine(title), fn),
    async appendSummary(html) {
      const file = env.GITHUB_STEP_SUMMARY;
      if (!file) return;
      try {
        await appendFile(file, html);
      } catch (error) {
        throw new RunnerFileError(
          `Could not write the job summary to the file GITHUB_STEP_SUMMARY names: ${reason(error)}`,
        );
      }
    },
    workflow: { repository: env.GITHUB_REPOSITORY, sha: env.GITHUB_SHA, workspace: env.GITHUB_WORKSPACE },
    env,
  };
}

/** A file the runner gave (outputs, summary) that cannot be written: said in one line, without a stack. */
class RunnerFileError extends ActionError {
  override readonly name = 'RunnerFileError';

  constructor(message: string) {
    super('unexpected', message);
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A line of the log cannot hold a line break or other control character: text
 * from the API (a name, a link) could otherwise start a line with `::` and
 * issue a workflow command.
 */
export function escapeLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
