/**
 * The page layout: header (backend), the task suite, loading models, the pool check and the model
 * cards, then merging, the results, the λ sweep and the task-vector analytics.
 */
import { AnalyticsPanel } from './panels/AnalyticsPanel';
import { CheckpointList } from './panels/CheckpointList';
import { Header } from './panels/Header';
import { LoadPanel } from './panels/LoadPanel';
import { MergePanel } from './panels/MergePanel';
import { PoolPanel } from './panels/PoolPanel';
import { ResultsPanel } from './panels/ResultsPanel';
import { SuitePanel } from './panels/SuitePanel';
import { SweepPanel } from './panels/SweepPanel';
import { TrainPanel } from './panels/TrainPanel';

export function App() {
  return (
    <>
      <Header />
      <main className="main">
        <SuitePanel />
        <LoadPanel />
        <PoolPanel />
        <CheckpointList />
        <MergePanel />
        <TrainPanel />
        <ResultsPanel />
        <SweepPanel />
        <AnalyticsPanel />
      </main>
    </>
  );
}
