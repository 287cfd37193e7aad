import type { Logger } from "pino";
import type { Config } from "../config/types.js";
import type { LogStore } from "../store/logs.js";
import type { Stores } from "../store/stores.js";
import { planReports } from "./plan.js";
import { OutboxSender, type SenderOptions } from "./sender.js";

export { OutboxSender, type SenderOptions } from "./sender.js";

/**
 * Writes a deployment's reports and notifications into the outbox inside the transaction of each
 * status change, and starts the sender that delivers them. Planning never fails the state change:
 * if it throws, the change is kept and the reports are logged as lost.
 */
export function startOutbox(
  deps: { config: Config; stores: Stores; logs: LogStore; logger: Logger; secrets: { mask(t: string): string } },
  opts: Partial<SenderOptions> = {},
): OutboxSender {
  const { config, stores, logs, logger, secrets } = deps;
  const sender = new OutboxSender({ config, outbox: stores.outbox, logger, secrets }, opts);
  stores.store.onStatus((d) => {
    try {
      for (const row of planReports({ ...stores, config, logs }, d)) stores.outbox.add(row);
    } catch (err) {
      logger.error({ err, deployment: d.id }, `${d.app} ${d.id}: cannot queue its reports (${d.status})`);
      return;
    }
    sender.kick();
  });
  sender.start();
  return sender;
}
