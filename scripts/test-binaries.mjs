// Lists the test executables cargo built, from `cargo test --no-run --message-format=json` on
// stdin: one line per binary, "<package directory>\t<executable>", for the packages named in
// the arguments. scripts/test.sh runs them again on PostgreSQL without rebuilding (a
// `cargo test -p …` of a few packages unifies features differently and compiles again).
import { createInterface } from "node:readline";
import { dirname } from "node:path";

const wanted = new Set(process.argv.slice(2));
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.startsWith("{")) continue;
  const m = JSON.parse(line);
  if (m.reason !== "compiler-artifact" || !m.executable || !m.profile?.test) continue;
  // package_id: "path+file:///dir#name@version" (or "…/name#version" when they match).
  const id = m.package_id ?? "";
  const name = id.includes("#") ? id.split("#")[1].split("@")[0] : id.split(" ")[0];
  const pkg = /^[0-9.]+$/.test(name) ? id.split("#")[0].split("/").pop() : name;
  if (wanted.has(pkg)) console.log(`${dirname(m.manifest_path)}\t${m.executable}`);
}
