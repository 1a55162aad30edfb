/**
 * The page layout: a skip link, the header (backend, memory, theme), the cache, the task suite, loading models, the pool check and the model
 * cards, then merging, the results, the λ sweep and the task-vector analytics.
 */
import type { MouseEvent } from 'react';
import { AnalyticsPanel } from './panels/AnalyticsPanel';
import { CachePanel } from './panels/CachePanel';
import { CheckpointList } from './panels/CheckpointList';
import { ExplorerPanel } from './panels/ExplorerPanel';
import { Header } from './panels/Header';
import { LoadPanel } from './panels/LoadPanel';
import { MergePanel } from './panels/MergePanel';
import { PoolPanel } from './panels/PoolPanel';
import { ResultsPanel } from './panels/ResultsPanel';
import { RunsPanel } from './panels/RunsPanel';
import { SuitePanel } from './panels/SuitePanel';
import { SweepPanel } from './panels/SweepPanel';
import { TrainPanel } from './panels/TrainPanel';

/** Moves the focus to the main content without touching the URL hash (it holds the experiment). */
function skipToMain(e: MouseEvent) {
  e.preventDefault();
  document.getElementById('main')?.focus();
}

export function App() {
  return (
    <>
      <a className="skip-link" href="#main" onClick={skipToMain}>Skip to main content</a>
      <Header />
      <main className="main" id="main" tabIndex={-1}>
        <CachePanel />
        <SuitePanel />
        <LoadPanel />
        <PoolPanel />
        <CheckpointList />
        <MergePanel />
        <TrainPanel />
        <ResultsPanel />
        <ExplorerPanel />
        <RunsPanel />
        <SweepPanel />
        <AnalyticsPanel />
      </main>
    </>
  );
}
