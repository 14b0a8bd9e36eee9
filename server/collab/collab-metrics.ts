/** Prometheus metrics of the live-editing runtime (API.md: connections, documents, updates/s, commit latency). */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { UpdateLogObserver } from './update-log.js';

export interface CollabMetrics {
  /** Feeds commit latency and row counts from the group-commit log. */
  readonly logObserver: UpdateLogObserver;
  observe(read: () => { connections: number; documents: number }): void;
  committed(updates: number): void;
  discarded(): void;
  closed(code: number): void;
  refused(code: number): void;
  /**
   * A document loaded into a room: seconds from the start until its snapshot was read, its rows
   * were read, and it was ready; for a load in steps (a snapshot and rows) also until its snapshot
   * and then its rows had been applied on the worker.
   */
  loaded(times: { snapshotSeconds: number; readSeconds: number; readySeconds: number; snapshotAppliedSeconds?: number; rowsAppliedSeconds?: number }): void;
}

export function createCollabMetrics(registry: Registry): CollabMetrics {
  let read = () => ({ connections: 0, documents: 0 });
  new Gauge({
    name: 'draftroom_ws_connections',
    help: 'Open collaboration WebSocket connections',
    registers: [registry],
    collect() {
      this.set(read().connections);
    },
  });
  new Gauge({
    name: 'draftroom_documents_in_memory',
    help: 'Documents loaded in memory',
    registers: [registry],
    collect() {
      this.set(read().documents);
    },
  });
  const updates = new Counter({ name: 'draftroom_updates_committed_total', help: 'Client updates committed and broadcast', registers: [registry] });
  const discarded = new Counter({ name: 'draftroom_updates_discarded_total', help: 'Updates from read-only connections, dropped', registers: [registry] });
  const closes = new Counter({ name: 'draftroom_ws_closed_total', help: 'Connections closed by the server, by close code', labelNames: ['code'], registers: [registry] });
  const refusals = new Counter({ name: 'draftroom_ws_refused_total', help: 'Connections refused at open, by close code', labelNames: ['code'], registers: [registry] });
  const commitSeconds = new Histogram({
    name: 'draftroom_commit_seconds',
    help: 'Latency of a group-commit transaction of document updates',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const commitRows = new Counter({ name: 'draftroom_log_rows_total', help: 'Rows appended to document_updates', registers: [registry] });
  const commitFailures = new Counter({ name: 'draftroom_commit_failures_total', help: 'Failed group-commit attempts', registers: [registry] });

  const loadSeconds = new Histogram({
    name: 'draftroom_document_load_seconds',
    help: 'Loading a document into memory, seconds from its start until: snapshot read, snapshot and log read, snapshot applied and log applied (on a worker; loads in steps only), room ready',
    labelNames: ['phase'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });

  return {
    logObserver: {
      committed(rows, _bytes, seconds) {
        commitRows.inc(rows);
        commitSeconds.observe(seconds);
      },
      failed: () => commitFailures.inc(),
    },
    observe(reader) {
      read = reader;
    },
    committed: (n) => updates.inc(n),
    discarded: () => discarded.inc(),
    closed: (code) => closes.inc({ code: String(code) }),
    refused: (code) => refusals.inc({ code: String(code) }),
    loaded({ snapshotSeconds, readSeconds, readySeconds, snapshotAppliedSeconds, rowsAppliedSeconds }) {
      loadSeconds.observe({ phase: 'snapshot' }, snapshotSeconds);
      loadSeconds.observe({ phase: 'read' }, readSeconds);
      loadSeconds.observe({ phase: 'ready' }, readySeconds);
      if (snapshotAppliedSeconds !== undefined) loadSeconds.observe({ phase: 'snapshotApplied' }, snapshotAppliedSeconds);
      if (rowsAppliedSeconds !== undefined) loadSeconds.observe({ phase: 'rowsApplied' }, rowsAppliedSeconds);
    },
  };
}
