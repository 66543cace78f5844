import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { Project } from './api/types.ts';
import { Outputs } from './constants.ts';
import type { OperationResult } from './operations/result.ts';

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
    core.setOutput(Outputs.Projects, json);
    core.setOutput(Outputs.ProjectsFile, file);
    core.setOutput(Outputs.Count, String(result.projects.length));
  }
}
