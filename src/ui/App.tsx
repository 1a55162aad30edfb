/**
 * The page layout: a skip link, the header (backend, memory, theme), the cache, the task suite, loading models, the pool check and the model
 * cards, then merging, the results, the λ sweep and the task-vector analytics; the bar with the
 * lessons toggle and Copy link above, the lesson sidebar beside them (lessons may hide sections).
 */
import type { MouseEvent } from 'react';
import { AnalyticsPanel } from './panels/AnalyticsPanel';
import { CachePanel } from './panels/CachePanel';
import { CheckpointList } from './panels/CheckpointList';
import { ExplorerPanel } from './panels/ExplorerPanel';
import { Header } from './panels/Header';
import { EngineCrashNotice } from './components/EngineCrashNotice';
import { LoadPanel } from './panels/LoadPanel';
import { MergePanel } from './panels/MergePanel';
import { PoolPanel } from './panels/PoolPanel';
import { ResultsPanel } from './panels/ResultsPanel';
import { RunsPanel } from './panels/RunsPanel';
import { SuitePanel } from './panels/SuitePanel';
import { SweepPanel } from './panels/SweepPanel';
import { TrainPanel } from './panels/TrainPanel';
import { Hideable } from './lessons/Hideable';
import { LabBar } from './lessons/LabBar';
import { LessonSidebar } from './lessons/LessonSidebar';

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
      <LabBar />
      <EngineCrashNotice />
      <div className="lab-layout">
      <main className="main" id="main" tabIndex={-1}>
        <CachePanel />
        <SuitePanel />
        <Hideable id="models">
          <LoadPanel />
          <PoolPanel />
          <CheckpointList />
        </Hideable>
        <MergePanel />
        <Hideable id="train"><TrainPanel /></Hideable>
        <Hideable id="results"><ResultsPanel /></Hideable>
        <Hideable id="explorer"><ExplorerPanel /></Hideable>
        <Hideable id="runs"><RunsPanel /></Hideable>
        <Hideable id="sweep"><SweepPanel /></Hideable>
        <Hideable id="analytics"><AnalyticsPanel /></Hideable>
      </main>
      <LessonSidebar />
      </div>
    </>
  );
}
