// The floor for clone with owner and approve: look the name up, clone, approve.
import { appendFileSync } from 'node:fs';

const base = process.env['INPUT_BASE-URL'];
const headers = { 'X-Avala-Api-Key': process.env['INPUT_API-KEY'], 'Content-Type': 'application/json' };
const name = process.env.INPUT_NAME;
const owner = process.env.INPUT_OWNER;
const page = await (
  await fetch(`${base}/projects/${encodeURIComponent(owner)}/?name=${encodeURIComponent(name)}`, { headers })
).json();
let project = page.results.find((p) => p.name === name);
if (!project) {
  const body = JSON.stringify({
    source_project_uid: process.env.INPUT_TEMPLATE,
    name,
    copy_collaborators: true,
    image_dataset_uid: process.env.INPUT_DATASET,
  });
  project = await (await fetch(`${base}/projects/create-from-existing/`, { method: 'POST', headers, body })).json();
}
project = await (await fetch(`${base}/projects/${project.uid}/approve/`, { method: 'POST', headers })).json();
appendFileSync(process.env.GITHUB_OUTPUT, `uid=${project.uid}\nstatus=${project.status}\n`);
