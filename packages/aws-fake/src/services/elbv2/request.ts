// Reading an ELBv2 request's rule conditions, actions, tags and resource ARNs as AWS validates them.
import { AwsServiceError } from '../../errors.js';
import {
  type Elbv2Action,
  type Elbv2Condition,
  type Elbv2Tag,
  type Params,
  boolean,
  forwardTargets,
  hostValue,
  integer,
  listOf,
  missing,
  structOf,
  text,
  textList,
  validation,
} from './model.js';
import { Elbv2Store } from './store.js';

export class Elbv2Requests extends Elbv2Store {
  protected readConditions(raw: unknown): Elbv2Condition[] {
    const items = listOf(raw).map(structOf);
    if (items.length === 0) throw validation('A rule must have at least one condition');
    const seen = new Set<string>();
    let values = 0;
    const conditions = items.map((c): Elbv2Condition => {
      const field = text(c.Field);
      if (!field) throw missing('Conditions.member.Field');
      // host-header, path-pattern, http-request-method and source-ip may appear once per rule.
      if (['host-header', 'path-pattern', 'http-request-method', 'source-ip'].includes(field)) {
        if (seen.has(field)) throw validation(`A rule can only have one '${field}' condition`);
        seen.add(field);
      }
      const legacy = textList(c.Values);
      const fromConfig = (config: string): string[] => {
        if (c[config] !== undefined && legacy.length > 0) {
          throw validation(`You cannot specify both 'Values' and '${config}' in a '${field}' condition`);
        }
        return textList(structOf(c[config]).Values);
      };
      switch (field) {
        case 'host-header':
        case 'path-pattern': {
          const config = field === 'host-header' ? 'HostHeaderConfig' : 'PathPatternConfig';
          const given = fromConfig(config);
          const list = given.length > 0 ? given : legacy;
          if (list.length === 0) throw validation(`A '${field}' condition must have at least one value`);
          if (field === 'host-header') {
            for (const host of list) {
              if (!hostValue.test(host)) throw validation(`Host header value '${host}' is not valid`);
            }
          }
          values += list.length;
          // AWS answers with both the legacy Values and the typed config, whichever was sent.
          return { Field: field, Values: list, [config]: { Values: list } };
        }
        case 'http-header': {
          const config = structOf(c.HttpHeaderConfig);
          const name = text(config.HttpHeaderName);
          const list = textList(config.Values);
          if (!name || list.length === 0)
            throw validation('An http-header condition needs a header name and values');
          values += list.length;
          return { Field: field, HttpHeaderConfig: { HttpHeaderName: name, Values: list } };
        }
        case 'http-request-method':
        case 'source-ip': {
          const config = field === 'source-ip' ? 'SourceIpConfig' : 'HttpRequestMethodConfig';
          const list = fromConfig(config);
          if (list.length === 0) throw validation(`A '${field}' condition must have at least one value`);
          values += list.length;
          return { Field: field, [config]: { Values: list } };
        }
        case 'query-string': {
          const list = listOf(structOf(c.QueryStringConfig).Values)
            .map(structOf)
            .map((kv) => {
              const value = text(kv.Value);
              if (value === undefined) throw missing('QueryStringConfig.Values.member.Value');
              const key = text(kv.Key);
              return key !== undefined ? { Key: key, Value: value } : { Value: value };
            });
          if (list.length === 0) throw validation(`A 'query-string' condition must have at least one value`);
          values += list.length;
          return { Field: field, QueryStringConfig: { Values: list } };
        }
        default:
          throw validation(`Condition field '${field}' is not valid`);
      }
    });
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
    if (values > 5) throw validation(`A rule can only have '5' condition values`);
    return conditions;
  }

  protected readActions(raw: unknown): Elbv2Action[] {
    const items = listOf(raw).map(structOf);
    if (items.length === 0) throw missing('Actions');
    const actions = items.map((a, i) => this.readAction(a, i));
    return actions.sort((a, b) => a.Order - b.Order);
  }

  protected readAction(a: Params, index: number): Elbv2Action {
    const type = text(a.Type);
    if (!type) throw missing('Actions.member.Type');
    const order = integer(a.Order, 'order', 1, 50000) ?? index + 1;
    switch (type) {
      case 'forward': {
        const single = text(a.TargetGroupArn);
        const config = structOf(a.ForwardConfig);
        const tuples = listOf(config.TargetGroups)
          .map(structOf)
          .map((t) => {
            const arn = text(t.TargetGroupArn);
            if (!arn) throw missing('ForwardConfig.TargetGroups.member.TargetGroupArn');
            return { TargetGroupArn: arn, Weight: integer(t.Weight, 'weight', 0, 999) ?? 1 };
          });
        if (!single && tuples.length === 0) throw validation('A target group ARN must be specified');
        if (single && tuples.length > 0 && !(tuples.length === 1 && tuples[0]!.TargetGroupArn === single)) {
          throw validation('TargetGroupArn and ForwardConfig must name the same single target group');
        }
        const groups = tuples.length > 0 ? tuples : [{ TargetGroupArn: single!, Weight: 1 }];
        if (groups.length > 5) throw validation('A forward action can have at most 5 target groups');
        if (new Set(groups.map((g) => g.TargetGroupArn)).size < groups.length) {
          throw validation('A target group can be specified only once in a forward action');
        }
        for (const g of groups) this.group(g.TargetGroupArn);
        const stickiness = structOf(config.TargetGroupStickinessConfig);
        const duration = integer(stickiness.DurationSeconds, 'durationSeconds', 1, 604800);
        return {
          Type: type,
          Order: order,
          // A single group is echoed both ways, as AWS answers.
          ...(groups.length === 1 ? { TargetGroupArn: groups[0]!.TargetGroupArn } : {}),
          ForwardConfig: {
            TargetGroups: groups,
            TargetGroupStickinessConfig: {
              Enabled: boolean(stickiness.Enabled, 'enabled') ?? false,
              ...(duration !== undefined ? { DurationSeconds: duration } : {}),
            },
          },
        };
      }
      case 'fixed-response': {
        const config = structOf(a.FixedResponseConfig);
        const status = text(config.StatusCode);
        if (!status || !/^[245]\d\d$/.test(status))
          throw validation(`Fixed response status code '${status}' is not valid`);
        const contentType = text(config.ContentType);
        const body = text(config.MessageBody);
        return {
          Type: type,
          Order: order,
          FixedResponseConfig: {
            StatusCode: status,
            ...(contentType !== undefined ? { ContentType: contentType } : {}),
            ...(body !== undefined ? { MessageBody: body } : {}),
          },
        };
      }
      case 'redirect': {
        const config = structOf(a.RedirectConfig);
        const status = text(config.StatusCode);
        if (status !== 'HTTP_301' && status !== 'HTTP_302')
          throw validation(`Redirect status code '${status}' is not valid`);
        // Unset parts keep the request's own, as the RedirectActionConfig reference documents.
        return {
          Type: type,
          Order: order,
          RedirectConfig: {
            Protocol: text(config.Protocol) ?? '#{protocol}',
            Port: text(config.Port) ?? '#{port}',
            Host: text(config.Host) ?? '#{host}',
            Path: text(config.Path) ?? '/#{path}',
            Query: text(config.Query) ?? '#{query}',
            StatusCode: status,
          },
        };
      }
      case 'authenticate-oidc':
      case 'authenticate-cognito':
      case 'jwt-validation': {
        const { Type: _type, Order: _order, ...configs } = a;
        return { ...configs, Type: type, Order: order };
      }
      default:
        throw validation(`Action type '${type}' is not valid`);
    }
  }

  protected readTags(raw: unknown): Elbv2Tag[] {
    const tags = listOf(raw)
      .map(structOf)
      .map((t) => {
        const key = text(t.Key);
        if (!key) throw missing('Tags.member.Key');
        if (key.length > 128 || key.startsWith('aws:')) throw validation(`Tag key '${key}' is not valid`);
        const value = text(t.Value) ?? '';
        if (value.length > 256) throw validation(`The value of tag '${key}' is longer than 256 characters`);
        return { Key: key, Value: value };
      });
    const keys = tags.map((t) => t.Key);
    const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
    if (duplicate !== undefined) {
      throw new AwsServiceError('DuplicateTagKeys', `Tag key '${duplicate}' is specified more than once`);
    }
    return tags;
  }

  protected checkTagCount(tags: Elbv2Tag[], current: Map<string, string>): void {
    const keys = new Set([...current.keys(), ...tags.map((t) => t.Key)]);
    if (keys.size > this.limits.tagsPerResource) {
      throw new AwsServiceError(
        'TooManyTags',
        `A resource can have at most ${this.limits.tagsPerResource} tags`,
      );
    }
  }

  /**
   * An ALB target group serves one load balancer only, and an ALB forwards to a bounded number of
   * distinct groups (TargetGroupAssociationLimit, TooManyUniqueTargetGroupsPerLoadBalancer).
   */
  protected checkTargetGroupAttachment(
    lbArn: string,
    actions: Elbv2Action[],
    replacingRuleArn: string | undefined,
  ): void {
    const wanted = new Set(
      actions.flatMap((a) => a.ForwardConfig?.TargetGroups.map((g) => g.TargetGroupArn) ?? []),
    );
    for (const tg of wanted) {
      const others = this.loadBalancersUsing(tg).filter((arn) => arn !== lbArn);
      if (others.length > 0) {
        throw new AwsServiceError(
          'TargetGroupAssociationLimit',
          `The following target groups cannot be associated with more than one load balancer: ${tg}`,
        );
      }
    }
    const used = new Set(
      this.rulesOfLoadBalancer(lbArn, true)
        .filter((r) => r.arn !== replacingRuleArn)
        .flatMap((r) => forwardTargets(r.actions)),
    );
    for (const tg of wanted) used.add(tg);
    if (used.size > this.limits.targetGroupsPerLoadBalancer) {
      throw new AwsServiceError(
        'TooManyUniqueTargetGroupsPerLoadBalancer',
        `You have reached the limit on the number of unique target groups per load balancer (${this.limits.targetGroupsPerLoadBalancer})`,
      );
    }
  }

  protected readResourceArns(params: Params): string[] {
    const arns = textList(params.ResourceArns);
    if (arns.length === 0) throw missing('ResourceArns');
    if (arns.length > 20) {
      throw validation(
        `1 validation error detected: Value '[${arns.join(', ')}]' at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to 20`,
      );
    }
    for (const arn of arns) this.resource(arn);
    return arns;
  }
}
