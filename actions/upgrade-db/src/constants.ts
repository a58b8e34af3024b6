// Input, output and state names of upgrade-db, in one place.
export const INPUTS = {
  mode: 'mode',
  previewLink: 'preview-link',
  platform: 'platform',
  toRelease: 'to-release',
  image: 'image',
  phpVersion: 'php-version',
  images: 'images',
  allowUnstable: 'allow-unstable',
  checkPending: 'check-pending',
  maintenance: 'maintenance',
  purgeCaches: 'purge-caches',
  config: 'config',
  dbAccess: 'db-access',
  tablePrefix: 'table-prefix',
  waitMinutes: 'wait-minutes',
  pollSeconds: 'poll-seconds',
  roleToAssume: 'role-to-assume',
  roleDurationSeconds: 'role-duration-seconds',
  audience: 'audience',
  dryRun: 'dry-run',
} as const;

export const OUTPUTS = {
  fromVersion: 'from-version',
  toVersion: 'to-version',
  exitCode: 'exit-code',
  taskArn: 'task-arn',
  durationSeconds: 'duration-seconds',
  hops: 'hops',
  applied: 'applied',
} as const;

/** GITHUB_STATE: what the post step needs to stop a task the cancelled main step left running. */
export const STATE = {
  isPost: 'isPost',
  taskArn: 'task-arn',
  cluster: 'cluster',
  region: 'region',
  purpose: 'purpose',
  roleToAssume: 'role-to-assume',
  audience: 'audience',
  /** The site whose cron this run paused, and as whom: the post step resumes it if main could not. */
  cronPausedSite: 'cron-paused-site',
  cronPausedBy: 'cron-paused-by',
} as const;
