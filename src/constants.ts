/** The action's input names, as action.yml declares them. */
export const Inputs = {
  Action: 'action',
  ApiKey: 'api-key',
  BaseUrl: 'base-url',
  Template: 'template',
  Dataset: 'dataset',
  LidarDataset: 'lidar-dataset',
  Slice: 'slice',
  Name: 'name',
  CopyCollaborators: 'copy-collaborators',
  Approve: 'approve',
  Project: 'project',
  Owner: 'owner',
  IfExists: 'if-exists',
  Ordering: 'ordering',
  Limit: 'limit',
  Timeout: 'timeout',
  Retries: 'retries',
  DryRun: 'dry-run',
} as const;

/** The action's output names, as action.yml declares them. */
export const Outputs = {
  Uid: 'uid',
  Name: 'name',
  Status: 'status',
  TaskType: 'task-type',
  Owner: 'owner',
  Visibility: 'visibility',
  Project: 'project',
  Created: 'created',
  Changed: 'changed',
  Projects: 'projects',
  ProjectsFile: 'projects-file',
  Count: 'count',
  ErrorCode: 'error-code',
} as const;

export const API_KEY_ENV = 'AVALA_API_KEY';
export const DEFAULT_BASE_URL = 'https://api.avala.ai/api/v1';
