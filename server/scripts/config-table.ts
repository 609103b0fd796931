// Prints the configuration table for the README: `npx tsx scripts/config-table.ts`.
import { configTable } from '../src/platform/config-table.js';

console.log(configTable());
