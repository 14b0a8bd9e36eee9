import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../server/db/units.repository.js';
import { decide, inHours, makeAnnotation, makeDocument, makeDocumentInRound, makeMembers, makeUnit, openRound, type SignedInMember } from '../helpers/factories.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/ws-client.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server in this process: every message it accepts lands in `inbox`. */
const inbox: Received[] = [];
let refuse = false;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      if (refuse) return callback(new Error('mailbox unavailable'));
      inbox.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
      callback();
    });
  },
});

let t: TestApp;
let unit: Unit;
let drafter: SignedInMember, author: SignedInMember, silent: SignedInMember;
const publicUrl = 'https://gopy.example.vn';

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  t = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Văn phòng <vanphong@example.vn>', PUBLIC_URL: publicUrl } });
  unit = await makeUnit(t.database.db, { level: 'district', name: 'Huyện ủy Đông Sơn' });
  ({ drafter, author, silent } = await makeMembers(t, { drafter: [[unit, 'drafter']], author: [[unit, 'member']], silent: [[unit, 'member']] }));
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** The decoded text body of a received message (nodemailer writes quoted-printable or base64 for UTF-8). */
function bodyOf(raw: string): string {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/content-transfer-encoding:\s*base64/i.test(head!)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head!)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

function headerOf(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1] ?? '';
}

describe('notification e-mail', () => {
  it('e-mails members with an address, with a working unsubscribe link, and only the in-app notice to the others', async () => {
    expect((await t.request({ method: 'PUT', url: '/api/v1/me', token: author.token, payload: { email: 'tac.gia@example.vn', notifyByEmail: true } })).statusCode).toBe(200);
    const { documentId, roundId } = await makeDocumentInRound(t, drafter.token, { unitId: unit.id, title: 'Báo cáo chính trị', text: 'Phát triển kinh tế nhanh và bền vững.', closesAt: inHours(72) });

    // round.opened: only the member with an address gets a message.
    await eventually(async () => inbox.length === 1, 'round.opened e-mail');
    expect(inbox[0]!.to).toEqual(['tac.gia@example.vn']);
    expect(inbox[0]!.from).toBe('vanphong@example.vn');

    const annotationId = await makeAnnotation(t, author.token, roundId, { kind: 'comment', body: 'Cần cụ thể hơn.', anchor: { start: 0, end: 19 } });
    await t.request({ method: 'POST', url: `/api/v1/annotations/${annotationId}/replies`, token: drafter.token, payload: { body: 'Đã tiếp thu.' } });
    await eventually(async () => inbox.length === 2, 'reply e-mail');

    const reply = inbox[1]!;
    expect(reply.to).toEqual(['tac.gia@example.vn']);
    const body = bodyOf(reply.raw);
    expect(body).toContain(`Kính gửi đồng chí ${author.displayName},`);
    expect(body).toContain(`${drafter.displayName} đã trả lời ý kiến của đồng chí về “Phát triển kinh tế” trong dự thảo “Báo cáo chính trị”.`);
    expect(body).toContain(`Xem tại: ${publicUrl}/d/${documentId}/draft?annotation=${annotationId}`);
    expect(headerOf(reply.raw, 'Subject')).toMatch(/^=\?UTF-8\?/);
    expect(headerOf(reply.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const oneClick = /<([^>]+)>/.exec(headerOf(reply.raw, 'List-Unsubscribe'))![1]!;
    expect(oneClick.startsWith(`${publicUrl}/api/v1/unsubscribe?token=`)).toBe(true);
    const page = new RegExp(`${publicUrl.replace(/\./g, '\\.')}/unsubscribe\\?token=(\\S+)`).exec(body)![1]!;

    // A token we did not sign is refused; a forged one for another member too.
    const forged = Buffer.from(decodeURIComponent(page), 'base64url');
    forged[0] = forged[0]! ^ 1;
    const refused = await t.request({ method: 'POST', url: '/api/v1/unsubscribe', payload: { token: forged.toString('base64url') } });
    expect([refused.statusCode, refused.json().code]).toEqual([400, 'validation_failed']);

    // The link's page posts its token, without login: e-mail stops.
    const off = await t.request({ method: 'POST', url: '/api/v1/unsubscribe', payload: { token: decodeURIComponent(page) } });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toEqual({ email: 'tac.gia@example.vn', notifyByEmail: false });
    // The one-click form post of the header works the same way (and again is harmless).
    const path = oneClick.slice(publicUrl.length);
    const again = await t.request({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(again.statusCode).toBe(200);

    await decide(t, drafter.token, annotationId, 'noted');
    // The notification is in the app, and no e-mail follows.
    await eventually(async () => (await t.request({ method: 'GET', url: '/api/v1/me/notifications', token: author.token })).json().items.some((i: { kind: string }) => i.kind === 'disposition.set'), 'in-app notice');
    await new Promise((r) => setTimeout(r, 1500));
    expect(inbox).toHaveLength(2);
    const outbox = await t.database.db.selectFrom('mail_outbox').selectAll().execute();
    expect(outbox).toHaveLength(2);
    expect(outbox.every((o) => o.sent_at !== null)).toBe(true);
  });

  it('keeps a message the SMTP server refused and sends it after a restart', async () => {
    expect((await t.request({ method: 'PUT', url: '/api/v1/me', token: silent.token, payload: { email: 'im.lang@example.vn' } })).statusCode).toBe(200);
    refuse = true;
    const documentId = await makeDocument(t, drafter.token, { unitId: unit.id, title: 'Đề án', text: 'Một đoạn.' });
    const previous = (await t.request({ method: 'GET', url: `/api/v1/documents/${documentId}/rounds`, token: drafter.token })).json();
    expect(previous).toEqual([]);
    // Another round of the first document may still be open; this document's round is its own.
    await openRound(t, drafter.token, documentId, { closesAt: inHours(72) });
    const pending = async () => t.database.db.selectFrom('mail_outbox').selectAll().where('sent_at', 'is', null).execute();
    await eventually(async () => (await pending()).some((o) => o.attempts >= 1 && (o.last_error ?? '').includes('mailbox unavailable')), 'a failed attempt recorded');
    const before = inbox.length;
    refuse = false;
    await t.restart();
    // Due again now (the back-off is for a running server; the test does not wait 30 s).
    await t.database.db.updateTable('mail_outbox').set({ next_attempt_at: new Date() }).where('sent_at', 'is', null).execute();
    t.app.services.events.committed(documentId);
    await eventually(async () => inbox.length === before + 1, 'sent after restart');
    expect(inbox.at(-1)!.to).toEqual(['im.lang@example.vn']);
    // Marked sent in the transaction that claimed it, which commits just after the server accepted it.
    await eventually(async () => (await pending()).length === 0, 'marked sent');
  });
});
