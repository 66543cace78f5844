import { type Common, requestBounds } from './actions/common.ts';
import { type Job, prepareJob } from './actions/registry.ts';
import { AvalaClient } from './api/client.ts';
import { type FetchLike, HttpClient, type RequestRecord } from './api/http.ts';
import { redact } from './api/text.ts';
import { createFetch } from './api/transport.ts';
import type { Project } from './api/types.ts';
import { API_KEY_ENV, withDefaults } from './inputs/inputs.ts';
import { checkProxyVariables, parseBoolean } from './inputs/validate.ts';
import { cancel, failItems, failRun } from './report.ts';
import { githubRunner } from './runner/github.ts';
import { type Hide, writeOutputs } from './runner/outputs.ts';
import type { Runner } from './runner/runner.ts';
import { type SummaryInput, writeSummary } from './runner/summary.ts';
import { renderComment } from './runner/summary-comment.ts';
import { USER_AGENT } from './version.ts';

const COMMENT_NOT_WRITTEN = 'Avala pull-request comment not written';

/** The process the action runs in, for the signals by which the runner cancels a step. */
export type Signals = Pick<NodeJS.Process, 'once' | 'off' | 'exit'>;

/** The action: inputs → job → outputs, summary and pull-request comment. Never throws; a failure fails the step. */
export async function run(runner: Runner = githubRunner(), options: { signals?: Signals } = {}): Promise<void> {
  const requests: RequestRecord[] = [];
  const apiKey = readApiKey(runner);
  const githubToken = runner.input('github-token');
  if (githubToken) runner.secret(githubToken);
  const hide: Hide = (text) => redact(redact(text, apiKey), githubToken);
  let job: Job | undefined;
  let http: HttpClient | undefined;
  let api: AvalaClient | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    cancel(runner, signal, http?.inFlight, api?.uploading?.());
    options.signals?.exit(1);
  };
  options.signals?.once('SIGTERM', onSignal).once('SIGINT', onSignal);
  let summary: SummaryInput;
  try {
    job = await readJob(runner, apiKey);
    checkProxyVariables(runner.env);
    const { settings } = job;
    if (settings.modeWhy)
      runner.notice(`${settings.modeWhy}. Set mode: apply or plan to choose.`, 'Avala: a plan, not an apply');
    const fetch = await createFetch(runner.env);
    const bounds = { baseUrl: settings.baseUrl, userAgent: USER_AGENT, timeoutMs: settings.timeoutMs, fetch };
    http = new HttpClient({
      ...bounds,
      apiKey: settings.apiKey,
      retries: settings.retries,
      readOnly: settings.dryRun,
      log: { info: runner.info, debug: runner.debug },
      onRequest: (record) => requests.push(record),
    });
    // Upload targets get the same bounds and proxy, and no key.
    api = new AvalaClient(http, { ...bounds, env: runner.env });
    const result = await job.run(api, runner);
    const items = result.items ?? [];
    const failed = items.filter((item) => item.error !== undefined);
    // One item that failed is said by its error line alone; a run of several says its counts too.
    if (items.length > 1 || failed.length === 0) runner.info(result.summary);
    if (result.orphans?.length) runner.warning(orphansWarning(result.orphans), 'Avala: orphan projects');
    await writeOutputs(runner, result, hide);
    if (failed.length > 0) {
      summary = failItems(runner, job, result, hide, requests);
    } else {
      // Item by item when there are several, or when an item has no project to show (a dry run's plan).
      const several = items.length > 1 || items.some((item) => !item.project) ? items : undefined;
      const projects = result.projects ?? (result.project ? [result.project] : []);
      summary = {
        title: job.title,
        text: result.summary,
        lines: result.lines,
        failed: false,
        projects,
        items: several,
        requests,
      };
    }
  } catch (error) {
    summary = await failRun(runner, error, job, hide, requests);
  } finally {
    options.signals?.off('SIGTERM', onSignal).off('SIGINT', onSignal);
  }
  await writeSummary(runner, summary);
  // A run whose inputs were refused still replaces its earlier plan on the pull request, with why it failed.
  const settings = job?.settings ?? commentSettings(runner);
  if (settings?.prComment) await comment(runner, settings, summary, githubToken, hide);
}

/** The orphans named, the first ten of them: a count alone sends the reader to the outputs to find which. */
function orphansWarning(orphans: Project[]): string {
  const named = orphans.slice(0, 10).map((p) => `"${p.name}" (${p.uid})`);
  const more = orphans.length > 10 ? `, and ${orphans.length - 10} more in the orphans output` : '';
  const n = orphans.length;
  return `${n} orphan project${n === 1 ? '' : 's'}, made by this name pattern for datasets that no directory or projects entry names any more: ${named.join(', ')}${more}. Nothing is sent for ${n === 1 ? 'it' : 'them'}; a projects entry with a status stops one.`;
}

/** pr-comment and the bounds of its requests, read alone when the other inputs were refused. */
function commentSettings(runner: Runner): Pick<Common, 'prComment' | 'timeoutMs' | 'retries'> | undefined {
  const read = withDefaults((name) => runner.input(name));
  try {
    if (!parseBoolean('pr-comment', read('pr-comment'))) return undefined;
  } catch {
    return undefined;
  }
  try {
    return { prComment: true, ...requestBounds(read) };
  } catch {
    // timeout or retries is what was refused: the defaults bound the comment's requests.
    return { prComment: true, ...requestBounds(withDefaults(() => '')) };
  }
}

/** The summary as the pull request's comment too (rule 31): it never fails a run, and warns when not written. */
async function comment(
  runner: Runner,
  settings: Pick<Common, 'timeoutMs' | 'retries'>,
  summary: SummaryInput,
  token: string,
  hide: Hide,
): Promise<void> {
  let fetch: FetchLike;
  try {
    fetch = await createFetch(runner.env);
  } catch {
    return runner.warning(
      'The pull-request comment was not written: a proxy variable is not a URL.',
      COMMENT_NOT_WRITTEN,
    );
  }
  // Loaded only for a comment: a run without pr-comment need not pay for its code at start-up.
  const { writePullRequestComment } = await import('./runner/pr-comment.ts');
  await writePullRequestComment({
    env: runner.env,
    token,
    render: (maxChars) => hide(renderComment(summary, maxChars, runner.env)),
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    fetch,
    log: { info: runner.info, warning: runner.warning },
  });
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
    workflow: runner.workflow,
    env: runner.env,
  });
}
