/**
 * The input cache: what is kept in the browser's Origin Private File System (the
 * checkpoint and suite folders opened here, and a cached suite's reference features), how much
 * storage that takes, and Restore / Open / Delete / Clear cache. Restoring is on request, not
 * automatic: a reload shows the entries and the Restore button.
 */
import { formatBytes, formatCount } from '../../format/format';
import { ErrorBox } from '../components/ErrorBox';
import { ProgressLine } from '../components/ProgressLine';
import { useLab } from '../store-context';
import { useVisibleInterval } from '../theme/visible-interval';

const STATS_POLL_MS = 2000;

function Features() {
  const features = useLab((s) => s.cache.features);
  const suiteReady = useLab((s) => s.suite.status === 'ready');
  const refresh = useLab((s) => s.refreshFeatureStats);
  useVisibleInterval(() => void refresh(), STATS_POLL_MS, suiteReady);
  if (!features?.persisted) return null;
  return (
    <p data-testid="cache-features" data-loaded={features.loaded} data-written={features.written}>
      Reference features of the loaded suite: {features.loaded} set{features.loaded === 1 ? '' : 's'} read from the cache,{' '}
      {features.written} written to it.
      {features.errors > 0 && <span className="bad"> {features.errors} could not be read or written (recomputed instead): {features.lastError}</span>}
    </p>
  );
}

export function CachePanel() {
  const cache = useLab((s) => s.cache);
  const restoreAll = useLab((s) => s.restoreCache);
  const restore = useLab((s) => s.restoreEntry);
  const remove = useLab((s) => s.deleteCacheEntry);
  const clear = useLab((s) => s.clearCache);
  const { entries, usage, job } = cache;
  if (cache.supported === false) {
    return (
      <section className="panel" aria-labelledby="cache-title" data-testid="cache-panel">
        <h2 id="cache-title">Cache</h2>
        <p className="muted">This browser offers no Origin Private File System here (a private window?), so nothing is cached: a reload needs the folders again.</p>
      </section>
    );
  }
  const suites = entries.filter((e) => e.kind === 'suite').length;
  return (
    <section className="panel" aria-labelledby="cache-title" data-testid="cache-panel" data-entries={entries.length}>
      <h2 id="cache-title">Cache</h2>
      <p className="muted">
        Folders you open (models and suites) are copied into this browser's private storage while they are hashed, so after a reload they
        open from there without picking or re-reading them; the suite's pretrained and individual features are kept too.
      </p>
      {usage && (
        <p className="cache-usage" data-testid="cache-usage" data-usage={usage.usage}>
          Storage used by this site: <strong>{formatBytes(usage.usage)}</strong> of {formatBytes(usage.quota)} available to it.
          {usage.servedFeatures > 0 && <> Features of served suites (the demo): {formatBytes(usage.servedFeatures)}.</>}
        </p>
      )}
      {job && <ProgressLine progress={job.progress} label={`Caching ${job.name}`} />}
      {cache.error && <ErrorBox error={cache.error} title="Cache:" />}
      <Features />
      {entries.length > 0 && (
        <>
          <div className="actions">
            <button data-testid="cache-restore" onClick={() => void restoreAll()}>
              Restore cached models{suites > 0 ? ' and suite' : ''}
            </button>
            <button className="secondary-button" data-testid="cache-clear" onClick={() => void clear()}>Clear cache</button>
          </div>
          <div className="table-scroll">
            <table className="compact cache-entries" data-testid="cache-entries">
              <caption className="muted">Models opened from the cache read from it: delete an entry only when they are no longer needed.</caption>
              <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Files</th><th scope="col">Size</th><th scope="col">Added</th><th scope="col"><span className="muted">Actions</span></th></tr></thead>
              <tbody>
                {entries.map((e) => {
                  const features = usage?.features[e.hash] ?? 0;
                  return (
                    <tr key={e.hash} data-testid="cache-entry" data-name={e.name} data-kind={e.kind}>
                      <th scope="row">{e.name}</th>
                      <td>{e.kind}</td>
                      <td className="num">{formatCount(e.files.length)}</td>
                      <td className="num">{formatBytes(e.bytes)}{features > 0 && ` + ${formatBytes(features)} features`}</td>
                      <td>{new Date(e.added).toLocaleString('en-GB')}</td>
                      <td className="actions-cell">
                        <button className="link" aria-label={`Open ${e.name} from the cache`} onClick={() => void restore(e.hash)}>Open</button>{' '}
                        <button className="link" aria-label={`Delete ${e.name} from the cache`} onClick={() => void remove(e.hash)}>Delete</button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      {entries.length === 0 && !job && <p className="muted" data-testid="cache-empty">No folders cached yet.</p>}
      {entries.length === 0 && (cache.error?.code === 'cache' || (usage?.servedFeatures ?? 0) > 0) && (
        <button className="secondary-button" data-testid="cache-clear" onClick={() => void clear()}>Clear cache</button>
      )}
    </section>
  );
}
