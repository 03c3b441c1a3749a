import type { JobQueue } from '../jobs/jobs.types.ts';
import { type RetentionDeps, runRetentionSweep } from './retention.service.ts';

export const RETENTION_JOB = 'data-retention';
const HOUR_SECONDS = 3_600;
const DAY_SECONDS = 86_400;

/**
 * Runs data retention once a day per organization, on one node of the cluster. The queue's periodic jobs are unique
 * per time slot only up to its archive interval (12 h), so a daily slot cannot be one: an hourly tick sweeps the
 * organizations whose last run is a day old (a run an admin started counts).
 */
export async function startRetentionJob(deps: RetentionDeps & { jobs: JobQueue }): Promise<void> {
  await deps.jobs.every(RETENTION_JOB, HOUR_SECONDS, () => runRetentionSweep(deps, { sinceSeconds: DAY_SECONDS - 60 }));
}
