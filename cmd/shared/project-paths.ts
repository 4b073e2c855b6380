import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');
export const API_SPEC_PATH = join(PROJECT_ROOT, 'api', 'openapi.yaml');
