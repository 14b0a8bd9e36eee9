import { describe, expect, it } from 'vitest';
import { SeqTracker } from '../../server/collab/fanout/seq-tracker.js';
import { decodeMessage, encodeMessage, streamKeys, streamOf, type FanoutMessage } from '../../server/collab/fanout/fanout-messages.js';

describe('SeqTracker', () => {
  it('starts at the loaded watermark and advances over contiguous seqs', () => {
    const t = new SeqTracker(4);
    expect(t.through).toBe(4);
    expect(t.has(4)).toBe(true);
    expect(t.has(5)).toBe(false);
    expect(t.add(5)).toBe(true);
    expect(t.add(6)).toBe(true);
    expect(t.through).toBe(6);
    expect(t.hasGap).toBe(false);
  });

  it('keeps seqs committed here above a gap, and closes the gap when the missing rows arrive', () => {
    const t = new SeqTracker(0);
    expect(t.add(3)).toBe(true);
    expect(t.add(5)).toBe(true);
    expect(t.through).toBe(0);
    expect(t.highest).toBe(5);
    expect(t.hasGap).toBe(true);
    expect(t.has(3)).toBe(true);
    expect(t.has(4)).toBe(false);
    t.add(1);
    t.add(2);
    expect(t.through).toBe(3);
    t.add(4);
    expect(t.through).toBe(5);
    expect(t.hasGap).toBe(false);
  });

  it('says when a seq was applied already, so nothing is applied or broadcast twice', () => {
    const t = new SeqTracker(2);
    expect(t.add(2)).toBe(false);
    expect(t.add(4)).toBe(true);
    expect(t.add(4)).toBe(false);
    expect(t.add(3)).toBe(true);
    expect(t.add(3)).toBe(false);
  });

  it('jumps to a snapshot’s seq, dropping what it covers and absorbing what follows it', () => {
    const t = new SeqTracker(1);
    t.add(4);
    t.add(7);
    t.add(8);
    t.advanceTo(6);
    expect(t.through).toBe(8);
    expect(t.hasGap).toBe(false);
    t.advanceTo(3);
    expect(t.through).toBe(8);
  });

  it('reaches the same watermark whatever order a random set of seqs arrives in', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 50; round++) {
      const seqs = Array.from({ length: 40 }, (_, i) => i + 1).sort(() => random() - 0.5);
      const t = new SeqTracker(0);
      let prefix = 0;
      const seen = new Set<number>();
      for (const seq of seqs) {
        t.add(seq);
        seen.add(seq);
        while (seen.has(prefix + 1)) prefix++;
        expect(t.through).toBe(prefix);
      }
      expect(t.through).toBe(40);
      expect(t.hasGap).toBe(false);
    }
  });

  it('refuses a negative or fractional start', () => {
    expect(() => new SeqTracker(-1)).toThrow(RangeError);
    expect(() => new SeqTracker(1.5)).toThrow(RangeError);
  });
});

describe('fan-out messages', () => {
  const messages: FanoutMessage[] = [
    { kind: 'update', documentId: 'd1', seq: 42 },
    { kind: 'events', documentId: 'd1' },
    { kind: 'session', sessionId: 's1' },
    { kind: 'member', memberId: 'm1' },
  ];

  it('round-trips every kind with its origin, on the right stream', () => {
    const keys = streamKeys('p');
    for (const message of messages) {
      expect(decodeMessage(encodeMessage('instance-a', message))).toEqual({ origin: 'instance-a', message });
      expect(streamOf(keys, message)).toBe(message.kind === 'update' ? 'p:updates' : 'p:notices');
    }
  });

  it('ignores malformed entries', () => {
    expect(decodeMessage([])).toBeUndefined();
    expect(decodeMessage(['origin', 'a', 'kind', 'update', 'id', 'd', 'seq', 'x'])).toBeUndefined();
    expect(decodeMessage(['origin', 'a', 'kind', 'update', 'id', 'd', 'seq', '0'])).toBeUndefined();
    expect(decodeMessage(['origin', 'a', 'kind', 'other', 'id', 'd'])).toBeUndefined();
    expect(decodeMessage(['kind', 'events', 'id', 'd'])).toBeUndefined();
  });
});
