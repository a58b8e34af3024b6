// The sites in the registry, for the list and reconcile modes: a chunk of its own with the one AWS
// client it needs (SSM), so add and remove, which never read the registry, do not load it.
import { SSMClient } from '@aws-sdk/client-ssm';
import { awsClientConfig, SiteRegistry, type SiteRegistryEntry } from '@moodle-preview/core';

export async function registeredSites(region: string): Promise<SiteRegistryEntry[]> {
  const ssm = new SSMClient(awsClientConfig({ region }));
  try {
    return await new SiteRegistry(ssm).list();
  } finally {
    ssm.destroy();
  }
}
