// The floor for a long list: follow next with fetch and write the array to one file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const headers = { 'X-Avala-Api-Key': process.env['INPUT_API-KEY'] };
const limit = Number(process.env.INPUT_LIMIT);
const projects = [];
let next = `${process.env['INPUT_BASE-URL']}/projects/${encodeURIComponent(process.env.INPUT_OWNER)}/`;
while (next && projects.length < limit) {
  const page = await (await fetch(next, { headers })).json();
  projects.push(...page.results);
  next = page.next;
}
writeFileSync(join(process.env.RUNNER_TEMP, 'projects.json'), JSON.stringify(projects.slice(0, limit)));
