import { useEffect, useRef, type ReactNode } from 'react';

export function StateBadge({ state }: { state: string }) {
  return <span className={`badge state-${state}`}>{state.replace('_', ' ')}</span>;
}

export function ErrorBanner({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {error}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

/** A modal that asks before something changes production; Escape or Cancel closes it, the confirm button has focus. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  body: ReactNode;
  confirm: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      dialog.showModal();
      confirmRef.current?.focus();
    } else if (!props.open && dialog.open) {
      dialog.close();
    }
  }, [props.open]);
  return (
    <dialog ref={ref} className="confirm" onCancel={(e) => { e.preventDefault(); props.onCancel(); }} aria-labelledby="confirm-title">
      <h2 id="confirm-title">{props.title}</h2>
      <div className="confirm-body">{props.body}</div>
      <div className="actions">
        <button type="button" className="secondary" onClick={props.onCancel}>Cancel</button>
        <button type="button" ref={confirmRef} className="primary" onClick={props.onConfirm}>{props.confirm}</button>
      </div>
    </dialog>
  );
}
