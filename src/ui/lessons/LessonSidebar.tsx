/**
 * The lesson sidebar beside the live lab: the list of lessons with their progress, or one lesson's
 * step — explanation and source, the one thing to do, whether it is done (detected from the lab's
 * state, or Done for reading steps), what to notice with the learner's own numbers, Previous /
 * Next / Restart, and which controls the step hides.
 */
import { useEffect } from 'react';
import { LESSONS, getLesson } from '../../lessons';
import { goalMet, lessonFacts } from '../../lessons/facts';
import { lessonsDone } from '../../state/slices/lesson';
import { ProgressLine } from '../components/ProgressLine';
import { useLab } from '../store-context';
import './lessons.css';

const HIDDEN_LABEL: Record<string, string> = {
  models: 'the Models panels', method: 'the method picker', tasks: 'the task choice', train: 'the Train panel',
  results: 'the results', runs: 'the runs table', explorer: 'the bias explorer', sweep: 'the λ slider', analytics: 'the task-vector analytics',
};

function LessonList() {
  const progress = useLab((s) => s.lesson.progress);
  const start = useLab((s) => s.startLesson);
  return (
    <>
      <p data-testid="lessons-done">{lessonsDone(progress)} of {LESSONS.length} lessons done. Each lesson sets the lab up on the demo zoo; the lab stays usable beside it.</p>
      <ol className="lesson-list">
        {LESSONS.map((l) => {
          const done = progress[l.id]?.length ?? 0;
          return (
            <li key={l.id} data-testid="lesson-item" data-lesson={l.id}>
              <button className="link" onClick={() => void start(l.id, done >= l.steps.length ? 0 : done)}>{l.title}</button>{' '}
              <span className="muted">{done} of {l.steps.length} steps done</span>
            </li>
          );
        })}
      </ol>
    </>
  );
}

function LessonStepView({ id, k }: { id: string; k: number }) {
  const lesson = getLesson(id)!;
  const step = lesson.steps[k];
  const progress = useLab((s) => s.lesson.progress);
  const hidden = useLab((s) => s.lesson.hidden);
  const met = useLab((s) => goalMet(step.goal, s));
  const notice = useLab((s) => step.notice(lessonFacts(s)) ?? null);
  const loading = useLab((s) => (s.suite.status === 'loading' ? s.suite.progress : undefined));
  const completeStep = useLab((s) => s.completeStep);
  const goToStep = useLab((s) => s.goToStep);
  const restartLesson = useLab((s) => s.restartLesson);
  const leaveLesson = useLab((s) => s.leaveLesson);
  const setHidden = useLab((s) => s.setHidden);
  const done = progress[id]?.includes(k) ?? false;
  useEffect(() => { if (met && !done) completeStep(); }, [met, done, completeStep]);
  const index = LESSONS.indexOf(lesson);
  const last = k === lesson.steps.length - 1;
  return (
    <div data-testid="lesson" data-lesson={id} data-step={k + 1}>
      <p className="muted" data-testid="lesson-progress">
        Lesson {index + 1} of {LESSONS.length} · step {k + 1} of {lesson.steps.length} · {lessonsDone(progress)} of {LESSONS.length} lessons done
      </p>
      <h3 className="lesson-title">{lesson.title}</h3>
      <ol className="lesson-dots" aria-label="Steps">
        {lesson.steps.map((st, i) => (
          <li key={i} className={`${i === k ? 'current' : ''}${progress[id]?.includes(i) ? ' done' : ''}`}>
            <button className="link" aria-current={i === k ? 'step' : undefined} onClick={() => void goToStep(i)}>
              {st.title}{progress[id]?.includes(i) ? ' ✓' : ''}
            </button>
          </li>
        ))}
      </ol>
      <h4 data-testid="lesson-step-title">{step.title}</h4>
      <p data-testid="lesson-explain">{step.explain}</p>
      <p className="muted">Source: <a href={step.source.url} target="_blank" rel="noreferrer">{step.source.title}</a></p>
      {loading !== undefined && <ProgressLine progress={loading} label="Setting up: loading the demo" />}
      <p className="lesson-task" data-testid="lesson-task"><strong>Do this:</strong> {step.task}</p>
      <p data-testid="lesson-status" data-done={done} className={done ? 'ok' : 'muted'}>
        {done ? 'Done ✓' : step.goal.kind === 'look' ? 'Press Done when you have looked.' : 'Waiting for you in the lab…'}
      </p>
      {step.goal.kind === 'look' && !done && <button data-testid="lesson-done" onClick={completeStep}>Done</button>}
      <div aria-live="polite" data-testid="lesson-notice">
        {done && notice && <p className="lesson-notice"><strong>What to notice:</strong> {notice}</p>}
      </div>
      {hidden.length > 0 && (
        <p className="muted" data-testid="lesson-hidden">
          Hidden for this step: {hidden.map((h) => HIDDEN_LABEL[h]).join(', ')}.{' '}
          <button className="link" onClick={() => setHidden([])}>Show everything</button>
        </p>
      )}
      <div className="actions">
        <button className="secondary-button" data-testid="lesson-prev" disabled={k === 0} onClick={() => void goToStep(k - 1)}>Previous</button>
        {last
          ? <button data-testid="lesson-finish" onClick={leaveLesson}>Finish lesson</button>
          : <button data-testid="lesson-next" onClick={() => void goToStep(k + 1)}>Next</button>}
        <button className="link" data-testid="lesson-restart" onClick={() => void restartLesson()}>Restart</button>
        <button className="link" onClick={leaveLesson}>All lessons</button>
      </div>
    </div>
  );
}

export function LessonSidebar() {
  const open = useLab((s) => s.lesson.open);
  const id = useLab((s) => s.lesson.id);
  const step = useLab((s) => s.lesson.step);
  const setOpen = useLab((s) => s.setLessonsOpen);
  if (!open) return null;
  return (
    <aside className="lessons panel" id="lessons" aria-labelledby="lessons-title" data-testid="lessons">
      <div className="lessons-head">
        <h2 id="lessons-title">Lessons</h2>
        <button className="link" aria-label="Close the lessons" onClick={() => setOpen(false)}>close</button>
      </div>
      {id && getLesson(id) ? <LessonStepView key={`${id}-${step}`} id={id} k={step} /> : <LessonList />}
    </aside>
  );
}
