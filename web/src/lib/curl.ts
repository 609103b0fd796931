import { EXAMPLE_UPDATE } from '@sla/shared/example';

/** A command a new user can paste to push a first result to this very server (the original design's example body). */
export function firstUpdateCurl(origin: string): string {
  return `curl -X POST ${origin}/api/cache/incremental-update -H 'content-type: application/json' -d '${JSON.stringify(EXAMPLE_UPDATE)}'`;
}
