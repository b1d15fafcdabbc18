import preset from '../../jest.preset.js';

// Each case starts the whole system as processes (three services, two embedded databases): one
// file at a time, with time for it on a 2-core machine.
export default { ...preset, testTimeout: 120_000, maxWorkers: 1 };
