/** A clone of the checkout's datasets, from dataset-dirs or a config file: one plan over them all. */
import type { AvalaClient } from '../api/client.ts';
import { onlyDirectories } from '../inputs/dataset-dirs.ts';
import type { Reporter } from '../procedures/reporter.ts';
import type { ProcedureResult } from '../procedures/result.ts';
import { sync } from '../procedures/sync.ts';
import type { ConfigJob } from './clone-config.ts';
import type { CloneSettings } from './clone-settings.ts';

export type DirsSettings = Extract<CloneSettings, { config?: undefined }> & {
  dirs: NonNullable<Extract<CloneSettings, { config?: undefined }>['dirs']>;
};

export async function cloneDirs(
  globs: string,
  s: DirsSettings,
  api: AvalaClient,
  report: Reporter,
): Promise<ProcedureResult> {
  if (s.dirs.items.length === 0) return nothingMatches(`dataset-dirs (${globs})`, report);
  const { workspace, dataType, upload } = s.dirs;
  const kind = { template: s.template, approve: s.approve, ...(dataType ? { dataType } : {}) };
  return sync(
    {
      ...s,
      owner: s.owner ?? '',
      items: s.dirs.items.map((item) => ({ ...item, kind })),
      checkShallow: (dirs) => warnShallow(workspace, dirs, report),
      upload,
    },
    api,
    report,
  );
}

export async function cloneConfig(
  s: CloneSettings & { config: ConfigJob },
  api: AvalaClient,
  report: Reporter,
): Promise<ProcedureResult> {
  const { config } = s;
  // The entries and the orphans still matter when no directory is left: removing every one is how a team ends.
  if (!config.items.some((item) => item.kind)) {
    report.warning(
      `No directory of the checkout matches the kinds' dirs of ${config.file}.`,
      'Avala: no dataset directory',
    );
  }
  if (config.orphansUnlooked) report.info(config.orphansUnlooked);
  const checkShallow = (dirs: string[]) => warnShallow(config.workspace, dirs, report);
  const run = { dryRun: s.dryRun, retries: s.retries, orphansOutput: true, checkShallow };
  return sync({ ...config, ...run }, api, report);
}

function nothingMatches(what: string, report: Reporter): ProcedureResult {
  report.warning(`No directory of the checkout matches ${what}: nothing to do.`, 'Avala: no dataset directory');
  return {
    summary: `No directory matches ${what}.`,
    items: [],
    projects: [],
    created: false,
    changed: false,
    missingDatasets: [],
  };
}

/** A matched directory that holds only directories is most likely a glob one level too shallow. */
async function warnShallow(workspace: string, dirs: string[], report: Reporter): Promise<void> {
  for (const dir of await onlyDirectories(workspace, dirs)) {
    report.warning(
      `${dir} holds only directories, no file: did you mean ${dir}/*? Each matched directory is one dataset.`,
      'Avala: a dataset directory of directories',
    );
  }
}
