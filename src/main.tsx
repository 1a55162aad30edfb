/**
 * The page's entry: creates the lab store on a worker engine (backend from `?backend=` or the
 * saved setting), exposes a read-only test hook (and, in an automated browser only, a way to make
 * the engine worker die as a real crash would), and renders the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { openRunsDb } from './state/runs/db';
import { createLabStore, type LabState } from './state/store';
import { syncUrl } from './state/url/sync';
import { startWorkerEngine, type DebugCrash, type EngineHandle } from './browser/client';
import { startEmbedWorker } from './browser/embed-client';
import { OpfsCache } from './browser/opfs-store';
import { App } from './ui/App';
import { StoreContext } from './ui/store-context';
import { pageStorage } from './ui/theme/storage';
import { applyTheme, followSystemTheme, loadTheme } from './ui/theme/theme';
import './ui/styles.css';

declare global {
  interface Window {
    /** Test hook (e2e): read the lab state and follow its changes; crashEngine only where navigator.webdriver is set. */
    __mergelab?: { getState(): LabState; subscribe(listener: (s: LabState) => void): () => void; crashEngine?(how: DebugCrash): void };
  }
}

applyTheme(loadTheme(pageStorage())); // before the first paint: no flash of the other theme
followSystemTheme(pageStorage());

let engine: EngineHandle | null = null;
const store = createLabStore({
  startEngine: (onCrash) => (engine = startWorkerEngine(onCrash)),
  storage: pageStorage(),
  search: window.location.search,
  clearUrlForce() {
    const url = new URL(window.location.href);
    url.searchParams.delete('backend');
    window.history.replaceState(null, '', url);
  },
  demoUrl: new URL('zoo/mini8/', document.baseURI).href,
  startEmbed: startEmbedWorker,
  openCache: OpfsCache.open,
  runsDb: () => openRunsDb(),
});
window.__mergelab = {
  getState: () => store.getState(),
  subscribe: (listener) => store.subscribe(listener),
  ...(navigator.webdriver ? { crashEngine: (how: DebugCrash) => engine?.debugCrash?.(how) } : {}),
};
void store.getState().start();
const demoUrl = new URL('zoo/mini8/', document.baseURI).href;
// The experiment in the URL hash: restored from the link, then kept up to date (replaceState).
void syncUrl(store, { hash: () => window.location.hash, replaceHash: (h) => window.history.replaceState(window.history.state, '', `#${h}`) }, { demoUrl });
void store.getState().refreshCache();
void store.getState().loadRuns();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);
