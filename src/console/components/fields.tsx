import type { ReactNode, Ref } from 'react';
import type { ConversationStatus, Priority } from '../../contracts/domain.ts';
import type { Translate } from '../i18n/locale.tsx';
import { CONVERSATION_STATUSES, PRIORITIES } from '../lib/constants.ts';

/**
 * The console's label styles: a form field, a list filter, a conversation control, an admin-page field (and its wide
 * form). Each is a `<label>` holding its caption and the control, so the caption names the control.
 */
export type FieldLook = 'field' | 'filters' | 'control' | 'admin' | 'admin-wide';

const LOOKS: Record<FieldLook, { field: string; label: string }> = {
  field: { field: 'field', label: 'field__label' },
  filters: { field: 'filters__field', label: 'filters__label' },
  control: { field: 'control', label: 'control__label' },
  admin: { field: 'admin__field', label: 'field__label' },
  'admin-wide': { field: 'admin__field admin__field--wide', label: 'field__label' },
};

/** A caption above the control it wraps, and an optional hint below it. */
export function Field(props: { look?: FieldLook; label: ReactNode; hint?: ReactNode; children: ReactNode }) {
  const look = LOOKS[props.look ?? 'field'];
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the children, inside the label.
    <label className={look.field}>
      <span className={look.label}>{props.label}</span>
      {props.children}
      {props.hint !== undefined && <span className="field__hint">{props.hint}</span>}
    </label>
  );
}

export type SelectOption<V extends string> = { value: V; label: ReactNode };

type SelectProps<V extends string> = {
  /** The select's own class: `select` unless given. */
  className?: string;
  testId?: string;
  value: V;
  options: readonly SelectOption<V>[];
  disabled?: boolean;
  onChange: (value: V) => void;
};

/** A `<select>` of the options in the order given; `onChange` gets the chosen option's value. */
export function Select<V extends string>(props: SelectProps<V>) {
  return (
    <select
      className={props.className ?? 'select'}
      data-testid={props.testId}
      value={props.value}
      disabled={props.disabled}
      onChange={(event) => props.onChange(event.target.value as V)}
    >
      {props.options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

/** A labelled Select. */
export function SelectField<V extends string>({
  look,
  label,
  ...select
}: SelectProps<V> & { look?: FieldLook; label: ReactNode }) {
  return (
    <Field look={look} label={label}>
      <Select {...select} />
    </Field>
  );
}

/** A labelled text input of an admin page, wide or short; `onChange` gets the text. */
export function AdminTextField(props: {
  label: ReactNode;
  size: 'wide' | 'short';
  testId: string;
  value: string;
  maxLength: number;
  placeholder?: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field look={props.size === 'wide' ? 'admin-wide' : 'admin'} label={props.label}>
      <input
        className={props.size === 'wide' ? 'admin__input' : 'admin__input admin__input--short'}
        data-testid={props.testId}
        value={props.value}
        maxLength={props.maxLength}
        placeholder={props.placeholder}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </Field>
  );
}

/** Conversation statuses as options (every status unless given), in the agent's language. */
export function statusOptions(
  t: Translate,
  statuses: readonly ConversationStatus[] = CONVERSATION_STATUSES,
): SelectOption<ConversationStatus>[] {
  return statuses.map((status) => ({ value: status, label: t(`status.${status}`) }));
}

/** The priorities as options, most urgent first, in the agent's language. */
export function priorityOptions(t: Translate): SelectOption<Priority>[] {
  return PRIORITIES.map((priority) => ({ value: priority, label: t(`priority.${priority}`) }));
}

/** Keeps the digits of what was typed or pasted, six at most. */
export const codeDigits = (text: string) => text.replace(/\D/g, '').slice(0, 6);

/** The six-digit one-time-code input of sign-in and two-factor enrolment: digits only, set up for code autofill. */
export function CodeInput(props: {
  testId: string;
  value: string;
  onChange: (code: string) => void;
  name?: string;
  pattern?: string;
  ref?: Ref<HTMLInputElement>;
}) {
  return (
    <input
      ref={props.ref}
      data-testid={props.testId}
      className="input--code"
      name={props.name}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern={props.pattern}
      maxLength={6}
      placeholder="123456"
      value={props.value}
      onChange={(event) => props.onChange(codeDigits(event.target.value))}
    />
  );
}
