#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/index.js) into one minified file, dist/deployer.js, which is what
// `deployer` runs. Loading one file instead of ~900 modules roughly halves the start-up time and cuts
// ~10 MB of idle RSS (see docs/benchmarks.md). Run after `tsc` (`npm run build` does both).
// Left outside the bundle: the native SQLite binding, and what is loaded lazily on first use (the API
// docs, whose UI serves files from its own package, and pino-pretty for terminals).
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const entry = resolve(root, "dist/cli/index.js");
const out = resolve(root, "dist/deployer.js");
const external = ["better-sqlite3", "pino-pretty", "@fastify/swagger", "@fastify/swagger-ui"];

await build({
  input: entry,
  platform: "node",
  external: (id) => external.some((e) => id === e || id.startsWith(`${e}/`)),
  logLevel: "warn",
  // What the code imports on first use (the dashboard's file server, the GitHub client, execa) stays
  // in chunks of its own, loaded only then. Old chunks are never deleted: their names carry a hash,
  // and a server still running an older build may yet import one.
  output: {
    dir: resolve(root, "dist"),
    entryFileNames: "deployer.js",
    chunkFileNames: "chunks/[name]-[hash].js",
    format: "esm",
    minify: true,
    // One non-ASCII character makes V8 hold the whole source as a two-byte string: 2.1 MB of heap
    // instead of 1.1 MB for the main file. Escaped, the code is pure ASCII.
    charset: "ascii",
    sourcemap: false,
  },
});
// The #! line (with its Node flags) comes from the entry; rolldown keeps it, but make sure.
const shebang = readFileSync(entry, "utf8").split("\n")[0];
const code = readFileSync(out, "utf8");
if (!code.startsWith("#!")) writeFileSync(out, `${shebang}\n${code}`);
chmodSync(out, 0o755);
