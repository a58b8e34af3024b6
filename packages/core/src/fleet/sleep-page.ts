// What a person who opens a sleeping site sees: a page that says the site is asleep, when it wakes
// and how to wake it now — served by the site's own ALB listener rule, switched to a fixed response
// while the site sleeps. ALB rules cannot be conditioned on time and a rule behind the site's own is
// never reached (the first matching rule answers, even with no targets), so the rule itself is
// switched, at the schedule's times, by EventBridge Scheduler's universal target for ELB's ModifyRule:
// AWS's own parts again, nothing of ours running at 20:00. Pure: the page, the rule's two actions, the
// schedules and the ModifyRule inputs they carry.
import {
  describeAwake,
  scheduledActionsFor,
  sleepActionName,
  wakeActionName,
  wakeEndsActionName,
  type AwakeSchedule,
} from './awake-schedule.js';
import { MAX_PREVIEW_LINK_LENGTH } from '../naming.js';

/** EventBridge Scheduler's universal target for ELBv2 ModifyRule (Scheduler user guide, "universal targets"). */
export const MODIFY_RULE_TARGET = 'arn:aws:scheduler:::aws-sdk:elasticloadbalancingv2:modifyRule';
/** The service principal a schedule's role trusts, and iam:PassRole's iam:PassedToService. */
export const SCHEDULER_SERVICE = 'scheduler.amazonaws.com';
/** A fixed-response body is at most 1024 characters (ELBv2 FixedResponseActionConfig). */
export const MAX_PAGE_BODY = 1024;

/** The page's fixed response: 503 (the site is not there now, monitors see that), HTML for people. */
export interface SleepPage {
  statusCode: '503';
  contentType: 'text/html';
  messageBody: string;
}

/** One schedule of the page: at the schedule's sleep it shows the page, at its wake the site. */
export interface SleepPageScheduleSpec {
  name: string;
  /** `cron(…)`, the same expression as the scaled action of the same name. */
  expression: string;
  timezone: string;
  shows: 'page' | 'site';
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `{{preview_link}}` in the platform's wake text, replaced by the site's link. */
export const howToWake = (template: string, link: string) => template.split('{{preview_link}}').join(link);

export const DEFAULT_HOW_TO_WAKE =
  'run the wake-sleep workflow for {{preview_link}}, or: mdl-preview wake {{preview_link}}';

/** The HTML a person sees while the site sleeps: small enough for a fixed response, no outside parts. */
export function sleepPageFor(link: string, awake: AwakeSchedule, wakeText: string): SleepPage {
  const hours = escapeHtml(describeAwake(awake));
  const body =
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<title>${escapeHtml(link)} is asleep</title>` +
    '<style>body{font:1.1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}</style>' +
    '</head><body><h1>This preview site is asleep</h1>' +
    `<p><b>${escapeHtml(link)}</b> is awake ${hours}. Outside those hours it sleeps to save money; nothing on it is lost.</p>` +
    '<p>It wakes by itself when its hours start (give it two minutes).</p>' +
    `<p>To wake it now: ${escapeHtml(howToWake(wakeText, link))}</p></body></html>`;
  return { statusCode: '503', contentType: 'text/html', messageBody: body };
}

/** The longest a schedule reads: four single days and a 32-character time zone. */
const LONGEST_AWAKE: AwakeSchedule = {
  kind: 'window',
  days: [0, 1, 3, 5],
  start: 0,
  end: 1439,
  timezone: 'America/Argentina/ComodRivadavia',
};

/** Whether the platform's wake text keeps every site's page within a fixed response's 1024 characters. */
export const fitsSleepPage = (wakeText: string) =>
  sleepPageFor('x'.repeat(MAX_PREVIEW_LINK_LENGTH), LONGEST_AWAKE, wakeText).messageBody.length <=
  MAX_PAGE_BODY;

/** The rule's action while the site sleeps. */
export const pageActions = (page: SleepPage) => [
  {
    Type: 'fixed-response' as const,
    FixedResponseConfig: {
      StatusCode: page.statusCode,
      ContentType: page.contentType,
      MessageBody: page.messageBody,
    },
  },
];

/** The rule's action while the site is awake. */
export const forwardActions = (targetGroupArn: string) => [
  { Type: 'forward' as const, TargetGroupArn: targetGroupArn },
];

/** The ModifyRule request a schedule runs, as its universal target's JSON input. */
export const modifyRuleInput = (
  ruleArn: string,
  actions: ReturnType<typeof pageActions | typeof forwardActions>,
) => JSON.stringify({ RuleArn: ruleArn, Actions: actions });

/**
 * The page's two recurring schedules (none for `always`): named like the scaled actions they go with
 * (`mdl-<link>-sleep` shows the page, `mdl-<link>-wake` the site), at the same times.
 */
export function sleepPageSchedulesFor(link: string, awake: AwakeSchedule): SleepPageScheduleSpec[] {
  return scheduledActionsFor(link, awake, { min: 0, max: 0 }).map((a) => ({
    name: a.name,
    expression: a.schedule,
    timezone: a.timezone,
    shows: a.name === sleepActionName(link) ? 'page' : 'site',
  }));
}

/** The names of every schedule the suite may have for a site (destroy removes them). */
export const siteScheduleNames = (link: string) => [
  wakeActionName(link),
  sleepActionName(link),
  wakeEndsActionName(link),
];
