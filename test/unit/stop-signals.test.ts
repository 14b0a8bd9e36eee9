import { afterEach, describe, expect, it, vi } from 'vitest';
import { onStopSignal } from '../../server/stop-signals.js';

describe('stop signals', () => {
  let remove: (() => void) | undefined;
  afterEach(() => {
    remove?.();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('drains once when the same SIGTERM arrives twice (a process-group kill of npm start), and forces the exit on a later one', () => {
    vi.useFakeTimers({ now: 0 });
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const stops: string[] = [];
    const exits: number[] = [];
    remove = onStopSignal(
      (signal) => stops.push(signal),
      (code) => exits.push(code),
    );
    process.emit('SIGTERM', 'SIGTERM');
    vi.setSystemTime(50);
    process.emit('SIGTERM', 'SIGTERM');
    expect(stops).toEqual(['SIGTERM']);
    expect(exits).toEqual([]);
    vi.setSystemTime(5_000);
    process.emit('SIGINT', 'SIGINT');
    expect(stops).toEqual(['SIGTERM']);
    expect(exits).toEqual([1]);
  });
});
