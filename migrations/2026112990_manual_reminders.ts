import { sql, type Kysely } from 'kysely';

// Reminders staff send by hand (issue 15): "remind the members who have not commented" and
// "remind the units that have not sent their package". Each recipient is reminded at most once per
// 12 h per round (members) or per document (units): one row per (what, subject, recipient) holds
// the last reminder, and a reminder claims it only when that is older than 12 h, in the
// transaction that writes the notifications, so repeated clicks and concurrent staff send nothing twice.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notifications drop constraint notifications_kind_check`.execute(db);
  await sql`
    alter table notifications add constraint notifications_kind_check
    check (kind in ('round.opened', 'round.closing', 'reply.created', 'disposition.set', 'package.received', 'round.reminder', 'package.requested'))`.execute(db);

  await sql`alter table audit_entries drop constraint audit_entries_action_check`.execute(db);
  await sql`
    alter table audit_entries add constraint audit_entries_action_check
    check (action in ('opened', 'exported', 'decided', 'applied', 'distributed', 'submitted', 'reminded'))`.execute(db);

  await sql`
    create table manual_reminders (
      what text not null check (what in ('member', 'unit')),
      -- the round (a member reminded to comment) or the document (a unit reminded to send its package)
      subject_id uuid not null,
      -- the member or the unit reminded
      recipient_id uuid not null,
      reminded_at timestamptz not null,
      reminded_by uuid references members(id) on delete set null,
      primary key (what, subject_id, recipient_id)
    )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
