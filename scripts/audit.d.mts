// Types of scripts/audit.mjs for the TypeScript that imports it (its unit test).
export declare const FAILING_SEVERITIES: string[];
export type Verdict =
  | { checked: false; reason: string }
  | { checked: true; failing: Array<{ name: string; severity: string; range: string }>; counts: Record<string, number> };
export declare function verdict(output: string): Verdict;
