import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { configPath } from "../context.js";

const STARTER = `# deployer configuration. Reference: the README's "Configuration" section.
# \${VAR} is read from the environment; .env in this directory is loaded first.

server: { host: 0.0.0.0, port: 8000 }   # --host/--port override
dataDir: ./data                         # SQLite database and per-deployment logs
logFile: ./webhook_server.log           # the console gets the same lines
secret: \${GITHUB_WEBHOOK_SECRET}        # the GitHub webhook secret (from .env)
apiToken: \${DEPLOYER_API_TOKEN}         # Bearer token for /api/* and the CLI
ignore: [deployer]                      # repositories never deployed
concurrency: 2                          # apps deployed at the same time

apps:
  myapp:                                # the app's name
    repo: me/myapp                      # matched against the push's repository.full_name
    path: /srv/myapp                    # an existing git clone of the repo
    branch: main                        # only pushes to this branch deploy
    # composeFiles: [docker-compose.prod.yml]   # default: .env DEBUG=true → docker-compose.dev.yml, else docker-compose.prod.yml
    # project: myapp                    # Compose project name (default: COLOR from the app's .env + the app name)
    # rebuildOn: ["requirements.txt", "Dockerfile*"]   # globs that force a rebuild of every built service
    # timeouts: { git: 120, build: 1800, up: 600, health: 120, hooks: 600 }   # seconds
    # healthcheck: { url: "http://127.0.0.1:8080/health", expect: 200, timeout: 60 }
    # hooks:
    #   preDeploy: [["docker-compose", "run", "--rm", "web", "migrate"]]
    #   postDeploy: []
`;

export function initCommand(program: Command): void {
  program
    .command("init")
    .description("write a commented starter deployer.yml and a .env with fresh secrets (never overwrites)")
    .action((_opts, cmd: Command) => {
      const file = configPath(cmd);
      if (existsSync(file)) console.log(`${file} exists; left alone`);
      else {
        writeFileSync(file, STARTER);
        console.log(`wrote ${file}: edit the apps section`);
      }
      if (existsSync(".env")) console.log(".env exists; left alone");
      else {
        const secret = randomBytes(32).toString("hex");
        const token = randomBytes(24).toString("hex");
        writeFileSync(".env", `GITHUB_WEBHOOK_SECRET=${secret}\nDEPLOYER_API_TOKEN=${token}\n`, { mode: 0o600 });
        console.log(
          "wrote .env with a new webhook secret and API token: paste GITHUB_WEBHOOK_SECRET into GitHub's webhook settings",
        );
      }
    });
}
