// The query protocol against the SDK's own serialiser and deserialiser: what a real ELBv2 client sends
// is parsed into nested params, and what the fake writes back is read into the model's types.
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import {
  CreateRuleCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  PriorityInUseException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ConfiguredRetryStrategy, isThrottlingError } from '@smithy/core/retry';
import {
  AwsFakeServer,
  AwsServiceError,
  type FakeContext,
  type ServiceHandler,
} from '@moodle-preview/aws-fake';
import {
  parseQueryRequest,
  queryErrorBody,
  queryResponseBody,
} from '../../packages/aws-fake/src/protocols/query.js';

/** A query service that records what it was sent and answers with whatever the test puts in `answer`. */
class EchoService implements ServiceHandler {
  readonly signingName = 'elasticloadbalancing';
  readonly protocol = 'query' as const;
  readonly xmlNamespace = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
  seen: { action: string; params: Record<string, unknown> }[] = [];
  answer: () => unknown = () => ({});
  isMutating(action: string): boolean {
    return !action.startsWith('Describe');
  }
  handle(action: string, params: Record<string, unknown>, _ctx: FakeContext): unknown {
    this.seen.push({ action, params });
    return this.answer();
  }
}

describe('parseQueryRequest', () => {
  it('nests lists, structures and maps the way the SDK flattens them', () => {
    const body = [
      'Action=CreateRule',
      'Version=2015-12-01',
      'ListenerArn=arn%3Aaws%3Aelasticloadbalancing%3Aeu-west-2%3A1%3Alistener%2Fapp%2Fa%2Fb%2Fc',
      'Conditions.member.1.Field=host-header',
      'Conditions.member.1.HostHeaderConfig.Values.member.2=b.example.com',
      'Conditions.member.1.HostHeaderConfig.Values.member.1=a.example.com',
      'Actions.member.1.Type=forward',
      'Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=tg-1',
      'Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight=10',
      'Priority=7',
      'Tags.member.1.Key=site',
      'Tags.member.1.Value=a%20b%2Bc%26d%3De%C3%A9',
      'Attributes.entry.1.key=k1',
      'Attributes.entry.1.value=v1',
      'Attributes.entry.2.key=k2',
      'Attributes.entry.2.value.member.1=x',
      'Names=',
    ].join('&');
    const { action, params } = parseQueryRequest(body);
    expect(action).toBe('CreateRule');
    expect(params).toEqual({
      ListenerArn: 'arn:aws:elasticloadbalancing:eu-west-2:1:listener/app/a/b/c',
      Conditions: [
        { Field: 'host-header', HostHeaderConfig: { Values: ['a.example.com', 'b.example.com'] } },
      ],
      Actions: [
        { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'tg-1', Weight: '10' }] } },
      ],
      Priority: '7',
      Tags: [{ Key: 'site', Value: 'a b+c&d=eé' }],
      Attributes: { k1: 'v1', k2: ['x'] },
      Names: '',
    });
  });

  it('orders list items by index, reads flattened lists, and never throws on a malformed body', () => {
    const items = Array.from({ length: 12 }, (_, i) => `Names.member.${12 - i}=n${12 - i}`).join('&');
    expect(parseQueryRequest(`Action=X&${items}`).params.Names).toEqual(
      Array.from({ length: 12 }, (_, i) => `n${i + 1}`),
    );
    expect(parseQueryRequest('Action=X&Ids.2=b&Ids.1=a').params).toEqual({ Ids: ['a', 'b'] });
    const odd = parseQueryRequest(
      'Action=X&A=1&A.B=2&C.member.1=3&C.member.x=4&__proto__.polluted=1&D.constructor=1',
    );
    expect(odd.action).toBe('X');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(odd.params.C).toEqual({ member: { x: '4' } });
    expect(parseQueryRequest('').action).toBe('');
  });
});

describe('queryResponseBody and queryErrorBody', () => {
  it('writes lists as <member>, scalars as text, escapes, and omits what is undefined', () => {
    const xml = queryResponseBody(
      'DescribeThings',
      { Things: [{ Name: 'a<&>"\'', Count: 2, On: true, Gone: undefined }], Empty: [], When: new Date(0) },
      'urn:ns',
      'req-1',
    );
    expect(xml).toBe(
      '<DescribeThingsResponse xmlns="urn:ns"><DescribeThingsResult>' +
        '<Things><member><Name>a&lt;&amp;&gt;&quot;&apos;</Name><Count>2</Count><On>true</On></member></Things>' +
        '<Empty/><When>1970-01-01T00:00:00.000Z</When></DescribeThingsResult>' +
        '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DescribeThingsResponse>',
    );
    expect(queryResponseBody('DeleteRule', {}, 'urn:ns', 'r')).toContain('<DeleteRuleResult/>');
    expect(queryResponseBody('X', { M: new Map([['k', 'v']]) }, 'urn:ns', 'r')).toContain(
      '<M><entry><key>k</key><value>v</value></entry></M>',
    );
    expect(queryErrorBody(new AwsServiceError('PriorityInUse', "Priority '5' <in use>"), 'r')).toBe(
      '<ErrorResponse><Error><Type>Sender</Type><Code>PriorityInUse</Code>' +
        '<Message>Priority &apos;5&apos; &lt;in use&gt;</Message></Error><RequestId>r</RequestId></ErrorResponse>',
    );
  });
});

describe('the query protocol under a real ELBv2 client', () => {
  const server = new AwsFakeServer();
  const echo = new EchoService();
  let client: ElasticLoadBalancingV2Client;

  beforeAll(async () => {
    server.register(echo);
    await server.listen();
    client = new ElasticLoadBalancingV2Client({
      endpoint: server.endpoint,
      region: server.region,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('receives the SDK serialisation of nested input as nested params', async () => {
    echo.answer = () => ({ Rules: [] });
    await client.send(
      new CreateRuleCommand({
        ListenerArn: 'arn:l',
        Priority: 12,
        Conditions: [
          { Field: 'host-header', HostHeaderConfig: { Values: ['a.example.com'] } },
          { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'k', Value: 'v w' }] } },
        ],
        Actions: [
          {
            Type: 'forward',
            Order: 1,
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: 'arn:tg1', Weight: 1 },
                { TargetGroupArn: 'arn:tg2', Weight: 0 },
              ],
              TargetGroupStickinessConfig: { Enabled: false },
            },
          },
        ],
        Tags: [{ Key: 'site', Value: 'x&y' }],
      }),
    );
    expect(echo.seen.at(-1)).toEqual({
      action: 'CreateRule',
      params: {
        ListenerArn: 'arn:l',
        Priority: '12',
        Conditions: [
          { Field: 'host-header', HostHeaderConfig: { Values: ['a.example.com'] } },
          { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'k', Value: 'v w' }] } },
        ],
        Actions: [
          {
            Type: 'forward',
            Order: '1',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: 'arn:tg1', Weight: '1' },
                { TargetGroupArn: 'arn:tg2', Weight: '0' },
              ],
              TargetGroupStickinessConfig: { Enabled: 'false' },
            },
          },
        ],
        Tags: [{ Key: 'site', Value: 'x&y' }],
      },
    });
  });

  it("is read by the SDK's deserialiser into the model's types", async () => {
    echo.answer = () => ({
      Rules: [
        {
          RuleArn: 'arn:r1',
          Priority: '10',
          IsDefault: false,
          Conditions: [
            {
              Field: 'host-header',
              Values: ['a.example.com'],
              HostHeaderConfig: { Values: ['a.example.com'] },
            },
          ],
          Actions: [
            {
              Type: 'forward',
              Order: 1,
              TargetGroupArn: 'arn:tg',
              ForwardConfig: {
                TargetGroups: [{ TargetGroupArn: 'arn:tg', Weight: 1 }],
                TargetGroupStickinessConfig: { Enabled: false },
              },
            },
          ],
        },
        { RuleArn: 'arn:d', Priority: 'default', IsDefault: true, Conditions: [], Actions: [] },
      ],
      NextMarker: 'm<1>',
    });
    const out = await client.send(new DescribeRulesCommand({ ListenerArn: 'arn:l' }));
    expect(out.Rules).toEqual([
      {
        RuleArn: 'arn:r1',
        Priority: '10',
        IsDefault: false,
        Conditions: [
          {
            Field: 'host-header',
            Values: ['a.example.com'],
            HostHeaderConfig: { Values: ['a.example.com'] },
          },
        ],
        Actions: [
          {
            Type: 'forward',
            Order: 1,
            TargetGroupArn: 'arn:tg',
            ForwardConfig: {
              TargetGroups: [{ TargetGroupArn: 'arn:tg', Weight: 1 }],
              TargetGroupStickinessConfig: { Enabled: false },
            },
          },
        ],
      },
      { RuleArn: 'arn:d', Priority: 'default', IsDefault: true, Conditions: [], Actions: [] },
    ]);
    expect(out.NextMarker).toBe('m<1>');
    expect(out.$metadata.httpStatusCode).toBe(200);

    echo.answer = () => ({
      TargetGroups: [
        { TargetGroupName: 'tg "1" & \r\n co', Port: 80, HealthCheckEnabled: true, LoadBalancerArns: [] },
      ],
    });
    const groups = await client.send(new DescribeTargetGroupsCommand({}));
    expect(groups.TargetGroups).toEqual([
      { TargetGroupName: 'tg "1" & \r\n co', Port: 80, HealthCheckEnabled: true, LoadBalancerArns: [] },
    ]);

    echo.answer = () => ({
      LoadBalancers: [{ LoadBalancerName: 'lb', CreatedTime: new Date('2026-01-02T03:04:05Z') }],
    });
    const lbs = await client.send(new DescribeLoadBalancersCommand({}));
    expect(lbs.LoadBalancers?.[0]?.CreatedTime).toEqual(new Date('2026-01-02T03:04:05Z'));
  });

  it("raises the SDK's typed exception for a modelled code and a named service exception otherwise", async () => {
    echo.answer = () => {
      throw new AwsServiceError('PriorityInUse', "Priority '10' is currently in use");
    };
    const typed = await client
      .send(new DescribeRulesCommand({ ListenerArn: 'arn:l' }))
      .catch((e: unknown) => e);
    expect(typed).toBeInstanceOf(PriorityInUseException);
    expect((typed as PriorityInUseException).message).toBe("Priority '10' is currently in use");
    expect((typed as PriorityInUseException).$metadata.httpStatusCode).toBe(400);

    echo.answer = () => {
      throw new AwsServiceError('ValidationError', 'bad <input>');
    };
    const generic = await client
      .send(new DescribeRulesCommand({ ListenerArn: 'arn:l' }))
      .catch((e: unknown) => e);
    expect(generic).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);
    expect((generic as Error).name).toBe('ValidationError');
    expect((generic as Error).message).toBe('bad <input>');
  });

  it("makes the server's query throttling answer one the SDK classifies as throttling and retries", async () => {
    const retrying = new ElasticLoadBalancingV2Client({
      endpoint: server.endpoint,
      region: server.region,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      // The SDK's own strategy (3 attempts in all), with its backoff shortened to 5 ms.
      retryStrategy: new ConfiguredRetryStrategy(3, 5),
    });
    try {
      echo.answer = () => ({ Rules: [] });
      server.resetCalls();
      server.setThrottle(1);
      const throttled = await retrying
        .send(new DescribeRulesCommand({ ListenerArn: 'arn:l' }))
        .catch((e: unknown) => e);
      server.setThrottle(0);
      expect((throttled as Error).name).toBe('Throttling');
      expect(isThrottlingError(throttled as Parameters<typeof isThrottlingError>[0])).toBe(true);
      expect((throttled as ElasticLoadBalancingV2ServiceException).$metadata.attempts).toBe(3);
      expect(server.count({ throttled: true })).toBe(3);

      // A client error of another code is not retried: the retries above were the throttling's doing.
      echo.answer = () => {
        throw new AwsServiceError('ValidationError', 'no');
      };
      const invalid = await retrying
        .send(new DescribeRulesCommand({ ListenerArn: 'arn:l' }))
        .catch((e: unknown) => e);
      expect((invalid as ElasticLoadBalancingV2ServiceException).$metadata.attempts).toBe(1);
    } finally {
      server.setThrottle(0);
      retrying.destroy();
    }
  });
});
