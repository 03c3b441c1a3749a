import { type FormEvent, useEffect, useState } from 'react';
import type { Conversation } from '../../../contracts/domain.ts';
import type { AttributeDefinition, AttributeValue } from '../../../contracts/tools.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { listAttributeDefinitions, setAttributes, ToolError } from './api.ts';
import { toolText } from './strings.ts';

/**
 * The organization's custom attributes for this conversation, one input per definition and type. Only changed fields
 * are sent; an emptied field removes the value.
 */
export function AttributesEditor({ conversation }: { conversation: Conversation }) {
  const { locale } = useI18n();
  const [definitions, setDefinitions] = useState<AttributeDefinition[] | null>(null);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const current = conversation.attributes ?? {};

  useEffect(() => {
    listAttributeDefinitions()
      .then(setDefinitions)
      .catch(() => setDefinitions([]));
  }, []);

  if (definitions === null) return null;
  if (definitions.length === 0) return <div className="tools__note">{toolText(locale, 'attributeNone')}</div>;

  const shown = (key: string) => draft[key] ?? (current[key] === undefined ? '' : String(current[key]));

  async function save(event: FormEvent) {
    event.preventDefault();
    const values: Record<string, AttributeValue | null> = {};
    for (const d of definitions ?? []) {
      if (draft[d.key] === undefined) continue;
      const raw = draft[d.key].trim();
      values[d.key] =
        raw === '' ? null : d.type === 'number' ? Number(raw) : d.type === 'boolean' ? raw === 'true' : raw;
    }
    if (Object.keys(values).length === 0) return;
    setError(null);
    try {
      await setAttributes(conversation.id, values);
      setDraft({});
    } catch (failure) {
      setError(failure instanceof ToolError ? failure.message : String(failure));
    }
  }

  return (
    <form className="tools__attributes" data-testid="attributes" onSubmit={save}>
      {definitions.map((d) => (
        <div key={d.key} className="tools__row">
          <span className="tools__label">{d.label}</span>
          {d.type === 'list' || d.type === 'boolean' ? (
            <select
              className="select select--small"
              aria-label={d.label}
              value={shown(d.key)}
              onChange={(event) => setDraft({ ...draft, [d.key]: event.target.value })}
            >
              <option value="">—</option>
              {(d.type === 'boolean' ? ['true', 'false'] : (d.options ?? [])).map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          ) : (
            <input
              className="input input--small"
              aria-label={d.label}
              type={d.type === 'number' ? 'number' : d.type === 'date' ? 'date' : 'text'}
              value={shown(d.key)}
              onChange={(event) => setDraft({ ...draft, [d.key]: event.target.value })}
            />
          )}
        </div>
      ))}
      <button type="submit" className="button button--small" disabled={Object.keys(draft).length === 0}>
        {toolText(locale, 'attributeSave')}
      </button>
      {error && (
        <div className="alert alert--error" role="alert">
          {error}
        </div>
      )}
    </form>
  );
}
