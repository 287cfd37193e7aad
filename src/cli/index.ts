#!/usr/bin/env -S node --max-semi-space-size=1 --single-threaded --no-allocation-site-pretenuring
import { Command } from "commander";
import { approveCommand } from "./commands/approve.js";
import { cancelCommand } from "./commands/cancel.js";
import { checkCommand } from "./commands/check.js";
import { deployCommand } from "./commands/deploy.js";
import { historyCommand } from "./commands/history.js";
import { initCommand } from "./commands/init.js";
import { logsCommand } from "./commands/logs.js";
import { rollbackCommand } from "./commands/rollback.js";
import { sendTestCommand } from "./commands/send-test.js";
import { serveCommand } from "./commands/serve.js";
import { statusCommand } from "./commands/status.js";
import { systemdCommand } from "./commands/systemd.js";

const program = new Command("deployer")
  .description("push-to-deploy for Docker Compose apps")
  .version("0.1.0")
  .option("-c, --config <file>", "config file (default: $DEPLOYER_CONFIG or ./deployer.yml)");

for (const register of [
  serveCommand,
  checkCommand,
  initCommand,
  systemdCommand,
  sendTestCommand,
  deployCommand,
  rollbackCommand,
  cancelCommand,
  approveCommand,
  statusCommand,
  historyCommand,
  logsCommand,
]) {
  register(program);
}

await program.parseAsync();
