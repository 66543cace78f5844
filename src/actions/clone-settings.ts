/** What a clone's inputs, or its config file, become: the settings every clone procedure reads. */
import type { CloneOptions } from '../procedures/clone.ts';
import type { DirItem } from '../procedures/sync.ts';
import type { UploadSettings } from '../procedures/sync-upload.ts';
import type { ConfigJob } from './clone-config.ts';
import type { CloneItem } from './clone-items.ts';
import type { DataType } from './clone-upload.ts';
import type { Common } from './common.ts';

export type CloneSettings = Common & { action: 'clone' } & (
    | (Omit<CloneOptions, 'data' | 'name'> & {
        /** One per dataset, in input order; a clone with one dataset or none is one item. */
        items: CloneItem[];
        /** With dataset-dirs: the globs as given, and the directories they matched as the items. */
        dirs?: {
          globs: string;
          items: DirItem[];
          workspace: string;
          /** data-type: what every directory's dataset is, found or uploaded. */
          dataType?: DataType;
          upload?: UploadSettings;
        };
        /** With dataset-dirs: the most billable starts one run may make. */
        maxNew: number;
        config?: undefined;
      })
    | { config: ConfigJob; items: []; dirs?: undefined }
  );
