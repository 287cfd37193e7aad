import { resolve } from "node:path";
import type { Command } from "commander";
import { packageRoot } from "../../helpers/package-root.js";
import { configPath } from "../context.js";

/**
 * Node flags the server runs with (also in the #! line of dist/cli/index.js and dist/deployer.js): a
 * small young generation keeps RSS flat, and V8 working on the main thread only keeps its compilers'
 * and collector's scratch memory in the main malloc arena, from which it is given back; each helper
 * thread's arena kept what a burst of deliveries grew (docs/benchmarks.md, fourth round). No
 * allocation-site pretenuring: requests allocate only short-lived objects, and a burst of work at start
 * (500 apps' catch-up) made V8 allocate them straight into the old generation, which tripled the
 * young collections' pauses under API load (docs/benchmarks.md, sixth round).
 */
export const NODE_FLAGS = "--max-semi-space-size=1 --single-threaded --no-allocation-site-pretenuring";

export function systemdUnit(opts: { workingDirectory: string; config: string; user?: string | undefined }): string {
  const cli = resolve(packageRoot(import.meta.dirname), "dist/deployer.js");
  return `[Unit]
Description=deployer: push-to-deploy for Docker Compose apps
After=network-online.target docker.service
Wants=network-online.target docker.service

[Service]
Type=simple
${opts.user ? `User=${opts.user}\n` : ""}WorkingDirectory=${opts.workingDirectory}
EnvironmentFile=${resolve(opts.workingDirectory, ".env")}
ExecStart=${process.execPath} ${NODE_FLAGS} ${cli} serve --config ${opts.config}
Restart=on-failure
RestartSec=5
# SIGTERM goes to deployer only; it lets a running deploy finish, and a restart resumes anything cut short.
KillMode=mixed
TimeoutStopSec=45

[Install]
WantedBy=multi-user.target
`;
}

export function systemdCommand(program: Command): void {
  program
    .command("systemd")
    .description("print a systemd unit for `deployer serve` (install: see the README)")
    .option("--user <user>", "run the service as this user")
    .action((opts: { user?: string }, cmd: Command) => {
      process.stdout.write(
        systemdUnit({ workingDirectory: process.cwd(), config: resolve(configPath(cmd)), user: opts.user }),
      );
    });
}
