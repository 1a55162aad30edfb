/**
 * Recovering from the engine's death (client.ts notices it, crash.ts words it). The page says what
 * happened and what was lost, starts a new engine on the same backend setting, opens the same
 * models (their File handles, or OPFS Files when they came from the cache) and the same suite
 * again, and restores the task subset. Nothing else is touched: the recorded runs live in the
 * runs slice (IndexedDB) and the experiment's settings (method, parameters, image counts, training
 * setup, λ, coefficients) in slices the restart does not reset. This session's merges and
 * training runs in the accuracy table go: their weights were in the dead engine (their records
 * stay in Runs). An engine that dies before it ever started, or three times in ten minutes, is
 * not restarted again by itself: the notice offers a button.
 */
import type { ErrorInfo } from '../../worker/api';
import type { LabState } from './lab-state';

export interface EngineCrash {
  /** What happened, in plain words (crash.ts crashInfo). */
  error: ErrorInfo;
  /** What was running when it happened and has to be started again. */
  lost: string[];
  /** This session's merges and training runs dropped from the accuracy table (they stay in Runs). */
  dropped: number;
  /** restarting → recovered, or failed (it could not be started, or died too often). */
  state: 'restarting' | 'recovered' | 'failed';
  /** Why it was not (or could not be) restarted, when state is failed. */
  failure: string | null;
  /** Crashes this page has seen. */
  count: number;
}

/** Automatic restarts allowed within CRASH_WINDOW_MS. */
export const MAX_RESTARTS = 3;
export const CRASH_WINDOW_MS = 10 * 60 * 1000;

/** The work the engine was doing, in words ("the merge (TIES-Merging, evaluating)"). */
export function lostWork(s: LabState): string[] {
  const lost: string[] = [];
  const m = s.merge.job;
  if (m.status === 'running') lost.push(`the ${m.phase === 'merging' ? 'merge' : 'evaluation of the merge'} that was running`);
  const t = s.train.job;
  if (t.status === 'running') lost.push(`the training that was running${t.live ? ` (step ${t.live.step} of ${t.live.totalSteps}, ${t.live.stage === 'merge' ? 'base merge' : 'correction'})` : ''}`);
  if (s.sweep.status === 'running') lost.push(`the λ slider's score at λ ${s.sweep.lambda}`);
  if (s.analytics.task.status === 'running') lost.push('the task-vector analytics');
  if (s.explorer.bias.status === 'running') lost.push('the bias measurement');
  if (s.checkpoints.some((c) => c.forward.status === 'running' || c.golden.status === 'running')) lost.push('a model check (forward or golden)');
  return lost;
}

/** Whether another automatic restart is allowed, given the times of the crashes so far (this one last). */
export function mayRestart(crashTimes: number[], now: number): boolean {
  return crashTimes.filter((t) => now - t < CRASH_WINDOW_MS).length <= MAX_RESTARTS;
}

/**
 * Brings the lab back after the engine died: `boot` starts a new engine (the backend slice's).
 * The running jobs are dropped first (their calls already rejected), then the models and the
 * suite are opened again from the same sources, and the subset put back.
 */
export async function restoreLab(get: () => LabState, boot: () => Promise<void>): Promise<string | null> {
  const subset = get().subset.tasks;
  await get().resetLab();
  if (get().explorer.bias.status === 'running') await get().cancelExplorer();
  await boot();
  const { backend } = get();
  if (backend.status !== 'ready') return backend.error?.message ?? 'The engine could not be started again.';
  await Promise.all([get().reopenAll(), get().reopenSuite()]);
  if (subset && get().suite.status === 'ready') get().setTaskSubset(subset);
  return null;
}
