/**
 * Which of the suite's tasks the lab merges, evaluates, sweeps and analyses: one checkbox per task
 * (at least two stay chosen), "all tasks" to go back. Training always uses every task.
 */
import { useState } from 'react';
import { Hideable } from '../lessons/Hideable';
import { useLab } from '../store-context';
import './task-subset.css';

export function TaskSubset({ tasks }: { tasks: string[] }) {
  const chosen = useLab((s) => s.subset.tasks);
  const setSubset = useLab((s) => s.setTaskSubset);
  const [problem, setProblem] = useState<string | null>(null);
  const current = chosen ?? tasks;
  const toggle = (task: string, on: boolean) => setProblem(setSubset(on ? [...current, task] : current.filter((t) => t !== task)));
  return (
    <Hideable id="tasks">
      <fieldset className="task-subset" data-testid="task-subset">
        <legend>Tasks to merge and evaluate</legend>
        {tasks.map((t) => (
          <label key={t}>
            <input type="checkbox" data-testid="subset-task" data-task={t} checked={current.includes(t)} onChange={(e) => toggle(t, e.currentTarget.checked)} /> {t}
          </label>
        ))}
        {chosen && <button className="link" data-testid="subset-all" onClick={() => setProblem(setSubset(null))}>all tasks</button>}
        <p className="muted" role="status">
          {problem ?? (chosen ? `Merging the ${chosen.length} chosen experts and scoring those ${chosen.length} tasks.` : `All ${tasks.length} tasks.`)} Training always uses every task.
        </p>
      </fieldset>
    </Hideable>
  );
}
