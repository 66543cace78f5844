import { defaultCloneName } from './actions/clone.ts';
import { type Job, prepareJob } from './actions/registry.ts';
import { AvalaClient } from './api/client.ts';
import { AvalaError, redact } from './api/errors.ts';
import { HttpClient, type RequestRecord } from './api/http.ts';
import { createFetch } from './api/transport.ts';
import { InputError } from './inputs/errors.ts';
import { API_KEY_ENV } from './inputs/inputs.ts';
import { checkProxyVariables } from './inputs/validate.ts';
import { type OperationResult, PartialFailure } from './operations/result.ts';
import { githubRunner } from './runner/github.ts';
import { writeOutputs } from './runner/outputs.ts';
import type { Runner } from './runner/runner.ts';
import { renderSummary, type SummaryInput } from './runner/summary.ts';
import { USER_AGENT } from './version.ts';

/** The process the action runs in, for the signals by which the runner cancels a step. */
export type Signals = Pick<NodeJS.Process, 'once' | 'off' | 'exit'>;

/** The action: inputs → job → outputs and summary. Never throws; a failure fails the step. */
export async function run(runner: Runner = githubRunner(), options: { signals?: Signals } = {}): Promise<void> {
  const requests: RequestRecord[] = [];
  const apiKey = readApiKey(runner);
  let job: Job | undefined;
  let http: HttpClient | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    cancel(runner, signal, http?.inFlight);
    options.signals?.exit(1);
  };
  options.signals?.once('SIGTERM', onSignal).once('SIGINT', onSignal);
  try {
    job = await readJob(runner, apiKey);
    checkProxyVariables(runner.env);
    const { settings } = job;
    http = new HttpClient({
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
    await summarize(runner, {
      title: job.title,
      text: result.summary,
      failed: false,
      projects: listed(result),
      requests,
    });
  } catch (error) {
    await fail(runner, error, job, apiKey, requests);
  } finally {
    options.signals?.off('SIGTERM', onSignal).off('SIGINT', onSignal);
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

/** The job summary is a report: failing to write it never fails a step that did its work. */
async function summarize(runner: Runner, input: SummaryInput): Promise<void> {
  try {
    await runner.appendSummary(renderSummary(input));
  } catch (error) {
    runner.warning(error instanceof Error ? error.message : String(error), 'Avala job summary not written');
  }
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
  const { message, code, docUrl } = describeFailure(error);
  // The runner masks the key; redacting here as well keeps it out of the summary file and any other reader.
  const text = redact(message, key);
  const title =
    error instanceof InputError
      ? 'Avala action: invalid input'
      : `Avala ${job ? `${job.settings.action} ` : 'action '}failed`;
  if (!(error instanceof InputError) && error instanceof Error && error.stack) runner.debug?.(redact(error.stack, key));
  runner.fail(text, title);
  // The outputs file may be what failed: the error line above has been written either way.
  try {
    if (partial) await writeOutputs(runner, partial);
    runner.output('error-code', code);
  } catch (outputError) {
    if (outputError !== error) runner.warning(outputError instanceof Error ? outputError.message : String(outputError));
  }
  const projects = partial ? listed(partial) : [];
  await summarize(runner, { title, text, failed: true, projects, requests, code, docUrl });
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

/** The runner is canceling the step: say what was on the wire, since a change may have taken effect. */
function cancel(runner: Runner, signal: string, inFlight: { method: string; path: string } | undefined): void {
  const during = !inFlight
    ? ''
    : inFlight.method === 'GET'
      ? ` while ${inFlight.method} ${inFlight.path} was in flight (a read: it changed nothing)`
      : ` while ${inFlight.method} ${inFlight.path} was in flight: it may have taken effect at Avala, so check before running again (with owner, a re-run finds what it did)`;
  runner.fail(`Canceled by ${signal}${during}.`, 'Avala action canceled');
  try {
    runner.output('error-code', 'canceled');
  } catch {
    // Being canceled, there is nothing more to say about an outputs file that cannot be written.
  }
}
