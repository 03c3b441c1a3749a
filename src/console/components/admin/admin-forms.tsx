import { type ReactNode, useCallback, useState } from 'react';
import { ApiError, errorCodeOf } from '../../api/client.ts';
import { describeError, useI18n } from '../../i18n/locale.tsx';

/**
 * The pieces every admin page is made of (inboxes, channels, retention, status, integrations, agents): one action at
 * a time with the others disabled, the failure in the admin's words, and the page's frame, lists and buttons.
 */

/** A failed request in the admin's words: the console's own text for a known code, else what the server said. */
export function useDescribeFailure(): (failure: unknown) => string {
  const { t } = useI18n();
  return useCallback(
    (failure: unknown) => describeError(t, errorCodeOf(failure), failure instanceof ApiError ? failure.message : ''),
    [t],
  );
}

/**
 * `run(action)`: marks the page busy, clears the last error, runs the action and shows its failure, if any.
 * `fail` shows a failure from outside `run` (a load), `clear` takes the error away; all three are stable, so loaders
 * can be effects' dependencies.
 */
export function useAdminRun() {
  const describe = useDescribeFailure();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fail = useCallback((failure: unknown) => setError(describe(failure)), [describe]);
  const run = useCallback(
    async (action: () => Promise<unknown>) => {
      setBusy(true);
      setError(null);
      try {
        await action();
      } catch (failure) {
        fail(failure);
      } finally {
        setBusy(false);
      }
    },
    [fail],
  );
  const clear = useCallback(() => setError(null), []);
  return { busy, error, run, fail, clear };
}

/** An admin page's frame: its title, the intro when given, then the page. */
export function AdminSection(props: { testId: string; title: string; intro?: string; children: ReactNode }) {
  return (
    <section className="admin__page" data-testid={props.testId}>
      <h1 className="admin__title">{props.title}</h1>
      {props.intro && <p className="admin__intro">{props.intro}</p>}
      {props.children}
    </section>
  );
}

/** What a supervisor sees of a page only admins may use (the server refuses them anyway). */
export function AdminOnly(props: { testId: string; title: string; text: string }) {
  return (
    <AdminSection testId={props.testId} title={props.title}>
      <p className="muted">{props.text}</p>
    </AdminSection>
  );
}

export function ErrorAlert({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <div className="alert alert--error" role="alert">
      {error}
    </div>
  );
}

/** The outcome of the last action (a test, a save, a webhook set), announced politely. */
export function StatusNote({ text, testId }: { text: string | null | false; testId?: string }) {
  if (!text) return null;
  return (
    <p className="muted" role="status" data-testid={testId}>
      {text}
    </p>
  );
}

/**
 * A form's buttons: submit (disabled while busy or when the form cannot be sent) and, while a record is being edited,
 * cancel; `children` are further buttons after them.
 */
export function FormActions(props: {
  busy: boolean;
  canSubmit?: boolean;
  submitLabel: string;
  submitTestId?: string;
  /** Given: the cancel button is shown. */
  onCancel?: () => void;
  cancelLabel?: string;
  cancelTestId?: string;
  children?: ReactNode;
}) {
  return (
    <>
      <button
        type="submit"
        className="button button--primary"
        data-testid={props.submitTestId}
        disabled={props.busy || props.canSubmit === false}
      >
        {props.submitLabel}
      </button>
      {props.onCancel && (
        <button
          type="button"
          className="button"
          data-testid={props.cancelTestId}
          disabled={props.busy}
          onClick={props.onCancel}
        >
          {props.cancelLabel}
        </button>
      )}
      {props.children}
    </>
  );
}

/**
 * A list's three states: still loading (`items` null; nothing shown without `loadingText`), empty, or the list.
 */
export function ListState<T>(props: {
  items: readonly T[] | null | undefined;
  loadingText?: string;
  emptyText: string;
  emptyClassName?: string;
  children: (items: readonly T[]) => ReactNode;
}) {
  if (!props.items) return props.loadingText ? <p className="muted">{props.loadingText}</p> : null;
  if (props.items.length === 0) return <p className={props.emptyClassName ?? 'muted'}>{props.emptyText}</p>;
  return props.children(props.items);
}

/**
 * An admin page's list as a table: loading, empty, or a row an item (`rowTestId`) with its cells and, when `actions`
 * is given, its buttons in a last column headed `actionsLabel` for screen readers.
 */
export function AdminTable<T extends { id: string }>(props: {
  items: readonly T[] | null | undefined;
  loadingText: string;
  emptyText: string;
  headings: string[];
  rowTestId: string;
  cells: (item: T) => ReactNode;
  actions?: (item: T) => ReactNode;
  actionsLabel?: string;
}) {
  const { actions } = props;
  return (
    <ListState items={props.items} loadingText={props.loadingText} emptyText={props.emptyText}>
      {(items) => (
        <table className="admin__table">
          <thead>
            <tr>
              {props.headings.map((heading) => (
                <th key={heading}>{heading}</th>
              ))}
              {actions && <th aria-label={props.actionsLabel} />}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} data-testid={props.rowTestId}>
                {props.cells(item)}
                {actions && <td className="admin__cell--end">{actions(item)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ListState>
  );
}

type RowButtonProps = { disabled?: boolean; testId?: string; className?: string; children: ReactNode };

/** A list row's small button (edit, save). */
export function RowButton(props: RowButtonProps & { onClick: () => void }) {
  return (
    <button
      type="button"
      className={props.className ?? 'button button--small'}
      data-testid={props.testId}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}

/** A row's button whose action runs only after the admin confirms `question` (deleting, revoking, rotating a secret). */
export function ConfirmButton({
  question,
  onConfirm,
  ...button
}: RowButtonProps & { question: string; onConfirm: () => void }) {
  return (
    <RowButton
      {...button}
      onClick={() => {
        if (window.confirm(question)) onConfirm();
      }}
    />
  );
}
