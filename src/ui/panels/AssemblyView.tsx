/**
 * A suite assembled from a drop without manifest.json: the pretrained model, one row per task
 * (task | expert | data | classes | status) with what it lacks, a select to give an unmatched
 * folder its task and a button to drop a row, what is missing, "Use this suite" (opens it in the
 * engine, heads built from the text tower) and "Save suite" (the manifest.json it made).
 */
import { taskChoices, type Assembly, type AssemblyRow } from '../../state/assemble-suite';
import { saveBlob } from '../export/download';
import { ErrorBox } from '../components/ErrorBox';
import { useLab } from '../store-context';

const STATUS: Record<AssemblyRow['status'], string> = {
  ready: 'ready', 'no-expert': 'no expert', 'no-data': 'no test data', duplicate: 'two matches',
};

function FolderCell({ folders, a, role }: { folders: string[]; a: Assembly; role: 'expert' | 'data' }) {
  const assignTask = useLab((s) => s.assignTask);
  if (folders.length === 0) return <td className="muted">—</td>;
  return (
    <td>
      {folders.map((f) => (
        <div key={f}>
          <code>{f}</code>{' '}
          <select
            aria-label={`Task of ${f}`} data-testid={`assign-${role}`} data-folder={f} value=""
            onChange={(e) => { if (e.currentTarget.value) assignTask(f, e.currentTarget.value); }}
          >
            <option value="">change task…</option>
            {taskChoices(a).map((t) => <option key={t.name} value={t.name}>{t.title}</option>)}
          </select>
        </div>
      ))}
    </td>
  );
}

function Rows({ a }: { a: Assembly }) {
  const dropTask = useLab((s) => s.dropTask);
  return (
    <table className="assembly" data-testid="assembly-table">
      <thead><tr><th>task</th><th>expert</th><th>data</th><th>classes</th><th>status</th><th /></tr></thead>
      <tbody>
        {a.rows.map((r) => (
          <tr key={r.task} data-testid="assembly-row" data-task={r.task} data-status={r.status}>
            <th scope="row">{r.title ?? r.task}{r.title ? <span className="muted"> ({r.task})</span> : <span className="muted"> (not a standard task)</span>}</th>
            <FolderCell folders={r.experts} a={a} role="expert" />
            <FolderCell folders={r.data} a={a} role="data" />
            <td className="num">{r.classes ?? <span className="muted">from the data</span>}</td>
            <td className={r.status === 'ready' ? 'ok' : 'bad'} title={r.problem ?? undefined}>{STATUS[r.status]}</td>
            <td><button className="link" data-testid="assembly-drop" onClick={() => dropTask(r.task)}>drop</button></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AssemblyView() {
  const assembly = useLab((s) => s.assembly);
  const suiteBusy = useLab((s) => s.suite.status === 'loading');
  const useAssembly = useLab((s) => s.useAssembly);
  const manifestText = useLab((s) => s.assembledManifestText);
  const choosePretrained = useLab((s) => s.choosePretrained);
  const clear = useLab((s) => s.clearAssembly);
  if (assembly.status === 'idle') return null;
  if (assembly.status === 'reading') return <p className="muted" data-testid="assembly-reading">Reading the dropped folders…</p>;
  if (assembly.status === 'error' && assembly.error) return <ErrorBox error={assembly.error} title="Could not read the drop:" />;
  const a = assembly.result;
  if (!a) return null;
  const ready = a.rows.filter((r) => r.status === 'ready').length;
  const save = () => {
    const text = manifestText();
    if (text) saveBlob('manifest.json', new Blob([text], { type: 'application/json' }));
  };
  return (
    <div className="assembly-view" data-testid="assembly-view">
      <h3>Suite assembled from the drop (no manifest.json)</h3>
      <p data-testid="assembly-pretrained">
        Pretrained model:{' '}
        {a.pretrainedCandidates.length > 1 ? (
          <select aria-label="Pretrained model" value={a.pretrained ?? ''} onChange={(e) => choosePretrained(e.currentTarget.value)}>
            <option value="" disabled>choose…</option>
            {a.pretrainedCandidates.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        ) : a.pretrained ? <code>{a.pretrained}</code> : <span className="bad">none found</span>}
        {a.pretrained && !a.manifest?.heads && <span className="muted"> — the classification heads are built from its text tower when the suite opens.</span>}
      </p>
      {a.rows.length > 0 && <div className="table-scroll"><Rows a={a} /></div>}
      {a.dropped.length > 0 && <p className="muted" data-testid="assembly-dropped">Dropped rows: {a.dropped.join(', ')}.</p>}
      {a.missing.length > 0 && (
        <div className="bad" data-testid="assembly-missing">
          Missing{a.manifest ? ' (rows not ready are left out of the suite)' : ''}:
          <ul>{a.missing.map((m) => <li key={m}>{m}</li>)}</ul>
        </div>
      )}
      {a.ignored.length > 0 && (
        <details className="muted"><summary>{a.ignored.length} file(s) not used</summary><ul>{a.ignored.map((m) => <li key={m}>{m}</li>)}</ul></details>
      )}
      <div className="actions">
        <button data-testid="use-assembly" disabled={!a.manifest || suiteBusy} onClick={() => void useAssembly()}>
          Use this suite{a.manifest ? ` (${ready} task${ready === 1 ? '' : 's'})` : ''}
        </button>
        <button className="secondary-button" data-testid="save-assembly" disabled={!a.manifest} onClick={save}>Save suite (manifest.json)</button>
        <button className="link" onClick={clear}>discard</button>
      </div>
      {a.manifest && (
        <p className="muted">
          Save suite downloads the manifest.json it made: put it in {a.root ? <><code>{a.root}/</code> (the folder you dropped)</> : 'the folder that holds the folders you dropped'},
          and that folder opens directly next time.
        </p>
      )}
    </div>
  );
}
