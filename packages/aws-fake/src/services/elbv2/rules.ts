// Load balancers, listeners and rules in the ELBv2 fake (rules with their priorities and quotas), and tags.
import { AwsServiceError } from '../../errors.js';
import {
  type ListenerRecord,
  type Params,
  type RuleRecord,
  integer,
  listOf,
  missing,
  pageOf,
  requiredText,
  structOf,
  text,
  textList,
  validation,
} from './model.js';
import { Elbv2TargetGroups } from './target-groups.js';

export class Elbv2Rules extends Elbv2TargetGroups {
  protected describeAccountLimits(): unknown {
    return {
      Limits: [
        { Name: 'rules-per-application-load-balancer', Max: String(this.limits.rulesPerLoadBalancer ?? 100) },
        { Name: 'target-groups', Max: String(this.limits.targetGroupsPerAccount) },
        {
          Name: 'target-groups-per-application-load-balancer',
          Max: String(this.limits.targetGroupsPerLoadBalancer),
        },
        { Name: 'targets-per-target-group', Max: String(this.limits.targetsPerTargetGroup) },
      ],
    };
  }

  protected describeLoadBalancers(params: Params): unknown {
    const arns = textList(params.LoadBalancerArns);
    const names = textList(params.Names);
    let found = [...this.balancers.values()].map((lb) => lb.view);
    if (arns.length > 0 && names.length > 0) {
      throw validation('Load balancer names and load balancer ARNs cannot be specified at the same time');
    }
    if (arns.length > 0) found = found.filter((lb) => arns.includes(lb.LoadBalancerArn));
    if (names.length > 0) found = found.filter((lb) => names.includes(lb.LoadBalancerName));
    if (found.length < new Set([...arns, ...names]).size) {
      throw new AwsServiceError('LoadBalancerNotFound', 'One or more load balancers not found');
    }
    const { page, NextMarker } = pageOf(
      found,
      (lb) => `${lb.LoadBalancerName} ${lb.LoadBalancerArn}`,
      params,
    );
    return { LoadBalancers: page, NextMarker };
  }

  protected describeListeners(params: Params): unknown {
    const lbArn = text(params.LoadBalancerArn);
    const arns = textList(params.ListenerArns);
    if (!lbArn && arns.length === 0)
      throw validation('You must specify either listener ARNs or a load balancer ARN');
    if (lbArn && arns.length > 0) {
      throw validation('Listener ARNs and a load balancer ARN cannot be specified at the same time');
    }
    let found: ListenerRecord[];
    if (lbArn) {
      this.loadBalancer(lbArn);
      found = [...this.listenerRecords.values()].filter((l) => l.loadBalancerArn === lbArn);
    } else {
      found = arns.map((arn) => this.listener(arn));
    }
    const { page, NextMarker } = pageOf(found, (l) => this.listenerKey(l), params);
    return { Listeners: page.map((l) => this.listenerView(l)), NextMarker };
  }

  protected describeRules(params: Params): unknown {
    const listenerArn = text(params.ListenerArn);
    const arns = textList(params.RuleArns);
    if (!listenerArn && arns.length === 0)
      throw validation('You must specify either listener ARN or rule ARNs');
    if (listenerArn && arns.length > 0) {
      throw validation('Listener ARN and rule ARNs cannot be specified at the same time');
    }
    let found: RuleRecord[];
    if (listenerArn) {
      this.listener(listenerArn);
      found = [...this.ruleRecords.values()].filter((r) => r.listenerArn === listenerArn);
    } else {
      found = [...new Set(arns)].map((arn) => this.rule(arn));
    }
    const { page, NextMarker } = pageOf(found, (r) => this.ruleKey(r), params);
    return { Rules: page.map((r) => this.ruleView(r)), NextMarker };
  }

  protected createRule(params: Params): unknown {
    const listener = this.listener(requiredText(params, 'ListenerArn'));
    if (params.Priority === undefined) throw missing('Priority');
    const priority = integer(params.Priority, 'priority', 1, 50000)!;
    const conditions = this.readConditions(params.Conditions);
    const actions = this.readActions(params.Actions);
    const tags = this.readTags(params.Tags);
    const siblings = [...this.ruleRecords.values()].filter((r) => r.listenerArn === listener.arn);
    if (siblings.some((r) => r.priority === priority)) {
      throw new AwsServiceError('PriorityInUse', `Priority '${priority}' is currently in use`);
    }
    const lb = this.balancers.get(listener.loadBalancerArn)!;
    if (siblings.filter((r) => r.priority !== undefined).length >= this.limits.rulesPerListener) {
      throw new AwsServiceError(
        'TooManyRules',
        `The maximum number of rules (${this.limits.rulesPerListener}) on listener '${listener.arn}' has been reached`,
      );
    }
    const perLb = this.limits.rulesPerLoadBalancer;
    if (perLb !== undefined && this.rulesOfLoadBalancer(lb.view.LoadBalancerArn).length >= perLb) {
      throw new AwsServiceError(
        'TooManyRules',
        `The maximum number of rules (${perLb}) on load balancer '${lb.view.LoadBalancerName}' has been reached`,
      );
    }
    this.checkTargetGroupAttachment(lb.view.LoadBalancerArn, actions, undefined);
    this.checkTagCount(tags, new Map());
    const arn = this.ruleArnFor(lb.view.LoadBalancerArn, listener.arn.split('/').pop()!);
    const rule: RuleRecord = { arn, listenerArn: listener.arn, priority, conditions, actions };
    this.ruleRecords.set(arn, rule);
    if (tags.length > 0) this.tagsByArn.set(arn, new Map(tags.map((t) => [t.Key, t.Value])));
    return { Rules: [this.ruleView(rule)] };
  }

  protected modifyRule(params: Params): unknown {
    const rule = this.rule(requiredText(params, 'RuleArn'));
    const conditions = params.Conditions !== undefined ? this.readConditions(params.Conditions) : undefined;
    const actions = params.Actions !== undefined ? this.readActions(params.Actions) : undefined;
    if (conditions && rule.priority === undefined) {
      throw new AwsServiceError(
        'OperationNotPermitted',
        `The conditions of default rule '${rule.arn}' cannot be changed`,
      );
    }
    if (actions) {
      const lbArn = this.listener(rule.listenerArn).loadBalancerArn;
      this.checkTargetGroupAttachment(lbArn, actions, rule.arn);
      rule.actions = actions;
    }
    if (conditions) rule.conditions = conditions;
    return { Rules: [this.ruleView(rule)] };
  }

  protected deleteRule(params: Params): unknown {
    const rule = this.rule(requiredText(params, 'RuleArn'));
    if (rule.priority === undefined) {
      throw new AwsServiceError('OperationNotPermitted', `Default rule '${rule.arn}' cannot be deleted`);
    }
    this.ruleRecords.delete(rule.arn);
    this.tagsByArn.delete(rule.arn);
    return {};
  }

  protected setRulePriorities(params: Params): unknown {
    const requested = listOf(params.RulePriorities).map(structOf);
    if (requested.length === 0) throw missing('RulePriorities');
    const changes = new Map<string, number>();
    for (const r of requested) {
      const arn = text(r.RuleArn);
      if (!arn) throw missing('RulePriorities.member.RuleArn');
      if (r.Priority === undefined) throw missing('RulePriorities.member.Priority');
      const rule = this.rule(arn);
      if (rule.priority === undefined) {
        throw new AwsServiceError(
          'OperationNotPermitted',
          `The priority of default rule '${arn}' cannot be changed`,
        );
      }
      if (changes.has(arn)) throw validation(`Rule '${arn}' is specified more than once`);
      changes.set(arn, integer(r.Priority, 'priority', 1, 50000)!);
    }
    // All or nothing: the new order must leave no two rules of a listener on one priority.
    const taken = new Map<string, string>();
    for (const rule of this.ruleRecords.values()) {
      const priority = changes.get(rule.arn) ?? rule.priority;
      if (priority === undefined) continue;
      const slot = `${rule.listenerArn} ${priority}`;
      if (taken.has(slot))
        throw new AwsServiceError('PriorityInUse', `Priority '${priority}' is currently in use`);
      taken.set(slot, rule.arn);
    }
    const updated: RuleRecord[] = [];
    for (const [arn, priority] of changes) {
      const rule = this.ruleRecords.get(arn)!;
      rule.priority = priority;
      updated.push(rule);
    }
    return {
      Rules: updated
        .sort((a, b) => (this.ruleKey(a) < this.ruleKey(b) ? -1 : 1))
        .map((r) => this.ruleView(r)),
    };
  }

  protected addTags(params: Params): unknown {
    const arns = this.readResourceArns(params);
    if (params.Tags === undefined) throw missing('Tags');
    const tags = this.readTags(params.Tags);
    for (const arn of arns) this.checkTagCount(tags, this.tagsByArn.get(arn) ?? new Map<string, string>());
    for (const arn of arns) {
      const current = this.tagsByArn.get(arn) ?? new Map<string, string>();
      for (const t of tags) current.set(t.Key, t.Value);
      this.tagsByArn.set(arn, current);
    }
    return {};
  }

  protected removeTags(params: Params): unknown {
    const arns = this.readResourceArns(params);
    const keys = textList(params.TagKeys);
    if (keys.length === 0) throw missing('TagKeys');
    for (const arn of arns) for (const key of keys) this.tagsByArn.get(arn)?.delete(key);
    return {};
  }

  protected describeTags(params: Params): unknown {
    return {
      TagDescriptions: this.readResourceArns(params).map((arn) => ({
        ResourceArn: arn,
        Tags: Object.entries(this.tags(arn)).map(([Key, Value]) => ({ Key, Value })),
      })),
    };
  }
}
