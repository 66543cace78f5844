import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Project } from '../api/types.ts';
import type { OperationResult } from '../operations/result.ts';
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
  'error-code',
] as const;

export type OutputName = (typeof OUTPUTS)[number];

/** GitHub's limit on one output, which it measures in UTF-16. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

function setProjectOutputs(runner: Runner, project: Project): void {
  const set = (name: OutputName, value: unknown) => runner.output(name, typeof value === 'string' ? value : '');
  set('uid', project.uid);
  set('name', project.name);
  set('status', project.status);
  set('task-type', project.task_type);
  set('owner', project.owner_name);
  set('visibility', project.visibility);
  runner.output('project', JSON.stringify(project));
}

export async function writeOutputs(runner: Runner, result: OperationResult): Promise<void> {
  if (result.project) setProjectOutputs(runner, result.project);
  if (result.created !== undefined) runner.output('created', String(result.created));
  if (result.changed !== undefined) runner.output('changed', String(result.changed));
  if (result.projects) {
    const json = JSON.stringify(result.projects);
    // A file too, since a long list is more than later steps can take as an expression.
    const file = join(runner.env.RUNNER_TEMP || tmpdir(), `avala-projects-${randomUUID()}.json`);
    await writeFile(file, json);
    if (json.length * 2 <= MAX_OUTPUT_BYTES) {
      runner.output('projects', json);
    } else {
      runner.warning(
        `The list of ${result.projects.length} projects is larger than the 1 MB GitHub allows an output, so the projects output is not set: read projects-file instead.`,
        'Avala projects output too large',
      );
    }
    runner.output('projects-file', file);
    runner.output('count', String(result.projects.length));
  }
}
