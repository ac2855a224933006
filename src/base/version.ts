/** This release's version, as package.json says (test/package/version.test.ts keeps them equal). */
export const VERSION = '0.1.0';
