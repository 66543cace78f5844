// The floor for a long list: follow next with fetch and write the array to one file.
// Like any client that keeps to Avala's documented burst limit, it sends at most
// 20 requests in any one second (BARE_PACE=0 lifts that, to see the raw loop).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const headers = { 'X-Avala-Api-Key': process.env['INPUT_API-KEY'] };
const limit = Number(process.env.INPUT_LIMIT);
const pace = process.env.BARE_PACE !== '0';
const sent = [];
const projects = [];
let next = `${process.env['INPUT_BASE-URL']}/projects/${encodeURIComponent(process.env.INPUT_OWNER)}/`;
while (next && projects.length < limit) {
  if (pace && sent.length >= 20) await sleep(sent[sent.length - 20] + 1000 - performance.now());
  sent.push(performance.now());
  const page = await (await fetch(next, { headers })).json();
  projects.push(...page.results);
  next = page.next;
}
writeFileSync(join(process.env.RUNNER_TEMP, 'projects.json'), JSON.stringify(projects.slice(0, limit)));
