/** Reads counters from a server's Prometheus /metrics (sums over labels). */
export async function readMetrics(baseUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    values.set(match[1]!, (values.get(match[1]!) ?? 0) + Number(match[3]));
  }
  return values;
}

/** `after - before` for one metric. */
export const delta = (before: Map<string, number>, after: Map<string, number>, name: string): number => (after.get(name) ?? 0) - (before.get(name) ?? 0);
