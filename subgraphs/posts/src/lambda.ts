import { subgraphLambdaHandler } from '@chirp/subgraph-kit';
import { subgraph } from './index';

/** The posts subgraph on AWS Lambda, behind API Gateway (v1 or v2 events); see docs/deploy-aws.md. */
export const handler = subgraphLambdaHandler(subgraph);
