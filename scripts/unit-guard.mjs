// Loaded into each unit test file's process (npm run test:unit): starting a child process there throws, so a file
// that needs one cannot pass as a unit test and has to be named *.int.test.ts. Only the test files' processes are
// guarded (NODE_TEST_CONTEXT is set there), not the runner that starts them.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

if (process.env.NODE_TEST_CONTEXT) {
  for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
    childProcess[name] = () => {
      throw new Error(
        `a unit test started a child process (child_process.${name}); unit tests run in-process only: ` +
          'name the file *.int.test.ts to make it an integration test',
      );
    };
  }
  // named imports (import { spawn } from 'node:child_process') read the patched functions too
  syncBuiltinESMExports();
}
