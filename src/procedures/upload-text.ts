/**
 * How a plan, a log and a summary say an upload: counts and bytes. Apart from the
 * upload itself, which only a run that uploads loads.
 */
import type { DirScan } from '../upload/scan.ts';
import type { Line } from './result.ts';
import type { Step } from './sync-plan.ts';
import { formatBytes, plural } from './words.ts';

/** `1,204 files, 2.1 GB; 3 skipped; 2 Git LFS files`: what a plan says of a directory to upload. */
export function scanText(scan: DirScan): string {
  const skipped = scan.skipped > 0 ? `; ${scan.skipped} skipped: hidden or symbolic links` : '';
  const lfs = scan.pointers > 0 ? `; ${plural(scan.pointers, 'Git LFS file')}, fetched first` : '';
  return `${plural(scan.files.length, 'file')}, ${formatBytes(scan.bytes)}${skipped}${lfs}`;
}

/** The first sentence's `Would upload 3 datasets (1,204 files, 2.1 GB), ` part; '' when none. */
export function uploadsPhrase(steps: readonly Step[], verb = 'Would upload'): string {
  const uploads = steps.filter((step) => step.planned === 'upload' && step.scan);
  if (uploads.length === 0) return '';
  const files = uploads.reduce((n, step) => n + (step.scan?.files.length ?? 0), 0);
  const bytes = uploads.reduce((n, step) => n + (step.scan?.bytes ?? 0), 0);
  return `${verb} ${uploads.length === 1 ? '1 dataset' : `${uploads.length} datasets`} (${plural(files, 'file')}, ${formatBytes(bytes)})`;
}

/** A plan line for a directory to upload. */
export function uploadLine(step: Step, template: Line): Line {
  const verb = step.approve ? 'create and approve' : 'create';
  return [
    'Upload ',
    { code: step.item.input },
    ` (${scanText(step.scan as DirScan)}), then ${verb} `,
    { code: step.item.name },
    ' from template ',
    ...template,
  ];
}
