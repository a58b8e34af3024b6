// The EC2 client of the runner lease, built like every other client of the suite (awsClientConfig:
// standard endpoint settings, adaptive retry) but here, so only the bundles that lease runners carry it.
import { EC2Client } from '@aws-sdk/client-ec2';
import { awsClientConfig, type AwsClientOptions } from '../aws/clients.js';

export const createEc2Client = (options: AwsClientOptions) => new EC2Client(awsClientConfig(options));
