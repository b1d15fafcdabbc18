import preset from '../jest.preset.js';

// PGlite takes 2-4 s to start, well over jest's 5 s default once several start in one test.
export default { ...preset, testTimeout: 60_000 };
