import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { PRIORITIES } from '../../../contracts/domain.ts';
import { MACRO_VARIABLES, type Macro, type MacroActions } from '../../../contracts/tools.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { deleteMacro, fetchMacros, type MacroInput, saveMacro } from './admin-api.ts';
import { adminText } from './strings.ts';
import { FormFooter, useFormSave } from './FormMessage.tsx';
import { Field } from '../fields.tsx';

type Draft = {
  name: string;
  shortcut: string;
  zh: string;
  en: string;
  status: '' | NonNullable<MacroActions['status']>;
  priority: '' | NonNullable<MacroActions['priority']>;
  addTags: string;
  removeTags: string;
};

const EMPTY: Draft = { name: '', shortcut: '', zh: '', en: '', status: '', priority: '', addTags: '', removeTags: '' };

function draftOf(macro: Macro): Draft {
  return {
    name: macro.name,
    shortcut: macro.shortcut,
    zh: macro.bodies.zh ?? '',
    en: macro.bodies.en ?? '',
    status: macro.actions.status ?? '',
    priority: macro.actions.priority ?? '',
    addTags: (macro.actions.addTags ?? []).join(', '),
    removeTags: (macro.actions.removeTags ?? []).join(', '),
  };
}

function splitList(text: string): string[] | undefined {
  const items = text
    .split(/[,，\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/** An empty field means "no such body/action": the server gets exactly what the form shows. */
function inputOf(draft: Draft): MacroInput {
  const bodies: MacroInput['bodies'] = {};
  if (draft.zh.trim()) bodies.zh = draft.zh;
  if (draft.en.trim()) bodies.en = draft.en;
  const actions: MacroActions = {};
  if (draft.status) actions.status = draft.status;
  if (draft.priority) actions.priority = draft.priority;
  const addTags = splitList(draft.addTags);
  const removeTags = splitList(draft.removeTags);
  if (addTags) actions.addTags = addTags;
  if (removeTags) actions.removeTags = removeTags;
  return { name: draft.name, shortcut: draft.shortcut, bodies, actions };
}

export function MacrosAdmin() {
  const { locale, t } = useI18n();
  const s = (key: Parameters<typeof adminText>[1], vars?: Record<string, string>) => adminText(locale, key, vars);
  const [macros, setMacros] = useState<Macro[] | null>(null);
  const [editing, setEditing] = useState<string | 'new'>('new');
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const { busy, message, save, failWith, clear } = useFormSave();
  const lastBody = useRef<'zh' | 'en'>('zh');

  const load = useCallback(() => {
    fetchMacros().then(setMacros).catch(failWith);
  }, [failWith]);
  useEffect(load, [load]);

  function pick(macro: Macro | null) {
    setEditing(macro ? macro.id : 'new');
    setDraft(macro ? draftOf(macro) : EMPTY);
    clear();
  }

  function insertVariable(name: string) {
    const field = lastBody.current;
    setDraft((current) => ({ ...current, [field]: `${current[field]}{{${name}}}` }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    await save(async () => {
      const saved = await saveMacro(editing === 'new' ? null : editing, inputOf(draft));
      setEditing(saved.id);
      setDraft(draftOf(saved));
      load();
    }, s('saved'));
  }

  async function remove() {
    if (editing === 'new' || !window.confirm(s('confirmDelete', { name: draft.name }))) return;
    try {
      await deleteMacro(editing);
      pick(null);
      load();
    } catch (failure) {
      failWith(failure);
    }
  }

  const set = (key: keyof Draft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [key]: event.target.value }));

  return (
    <div className="admin-split" data-testid="macros-admin">
      <section className="admin-card">
        <button type="button" className="button button--small button--primary" onClick={() => pick(null)}>
          + {s('new')}
        </button>
        {macros === null && <p className="muted">{s('loading')}</p>}
        {macros?.length === 0 && <p className="muted">{s('noMacros')}</p>}
        <ul className="admin-list">
          {macros?.map((macro) => (
            <li key={macro.id}>
              <button
                type="button"
                className="admin-list__item"
                data-testid="macro-row"
                aria-current={editing === macro.id}
                onClick={() => pick(macro)}
              >
                <span>{macro.name}</span>
                <span className="admin-list__sub">
                  /{macro.shortcut} · {Object.keys(macro.bodies).join(' + ') || '—'}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <form className="admin-card admin-form" noValidate onSubmit={submit}>
        <div className="admin-form__row">
          <Field label={s('name')}>
            <input type="text" data-testid="macro-name" value={draft.name} onChange={set('name')} maxLength={80} />
          </Field>
          <Field label={s('shortcut')}>
            <input
              type="text"
              data-testid="macro-shortcut"
              value={draft.shortcut}
              onChange={set('shortcut')}
              placeholder="/deposit-delay"
            />
          </Field>
        </div>
        <Field label={s('bodyZh')}>
          <textarea
            data-testid="macro-body-zh"
            lang="zh-CN"
            value={draft.zh}
            onFocus={() => {
              lastBody.current = 'zh';
            }}
            onChange={set('zh')}
          />
        </Field>
        <Field label={s('bodyEn')}>
          <textarea
            data-testid="macro-body-en"
            lang="en"
            value={draft.en}
            onFocus={() => {
              lastBody.current = 'en';
            }}
            onChange={set('en')}
          />
        </Field>
        <div className="field__hint">
          {s('bodyHint')}
          <div className="admin-vars">
            {MACRO_VARIABLES.map((name) => (
              <button key={name} type="button" className="admin-var" onClick={() => insertVariable(name)}>
                {`{{${name}}}`}
              </button>
            ))}
          </div>
          {s('fallbackHint')}
        </div>
        <fieldset>
          <legend>{s('actions')}</legend>
          <div className="admin-form__row">
            <Field label={s('setStatus')}>
              <select className="select" data-testid="macro-status" value={draft.status} onChange={set('status')}>
                <option value="">{s('unchanged')}</option>
                {(['open', 'pending', 'resolved'] as const).map((status) => (
                  <option key={status} value={status}>
                    {t(`status.${status}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={s('setPriority')}>
              <select className="select" data-testid="macro-priority" value={draft.priority} onChange={set('priority')}>
                <option value="">{s('unchanged')}</option>
                {PRIORITIES.map((priority) => (
                  <option key={priority} value={priority}>
                    {t(`priority.${priority}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={s('addTags')}>
              <input
                type="text"
                data-testid="macro-add-tags"
                value={draft.addTags}
                onChange={set('addTags')}
                placeholder={s('commaSeparated')}
              />
            </Field>
            <Field label={s('removeTags')}>
              <input
                type="text"
                value={draft.removeTags}
                onChange={set('removeTags')}
                placeholder={s('commaSeparated')}
              />
            </Field>
          </div>
        </fieldset>
        <FormFooter
          message={message}
          busy={busy}
          testId="macro"
          saveLabel={s('save')}
          onDelete={editing === 'new' ? undefined : () => void remove()}
          deleteLabel={s('delete')}
        />
      </form>
    </div>
  );
}
