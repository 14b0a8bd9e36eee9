import { sql, type Kysely } from 'kysely';

// Notifications (API.md "People and notifications"): one row per recipient, written in the same
// transaction as the event that causes it. E-mail goes through an outbox a job drains, so a
// restart loses nothing. Deadline reminders are claimed once per (round, stage) by a unique key,
// so they go out exactly once across restarts and instances. The audit trail records who opened,
// exported, decided, applied and distributed what.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table members add column email text check (email is null or length(email) between 3 and 320)`.execute(db);
  await sql`alter table members add column notify_by_email boolean not null default true`.execute(db);

  await sql`
    create table notifications (
      id uuid primary key default gen_random_uuid(),
      member_id uuid not null references members(id) on delete cascade,
      kind text not null check (kind in ('round.opened', 'round.closing', 'reply.created', 'disposition.set', 'package.received')),
      document_id uuid not null references documents(id) on delete cascade,
      round_id uuid references rounds(id) on delete cascade,
      annotation_id uuid,
      text text not null,
      created_at timestamptz not null,
      read_at timestamptz
    )`.execute(db);
  await sql`create index notifications_member on notifications (member_id, created_at desc, id)`.execute(db);
  await sql`create index notifications_unread on notifications (member_id) where read_at is null`.execute(db);

  await sql`
    create table mail_outbox (
      notification_id uuid primary key references notifications(id) on delete cascade,
      created_at timestamptz not null,
      next_attempt_at timestamptz not null,
      attempts integer not null default 0,
      last_error text,
      sent_at timestamptz
    )`.execute(db);
  await sql`create index mail_outbox_pending on mail_outbox (next_attempt_at) where sent_at is null`.execute(db);

  await sql`
    create table round_reminders (
      round_id uuid not null references rounds(id) on delete cascade,
      stage text not null check (stage in ('24h', '2h')),
      claimed_at timestamptz not null,
      recipients integer not null,
      primary key (round_id, stage)
    )`.execute(db);

  // Keys the server signs with (the unsubscribe links), made once so every instance agrees.
  await sql`create table app_secrets (name text primary key, value bytea not null)`.execute(db);

  await sql`
    create table audit_entries (
      id bigserial primary key,
      document_id uuid not null references documents(id) on delete cascade,
      member_id uuid references members(id) on delete set null,
      action text not null check (action in ('opened', 'exported', 'decided', 'applied', 'distributed', 'submitted')),
      target text not null,
      at timestamptz not null
    )`.execute(db);
  await sql`create index audit_entries_document on audit_entries (document_id, at desc, id desc)`.execute(db);
  await sql`create index audit_entries_opened on audit_entries (document_id, member_id, at) where action = 'opened'`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
