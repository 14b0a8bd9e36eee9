import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { BadInputLog } from '../../server/collab/bad-input-log.js';

function recordingLogger(): { logger: FastifyBaseLogger; lines: Array<{ fields: Record<string, unknown>; message: string }> } {
  const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const record = (fields: Record<string, unknown>, message: string) => void lines.push({ fields, message });
  return { logger: { info: record, debug: record, warn: record } as unknown as FastifyBaseLogger, lines };
}

afterEach(() => vi.useRealTimers());

describe('BadInputLog', () => {
  it('logs the first of a kind at once and the rest as one count per interval, per kind', () => {
    vi.useFakeTimers();
    const { logger, lines } = recordingLogger();
    const log = new BadInputLog(logger, { intervalMs: 1000 });
    for (let i = 0; i < 200; i++) log.report('malformed frame', { connectionId: i });
    log.report('update refused: missing dependencies', { connectionId: 1 });
    expect(lines.map((l) => l.message)).toEqual(['bad input: malformed frame', 'bad input: update refused: missing dependencies']);
    expect(lines[0]!.fields).toEqual({ connectionId: 0, kind: 'malformed frame' });
    vi.advanceTimersByTime(1000);
    expect(lines).toHaveLength(3);
    expect(lines[2]!.fields).toEqual({ kind: 'malformed frame', count: 199, seconds: 1 });
    expect(lines[2]!.message).toBe('bad input: malformed frame (199 more in the last 1 s)');
    // Still coming: counted, not logged one by one.
    for (let i = 0; i < 5; i++) log.report('malformed frame');
    expect(lines).toHaveLength(3);
    vi.advanceTimersByTime(1000);
    expect(lines[3]!.fields).toEqual({ kind: 'malformed frame', count: 5, seconds: 1 });
    // A quiet interval ends the count; the next occurrence is logged at once again.
    vi.advanceTimersByTime(2000);
    log.report('malformed frame', { connectionId: 9 });
    expect(lines.at(-1)!.fields).toEqual({ connectionId: 9, kind: 'malformed frame' });
    expect(lines).toHaveLength(5);
    log.close();
  });
});
