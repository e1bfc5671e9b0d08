import { readBaseConfig, readPublicKey, readUrl, type BaseConfig, type Env } from '../../subgraphs/common/src/config';

export interface GatewayConfig extends BaseConfig {
  jwtPublicKey: string;
  subgraphs: { auth: string; users: string; posts: string };
}

export function loadGatewayConfig(env: Env): GatewayConfig {
  return {
    ...readBaseConfig(env, 'PORT', 4000),
    jwtPublicKey: readPublicKey(env),
    subgraphs: {
      auth: readUrl(env, 'AUTH_URL', 'http://127.0.0.1:4001/graphql'),
      users: readUrl(env, 'USERS_URL', 'http://127.0.0.1:4003/graphql'),
      posts: readUrl(env, 'POSTS_URL', 'http://127.0.0.1:4002/graphql'),
    },
  };
}
