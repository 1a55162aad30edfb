/**
 * Loading models: a drop zone for model folders (or .safetensors files), a folder picker and a
 * plain file picker. Files are grouped into one checkpoint per folder and sent to the worker.
 */
import { useState, type DragEvent } from 'react';
import { groupFiles, type PickedFile } from '../../state/group-files';
import { filesFromDrop, filesFromInput } from '../drop';
import { useLab } from '../store-context';

export function LoadPanel() {
  const addGroups = useLab((s) => s.addGroups);
  const notices = useLab((s) => s.notices);
  const dismiss = useLab((s) => s.dismissNotices);
  const [over, setOver] = useState(false);

  const add = (files: PickedFile[]) => { if (files.length > 0) void addGroups(groupFiles(files)); };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void filesFromDrop(e.dataTransfer.items).then(add);
  };

  return (
    <section className="panel" aria-labelledby="load-title">
      <h2 id="load-title">Models</h2>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>Drop model folders here (Hugging Face <code>config.json</code> + <code>model.safetensors</code>, or open_clip <code>.safetensors</code>; PyTorch <code>pytorch_model.bin</code>, <code>.pt</code> and <code>.pth</code> files are read without executing them).</p>
        <div className="pickers">
          <label className="button">
            Pick model folders…
            <input
              type="file"
              data-testid="folder-input"
              multiple
              ref={(el) => { el?.setAttribute('webkitdirectory', ''); }}
              onChange={(e) => { add(filesFromInput(e.currentTarget.files)); e.currentTarget.value = ''; }}
            />
          </label>
          <label className="button secondary">
            Pick weight files (.safetensors, .bin, .pt)…
            <input
              type="file"
              data-testid="file-input"
              multiple
              accept=".safetensors,.bin,.pt,.pth"
              onChange={(e) => { add(filesFromInput(e.currentTarget.files)); e.currentTarget.value = ''; }}
            />
          </label>
        </div>
        <p className="muted">Files stay on this computer: the worker reads them lazily, tensor by tensor.</p>
      </div>
      {notices.length > 0 && (
        <div className="notices" role="status">
          {notices.map((n, i) => <p key={i}>{n}</p>)}
          <button className="link" onClick={dismiss}>Dismiss</button>
        </div>
      )}
    </section>
  );
}
