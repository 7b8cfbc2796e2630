import { packageProject } from '../../vitest.shared.js';

// globalSetup starts the local Swift S3 server (scripts/s3-server/start.sh) unless S3_TEST_ENDPOINT is set.
export default packageProject('storage-s3', {
  globalSetup: ['./test/global-setup.ts'],
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
});
