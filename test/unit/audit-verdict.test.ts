/** The dependency audit of scripts/audit.mjs: when it fails CI, and when it says it could not check. */
import { describe, expect, it } from 'vitest';
import { verdict } from '../../scripts/audit.mjs';

const report = (vulnerabilities: Record<string, { severity: string; range: string }>) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: Object.fromEntries(Object.entries(vulnerabilities).map(([name, v]) => [name, { name, isDirect: false, via: [], effects: [], fixAvailable: true, nodes: [], ...v }])),
    metadata: {
      vulnerabilities: {
        info: 0,
        low: 0,
        moderate: Object.values(vulnerabilities).filter((v) => v.severity === 'moderate').length,
        high: Object.values(vulnerabilities).filter((v) => v.severity === 'high').length,
        critical: Object.values(vulnerabilities).filter((v) => v.severity === 'critical').length,
        total: Object.keys(vulnerabilities).length,
      },
      dependencies: { prod: 100, dev: 700, optional: 10, peer: 0, peerOptional: 0, total: 810 },
    },
  });

describe('npm audit verdict', () => {
  it('fails on high and critical severities, naming the packages, and lets moderate ones pass', () => {
    const v = verdict(report({ 'path-to-regexp': { severity: 'high', range: '<0.1.12' }, esbuild: { severity: 'moderate', range: '<=0.24.2' }, 'form-data': { severity: 'critical', range: '4.0.0 - 4.0.3' } }));
    expect(v).toEqual({
      checked: true,
      failing: [
        { name: 'path-to-regexp', severity: 'high', range: '<0.1.12' },
        { name: 'form-data', severity: 'critical', range: '4.0.0 - 4.0.3' },
      ],
      counts: { info: 0, low: 0, moderate: 1, high: 1, critical: 1, total: 3 },
    });
  });

  it('passes a clean report', () => {
    expect(verdict(report({}))).toMatchObject({ checked: true, failing: [] });
  });

  it('says it did not check when the audit endpoint refuses (the npm registry answers 405 here)', () => {
    const refused = JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405, body: '', error: { summary: '', detail: '' } });
    expect(verdict(refused)).toEqual({ checked: false, reason: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk' });
    expect(verdict('')).toEqual({ checked: false, reason: 'npm audit printed no report: (nothing)' });
  });
});
