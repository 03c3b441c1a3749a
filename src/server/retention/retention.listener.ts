import type { JobQueue } from '../jobs/jobs.types.ts';
import { type RetentionDeps, runRetentionSweep } from './retention.service.ts';

export const RETENTION_JOB = 'data-retention';
const DAY_SECONDS = 86_400;

/** Runs data retention for every organization with a period set once a day, on one node of the cluster. */
export async function startRetentionJob(
  deps: RetentionDeps & { jobs: JobQueue },
  options: { everySeconds?: number } = {},
): Promise<void> {
  await deps.jobs.every(RETENTION_JOB, options.everySeconds ?? DAY_SECONDS, () => runRetentionSweep(deps));
}
