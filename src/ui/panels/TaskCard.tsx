/** One task of the suite: its classes with example test images, the image count and data source, or what is wrong with its data. */
import type { SuiteTaskInfo } from '../../worker/api';
import { ErrorBox } from '../components/ErrorBox';

export function TaskCard({ t }: { t: SuiteTaskInfo }) {
  return (
    <article className={`task-card${t.problem ? ' error' : ''}`} data-testid="suite-task" data-task={t.name}>
      <header>
        <h4>{t.name}</h4>
        <span className="muted">
          {t.classes.length} classes{t.images !== null && <> · <span data-testid="task-images">{t.images}</span> test images</>}
          {t.source && <> · <code>{t.source}</code></>}
        </span>
      </header>
      {t.problem && <ErrorBox error={t.problem} title="Data not usable:" />}
      <ul className="classes">
        {t.classes.map((c, label) => (
          <li key={c}>
            <span className="examples">
              {t.examples.filter((e) => e.label === label).map((e) => <img key={e.index} src={e.url} alt={`${t.name}: ${c} (test image ${e.index})`} width={40} height={40} />)}
            </span>
            <span className="class-name">{c}</span>
          </li>
        ))}
      </ul>
      {t.notes.length > 0 && <ul className="notes muted">{t.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>}
    </article>
  );
}
