import { formatRouteTable, routeTable } from '../../internal/transport/http/route-table.ts';
import { commandSetup, parseCommandLine } from '../shared/command-setup.ts';
import { routeOnlyApp } from './route-only-app.ts';

const USAGE = 'usage: npm run routes [-- --json]\n  Prints the HTTP route table in matching order (the service refuses to start when it is ambiguous).';
const values = parseCommandLine(USAGE, { json: { type: 'boolean' } });
const { config, logger } = commandSetup();

const routes = routeTable(await routeOnlyApp(config, logger));
console.log(values.json ? JSON.stringify(routes, null, 2) : formatRouteTable(routes));
