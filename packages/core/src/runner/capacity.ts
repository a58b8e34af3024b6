// Launching through capacity shortages: the launch options in order (market × instance type × subnet),
// one RunInstances each until one succeeds; capacity errors fall through to the next, anything else
// (a bad AMI, a missing permission) stops at once. Every failure is logged.
import { RunInstancesCommand, type EC2Client, type RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';

import type { MarketType } from './lease-names.js';

export interface LaunchOption {
  market: 'spot' | 'on-demand';
  instanceType: string;
  subnetId: string;
}

export interface LaunchAttempt extends LaunchOption {
  /** The error code when it failed. */
  error?: string;
  message?: string;
}

/**
 * Errors that mean "not here, not now" rather than "wrong request": no capacity in the pool, no spot
 * capacity at the price, the type not offered in the subnet's zone, the account's vCPU quota for that
 * market, no free address in the subnet.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/troubleshooting-launch.html
 */
export const CAPACITY_ERRORS: ReadonlySet<string> = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientHostCapacity',
  'InsufficientCapacityOnHost',
  'InsufficientReservedInstanceCapacity',
  'InsufficientFreeAddressesInSubnet',
  'InsufficientCapacity',
  'SpotMaxPriceTooLow',
  'MaxSpotInstanceCountExceeded',
  'VcpuLimitExceeded',
  'InstanceLimitExceeded',
  'Unsupported',
]);

/** Spot before on-demand (cheaper first); within a market the types in order, each in every subnet. */
export function launchOptions(
  market: MarketType,
  instanceTypes: readonly string[],
  subnetIds: readonly string[],
) {
  const markets: LaunchOption['market'][] =
    market === 'spot-then-on-demand' ? ['spot', 'on-demand'] : [market === 'spot' ? 'spot' : 'on-demand'];
  const options: LaunchOption[] = [];
  for (const m of markets)
    for (const instanceType of instanceTypes)
      for (const subnetId of subnetIds) options.push({ market: m, instanceType, subnetId });
  return options;
}

/** Thrown when every launch option failed on capacity. */
export class NoCapacityError extends Error {
  override name = 'NoCapacityError';
  constructor(readonly attempts: readonly LaunchAttempt[]) {
    super(
      `no capacity for the runner in any of ${attempts.length} launch option(s): ` +
        attempts.map((a) => `${a.market} ${a.instanceType} in ${a.subnetId}: ${a.error}`).join('; '),
    );
  }
}

/**
 * Try each option in turn with `base` + the option. The client token makes an SDK retry of the same
 * attempt (a lost answer) return the first launch instead of a second instance; `tokenSeed` must be
 * new for every start (EC2 answers a reused token with other parameters IdempotentParameterMismatch).
 */
export async function launchWithFallback(
  ec2: EC2Client,
  base: Omit<
    RunInstancesCommandInput,
    'InstanceType' | 'SubnetId' | 'InstanceMarketOptions' | 'MinCount' | 'MaxCount'
  >,
  options: readonly LaunchOption[],
  tokenSeed: string,
  log: Logger,
): Promise<{
  instanceId: string;
  ownerId: string | undefined;
  option: LaunchOption;
  attempts: LaunchAttempt[];
}> {
  const attempts: LaunchAttempt[] = [];
  for (const [n, option] of options.entries()) {
    const attempt: LaunchAttempt = { ...option };
    attempts.push(attempt);
    try {
      const out = await ec2.send(
        new RunInstancesCommand({
          ...base,
          MinCount: 1,
          MaxCount: 1,
          InstanceType: option.instanceType as RunInstancesCommandInput['InstanceType'],
          SubnetId: option.subnetId,
          ClientToken: createHash('sha256').update(`${tokenSeed}#${n}`).digest('hex').slice(0, 64),
          ...(option.market === 'spot'
            ? {
                InstanceMarketOptions: {
                  MarketType: 'spot',
                  SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
                },
              }
            : {}),
        }),
      );
      const instanceId = out.Instances?.[0]?.InstanceId;
      if (!instanceId) throw new Error('RunInstances answered without an instance id');
      log.info(`launched ${instanceId}: ${option.market} ${option.instanceType} in ${option.subnetId}`);
      return { instanceId, ownerId: out.OwnerId, option, attempts };
    } catch (err) {
      const code = (err as { name?: string; Code?: string }).Code ?? (err as Error).name;
      attempt.error = code;
      attempt.message = (err as Error).message;
      log.warning(
        `launch ${n + 1}/${options.length} (${option.market} ${option.instanceType} in ${option.subnetId}) failed: ${code}: ${attempt.message}`,
      );
      if (!CAPACITY_ERRORS.has(code)) throw err;
    }
  }
  throw new NoCapacityError(attempts);
}
