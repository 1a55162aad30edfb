/** Shows an engine error as a person should see it: what went wrong, then what to do. */
import type { ErrorInfo } from '../../worker/api';

export function ErrorBox({ error, title }: { error: ErrorInfo; title?: string }) {
  return (
    <div className="error" role="alert" data-testid="error">
      {title && <strong>{title} </strong>}
      <span className="error-message">{error.message}</span>
      {error.hint && <div className="error-hint">{error.hint}</div>}
    </div>
  );
}
