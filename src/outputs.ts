import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { Project } from './api/types.ts';
import { Outputs } from './constants.ts';
import type { OperationResult } from './operations/result.ts';

/** GitHub's limit on one output, which it measures in UTF-16. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

export function setProjectOutputs(project: Project): void {
  core.setOutput(Outputs.Uid, project.uid);
  core.setOutput(Outputs.Name, project.name);
  core.setOutput(Outputs.Status, project.status);
  core.setOutput(Outputs.TaskType, project.task_type ?? '');
  core.setOutput(Outputs.Owner, project.owner_name ?? '');
  core.setOutput(Outputs.Visibility, project.visibility ?? '');
  core.setOutput(Outputs.Project, JSON.stringify(project));
}

export async function writeOutputs(result: OperationResult): Promise<void> {
  if (result.project) setProjectOutputs(result.project);
  if (result.created !== undefined) core.setOutput(Outputs.Created, String(result.created));
  if (result.changed !== undefined) core.setOutput(Outputs.Changed, String(result.changed));
  if (result.projects) {
    const json = JSON.stringify(result.projects);
    // A file too, since a long list is more than later steps can take as an expression.
    const file = join(process.env.RUNNER_TEMP || tmpdir(), `avala-projects-${randomUUID()}.json`);
    await writeFile(file, json);
    if (json.length * 2 <= MAX_OUTPUT_BYTES) {
      core.setOutput(Outputs.Projects, json);
    } else {
      core.warning(
        `The list of ${result.projects.length} projects is larger than the 1 MB GitHub allows an output, so the projects output is not set: read ${Outputs.ProjectsFile} instead.`,
        { title: 'Avala projects output too large' },
      );
    }
    core.setOutput(Outputs.ProjectsFile, file);
    core.setOutput(Outputs.Count, String(result.projects.length));
  }
}
