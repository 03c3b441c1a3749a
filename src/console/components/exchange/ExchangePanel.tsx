import './exchange.css';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import type { Conversation } from '../../../contracts/domain.ts';
import type {
  ExchangeAccountView,
  ExchangeAction,
  ExchangeDepositView,
  ExchangeLoginView,
  ExchangeProfileResponse,
  ExchangeWithdrawalView,
} from '../../../contracts/exchange.ts';
import type { SupportCase } from '../../../contracts/self-service.ts';
import { ApiError, errorCodeOf } from '../../api/client.ts';
import { describeError, useI18n } from '../../i18n/locale.tsx';
import { formatDateTime, formatRelativeTime } from '../../lib/format.ts';
import { useRealtimeEvent, useReconnect } from '../../realtime/context.tsx';
import { createClientId } from '../../../contracts/client-id.ts';
import { CasesSection } from './CasesSection.tsx';
import {
  approveUnfreeze,
  fetchExchangeProfile,
  freezeAccount,
  listConversationCases,
  requestUnfreeze,
} from './exchange-api.ts';
import { ReasonDialog } from './ReasonDialog.tsx';
import { type ExchangeText, exchangeText } from './strings.ts';

type Loaded = { profile: ExchangeProfileResponse | null; cases: SupportCase[] };
type Dialog = { kind: 'freeze'; requestId: string } | { kind: 'unfreeze' };

const WITHDRAWAL_TONE: Record<ExchangeWithdrawalView['state'], string> = {
  under_review: 'warn',
  processing: 'info',
  broadcast: 'info',
  completed: 'ok',
  rejected: 'bad',
  cancelled: 'muted',
};
const DEPOSIT_TONE: Record<ExchangeDepositView['status'], string> = { pending: 'warn', credited: 'ok', failed: 'bad' };

/**
 * The customer's exchange account beside the chat, and the cases opened from this conversation. Everything shown
 * arrives masked for the agent's role; the buttons are the server's `allowedActions`, so the console never decides
 * on its own what a role may do.
 */
export function ExchangePanel({ conversation }: { conversation: Conversation }) {
  const { locale, t } = useI18n();
  const x = useCallback(
    (key: ExchangeText, vars?: Record<string, string | number>) => exchangeText(locale, key, vars),
    [locale],
  );
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const conversationId = conversation.id;

  const describe = useCallback(
    (error: unknown) => describeError(t, errorCodeOf(error), error instanceof ApiError ? error.message : ''),
    [t],
  );

  const load = useCallback(async () => {
    abortRef.current?.abort();
    const controller = new AbortController();
    abortRef.current = controller;
    setLoadError(null);
    try {
      // The cases do not depend on the exchange answering: one failing must not hide the other.
      const [profile, cases] = await Promise.all([
        fetchExchangeProfile(conversationId, controller.signal).catch((error: unknown) => {
          if (controller.signal.aborted) throw error;
          setLoadError(describe(error));
          return null;
        }),
        listConversationCases(conversationId, controller.signal).catch((error: unknown) => {
          if (controller.signal.aborted) throw error;
          return [] as SupportCase[];
        }),
      ]);
      if (!controller.signal.aborted) setLoaded({ profile, cases });
    } catch {
      // Aborted: a newer load (or leaving the conversation) replaced this one.
    }
  }, [conversationId, describe]);

  useEffect(() => {
    void load();
    return () => abortRef.current?.abort();
  }, [load]);

  // A freeze, an approval or a case change made on another console shows here without a manual refresh.
  useRealtimeEvent((event) => {
    if (event.type === 'exchange.changed' && event.conversationId === conversationId && !busy) void load();
  });
  useReconnect(() => void load());

  async function run(action: () => Promise<string | null>) {
    setBusy(true);
    setActionError(null);
    try {
      const done = await action();
      setDialog(null);
      setNotice(done);
      await load();
    } catch (error) {
      setActionError(describe(error));
    } finally {
      setBusy(false);
    }
  }

  function confirmDialog(reason: string) {
    if (!dialog) return;
    if (dialog.kind === 'freeze') {
      void run(async () => {
        await freezeAccount(conversationId, { requestId: dialog.requestId, reason });
        return x('frozenDone');
      });
    } else {
      void run(async () => {
        const opened = await requestUnfreeze(conversationId, reason);
        return `${x('unfreezeRequested')} ${opened.ref}`;
      });
    }
  }

  function approve(caseId: string) {
    void run(async () => {
      const result = await approveUnfreeze(caseId);
      return result.unfrozen ? x('unfrozen') : x('approvedWaiting');
    });
  }

  const profile = loaded?.profile ?? null;
  const actions: ExchangeAction[] = profile?.linked && profile.available ? profile.allowedActions : [];
  const openUnfreeze = loaded?.cases.some(
    (c) => c.kind === 'unfreeze_request' && c.status !== 'resolved' && c.status !== 'rejected',
  );
  const state = !loaded
    ? 'loading'
    : !profile
      ? 'error'
      : !profile.linked
        ? 'not-linked'
        : !profile.available
          ? 'unavailable'
          : profile.found
            ? 'ready'
            : 'not-found';

  return (
    <>
      <section className="details__section exchange" data-testid="exchange-panel" data-state={state}>
        <div className="exchange__head">
          <h3 className="details__heading">{x('exchange')}</h3>
          <button
            type="button"
            className="button button--link exchange__refresh"
            data-testid="exchange-refresh"
            onClick={() => void load()}
            disabled={!loaded || busy}
          >
            {x('refresh')}
          </button>
        </div>

        {state === 'loading' && <p className="muted exchange__note">{x('loading')}</p>}
        {state === 'error' && (
          <div className="alert alert--error" role="alert">
            {loadError}
          </div>
        )}
        {profile && !profile.linked && (
          <p className="muted exchange__note" data-testid="exchange-not-linked">
            {x('notLinked')}
          </p>
        )}
        {profile?.linked && !profile.available && (
          <div className="alert alert--warning" data-testid="exchange-unavailable" data-reason={profile.reason}>
            <strong>{x('unavailable')}</strong> <code className="exchange__code">{profile.reason}</code>
            <div className="exchange__sub">{profile.message}</div>
          </div>
        )}
        {profile?.linked && profile.available && !profile.found && (
          <p className="muted exchange__note">
            <code className="facts__code">{profile.uid}</code> {x('notFound')}
          </p>
        )}
        {profile?.linked && profile.available && profile.account && (
          <>
            <AccountFacts account={profile.account} />
            {(actions.includes('freeze') || actions.includes('request_unfreeze')) && (
              <div className="exchange__actions">
                {actions.includes('freeze') && (
                  <button
                    type="button"
                    className="button button--small button--danger"
                    data-testid="exchange-freeze"
                    disabled={busy}
                    onClick={() => {
                      setActionError(null);
                      setDialog({ kind: 'freeze', requestId: `freeze:${createClientId()}` });
                    }}
                  >
                    {x('freeze')}
                  </button>
                )}
                {actions.includes('request_unfreeze') && (
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="exchange-request-unfreeze"
                    disabled={busy || openUnfreeze}
                    title={openUnfreeze ? x('unfreezeRequested') : undefined}
                    onClick={() => {
                      setActionError(null);
                      setDialog({ kind: 'unfreeze' });
                    }}
                  >
                    {x('requestUnfreeze')}
                  </button>
                )}
              </div>
            )}
            <Records title={x('deposits')} empty={x('nothing')}>
              {profile.deposits.map((d) => (
                <DepositItem key={d.id} deposit={d} />
              ))}
            </Records>
            <Records title={x('withdrawals')} empty={x('nothing')}>
              {profile.withdrawals.map((w) => (
                <WithdrawalItem key={w.id} withdrawal={w} />
              ))}
            </Records>
            <Records title={x('logins')} empty={x('nothing')}>
              {profile.logins.map((l) => (
                <LoginItem key={`${l.at}-${l.ip}`} login={l} />
              ))}
            </Records>
          </>
        )}
        {notice && !dialog && (
          <div className="alert alert--success exchange__notice" role="status" data-testid="exchange-notice">
            {notice}
          </div>
        )}
        {actionError && !dialog && (
          <div className="alert alert--error exchange__notice" role="alert">
            {actionError}
          </div>
        )}
      </section>

      {loaded && (
        <CasesSection
          cases={loaded.cases}
          canApprove={actions.includes('approve_unfreeze')}
          busy={busy}
          onApprove={approve}
          onChanged={() => void load()}
        />
      )}

      {dialog && (
        <ReasonDialog
          title={dialog.kind === 'freeze' ? x('freezeTitle') : x('requestUnfreezeTitle')}
          hint={dialog.kind === 'freeze' ? x('freezeHint') : x('requestUnfreezeHint')}
          danger={dialog.kind === 'freeze'}
          busy={busy}
          error={actionError}
          onConfirm={confirmDialog}
          onCancel={() => setDialog(null)}
        />
      )}
    </>
  );
}

function AccountFacts({ account }: { account: ExchangeAccountView }) {
  const { locale } = useI18n();
  const x = (key: ExchangeText) => exchangeText(locale, key);
  return (
    <dl className="facts">
      <Fact label={x('uid')}>
        <code className="facts__code">{account.uid}</code>
      </Fact>
      <Fact label={x('email')} testId="exchange-email">
        {account.email}
      </Fact>
      <Fact label={x('status')}>
        <span
          className={`badge exchange-badge exchange-badge--${account.status === 'active' ? 'ok' : 'bad'}`}
          data-testid="exchange-status"
          data-status={account.status}
        >
          {x(`account.${account.status}`)}
        </span>
      </Fact>
      <Fact label={x('kyc')}>KYC {account.kycLevel}</Fact>
      <Fact label={x('vip')}>{account.vipLevel > 0 ? `VIP ${account.vipLevel}` : '—'}</Fact>
      <Fact label={x('registered')}>{formatDateTime(account.registeredAt, locale)}</Fact>
      {account.antiPhishingCode !== null && <Fact label={x('antiPhishing')}>{account.antiPhishingCode}</Fact>}
    </dl>
  );
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="facts__row">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

function Records({ title, empty, children }: { title: string; empty: string; children: ReactNode[] }) {
  return (
    <div className="exchange__records">
      <h4 className="exchange__subheading">{title}</h4>
      {children.length > 0 ? <ul className="exchange__list">{children}</ul> : <p className="muted">{empty}</p>}
    </div>
  );
}

/** A deposit's or withdrawal's first line: amount and coin, network, and its state as a badge in the state's tone. */
function TransferLine(props: {
  transfer: { amount: string; coin: string; network: string };
  tone: string;
  label: string;
  /** A withdrawal also carries its state on the badge, as data-state. */
  state?: string;
}) {
  return (
    <div className="exchange__line">
      <span className="exchange__amount">
        {props.transfer.amount} {props.transfer.coin}
      </span>
      <span className="exchange__network">{props.transfer.network}</span>
      <span className={`badge exchange-badge exchange-badge--${props.tone}`} data-state={props.state}>
        {props.label}
      </span>
    </div>
  );
}

function DepositItem({ deposit }: { deposit: ExchangeDepositView }) {
  const { locale } = useI18n();
  const waiting =
    deposit.status === 'pending' && deposit.confirmations !== null && deposit.requiredConfirmations !== null;
  return (
    <li className="exchange__item" data-testid="exchange-deposit">
      <TransferLine
        transfer={deposit}
        tone={DEPOSIT_TONE[deposit.status]}
        label={exchangeText(locale, `deposit.${deposit.status}`)}
      />
      <div className="exchange__sub" title={deposit.txHash}>
        {formatRelativeTime(deposit.createdAt, locale)}
        {waiting &&
          ` · ${exchangeText(locale, 'confirmations', { n: deposit.confirmations ?? 0, m: deposit.requiredConfirmations ?? 0 })}`}
        {` · ${deposit.address}`}
        {deposit.memo && ` · memo ${deposit.memo}`}
      </div>
    </li>
  );
}

function WithdrawalItem({ withdrawal }: { withdrawal: ExchangeWithdrawalView }) {
  const { locale } = useI18n();
  return (
    <li className="exchange__item" data-testid="exchange-withdrawal">
      <TransferLine
        transfer={withdrawal}
        tone={WITHDRAWAL_TONE[withdrawal.state]}
        label={exchangeText(locale, `withdrawal.${withdrawal.state}`)}
        state={withdrawal.state}
      />
      <div className="exchange__sub">
        {formatRelativeTime(withdrawal.createdAt, locale)} · {withdrawal.address}
        {withdrawal.reasonCode && ` · ${withdrawal.reasonCode}`}
      </div>
    </li>
  );
}

function LoginItem({ login }: { login: ExchangeLoginView }) {
  const { locale } = useI18n();
  return (
    <li className="exchange__item" data-testid="exchange-login">
      <div className="exchange__line">
        <span className="exchange__country">{login.country}</span>
        <code className="exchange__code" data-testid="exchange-login-ip">
          {login.ip}
        </code>
        <span className="exchange__sub exchange__push">{formatRelativeTime(login.at, locale)}</span>
      </div>
      <div className="exchange__sub">{login.device}</div>
    </li>
  );
}
