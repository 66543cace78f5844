import { defaultCloneName } from './actions/clone.ts';
import { type Job, prepareJob } from './actions/registry.ts';
import { AvalaClient } from './api/client.ts';
import { AvalaError, redact } from './api/errors.ts';
import { HttpClient, type RequestRecord } from './api/http.ts';
import { createFetch } from './api/transport.ts';
import { InputError } from './inputs/errors.ts';
import { API_KEY_ENV } from './inputs/inputs.ts';
import { type OperationResult, PartialFailure } from './operations/result.ts';
import { githubRunner } from './runner/github.ts';
import { writeOutputs } from './runner/outputs.ts';
import type { Runner } from './runner/runner.ts';
import { renderSummary } from './runner/summary.ts';
import { USER_AGENT } from './version.ts';

/** The action: inputs → job → outputs and summary. Never throws; a failure fails the step. */
export async function run(runner: Runner = githubRunner()): Promise<void> {
  const requests: RequestRecord[] = [];
  const apiKey = readApiKey(runner);
  let job: Job | undefined;
  try {
    job = await readJob(runner, apiKey);
    const { settings } = job;
    const http = new HttpClient({
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      userAgent: USER_AGENT,
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      readOnly: settings.dryRun,
      fetch: await createFetch(runner.env),
      log: { info: runner.info, debug: runner.debug ?? (() => undefined), warning: runner.warning },
      onRequest: (record) => requests.push(record),
    });
    const api = new AvalaClient(http);
    const current = job;
    const result = await runner.group(job.title, () => current.run(api, runner));
    runner.info(result.summary);
    await writeOutputs(runner, result);
    await runner.appendSummary(
      renderSummary({ title: job.title, text: result.summary, failed: false, projects: listed(result), requests }),
    );
  } catch (error) {
    await fail(runner, error, job, apiKey, requests);
  }
}

/** The key from `api-key` or the environment, masked before anything else can print it. */
export function readApiKey(runner: Runner): string {
  const apiKey = runner.input('api-key') || (runner.env[API_KEY_ENV] ?? '').trim();
  if (apiKey) runner.secret(apiKey);
  return apiKey;
}

/** The inputs as a job to run, or an InputError naming the first bad one. */
export function readJob(runner: Runner, apiKey: string): Promise<Job> {
  return prepareJob((name) => runner.input(name), {
    apiKey,
    warn: (message) => runner.warning(message),
    defaultName: async () => defaultCloneName(runner.workflow),
  });
}

function listed(result: OperationResult) {
  return result.projects ?? (result.project ? [result.project] : []);
}

async function fail(
  runner: Runner,
  thrown: unknown,
  job: Job | undefined,
  key: string,
  requests: RequestRecord[],
): Promise<void> {
  // Part of the work may have been done: later steps still get what it made.
  const partial = thrown instanceof PartialFailure ? thrown.result : undefined;
  const error = thrown instanceof PartialFailure ? thrown.cause : thrown;
  if (partial) await writeOutputs(runner, partial);
  const { message, code, docUrl } = describeFailure(error);
  if (!(error instanceof InputError) && error instanceof Error && error.stack) runner.debug?.(redact(error.stack, key));
  runner.output('error-code', code);
  const title =
    error instanceof InputError
      ? 'Avala action: invalid input'
      : `Avala ${job ? `${job.settings.action} ` : 'action '}failed`;
  // The runner masks the key; redacting here as well keeps it out of the summary file and any other reader.
  const text = redact(message, key);
  runner.fail(text, title);
  try {
    const projects = partial ? listed(partial) : [];
    await runner.appendSummary(renderSummary({ title, text, failed: true, projects, requests, code, docUrl }));
  } catch (summaryError) {
    runner.warning(`Could not write the job summary: ${String(summaryError)}`);
  }
}

/** The message and `error-code` of a failure: errors of the action's own kinds carry their code. */
function describeFailure(error: unknown): { message: string; code: string; docUrl?: string | undefined } {
  if (error instanceof AvalaError) return { message: error.message, code: error.errorCode, docUrl: error.docUrl };
  if (error instanceof Error && 'errorCode' in error && typeof error.errorCode === 'string') {
    return { message: error.message, code: error.errorCode };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: `Unexpected error: ${message}`, code: 'unexpected' };
}
