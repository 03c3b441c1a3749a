import type { Queryable } from '../db/db.ts';

/**
 * The demo's 30 days of history, in bulk (INSERT … SELECT generate_series) so it takes a couple of seconds on PGlite.
 * Every row goes through the event-log triggers (migration 020), so the reports read it as they read live traffic.
 * The pattern is deterministic: h is a scrambled row number, hours follow a daytime curve (peak around 14:00
 * Shanghai), weekends are quieter, and the day of a market crash five days ago has four times the traffic, more
 * hand-offs and slower replies. Everything older is resolved, so the inbox shows only the live demo. Hand-offs go
 * to the agent on shift and a team, and the agents' presence log has their shifts, so the agents' and teams' figures
 * and occupancy show too.
 */
export async function insertDemoHistory(db: Queryable, orgId: string, now: Date): Promise<number> {
  const [reserved] = await db.query<{ base: number }>(
    `UPDATE organizations SET conversation_counter = conversation_counter + 4000 WHERE id = $1
     RETURNING conversation_counter - 4000 AS base`,
    [orgId],
  );
  const base = reserved?.base ?? 0;
  await db.query(
    `WITH slots AS (
       SELECT s, date_trunc('hour', $3::timestamptz) - make_interval(hours => s) AS t,
              extract(hour FROM (date_trunc('hour', $3::timestamptz) - make_interval(hours => s)) AT TIME ZONE 'Asia/Shanghai')::int AS hr,
              extract(isodow FROM (date_trunc('hour', $3::timestamptz) - make_interval(hours => s)) AT TIME ZONE 'Asia/Shanghai')::int AS dow
       FROM generate_series(2, 30 * 24) s
     ),
     weighted AS (
       SELECT s, t, floor(
         (0.35 + 1.25 * greatest(0, sin(pi() * (hr - 7) / 16.0)))
         * (CASE WHEN dow >= 6 THEN 0.7 ELSE 1.1 END)
         * (CASE WHEN s BETWEEN 5 * 24 - 12 AND 5 * 24 + 12 THEN 4 ELSE 1 END)
         * 2.2 + ((s * 7919) % 100) / 100.0)::int AS n,
         s BETWEEN 5 * 24 - 12 AND 5 * 24 + 12 AS crash
       FROM slots
     ),
     rows AS (
       SELECT row_number() OVER (ORDER BY w.s DESC, k) AS g, w.t + make_interval(secs => (k * 1471 + w.s * 613) % 3600) AS at,
              w.crash
       FROM weighted w, generate_series(1, w.n) k
     ),
     contacts_in AS (
       INSERT INTO contacts (org_id, name, locale)
       SELECT $1, 'History ' || g, (ARRAY['zh-CN','zh-CN','zh-CN','en','zh-TW'])[1 + g % 5] FROM rows
       RETURNING id, (substring(name FROM 9))::int AS g
     ),
     inboxes_of AS (
       SELECT (SELECT id FROM inboxes WHERE org_id = $1 AND kind = 'web' ORDER BY created_at LIMIT 1) AS web,
              COALESCE((SELECT id FROM inboxes WHERE org_id = $1 AND kind = 'email' ORDER BY created_at LIMIT 1),
                       (SELECT id FROM inboxes WHERE org_id = $1 AND kind = 'web' ORDER BY created_at LIMIT 1)) AS email
     )
     INSERT INTO conversations (org_id, number, inbox_id, contact_id, status, priority, last_intent, last_language,
                                last_seq, created_at, updated_at, last_activity_at, attributes)
     SELECT $1, $2::int + r.g, CASE WHEN (r.g * 7919) % 10 = 0 THEN i.email ELSE i.web END, c.id, 'open',
            CASE WHEN r.crash AND r.g % 3 = 0 THEN 'urgent' WHEN r.g % 9 = 0 THEN 'high' WHEN r.g % 7 = 0 THEN 'low'
                 ELSE 'normal' END,
            CASE WHEN r.crash AND r.g % 2 = 0 THEN 'withdrawal_status'
                 ELSE (ARRAY['deposit_missing','withdrawal_status','account_locked','twofa_reset','kyc_verification',
                             'deposit_wrong_network','fees_trading','p2p_dispute','password_reset','getting_started'])
                      [1 + (r.g * 31) % 10] END,
            (ARRAY['zh-CN','zh-CN','zh-CN','en','zh-TW'])[1 + r.g % 5],
            0, r.at, r.at, r.at, jsonb_build_object('demoHistory', true, 'crash', r.crash)
     FROM rows r JOIN contacts_in c ON c.g = r.g CROSS JOIN inboxes_of i`,
    [orgId, base, now],
  );
  const scope = `FROM conversations c WHERE c.org_id = $1 AND c.number > $2::int AND c.attributes ? 'demoHistory'`;
  const handoff = `((c.number * 7919) % 100 < CASE WHEN (c.attributes->>'crash')::boolean THEN 70 ELSE 35 END)`;
  // The customer's question and the bot's answer.
  await db.query(
    `INSERT INTO messages (org_id, conversation_id, seq, author_kind, author_name, body, created_at)
     SELECT c.org_id, c.id, m.seq, m.kind, CASE WHEN m.kind = 'bot' THEN 'Lumen 助手' END,
            CASE WHEN m.kind = 'bot' THEN '您好，我来帮您查一下。' ELSE '你好，我的问题还没解决' END,
            c.created_at + make_interval(secs => m.after_s)
     ${scope.replace('FROM conversations c', "FROM conversations c CROSS JOIN (VALUES (1, 'customer', 0), (2, 'bot', 4)) AS m(seq, kind, after_s)")}`,
    [orgId, base],
  );
  // Hand-offs: the agent on shift takes it (see the presence history below: the agent by day, the supervisor in the
  // evening, the admin at night, Shanghai time), in the team its speciality belongs to (KYC, funds security for locked
  // accounts and P2P disputes, the VIP desk for one in ten, else the general desk), replies after a wait (slower on
  // the crash day), the customer answers, the agent again.
  await db.query(
    `UPDATE conversations c SET handoff_at = c.created_at + interval '40 seconds',
            handoff_reason = (ARRAY['customer_asked','low_confidence','deposit_not_credited','negative_sentiment',
                                    'complaint','lookup_unavailable'])[1 + c.number % 6],
            assignee_id = (SELECT a.id FROM agents a WHERE a.org_id = $1 AND a.role =
                             CASE WHEN extract(hour FROM (c.created_at + interval '70 seconds') AT TIME ZONE 'Asia/Shanghai')
                                       BETWEEN 7 AND 14 THEN 'agent'
                                  WHEN extract(hour FROM (c.created_at + interval '70 seconds') AT TIME ZONE 'Asia/Shanghai')
                                       BETWEEN 15 AND 22 THEN 'supervisor'
                                  ELSE 'admin' END
                           ORDER BY a.email LIMIT 1),
            team_id = (SELECT t.id FROM teams t WHERE t.org_id = $1 AND
                         CASE WHEN c.last_intent = 'kyc_verification' THEN 'KYC'
                              WHEN c.last_intent IN ('p2p_dispute', 'account_locked') THEN 'security'
                              WHEN (c.number / 10) % 10 = 3 THEN 'VIP' ELSE 'zh' END = ANY (t.skills)
                       ORDER BY t.created_at LIMIT 1),
            assigned_at = c.created_at + interval '70 seconds', updated_at = c.created_at + interval '70 seconds'
     WHERE c.org_id = $1 AND c.number > $2::int AND c.attributes ? 'demoHistory' AND ${handoff}`,
    [orgId, base],
  );
  // Presence for the same 30 days, so occupancy has something to measure: the agent 07:00–15:30 (away 11:30–12:00),
  // the supervisor 14:30–23:30 (away 18:30–19:00), the admin 22:30–07:30 (away 02:30–03:00), every day, Shanghai time;
  // only shifts over before now, so the log ends where the live demo's own presence begins.
  await db.query(
    `WITH shifts AS (
       SELECT a.id AS agent_id, d::date AS day, p.minute, p.status, p.end_minute
       FROM agents a
       JOIN (VALUES ('agent', 420, 'online', 930), ('agent', 690, 'away', 930), ('agent', 720, 'online', 930),
                    ('agent', 930, 'offline', 930),
                    ('supervisor', 870, 'online', 1410), ('supervisor', 1110, 'away', 1410),
                    ('supervisor', 1140, 'online', 1410), ('supervisor', 1410, 'offline', 1410),
                    ('admin', 1350, 'online', 1890), ('admin', 1590, 'away', 1890), ('admin', 1620, 'online', 1890),
                    ('admin', 1890, 'offline', 1890)) AS p(role, minute, status, end_minute) ON p.role = a.role
       CROSS JOIN generate_series((($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date - 31)::timestamp,
                                  ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date::timestamp, interval '1 day') AS d
       WHERE a.org_id = $1
     )
     INSERT INTO agent_presence_log (org_id, agent_id, status, at)
     SELECT $1, agent_id, status, (day + minute * interval '1 minute') AT TIME ZONE 'Asia/Shanghai'
     FROM shifts
     WHERE (day + end_minute * interval '1 minute') AT TIME ZONE 'Asia/Shanghai' < $2::timestamptz
     ORDER BY 4`,
    [orgId, now],
  );
  // The teams' members were in them for those 30 days too (the membership log, migration 035, would otherwise
  // start them at the seed's own moment, and the teams' occupancy would cover none of the history).
  await db.query(
    `INSERT INTO team_membership_log (org_id, team_id, agent_id, change, at)
     SELECT org_id, team_id, agent_id, 'joined',
            ((($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date - 31)::timestamp AT TIME ZONE 'Asia/Shanghai')
     FROM team_members WHERE org_id = $1`,
    [orgId, now],
  );
  await db.query(
    `INSERT INTO messages (org_id, conversation_id, seq, author_kind, author_id, author_name, body, created_at)
     SELECT c.org_id, c.id, m.seq, m.kind, CASE WHEN m.kind = 'agent' THEN c.assignee_id END,
            CASE WHEN m.kind = 'agent' THEN (SELECT name FROM agents WHERE id = c.assignee_id) END,
            CASE WHEN m.kind = 'agent' THEN '您好，已为您核实，请稍等。' ELSE '好的，谢谢' END,
            c.created_at + make_interval(secs => m.after_s * (CASE WHEN (c.attributes->>'crash')::boolean THEN 4 ELSE 1 END)
                                               + (c.number * 37) % 240)
     FROM conversations c CROSS JOIN (VALUES (3, 'agent', 90), (4, 'customer', 200), (5, 'agent', 320))
       AS m(seq, kind, after_s)
     WHERE c.org_id = $1 AND c.number > $2::int AND c.attributes ? 'demoHistory' AND c.handoff_at IS NOT NULL`,
    [orgId, base],
  );
  // Resolved: a few minutes after the bot for the contained ones, later for the handed-off ones; 1 in 12 reopens.
  await db.query(
    `UPDATE conversations c SET status = 'resolved',
            last_seq = CASE WHEN c.handoff_at IS NULL THEN 2 ELSE 5 END,
            resolved_at = c.created_at + make_interval(secs => CASE WHEN c.handoff_at IS NULL THEN 180 ELSE 1500 END
                                                            + (c.number * 53) % 1800),
            updated_at = c.created_at + make_interval(secs => CASE WHEN c.handoff_at IS NULL THEN 180 ELSE 1500 END
                                                           + (c.number * 53) % 1800),
            last_activity_at = c.created_at + make_interval(secs => CASE WHEN c.handoff_at IS NULL THEN 180 ELSE 1500 END
                                                                 + (c.number * 53) % 1800)
     WHERE c.org_id = $1 AND c.number > $2::int AND c.attributes ? 'demoHistory'`,
    [orgId, base],
  );
  await db.query(
    `UPDATE conversations c SET status = 'open', updated_at = c.resolved_at + interval '1 hour'
     WHERE c.org_id = $1 AND c.number > $2::int AND c.attributes ? 'demoHistory' AND c.number % 12 = 0`,
    [orgId, base],
  );
  await db.query(
    `UPDATE conversations c SET status = 'resolved', resolved_at = c.updated_at + interval '20 minutes',
            updated_at = c.updated_at + interval '20 minutes', last_activity_at = c.updated_at + interval '20 minutes'
     WHERE c.org_id = $1 AND c.number > $2::int AND c.attributes ? 'demoHistory' AND c.number % 12 = 0`,
    [orgId, base],
  );
  // CSAT for the handed-off ones (asked, 60% answered, picked by number / 7 so no team or intent, which follow the
  // last digits, goes unanswered; worse on the crash day).
  await db.query(
    `INSERT INTO csat_surveys (conversation_id, org_id, agent_id, locale, requested_at, rating, answered_at,
                               created_at, updated_at)
     SELECT c.id, c.org_id, c.assignee_id, 'zh-CN', c.resolved_at + interval '1 minute',
            CASE WHEN ((c.number / 7) * 13) % 10 < 6 THEN
              CASE WHEN (c.attributes->>'crash')::boolean THEN 1 + (c.number * 7) % 4 ELSE 3 + (c.number * 7) % 3 END END,
            CASE WHEN ((c.number / 7) * 13) % 10 < 6 THEN c.resolved_at + interval '5 minutes' END,
            c.resolved_at, c.resolved_at
     FROM conversations c
     WHERE c.org_id = $1 AND c.number > $2::int AND c.attributes ? 'demoHistory' AND c.assignee_id IS NOT NULL`,
    [orgId, base],
  );
  const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n ${scope}`, [orgId, base]);
  return count?.n ?? 0;
}
