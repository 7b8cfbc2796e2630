import { packageProject } from '../../vitest.shared.js';

// Browser tests: one Chromium and one started server per file.
export default packageProject('web', { testTimeout: 120_000 });
