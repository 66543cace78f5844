// The floor: a bare Node script that sends the same clone with the built-in fetch.
import { appendFileSync } from 'node:fs';

const base = process.env['INPUT_BASE-URL'];
const headers = { 'X-Avala-Api-Key': process.env['INPUT_API-KEY'], 'Content-Type': 'application/json' };
const response = await fetch(`${base}/projects/create-from-existing/`, {
  method: 'POST',
  headers,
  body: JSON.stringify({
    source_project_uid: process.env.INPUT_TEMPLATE,
    name: process.env.INPUT_NAME,
    copy_collaborators: true,
  }),
});
const project = await response.json();
appendFileSync(process.env.GITHUB_OUTPUT, `uid=${project.uid}\nstatus=${project.status}\n`);
