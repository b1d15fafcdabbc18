import preset from '../jest.preset.js';

// Integration tests start whole systems (servers, databases): allow them time on a 2-core machine.
export default { ...preset, testTimeout: 60_000 };
