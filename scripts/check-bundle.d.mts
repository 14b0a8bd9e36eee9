// Types of scripts/check-bundle.mjs for the TypeScript that imports it (its unit test).
export declare const BUDGET_BYTES: number;
export declare const ON_DEMAND: string[];
export interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
export declare function firstScreen(
  manifest: Record<string, ManifestChunk>,
  read: (file: string) => Buffer,
): { files: { file: string; gzip: number }[]; jsGzip: number; cssGzip: number; problems: string[] };
