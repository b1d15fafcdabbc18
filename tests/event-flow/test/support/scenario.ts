import { ChangeDriver } from './change-driver.js';
import type { EventFlow } from './event-flow.js';
import { checkHistories, type HistoryCheck } from './verify-history.js';

/** 40 members x 25 changes = 1,000 nickname changes, paced at 300/s (about 3.5 s of traffic). */
export const LOAD = { members: 40, changesPerMember: 25, ratePerSecond: 300 } as const;

export interface ScenarioResult {
  driver: ChangeDriver;
  check: HistoryCheck;
  millis: number;
}

/**
 * Signs up the members, drives the changes while `fault` does its damage, waits until every
 * committed change is delivered, then checks every member's history.
 */
export async function runScenario(flow: EventFlow, fault: (driver: ChangeDriver) => Promise<void>): Promise<ScenarioResult> {
  const started = Date.now();
  const memberIds = await flow.createMembers(LOAD.members);
  const driver = new ChangeDriver(flow, { memberIds, changesPerMember: LOAD.changesPerMember, ratePerSecond: LOAD.ratePerSecond });
  await Promise.all([fault(driver), driver.done]);
  await flow.delivered();
  const check = await checkHistories(flow, driver);
  const millis = Date.now() - started;
  process.stdout.write(
    `${expect.getState().currentTestName ?? 'scenario'}: ${driver.acknowledged} changes acknowledged, ` +
      `${check.entries} history entries for ${check.members} members, ${millis} ms\n`,
  );
  return { driver, check, millis };
}

/** Every acknowledged change recorded exactly once, every chain unbroken. */
export function expectLossless({ driver, check }: ScenarioResult): void {
  expect(check.problems).toEqual([]);
  expect(driver.acknowledged).toBe(LOAD.members * LOAD.changesPerMember);
  expect(check.entries).toBe(LOAD.members * (LOAD.changesPerMember + 1));
}
