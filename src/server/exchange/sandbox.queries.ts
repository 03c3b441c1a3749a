import type { Queryable } from '../db/db.ts';
import type {
  AccountStatus,
  DepositAddress,
  ExchangeAccount,
  ExchangeDeposit,
  ExchangeWithdrawal,
  LoginRecord,
} from './exchange.types.ts';

/** SQL only, for the sandbox exchange. Every function takes the organization id and filters on it. */

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

type AccountRow = {
  uid: string;
  email: string;
  kyc_level: number;
  vip_level: number;
  status: AccountStatus;
  registered_at: Date;
  locale: ExchangeAccount['locale'];
  anti_phishing_code: string | null;
};

const ACCOUNT_COLUMNS = 'uid, email, kyc_level, vip_level, status, registered_at, locale, anti_phishing_code';

function toAccount(row: AccountRow): ExchangeAccount {
  return {
    uid: row.uid,
    email: row.email,
    kycLevel: row.kyc_level,
    vipLevel: row.vip_level,
    status: row.status,
    registeredAt: iso(row.registered_at)!,
    locale: row.locale,
    antiPhishingCode: row.anti_phishing_code,
  };
}

export async function selectSandboxAccount(db: Queryable, orgId: string, uid: string): Promise<ExchangeAccount | null> {
  const rows = await db.query<AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM sandbox_accounts WHERE org_id = $1 AND uid = $2`,
    [orgId, uid],
  );
  return rows[0] ? toAccount(rows[0]) : null;
}

export async function selectSandboxAccountByEmail(
  db: Queryable,
  orgId: string,
  email: string,
): Promise<ExchangeAccount | null> {
  const rows = await db.query<AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM sandbox_accounts WHERE org_id = $1 AND lower(email) = lower($2)`,
    [orgId, email],
  );
  return rows[0] ? toAccount(rows[0]) : null;
}

/** Locks the account row: the caller is about to change its status inside a transaction. */
export async function selectSandboxAccountForUpdate(
  db: Queryable,
  orgId: string,
  uid: string,
): Promise<{ status: AccountStatus; active_sessions: number; api_keys: number } | undefined> {
  const rows = await db.query<{ status: AccountStatus; active_sessions: number; api_keys: number }>(
    'SELECT status, active_sessions, api_keys FROM sandbox_accounts WHERE org_id = $1 AND uid = $2 FOR UPDATE',
    [orgId, uid],
  );
  return rows[0];
}

export async function updateSandboxAccount(
  db: Queryable,
  orgId: string,
  uid: string,
  fields: { status?: AccountStatus; clearSessions?: boolean },
): Promise<void> {
  await db.query(
    `UPDATE sandbox_accounts
        SET status = COALESCE($3, status),
            active_sessions = CASE WHEN $4 THEN 0 ELSE active_sessions END,
            api_keys = CASE WHEN $4 THEN 0 ELSE api_keys END
      WHERE org_id = $1 AND uid = $2`,
    [orgId, uid, fields.status ?? null, fields.clearSessions ?? false],
  );
}

export async function selectSandboxDepositAddresses(
  db: Queryable,
  orgId: string,
  uid: string,
): Promise<DepositAddress[]> {
  return db.query<DepositAddress>(
    `SELECT coin, network, address, memo FROM sandbox_deposit_addresses
      WHERE org_id = $1 AND uid = $2 ORDER BY coin, network`,
    [orgId, uid],
  );
}

type DepositRow = {
  id: string;
  uid: string;
  coin: string;
  network: string;
  amount: string;
  tx_hash: string;
  address: string;
  memo: string | null;
  status: ExchangeDeposit['status'];
  confirmations: number | null;
  required_confirmations: number | null;
  credited_at: Date | null;
  created_at: Date;
};

const DEPOSIT_COLUMNS = `id, uid, coin, network, trim_scale(amount)::text AS amount, tx_hash, address, memo, status,
  confirmations, required_confirmations, credited_at, created_at`;

function toDeposit(row: DepositRow): ExchangeDeposit {
  return {
    id: row.id,
    uid: row.uid,
    coin: row.coin,
    network: row.network,
    amount: row.amount,
    txHash: row.tx_hash,
    address: row.address,
    memo: row.memo,
    status: row.status,
    creditedAt: iso(row.credited_at),
    createdAt: iso(row.created_at)!,
    confirmations: row.confirmations,
    requiredConfirmations: row.required_confirmations,
  };
}

export async function selectSandboxDeposits(
  db: Queryable,
  orgId: string,
  uid: string,
  limit: number,
): Promise<ExchangeDeposit[]> {
  const rows = await db.query<DepositRow>(
    `SELECT ${DEPOSIT_COLUMNS} FROM sandbox_deposits WHERE org_id = $1 AND uid = $2
      ORDER BY created_at DESC, id DESC LIMIT $3`,
    [orgId, uid, limit],
  );
  return rows.map(toDeposit);
}

export async function selectSandboxDepositByTxHash(
  db: Queryable,
  orgId: string,
  txHash: string,
): Promise<ExchangeDeposit | null> {
  // Customers paste hex hashes in either case (XRP explorers show upper case, EVM ones lower case).
  const rows = await db.query<DepositRow>(
    `SELECT ${DEPOSIT_COLUMNS} FROM sandbox_deposits WHERE org_id = $1 AND lower(tx_hash) = lower($2)
      ORDER BY created_at DESC LIMIT 1`,
    [orgId, txHash],
  );
  return rows[0] ? toDeposit(rows[0]) : null;
}

type WithdrawalRow = {
  id: string;
  uid: string;
  coin: string;
  network: string;
  amount: string;
  address: string;
  memo: string | null;
  state: ExchangeWithdrawal['state'];
  reason_code: string | null;
  tx_hash: string | null;
  created_at: Date;
  updated_at: Date;
};

const WITHDRAWAL_COLUMNS = `id, uid, coin, network, trim_scale(amount)::text AS amount, address, memo, state,
  reason_code, tx_hash, created_at, updated_at`;

function toWithdrawal(row: WithdrawalRow): ExchangeWithdrawal {
  return {
    id: row.id,
    uid: row.uid,
    coin: row.coin,
    network: row.network,
    amount: row.amount,
    address: row.address,
    memo: row.memo,
    state: row.state,
    reasonCode: row.reason_code,
    txHash: row.tx_hash,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

export async function selectSandboxWithdrawals(
  db: Queryable,
  orgId: string,
  uid: string,
  limit: number,
): Promise<ExchangeWithdrawal[]> {
  const rows = await db.query<WithdrawalRow>(
    `SELECT ${WITHDRAWAL_COLUMNS} FROM sandbox_withdrawals WHERE org_id = $1 AND uid = $2
      ORDER BY created_at DESC, id DESC LIMIT $3`,
    [orgId, uid, limit],
  );
  return rows.map(toWithdrawal);
}

export async function selectSandboxWithdrawal(
  db: Queryable,
  orgId: string,
  uid: string,
  withdrawalId: string,
): Promise<ExchangeWithdrawal | null> {
  const rows = await db.query<WithdrawalRow>(
    `SELECT ${WITHDRAWAL_COLUMNS} FROM sandbox_withdrawals WHERE org_id = $1 AND uid = $2 AND id = $3`,
    [orgId, uid, withdrawalId],
  );
  return rows[0] ? toWithdrawal(rows[0]) : null;
}

export async function selectSandboxLogins(
  db: Queryable,
  orgId: string,
  uid: string,
  limit: number,
): Promise<LoginRecord[]> {
  const rows = await db.query<{ at: Date; ip: string; device: string; country: string }>(
    `SELECT at, ip, device, country FROM sandbox_logins WHERE org_id = $1 AND uid = $2 ORDER BY at DESC, id DESC LIMIT $3`,
    [orgId, uid, limit],
  );
  return rows.map((row) => ({ at: iso(row.at)!, ip: row.ip, device: row.device, country: row.country }));
}

export type SandboxActionRow = { uid: string; result: Record<string, unknown> };

export async function selectSandboxAction(
  db: Queryable,
  orgId: string,
  action: string,
  requestId: string,
): Promise<SandboxActionRow | undefined> {
  const rows = await db.query<SandboxActionRow>(
    'SELECT uid, result FROM sandbox_actions WHERE org_id = $1 AND action = $2 AND request_id = $3',
    [orgId, action, requestId],
  );
  return rows[0];
}

/** False when the request id is already taken for this action (a retry, or a concurrent duplicate). */
export async function insertSandboxAction(
  db: Queryable,
  orgId: string,
  a: { action: string; requestId: string; uid: string; result: Record<string, unknown> },
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO sandbox_actions (org_id, action, request_id, uid, result) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_id, action, request_id) DO NOTHING RETURNING request_id`,
    [orgId, a.action, a.requestId, a.uid, JSON.stringify(a.result)],
  );
  return rows.length > 0;
}

// ---------- Writing sandbox data (the seed and the tests) ----------

export async function insertSandboxAccount(
  db: Queryable,
  orgId: string,
  a: ExchangeAccount & { activeSessions?: number; apiKeys?: number },
): Promise<void> {
  await db.query(
    `INSERT INTO sandbox_accounts (org_id, uid, email, kyc_level, vip_level, status, registered_at, locale,
                                   anti_phishing_code, active_sessions, api_keys)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      orgId,
      a.uid,
      a.email,
      a.kycLevel,
      a.vipLevel,
      a.status,
      a.registeredAt,
      a.locale,
      a.antiPhishingCode,
      a.activeSessions ?? 0,
      a.apiKeys ?? 0,
    ],
  );
}

export async function insertSandboxDepositAddress(
  db: Queryable,
  orgId: string,
  uid: string,
  a: DepositAddress,
): Promise<void> {
  await db.query(
    `INSERT INTO sandbox_deposit_addresses (org_id, uid, coin, network, address, memo) VALUES ($1, $2, $3, $4, $5, $6)`,
    [orgId, uid, a.coin, a.network, a.address, a.memo],
  );
}

export async function insertSandboxDeposit(db: Queryable, orgId: string, d: ExchangeDeposit): Promise<void> {
  await db.query(
    `INSERT INTO sandbox_deposits (org_id, id, uid, coin, network, amount, tx_hash, address, memo, status,
                                   confirmations, required_confirmations, credited_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      orgId,
      d.id,
      d.uid,
      d.coin,
      d.network,
      d.amount,
      d.txHash,
      d.address,
      d.memo,
      d.status,
      d.confirmations ?? null,
      d.requiredConfirmations ?? null,
      d.creditedAt,
      d.createdAt,
    ],
  );
}

export async function insertSandboxWithdrawal(db: Queryable, orgId: string, w: ExchangeWithdrawal): Promise<void> {
  await db.query(
    `INSERT INTO sandbox_withdrawals (org_id, id, uid, coin, network, amount, address, memo, state, reason_code,
                                      tx_hash, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      orgId,
      w.id,
      w.uid,
      w.coin,
      w.network,
      w.amount,
      w.address,
      w.memo,
      w.state,
      w.reasonCode,
      w.txHash,
      w.createdAt,
      w.updatedAt,
    ],
  );
}

export async function insertSandboxLogin(db: Queryable, orgId: string, uid: string, l: LoginRecord): Promise<void> {
  await db.query('INSERT INTO sandbox_logins (org_id, uid, at, ip, device, country) VALUES ($1, $2, $3, $4, $5, $6)', [
    orgId,
    uid,
    l.at,
    l.ip,
    l.device,
    l.country,
  ]);
}
