import { useRef } from 'react';
import { MACRO_VARIABLES, type Macro, type MacroActions } from '../../../contracts/tools.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { deleteMacro, fetchMacros, type MacroInput, saveMacro } from './admin-api.ts';
import { adminText } from './strings.ts';
import { AdminRecords, useAdminRecords } from './AdminRecords.tsx';
import { Field, priorityOptions, SelectField, statusOptions } from '../fields.tsx';

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

/** The statuses a macro can set. */
const MACRO_STATUSES = ['open', 'pending', 'resolved'] as const;

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
  const s = (key: Parameters<typeof adminText>[1]) => adminText(locale, key);
  const state = useAdminRecords<Macro, Draft>({
    fetchAll: fetchMacros,
    save: (id, draft) => saveMacro(id, inputOf(draft)),
    remove: deleteMacro,
    draftOf,
    empty: EMPTY,
  });
  const { draft, setDraft } = state;
  const lastBody = useRef<'zh' | 'en'>('zh');

  function insertVariable(name: string) {
    const field = lastBody.current;
    setDraft((current) => ({ ...current, [field]: `${current[field]}{{${name}}}` }));
  }

  const put = (key: keyof Draft) => (value: string) => setDraft((current) => ({ ...current, [key]: value }));
  const set = (key: keyof Draft) => (event: { target: { value: string } }) => put(key)(event.target.value);

  return (
    <AdminRecords
      state={state}
      testId="macro"
      pageTestId="macros-admin"
      emptyText={s('noMacros')}
      summary={(macro) => `/${macro.shortcut} · ${Object.keys(macro.bodies).join(' + ') || '—'}`}
    >
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
          <SelectField
            label={s('setStatus')}
            testId="macro-status"
            value={draft.status}
            options={[{ value: '', label: s('unchanged') }, ...statusOptions(t, MACRO_STATUSES)]}
            onChange={put('status')}
          />
          <SelectField
            label={s('setPriority')}
            testId="macro-priority"
            value={draft.priority}
            options={[{ value: '', label: s('unchanged') }, ...priorityOptions(t)]}
            onChange={put('priority')}
          />
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
    </AdminRecords>
  );
}
