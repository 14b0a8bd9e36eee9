// `npm run audit`: fails when `npm audit` reports a vulnerability of high or critical severity
// in any dependency (production or development). When the registry's audit endpoint does not
// answer (a mirror or a closed network: the npm registry here answers 405 to it), it says so and
// does not fail, since nothing was checked; CI runs it, so any machine that reaches the endpoint
// enforces the rule.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const FAILING_SEVERITIES = ['high', 'critical'];

/**
 * What `npm audit --json` printed, judged: `{ checked: false, reason }` when it is not an audit
 * report (the endpoint failed); else `{ checked: true, failing: [{ name, severity, range }], counts }`.
 */
export function verdict(output) {
  let report;
  try {
    report = JSON.parse(output);
  } catch {
    return { checked: false, reason: `npm audit printed no report: ${output.trim().slice(0, 200) || '(nothing)'}` };
  }
  if (!report || typeof report !== 'object' || !report.metadata?.vulnerabilities) {
    return { checked: false, reason: report?.message ?? report?.error?.summary ?? 'npm audit answered without a report' };
  }
  const failing = Object.values(report.vulnerabilities ?? {})
    .filter((v) => FAILING_SEVERITIES.includes(v.severity))
    .map((v) => ({ name: v.name, severity: v.severity, range: v.range }));
  return { checked: true, failing, counts: report.metadata.vulnerabilities };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const run = spawnSync('npm', ['audit', '--json'], { encoding: 'utf8', timeout: 120_000 });
  const result = verdict(run.stdout ?? '');
  if (!result.checked) {
    console.log(`npm audit: not checked — the audit endpoint did not answer (${result.reason})`);
  } else if (result.failing.length > 0) {
    console.error(`npm audit: ${result.failing.length} package(s) with vulnerabilities of high or critical severity:`);
    for (const v of result.failing) console.error(`  ${v.name} (${v.severity}) ${v.range}`);
    process.exit(1);
  } else {
    const c = result.counts;
    console.log(`npm audit: no vulnerability of high or critical severity (low ${c.low ?? 0}, moderate ${c.moderate ?? 0})`);
  }
}
