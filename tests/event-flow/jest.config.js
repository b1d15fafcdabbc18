import preset from '../../jest.preset.js';

// Each fault test drives 1,000+ changes against real RabbitMQ and PostgreSQL; one file at a time
// keeps timings (and the faults' timing) predictable on a 2-core machine.
export default { ...preset, testTimeout: 60_000, maxWorkers: 1 };
