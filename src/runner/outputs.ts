import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFailure } from '../errors.ts';
import type { ItemResult, ProcedureResult } from '../procedures/result.ts';
import type { Runner } from './runner.ts';

/** The action's output names, as action.yml declares them. */
export const OUTPUTS = [
  'uid',
  'name',
  'status',
  'task-type',
  'owner',
  'visibility',
  'project',
  'created',
  'changed',
  'projects',
  'projects-file',
  'count',
  'uids',
  'results',
  'failed',
  'created-uids',
  'missing-datasets',
  'orphans',
  'uploaded-datasets',
  'error-code',
] as const;

export type OutputName = (typeof OUTPUTS)[number];

/** Takes every secret (the key, the GitHub token) out of a text. */
export type Hide = (text: string) => string;

/** GitHub's limit on one output, which it measures in UTF-16. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * Sets the outputs of a result: the project's fields when it ended on one, the
 * projects as JSON and in a file, their uids, what changed, and one entry per item.
 */
export async function writeOutputs(runner: Runner, result: ProcedureResult, hide: Hide = (t) => t): Promise<void> {
  const projects = result.projects ?? (result.project ? [result.project] : undefined);
  const json = projects && JSON.stringify(projects);
  let file: string | undefined;
  if (json !== undefined) {
    // A file too, since a long list is more than later steps can take as an expression.
    file = join(runner.env.RUNNER_TEMP || tmpdir(), `avala-projects-${randomUUID()}.json`);
    await writeFile(file, json);
  }
  const set = (name: OutputName, value: unknown) => {
    const text = typeof value === 'string' ? value : '';
    if (text.length * 2 <= MAX_OUTPUT_BYTES) return runner.output(name, text);
    runner.warning(
      `The ${name} output would be larger than the 1 MB GitHub allows an output, so it is not set: read projects-file instead.`,
      'Avala output too large',
    );
  };
  const { project } = result;
  if (project) {
    set('uid', project.uid);
    set('name', project.name);
    set('status', project.status);
    set('task-type', project.task_type);
    set('owner', project.owner_name);
    set('visibility', project.visibility);
    set('project', JSON.stringify(project));
  }
  if (result.created !== undefined) {
    runner.output('created', String(result.created));
    const made = (result.items ?? []).flatMap((item) => (item.created && item.project ? [item.project.uid] : []));
    runner.output('created-uids', made.join('\n'));
  }
  if (result.missingDatasets) set('missing-datasets', result.missingDatasets.join('\n'));
  if (result.orphans) set('orphans', result.orphans.map((p) => p.uid).join('\n'));
  if (result.uploadedDatasets) set('uploaded-datasets', result.uploadedDatasets.join('\n'));
  if (result.changed !== undefined) runner.output('changed', String(result.changed));
  if (projects && json !== undefined && file) {
    if (json.length * 2 <= MAX_OUTPUT_BYTES) {
      runner.output('projects', json);
    } else {
      runner.warning(
        `The list of ${projects.length} projects is larger than the 1 MB GitHub allows an output, so the projects output is not set: read projects-file instead.`,
        'Avala projects output too large',
      );
    }
    runner.output('projects-file', file);
    runner.output('count', String(projects.length));
    set('uids', projects.map((p) => p.uid).join('\n'));
  }
  if (result.items) {
    set('results', JSON.stringify(result.items.map((item) => resultEntry(item, hide))));
    runner.output('failed', String(result.items.filter((item) => item.error !== undefined).length));
  }
}

/** One entry of the results output, in the contract's shape. */
function resultEntry(item: ItemResult, hide: Hide) {
  const failure = item.error === undefined ? undefined : describeFailure(item.error);
  return {
    input: item.input,
    dataset_uid: item.datasetUid,
    project: item.project ?? null,
    created: item.created ?? false,
    changed: item.changed ?? false,
    error_code: failure?.code ?? null,
    error: failure ? hide(failure.message) : null,
    planned: item.planned ?? null,
  };
}
