import { subgraphLambdaHandler } from '@chirp/subgraph-kit';
import { loadPostsConfig } from './config';
import { postsSubgraph } from './index';

/** The posts subgraph on AWS Lambda, behind API Gateway (v1 or v2 events); see docs/deploy-aws.md. */
export const handler = subgraphLambdaHandler(() => postsSubgraph(loadPostsConfig(process.env)));
