/** The page layout: header (backend), then loading, the pool check and the model cards. */
import { CheckpointList } from './panels/CheckpointList';
import { Header } from './panels/Header';
import { LoadPanel } from './panels/LoadPanel';
import { PoolPanel } from './panels/PoolPanel';

export function App() {
  return (
    <>
      <Header />
      <main className="main">
        <LoadPanel />
        <PoolPanel />
        <CheckpointList />
      </main>
    </>
  );
}
