// Target groups in the ELBv2 fake: create, modify, attributes, delete, targets and their health.
import { AwsServiceError } from '../../errors.js';
import {
  type Params,
  type TargetGroupRecord,
  type TargetGroupSettings,
  attributeRanges,
  boolean,
  defaultAttributes,
  elbName,
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
import { Elbv2Requests } from './request.js';

export class Elbv2TargetGroups extends Elbv2Requests {
  protected createTargetGroup(params: Params): unknown {
    const name = requiredText(params, 'Name');
    if (name.length > 32) {
      throw validation(`Target group name '${name}' cannot be longer than '32' characters`);
    }
    if (!elbName.test(name)) {
      throw validation(
        `Target group name '${name}' can only contain characters that are alphanumeric characters or hyphens(-), and must not begin or end with a hyphen`,
      );
    }
    const targetType = text(params.TargetType) ?? 'instance';
    if (!['instance', 'ip', 'lambda', 'alb'].includes(targetType)) {
      throw validation(`Target type '${targetType}' is not valid`);
    }
    const protocol = text(params.Protocol);
    const port = integer(params.Port, 'port', 1, 65535);
    const vpcId = text(params.VpcId);
    if (targetType !== 'lambda') {
      if (!protocol) throw validation('A protocol must be specified');
      if (port === undefined) throw validation('A port must be specified');
      if (!vpcId) throw validation('A VPC ID must be specified');
    }
    if (protocol && !['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE'].includes(protocol)) {
      throw validation(`Protocol '${protocol}' is not valid`);
    }
    const http = protocol === 'HTTP' || protocol === 'HTTPS';
    // Defaults from the CreateTargetGroup reference: an ALB-style group health-checks over HTTP on '/'.
    const base: TargetGroupSettings = {
      TargetGroupName: name,
      Protocol: protocol,
      Port: port,
      VpcId: vpcId,
      HealthCheckProtocol: targetType === 'lambda' ? undefined : http ? 'HTTP' : 'TCP',
      HealthCheckPort: targetType === 'lambda' ? undefined : 'traffic-port',
      HealthCheckEnabled: targetType !== 'lambda',
      HealthCheckIntervalSeconds: targetType === 'lambda' ? 35 : 30,
      HealthCheckTimeoutSeconds: targetType === 'lambda' ? 30 : http ? 5 : 10,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      HealthCheckPath: http || targetType === 'lambda' ? '/' : undefined,
      Matcher: http || targetType === 'lambda' ? { HttpCode: '200' } : undefined,
      TargetType: targetType,
      ProtocolVersion: http ? (text(params.ProtocolVersion) ?? 'HTTP1') : undefined,
      IpAddressType: text(params.IpAddressType) ?? 'ipv4',
    };
    const settings = this.withHealthCheck(base, params);
    const tags = this.readTags(params.Tags);
    const existing = this.sortedGroups().find((g) => g.settings.TargetGroupName === name);
    if (existing) {
      // Idempotent, as AWS documents: the same settings return the existing group, other ones fail.
      if (JSON.stringify(existing.settings) === JSON.stringify(settings)) {
        return { TargetGroups: [this.targetGroupView(existing)] };
      }
      throw new AwsServiceError(
        'DuplicateTargetGroupName',
        `A target group with the same name '${name}' exists, but with different settings`,
      );
    }
    if (this.groups.size >= this.limits.targetGroupsPerAccount) {
      throw new AwsServiceError(
        'TooManyTargetGroups',
        `You have reached the maximum number of target groups (${this.limits.targetGroupsPerAccount})`,
      );
    }
    this.checkTagCount(tags, new Map());
    const arn = this.ctx.arn('elasticloadbalancing', `targetgroup/${name}/${this.ctx.id(16)}`);
    this.groups.set(arn, { arn, settings, attributes: new Map(defaultAttributes), targets: new Map() });
    if (tags.length > 0) this.tagsByArn.set(arn, new Map(tags.map((t) => [t.Key, t.Value])));
    return { TargetGroups: [this.targetGroupView(this.groups.get(arn)!)] };
  }

  /** Apply the health-check members of CreateTargetGroup / ModifyTargetGroup, with AWS's ranges. */
  protected withHealthCheck(current: TargetGroupSettings, params: Params): TargetGroupSettings {
    const next: TargetGroupSettings = { ...current };
    const protocol = text(params.HealthCheckProtocol);
    if (protocol !== undefined) {
      if (!['HTTP', 'HTTPS', 'TCP'].includes(protocol))
        throw validation(`Health check protocol '${protocol}' is not valid`);
      next.HealthCheckProtocol = protocol;
    }
    const port = text(params.HealthCheckPort);
    if (port !== undefined) {
      if (port !== 'traffic-port') integer(port, 'healthCheckPort', 1, 65535);
      next.HealthCheckPort = port;
    }
    next.HealthCheckEnabled =
      boolean(params.HealthCheckEnabled, 'healthCheckEnabled') ?? next.HealthCheckEnabled;
    const path = text(params.HealthCheckPath);
    if (path !== undefined) {
      if (!path.startsWith('/') || path.length > 1024)
        throw validation(`Health check path '${path}' is not valid`);
      next.HealthCheckPath = path;
    }
    next.HealthCheckIntervalSeconds =
      integer(params.HealthCheckIntervalSeconds, 'healthCheckIntervalSeconds', 5, 300) ??
      next.HealthCheckIntervalSeconds;
    next.HealthCheckTimeoutSeconds =
      integer(params.HealthCheckTimeoutSeconds, 'healthCheckTimeoutSeconds', 2, 120) ??
      next.HealthCheckTimeoutSeconds;
    next.HealthyThresholdCount =
      integer(params.HealthyThresholdCount, 'healthyThresholdCount', 2, 10) ?? next.HealthyThresholdCount;
    next.UnhealthyThresholdCount =
      integer(params.UnhealthyThresholdCount, 'unhealthyThresholdCount', 2, 10) ??
      next.UnhealthyThresholdCount;
    const matcher = params.Matcher;
    if (matcher !== undefined) {
      const m = structOf(matcher);
      const httpCode = text(m.HttpCode);
      const grpcCode = text(m.GrpcCode);
      if (httpCode !== undefined && !/^\d{3}([-,]\d{3})*$/.test(httpCode)) {
        throw validation(`Health check matcher HTTP code '${httpCode}' is not valid`);
      }
      next.Matcher = {
        ...(httpCode !== undefined ? { HttpCode: httpCode } : {}),
        ...(grpcCode ? { GrpcCode: grpcCode } : {}),
      };
    }
    if (next.HealthCheckTimeoutSeconds >= next.HealthCheckIntervalSeconds) {
      throw new AwsServiceError(
        'InvalidConfigurationRequest',
        'Health check interval must be greater than the timeout.',
      );
    }
    return next;
  }

  protected describeTargetGroups(params: Params): unknown {
    const lbArn = text(params.LoadBalancerArn);
    const arns = textList(params.TargetGroupArns);
    const names = textList(params.Names);
    if ([lbArn ? 1 : 0, arns.length, names.length].filter((n) => n > 0).length > 1) {
      throw validation('Only one of load balancer ARN, target group ARNs or names can be specified');
    }
    let found = this.sortedGroups();
    if (lbArn) {
      this.loadBalancer(lbArn);
      found = found.filter((g) => this.loadBalancersUsing(g.arn).includes(lbArn));
    } else if (arns.length > 0) {
      found = found.filter((g) => arns.includes(g.arn));
      if (found.length < new Set(arns).size) throw this.targetGroupNotFound();
    } else if (names.length > 0) {
      found = found.filter((g) => names.includes(g.settings.TargetGroupName));
      if (found.length < new Set(names).size) throw this.targetGroupNotFound();
    }
    const { page, NextMarker } = pageOf(found, (g) => `${g.settings.TargetGroupName} ${g.arn}`, params);
    return { TargetGroups: page.map((g) => this.targetGroupView(g)), NextMarker };
  }

  protected modifyTargetGroup(params: Params): unknown {
    const group = this.group(requiredText(params, 'TargetGroupArn'));
    group.settings = this.withHealthCheck(group.settings, params);
    return { TargetGroups: [this.targetGroupView(group)] };
  }

  protected modifyTargetGroupAttributes(params: Params): unknown {
    const group = this.group(requiredText(params, 'TargetGroupArn'));
    const changes = listOf(params.Attributes).map(structOf);
    if (changes.length === 0) throw missing('Attributes');
    const next = new Map(group.attributes);
    for (const change of changes) {
      const key = text(change.Key) ?? '';
      const value = text(change.Value) ?? '';
      if (!next.has(key)) throw validation(`Target group attribute key '${key}' is not recognized`);
      const range = attributeRanges[key];
      if (range) integer(value, key, range[0], range[1]);
      if (key === 'stickiness.enabled') boolean(value, key);
      next.set(key, value);
    }
    group.attributes = next;
    return { Attributes: this.attributeList(group) };
  }

  protected deleteTargetGroup(params: Params): unknown {
    const arn = requiredText(params, 'TargetGroupArn');
    // Deleting a group that does not exist succeeds: the API lists no not-found error for it.
    if (!this.groups.has(arn)) return {};
    if (this.rulesForwardingTo(arn).length > 0) {
      throw new AwsServiceError(
        'ResourceInUse',
        `Target group '${arn}' is currently in use by a listener or a rule`,
      );
    }
    this.groups.delete(arn);
    this.tagsByArn.delete(arn);
    return {};
  }

  protected readTargets(
    group: TargetGroupRecord,
    params: Params,
  ): { Id: string; Port: number; AvailabilityZone?: string }[] {
    const targets = listOf(params.Targets).map(structOf);
    if (targets.length === 0) throw missing('Targets');
    return targets.map((t) => {
      const id = text(t.Id);
      if (!id) throw missing('Targets.member.Id');
      const port = integer(t.Port, 'port', 1, 65535) ?? group.settings.Port;
      if (port === undefined) throw validation(`A port must be specified for target '${id}'`);
      if (group.settings.TargetType === 'ip' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(id)) {
        throw new AwsServiceError('InvalidTarget', `The IP address '${id}' is not a valid IPv4 address`);
      }
      const zone = text(t.AvailabilityZone);
      return { Id: id, Port: port, ...(zone ? { AvailabilityZone: zone } : {}) };
    });
  }

  protected registerTargets(params: Params): unknown {
    const group = this.group(requiredText(params, 'TargetGroupArn'));
    const targets = this.readTargets(group, params);
    const added = targets.filter((t) => !group.targets.has(`${t.Id}:${t.Port}`));
    if (group.targets.size + added.length > this.limits.targetsPerTargetGroup) {
      throw new AwsServiceError('TooManyTargets', 'You have reached the limit on the number of targets');
    }
    for (const t of added) group.targets.set(`${t.Id}:${t.Port}`, { ...t, state: 'healthy' });
    return {};
  }

  protected deregisterTargets(params: Params): unknown {
    const group = this.group(requiredText(params, 'TargetGroupArn'));
    // Draining is skipped: a deregistered target is gone at once (the deregistration delay is simulated
    // time nobody waits for here).
    for (const t of this.readTargets(group, params)) group.targets.delete(`${t.Id}:${t.Port}`);
    return {};
  }

  protected describeTargetHealth(params: Params): unknown {
    const group = this.group(requiredText(params, 'TargetGroupArn'));
    const asked = listOf(params.Targets).length > 0 ? this.readTargets(group, params) : undefined;
    const inUse = this.loadBalancersUsing(group.arn).length > 0;
    const rows = (asked ?? [...group.targets.values()]).map((t) => {
      const registered = group.targets.get(`${t.Id}:${t.Port}`);
      // States and reasons from https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
      const health = !registered
        ? {
            State: 'unused',
            Reason: 'Target.NotRegistered',
            Description: 'Target is not registered to the target group',
          }
        : !inUse
          ? {
              State: 'unused',
              Reason: 'Target.NotInUse',
              Description: 'Target group is not configured to receive traffic from the load balancer',
            }
          : registered.state === 'healthy'
            ? { State: 'healthy' }
            : {
                State: registered.state,
                Reason: 'Target.FailedHealthChecks',
                Description: 'Health checks failed',
              };
      const hcPort = group.settings.HealthCheckPort;
      return {
        Target: {
          Id: t.Id,
          Port: t.Port,
          AvailabilityZone: registered?.AvailabilityZone ?? t.AvailabilityZone,
        },
        HealthCheckPort: hcPort === undefined || hcPort === 'traffic-port' ? String(t.Port) : hcPort,
        TargetHealth: health,
      };
    });
    return { TargetHealthDescriptions: rows };
  }
}
