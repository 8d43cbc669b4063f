// Runs the browser test (run.mjs) against the mock API (mock-server.mjs) instead of the real
// server: a quick check of the page and of the test itself without building Rust. The
// screenshots go to /tmp/county-e2e-mock (MOCK=1), never to docs/screenshots.
//
//   node mock-e2e.mjs          (npm run test:mock)

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { startMock, MOCK_LOGIN } from "./mock-server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const server = await startMock(0);
const base = `http://127.0.0.1:${server.address().port}`;
console.log(`[mock-e2e] mock server at ${base}`);

const child = spawn(process.execPath, [join(here, "run.mjs")], {
  stdio: "inherit",
  env: {
    ...process.env,
    MOCK: "1",
    TAIZHANG_SERVER: base,
    COUNTY_LOGIN: MOCK_LOGIN.login,
    COUNTY_PASSWORD: MOCK_LOGIN.password,
    EXPECT_VILLAGES: process.env.EXPECT_VILLAGES ?? "3",
  },
});
const code = await new Promise((resolve) => child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0))));
server.closeAllConnections?.();
server.close();
process.exit(code);
