/** How a run that did not succeed is reported: one error line per failure, error-code, and what the job summary says. */
import type { Job } from './actions/registry.ts';
import type { RequestRecord } from './api/http.ts';
import { describeFailure } from './errors.ts';
import { InputError } from './inputs/errors.ts';
import { NotTriedError } from './procedures/batch.ts';
import { type ItemResult, PartialFailure, type ProcedureResult } from './procedures/result.ts';
import { type Hide, writeOutputs } from './runner/outputs.ts';
import type { Runner } from './runner/runner.ts';
import type { SummaryInput } from './runner/summary.ts';

/** A run that threw: bad input, a file the runner gave that cannot be written, or a bug. */
export async function failRun(
  runner: Runner,
  thrown: unknown,
  job: Job | undefined,
  hide: Hide,
  requests: RequestRecord[],
): Promise<SummaryInput> {
  // Part of the work may have been done: later steps still get what it made.
  const partial = thrown instanceof PartialFailure ? thrown.result : undefined;
  const error = thrown instanceof PartialFailure ? thrown.cause : thrown;
  const { message, code, docUrl } = describeFailure(error);
  // The runner masks the secrets; hiding them here as well keeps them out of the summary file and any other reader.
  const text = hide(message);
  const title =
    error instanceof InputError
      ? 'Avala action: invalid input'
      : `Avala ${job ? `${job.settings.action} ` : 'action '}failed`;
  if (!(error instanceof InputError) && error instanceof Error && error.stack) runner.debug?.(hide(error.stack));
  runner.fail(text, title);
  // The outputs file may be what failed: the error line above has been written either way.
  try {
    if (partial) await writeOutputs(runner, partial, hide);
    runner.output('error-code', code);
  } catch (outputError) {
    if (outputError !== error) runner.warning(outputError instanceof Error ? outputError.message : String(outputError));
  }
  const projects = partial?.projects ?? (partial?.project ? [partial.project] : []);
  const items = partial?.items?.length ? partial.items : undefined;
  // A plan that went over max-new-projects is told in full, then why the run stops.
  const said = partial && partial.summary !== message ? `${hide(partial.summary)} ${text}` : text;
  // A plan told in full keeps its own heading: the reader sees what was planned, then why the step failed.
  const heading = items && job ? job.title : title;
  return {
    title: heading,
    text: said,
    lines: partial?.lines,
    failed: true,
    projects,
    items,
    hide,
    requests,
    code,
    docUrl,
  };
}

/** A run some of whose items failed: each failure said once, the first one's code as error-code. */
export function failItems(
  runner: Runner,
  job: Job,
  result: ProcedureResult,
  hide: Hide,
  requests: RequestRecord[],
): SummaryInput {
  const items = result.items ?? [];
  const failed = items.filter((item) => item.error !== undefined);
  const several = items.length > 1;
  const title = (item: ItemResult) => `Avala ${job.settings.action} failed${several ? `: ${item.input}` : ''}`;
  for (const item of failed.filter((i) => !(i.error instanceof NotTriedError))) {
    const error = item.error;
    if (error instanceof Error && error.stack) runner.debug?.(hide(error.stack));
    runner.fail(hide(describeFailure(error).message), title(item));
  }
  const untried = failed.filter((i) => i.error instanceof NotTriedError).map((i) => i.input);
  if (untried.length > 0) {
    runner.fail(
      `Not tried, since the failure above would fail them too: ${untried.join(', ')}.`,
      `Avala ${job.settings.action} stopped`,
    );
  }
  const first = describeFailure(failed[0]?.error);
  runner.output('error-code', first.code);
  return {
    title: several ? job.title : `Avala ${job.settings.action} failed`,
    text: hide(several ? result.summary : first.message),
    lines: result.lines,
    failed: true,
    projects: result.projects ?? [],
    items: several ? items : undefined,
    hide,
    requests,
    code: first.code,
    docUrl: first.docUrl,
  };
}

/** The runner is canceling the step: say what was on the wire, since a change may have taken effect. */
export function cancel(
  runner: Runner,
  signal: string,
  inFlight: { method: string; path: string } | undefined,
  upload?: string,
): void {
  const request = !inFlight
    ? ''
    : inFlight.method === 'GET'
      ? ` while ${inFlight.method} ${inFlight.path} was in flight (a read: it changed nothing)`
      : ` while ${inFlight.method} ${inFlight.path} was in flight: it may have taken effect at Avala, so check before running again (with owner, a re-run finds what it did)`;
  // An upload's files are staged under the dataset's name, not yet a dataset: a re-run uploads the directory again.
  const during = upload
    ? ` during ${upload}${request}. No dataset was created for it; a re-run uploads the directory again`
    : request;
  runner.fail(`Canceled by ${signal}${during}.`, 'Avala action canceled');
  try {
    runner.output('error-code', 'canceled');
  } catch {
    // Being canceled, there is nothing more to say about an outputs file that cannot be written.
  }
}
