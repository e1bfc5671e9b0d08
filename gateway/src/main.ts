import { runService } from '@chirp/platform';
import { loadGatewayConfig } from './config';
import { startGateway } from './server';

runService('gateway', () => startGateway(loadGatewayConfig(process.env)));
