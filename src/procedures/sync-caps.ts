/**
 * The caps (rules 29 and 34): counted on the plan before the first change; a
 * run over either sends nothing. At the largest cap, the starts past it wait
 * for the next run, so that "run again until done" is advice the action keeps.
 */
import { ActionError } from '../errors.ts';
import { STARTS, type Step, tally } from './sync-plan.ts';
import { breakdown, startsOf, stopsOf } from './sync-report.ts';
import { plural } from './words.ts';

/** The largest cap the inputs accept: advice never names more. */
const MAX_CAP = 10_000;

/**
 * At the largest cap, the starts past it wait for the next run: advice to run
 * again until done must be something the action does (issue: guard advice).
 */
export function deferOverMax(steps: Step[], maxNew: number, plan = false): Step[] {
  if (maxNew !== MAX_CAP) return steps;
  let budget = MAX_CAP;
  // A plan counts what is not uploaded yet as a start (capsError): it is put off alike.
  const counted = (step: Step) => STARTS.includes(step.planned) || (plan && step.planned === 'not-uploaded');
  return steps.map((step) => {
    if (!counted(step) || budget-- > 0) return step;
    return { ...step, planned: 'skip', reason: `over max-new-projects (${MAX_CAP}): a later run starts it` };
  });
}

/** Rules 29 and 34: a run over either cap sends nothing. Counted on the plan, before the first change. */
export function capsError(
  steps: readonly Step[],
  s: { dryRun: boolean; maxNew: number; maxStops?: number | undefined },
): CapsError | undefined {
  const t = tally(steps);
  // In a plan, a dataset not uploaded yet counts too: the upload that follows makes it a create.
  const notUploaded = s.dryRun ? t['not-uploaded'] : 0;
  const starts = startsOf(t, notUploaded);
  const stops = stopsOf(t);
  if (starts <= s.maxNew && stops <= (s.maxStops ?? 0)) return undefined;
  const startParts = breakdown(
    { ...t, 'not-uploaded': notUploaded },
    {
      createApprove: 'to create and approve',
      create: 'to create',
      'not-uploaded': 'to create once uploaded',
      approve: 'existing to approve',
      resume: 'to resume',
    },
  );
  const stopParts = breakdown(t, { pause: 'to pause', cancel: 'to cancel', archive: 'to archive' });
  const code = starts > s.maxNew ? 'too-many-projects' : 'too-many-stops';
  const over = code === 'too-many-projects' ? 'max-new-projects' : 'max-stops';
  const needed = code === 'too-many-projects' ? starts : stops;
  const advice =
    needed > MAX_CAP
      ? `If the plan is right, set ${over}: ${MAX_CAP}, the most it takes, and run again until done: ${code === 'too-many-projects' ? `each run starts at most ${MAX_CAP} and leaves the rest to the next` : 'or stop fewer projects in one run'}.`
      : `If the plan is right, run once with ${over}: ${needed} (or more), then set it back.`;
  // dataset-dirs plans no stop: its message need not speak of them.
  const stopsSaid =
    s.maxStops === undefined ? '' : ` and ${plural(stops, 'stop')}${stopParts} (max-stops: ${s.maxStops})`;
  return new CapsError(
    code,
    `This run would make ${plural(starts, 'billable start')}${startParts} (max-new-projects: ${s.maxNew})${stopsSaid}, more than ${over} allows: nothing was created or changed. ${advice}`,
  );
}

class CapsError extends ActionError {
  override readonly name = 'CapsError';
}
