import { parsePhoneNumberFromString } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.min.json';
import type { Conversation } from '../contracts/domain.ts';
import type { Locale } from '../contracts/domain.ts';
import { type RequestError, requestCallback, toRequestError } from './api.ts';
import { getStrings, LOCALE_NAMES, type Strings, WIDGET_LOCALES } from './i18n.ts';

/**
 * "Request a callback / 预约回电 / 預約回電": a small form above the reply box. The number is checked here with
 * libphonenumber-js's small (`min`) metadata (its formatting rules dropped at build time: vite.config.ts) and again, strictly, on the server, which normalises it to E.164; the
 * window is today or tomorrow, whole hours on the customer's own clock, sent with their IANA time zone. Text only via
 * textContent, like the chat.
 */

const CSS = `
.cb{padding:6px 12px;border-top:1px solid #eef0f4;background:#fafbfc}
.cb-open{border:0;background:none;color:#1f4fd8;cursor:pointer;padding:2px 0;text-decoration:underline}
.cb form{display:flex;flex-direction:column;gap:6px;margin-top:4px}
.cb label{display:flex;flex-direction:column;gap:2px;font-size:12px;color:#4b5563}
.cb input,.cb select,.cb textarea{font:inherit;font-size:14px;border:1px solid #dfe3ea;border-radius:8px;padding:5px 8px;background:#fff}
.cb-row{display:flex;gap:6px}.cb-row label{flex:1}
.cb-actions{display:flex;gap:8px}
.cb-btn{border:0;border-radius:8px;padding:6px 12px;background:#1f4fd8;color:#fff;cursor:pointer}
.cb-btn.cb-sec{background:#e5e7eb;color:#111827}
.cb-btn:disabled{opacity:.5}
.cb-msg{font-size:12px;margin:2px 0}.cb-msg.err{color:#c62828}
`;

/** Where a number typed without "+" is read: the language's usual region. */
const COUNTRY: Partial<Record<Locale, 'CN' | 'TW'>> = { 'zh-CN': 'CN', 'zh-TW': 'TW' };

export type CallbackForm = { el: HTMLElement; setLocale: (locale: Locale) => void };

function make<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

function hourOptions(select: HTMLSelectElement, from: number, to: number, selected: number): void {
  select.replaceChildren();
  for (let h = from; h <= to; h++) {
    const option = make('option', { value: String(h) }, `${String(h).padStart(2, '0')}:00`);
    if (h === selected) option.selected = true;
    select.append(option);
  }
}

export function createCallbackForm(
  initialLocale: Locale,
  deps: {
    apiOrigin: string;
    token: () => Promise<string | null>;
    /** The conversation the request opened: the widget switches to it. */
    onCreated: (conversation: Conversation) => void;
  },
): CallbackForm {
  let locale = initialLocale;
  let t: Strings = getStrings(locale);
  let clientId = crypto.randomUUID();

  const el = make('div', { class: 'cb', 'data-testid': 'kefu-callback' });
  const style = make('style');
  style.textContent = CSS;
  const openButton = make('button', { type: 'button', class: 'cb-open', 'data-testid': 'kefu-callback-open' });
  const form = make('form', { novalidate: '', hidden: '', 'data-testid': 'kefu-callback-form' });
  const status = make('p', { class: 'cb-msg', role: 'status', 'data-testid': 'kefu-callback-status', hidden: '' });

  const field = (control: HTMLElement) => {
    const label = make('label');
    const caption = make('span');
    label.append(caption, control);
    return { label, caption };
  };
  const phone = make('input', {
    type: 'tel',
    autocomplete: 'tel',
    inputmode: 'tel',
    maxlength: '40',
    'data-testid': 'kefu-callback-phone',
  });
  const day = make('select', { 'data-testid': 'kefu-callback-day' });
  const fromHour = make('select', { 'data-testid': 'kefu-callback-from' });
  const toHour = make('select', { 'data-testid': 'kefu-callback-to' });
  const language = make('select', { 'data-testid': 'kefu-callback-language' });
  for (const value of WIDGET_LOCALES) language.append(make('option', { value, lang: value }, LOCALE_NAMES[value]));
  const note = make('textarea', { rows: '2', maxlength: '1000', 'data-testid': 'kefu-callback-note' });
  const submit = make('button', { type: 'submit', class: 'cb-btn', 'data-testid': 'kefu-callback-submit' });
  const cancel = make('button', { type: 'button', class: 'cb-btn cb-sec' });

  const fPhone = field(phone);
  const fDay = field(day);
  const fFrom = field(fromHour);
  const fTo = field(toHour);
  const fLanguage = field(language);
  const fNote = field(note);
  const row = make('div', { class: 'cb-row' });
  row.append(fDay.label, fFrom.label, fTo.label);
  const actions = make('div', { class: 'cb-actions' });
  actions.append(submit, cancel);
  form.append(fPhone.label, row, fLanguage.label, fNote.label, actions);
  el.append(style, openButton, form, status);

  hourOptions(fromHour, 0, 23, 10);
  hourOptions(toHour, 1, 24, 12);
  language.value = locale;

  function say(text: string, error: boolean): void {
    status.textContent = text;
    status.className = error ? 'cb-msg err' : 'cb-msg';
    status.hidden = text === '';
  }

  function render(): void {
    openButton.textContent = `☎ ${t.callback}`;
    fPhone.caption.textContent = t.callbackPhone;
    phone.placeholder = locale === 'zh-TW' ? '+886 912 345 678' : '+86 138 0013 8000';
    fDay.caption.textContent = t.callbackDay;
    const chosenDay = day.value || 'tomorrow';
    day.replaceChildren(
      make('option', { value: 'today' }, t.callbackToday),
      make('option', { value: 'tomorrow' }, t.callbackTomorrow),
    );
    day.value = chosenDay;
    fFrom.caption.textContent = t.callbackFrom;
    fTo.caption.textContent = t.callbackTo;
    fLanguage.caption.textContent = t.callbackLanguage;
    fNote.caption.textContent = t.callbackNote;
    submit.textContent = t.callbackSubmit;
    cancel.textContent = t.callbackCancel;
  }

  function show(open: boolean): void {
    form.hidden = !open;
    openButton.hidden = open;
    if (open) {
      say('', false);
      phone.focus();
    }
  }

  openButton.addEventListener('click', () => show(true));
  cancel.addEventListener('click', () => show(false));
  fromHour.addEventListener('change', () => {
    const from = Number(fromHour.value);
    if (Number(toHour.value) <= from) toHour.value = String(Math.min(24, from + 2));
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = language.value as Locale;
    const country = COUNTRY[chosen] ?? COUNTRY[locale];
    const parsed = parsePhoneNumberFromString(phone.value, country ? { defaultCountry: country } : {}, metadata);
    if (!parsed?.isValid()) {
      phone.setAttribute('aria-invalid', 'true');
      say(t.callbackInvalidPhone, true);
      return;
    }
    phone.removeAttribute('aria-invalid');
    const from = Number(fromHour.value);
    const to = Number(toHour.value);
    if (to <= from) {
      say(t.callbackInvalidWindow, true);
      return;
    }
    const token = await deps.token().catch(() => null);
    if (!token) {
      say(t.callbackFailed, true);
      return;
    }
    submit.disabled = true;
    say('', false);
    try {
      const result = await requestCallback(deps.apiOrigin, token, {
        phone: parsed.number,
        ...(country ? { country } : {}),
        day: day.value === 'today' ? 'today' : 'tomorrow',
        fromHour: from,
        toHour: to,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        locale: chosen,
        ...(note.value.trim() ? { note: note.value.trim() } : {}),
        clientId,
      });
      clientId = crypto.randomUUID();
      form.reset();
      hourOptions(fromHour, 0, 23, 10);
      hourOptions(toHour, 1, 24, 12);
      language.value = locale;
      show(false);
      say(t.callbackDone, false);
      deps.onCreated(result.conversation);
    } catch (error) {
      const failure: RequestError = toRequestError(error);
      say(
        failure.code === 'phone_invalid'
          ? t.callbackInvalidPhone
          : failure.code === 'callback_window_invalid'
            ? t.callbackInvalidWindow
            : t.callbackFailed,
        true,
      );
    } finally {
      submit.disabled = false;
    }
  });

  render();
  return {
    el,
    setLocale(next) {
      locale = next;
      t = getStrings(next);
      if (form.hidden) language.value = next;
      render();
    },
  };
}
