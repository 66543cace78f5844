/** Rule 34's table, cell by cell: what each desired status takes from each status now. */
import { describe, expect, it } from 'vitest';
import { type DesiredStatus, decide } from '../../src/procedures/desired.ts';

const COLUMNS: Array<DesiredStatus | undefined> = [undefined, 'active', 'paused', 'canceled', 'archived'];
/** Each row as the contract writes it: `=` sends nothing; `create+` creates and approves. */
const TABLE: Record<string, string[]> = {
  none: ['create', 'create+', 'skip', 'skip', 'skip'],
  'pending-approval': ['=', 'approve', 'skip', 'skip', 'refuse'],
  active: ['=', '=', 'pause', 'cancel', 'refuse'],
  paused: ['=', 'resume', '=', 'cancel', 'refuse'],
  completed: ['=', '=', '=', '=', 'archive'],
  canceled: ['=', 'refuse', '=', '=', 'archive'],
  archived: ['=', 'refuse', '=', '=', '='],
};

function cell(now: string, desired: DesiredStatus | undefined, approve: boolean): string {
  const d = decide(now, desired, approve);
  if (d.step === 'create') return d.approve ? 'create+' : 'create';
  if (d.step === 'exists') return '=';
  return d.step;
}

describe('the desired-status table', () => {
  for (const [now, row] of Object.entries(TABLE)) {
    it(`from ${now}`, () => {
      expect(COLUMNS.map((desired) => cell(now, desired, false))).toEqual(row);
    });
  }

  it('approve: true makes a create approve, and approves a pending project with no entry', () => {
    expect(cell('none', undefined, true)).toBe('create+');
    expect(cell('pending-approval', undefined, true)).toBe('approve');
    expect(cell('active', undefined, true)).toBe('=');
  });

  it('says why a skip sends nothing, and the way where a refusal has one', () => {
    expect(decide('pending-approval', 'canceled', false)).toEqual({
      step: 'skip',
      reason: 'a pending-approval project cannot be canceled',
    });
    const refused = decide('active', 'archived', false);
    expect(refused.step === 'refuse' && refused.why).toBe(
      'the project is active and the file asks for archived, which Avala cannot do: cancel it first: status: canceled',
    );
    const irreversible = decide('canceled', 'active', false);
    expect(irreversible.step === 'refuse' && irreversible.why).toContain('a cancel is irreversible');
  });

  it('refuses any explicit status for a status it does not know, and leaves such a project alone without one', () => {
    expect(cell('frozen', 'paused', false)).toBe('refuse');
    expect(cell('frozen', undefined, true)).toBe('=');
  });
});
