import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react';
import { useI18n } from '../../i18n/locale.tsx';
import { FormFooter, type FormOutcome, useFormSave } from './FormMessage.tsx';
import { adminText } from './strings.ts';

type Named = { id: string; name: string };

/** How a records page reads, saves and deletes its records, and turns one into the form's draft. */
export type RecordsApi<R extends Named, D> = {
  fetchAll: () => Promise<R[]>;
  /** `id` null: a new record. */
  save: (id: string | null, draft: D) => Promise<R>;
  remove: (id: string) => Promise<unknown>;
  draftOf: (record: R) => D;
  empty: D;
};

/**
 * The state of a records page (macros, teams): the list, the record being edited ('new' for none), its draft, and
 * pick / submit / remove. Saving keeps the saved record in the form and reloads the list; deleting asks first.
 */
export function useAdminRecords<R extends Named, D extends { name: string }>(api: RecordsApi<R, D>) {
  const { locale } = useI18n();
  const [records, setRecords] = useState<R[] | null>(null);
  const [editing, setEditing] = useState<string | 'new'>('new');
  const [draft, setDraft] = useState<D>(api.empty);
  const form = useFormSave();
  const { failWith, clear } = form;
  const { fetchAll } = api;

  const load = useCallback(() => {
    fetchAll().then(setRecords).catch(failWith);
  }, [fetchAll, failWith]);
  useEffect(load, [load]);

  function pick(record: R | null) {
    setEditing(record ? record.id : 'new');
    setDraft(record ? api.draftOf(record) : api.empty);
    clear();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    await form.save(
      async () => {
        const saved = await api.save(editing === 'new' ? null : editing, draft);
        setEditing(saved.id);
        setDraft(api.draftOf(saved));
        load();
      },
      adminText(locale, 'saved'),
    );
  }

  async function remove() {
    if (editing === 'new' || !window.confirm(adminText(locale, 'confirmDelete', { name: draft.name }))) return;
    try {
      await api.remove(editing);
      pick(null);
      load();
    } catch (failure) {
      failWith(failure);
    }
  }

  return { records, editing, draft, setDraft, pick, submit, remove, busy: form.busy, message: form.message };
}

/** What the page shows of useAdminRecords's state. */
type RecordsView<R> = {
  records: R[] | null;
  editing: string;
  pick: (record: R | null) => void;
  submit: (event: FormEvent) => Promise<void>;
  remove: () => Promise<void>;
  busy: boolean;
  message: FormOutcome | null;
};

/**
 * A records page: the list (a "+ New" button, then a row a record: its name and a summary) beside the form that edits
 * the picked record, ending in the save button and, for a saved record, the delete button.
 */
export function AdminRecords<R extends Named>(props: {
  state: RecordsView<R>;
  /** The page's test id; the rows are `<testId>-row`, the save button `<testId>-save`. */
  testId: string;
  pageTestId: string;
  emptyText: string;
  summary: (record: R) => ReactNode;
  children: ReactNode;
}) {
  const { locale } = useI18n();
  const s = (key: 'new' | 'loading' | 'save' | 'delete') => adminText(locale, key);
  const { records, editing, pick, submit, remove, busy, message } = props.state;
  return (
    <div className="admin-split" data-testid={props.pageTestId}>
      <section className="admin-card">
        <button type="button" className="button button--small button--primary" onClick={() => pick(null)}>
          + {s('new')}
        </button>
        {records === null && <p className="muted">{s('loading')}</p>}
        {records?.length === 0 && <p className="muted">{props.emptyText}</p>}
        <ul className="admin-list">
          {records?.map((record) => (
            <li key={record.id}>
              <button
                type="button"
                className="admin-list__item"
                data-testid={`${props.testId}-row`}
                aria-current={editing === record.id}
                onClick={() => pick(record)}
              >
                <span>{record.name}</span>
                <span className="admin-list__sub">{props.summary(record)}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <form className="admin-card admin-form" noValidate onSubmit={submit}>
        {props.children}
        <FormFooter
          message={message}
          busy={busy}
          testId={props.testId}
          saveLabel={s('save')}
          onDelete={editing === 'new' ? undefined : () => void remove()}
          deleteLabel={s('delete')}
        />
      </form>
    </div>
  );
}
