/** `steward costs`: requests, cost, cache hit rate and savings per day and tier, from the rollup tables. */

import { StewardError } from '../errors/index.js';
import { CostRollups } from '../optimize/index.js';
import { CliError, type CliIo, exitCode } from './cli-io.js';
import { loadAgentConfigs, storeOfConfig } from './load-config.js';

export interface CostsCommandOptions {
  configPath: string;
  tenant?: string | undefined;
  agent?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  json?: boolean | undefined;
}

export async function costsCommand(options: CostsCommandOptions, io: CliIo): Promise<number> {
  const [first] = await loadAgentConfigs(options.configPath, io.cwd);
  const { store, owned } = await storeOfConfig(first?.store, io.env);
  try {
    const report = await new CostRollups(store).report({
      ...(options.tenant ? { tenantId: options.tenant } : {}),
      ...(options.agent ? { agentId: options.agent } : {}),
      ...(options.from ? { from: options.from } : {}),
      ...(options.to ? { to: options.to } : {}),
    });
    if (options.json) {
      io.out(JSON.stringify(report, null, 2));
      return exitCode.ok;
    }
    const usd = (value: number) => `$${value.toFixed(4)}`;
    for (const row of report.rows) {
      io.out(
        `${row.day}  ${row.tenantId}/${row.agentId}  ${row.tier.padEnd(11)} ${String(row.requests).padStart(7)} requests  ${usd(row.costUsd).padStart(10)}  saved ${usd(row.savingsUsd)}`,
      );
    }
    const { totals } = report;
    io.out(
      `total: ${totals.requests} requests, ${usd(totals.costUsd)} spent, ${usd(totals.savingsUsd)} saved against ${usd(totals.baselineUsd)} all-model; cache hit rate ${(totals.cacheHitRate * 100).toFixed(1)}%`,
    );
    return exitCode.ok;
  } catch (error) {
    if (StewardError.isInstance(error)) throw new CliError(error.message);
    throw error;
  } finally {
    if (owned) await store.close();
  }
}
