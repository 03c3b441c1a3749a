import type { JobQueue } from '../jobs/jobs.types.ts';
import { type SurgeDeps, sweepSurge } from './surge.service.ts';

export const SURGE_SWEEP_JOB = 'surge-sweep';

/** Runs the surge detector over every organization every `sweepSeconds` (default 20), on one node of the cluster. */
export async function startSurgeDetector(
  deps: SurgeDeps & { jobs: JobQueue },
  options: { sweepSeconds?: number } = {},
): Promise<void> {
  await deps.jobs.every(SURGE_SWEEP_JOB, options.sweepSeconds ?? 20, () => sweepSurge(deps));
}
