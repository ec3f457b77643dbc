// Types of the exports of with-node.mjs (plain JavaScript on purpose: it must run on Node 20), for the tests that use them.
export declare const NODE_PACKAGES: Readonly<Record<string, string>>;
export declare function requiredNode(): [number, number];
export declare function satisfies(version: string, required: readonly [number, number]): boolean;
export declare function installNodePackage(
  spec: string,
): { binDir: string; npmStatus?: undefined } | { binDir?: undefined; npmStatus: number | null };
export declare function nodePackagePaths(spec: string): { dir: string; binDir: string };
export declare function cacheRoot(): string;
