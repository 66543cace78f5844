import * as core from '@actions/core';
import { AvalaClient } from './api/client.ts';
import { AvalaError, redact } from './api/errors.ts';
import { HttpClient, type RequestRecord } from './api/http.ts';
import { createFetch } from './api/transport.ts';
import { API_KEY_ENV, Inputs, Outputs } from './constants.ts';
import { AlreadyExistsError, clone } from './operations/clone.ts';
import { list } from './operations/list.ts';
import type { OperationResult } from './operations/result.ts';
import { changeStatus } from './operations/transition.ts';
import { writeOutputs } from './outputs.ts';
import { InputError, readSettings, type Settings } from './settings.ts';
import { writeSummary } from './summary.ts';
import { USER_AGENT } from './version.ts';

/** The action: settings → operation → outputs and summary. Never throws; a failure fails the step. */
export async function run(): Promise<void> {
  const requests: RequestRecord[] = [];
  let settings: Settings | undefined;
  try {
    settings = await readSettings();
    const http = new HttpClient({
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      userAgent: USER_AGENT,
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      readOnly: settings.dryRun,
      fetch: await createFetch(),
      // Debug lines (request and answer bodies) are built and written only when the runner shows them.
      log: { info: core.info, debug: core.isDebug() ? core.debug : () => undefined, warning: core.warning },
      onRequest: (record) => requests.push(record),
    });
    const api = new AvalaClient(http);
    const current = settings;
    const result = await core.group(title(current), () => perform(current, api));
    core.info(result.summary);
    await writeOutputs(result);
    await writeSummary({
      title: title(current),
      text: result.summary,
      failed: false,
      projects: result.projects ?? (result.project ? [result.project] : []),
      requests,
    });
  } catch (error) {
    await fail(error, settings, requests);
  }
}

function perform(s: Settings, api: AvalaClient): Promise<OperationResult> {
  switch (s.action) {
    case 'clone':
      return clone(s, api);
    case 'list':
      return list(s, api);
    default:
      return changeStatus(s, api);
  }
}

function title(s: Settings): string {
  const dry = s.dryRun ? ' (dry run)' : '';
  switch (s.action) {
    case 'clone':
      return `Avala: clone template ${s.template} as "${s.name}"${s.approve ? ' and approve it' : ''}${dry}`;
    case 'list':
      return `Avala: list the projects of ${s.owner}${dry}`;
    default:
      return `Avala: ${s.action} project ${s.project}${dry}`;
  }
}

async function fail(error: unknown, settings: Settings | undefined, requests: RequestRecord[]): Promise<void> {
  const { message, code, docUrl } = describeFailure(error);
  // The runner masks the key; redacting here as well keeps it out of the summary file and any other reader.
  const key = settings?.apiKey ?? (core.getInput(Inputs.ApiKey) || process.env[API_KEY_ENV] || '');
  if (!(error instanceof InputError) && error instanceof Error && error.stack) core.debug(redact(error.stack, key));
  core.setOutput(Outputs.ErrorCode, code);
  const title =
    error instanceof InputError
      ? 'Avala action: invalid input'
      : `Avala ${settings ? `${settings.action} ` : 'action '}failed`;
  core.error(redact(message, key), { title });
  process.exitCode = 1;
  try {
    await writeSummary({ title, text: redact(message, key), failed: true, projects: [], requests, code, docUrl });
  } catch (summaryError) {
    core.warning(`Could not write the job summary: ${String(summaryError)}`);
  }
}

function describeFailure(error: unknown): { message: string; code: string; docUrl?: string | undefined } {
  if (error instanceof InputError) return { message: error.message, code: 'invalid-input' };
  if (error instanceof AlreadyExistsError) return { message: error.message, code: 'already-exists' };
  if (error instanceof AvalaError) return { message: error.message, code: error.errorCode, docUrl: error.docUrl };
  const message = error instanceof Error ? error.message : String(error);
  return { message: `Unexpected error: ${message}`, code: 'unexpected' };
}
