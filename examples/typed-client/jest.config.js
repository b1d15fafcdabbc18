import preset from '../../jest.preset.js';

// The test starts the whole system (servers, databases) and runs tsc: allow it time.
export default { ...preset, testTimeout: 60_000 };
