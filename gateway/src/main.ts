import { runService } from '../../subgraphs/common/src/main';
import { loadGatewayConfig } from './config';
import { startGateway } from './server';

runService('gateway', () => startGateway(loadGatewayConfig(process.env)));
