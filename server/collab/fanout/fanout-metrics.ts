/** Prometheus metrics of the cross-instance fan-out (Redis Streams + catch-up from PostgreSQL). */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { FanoutMessage } from './fanout-messages.js';

export interface FanoutMetrics {
  observe(redisUp: () => boolean): void;
  published(message: FanoutMessage): void;
  publishFailed(): void;
  received(message: FanoutMessage): void;
  caughtUp(rows: number, fromSnapshot: boolean): void;
}

export function createFanoutMetrics(registry: Registry): FanoutMetrics {
  let up = () => false;
  new Gauge({
    name: 'draftroom_fanout_redis_up',
    help: '1 while both Redis connections of the fan-out are ready, else 0',
    registers: [registry],
    collect() {
      this.set(up() ? 1 : 0);
    },
  });
  const published = new Counter({ name: 'draftroom_fanout_published_total', help: 'Messages published to the Redis streams, by kind', labelNames: ['kind'], registers: [registry] });
  const publishFailures = new Counter({ name: 'draftroom_fanout_publish_failures_total', help: 'Messages that could not be published (receivers catch up from the database)', registers: [registry] });
  const received = new Counter({ name: 'draftroom_fanout_received_total', help: 'Messages received from other instances, by kind', labelNames: ['kind'], registers: [registry] });
  const catchUps = new Counter({ name: 'draftroom_fanout_catchups_total', help: 'Catch-ups that found rows (or a newer snapshot) in the database', labelNames: ['from'], registers: [registry] });
  const catchUpRows = new Counter({ name: 'draftroom_fanout_catchup_rows_total', help: 'Log rows applied and broadcast by catch-ups', registers: [registry] });
  return {
    observe(reader) {
      up = reader;
    },
    published: (message) => published.inc({ kind: message.kind }),
    publishFailed: () => publishFailures.inc(),
    received: (message) => received.inc({ kind: message.kind }),
    caughtUp(rows, fromSnapshot) {
      catchUps.inc({ from: fromSnapshot ? 'snapshot' : 'log' });
      catchUpRows.inc(rows);
    },
  };
}
