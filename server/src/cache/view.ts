import { addTo, type Counters, emptyCounters } from './rollup.js';
import type { CachedEntity } from './types.js';

export type TeamNode = { tenantName: string; teamName: string; counters: Counters; entities: CachedEntity[] };
export type TenantNode = { tenantName: string; counters: Counters; teams: Map<string, TeamNode> };

/**
 * This pod's in-process view of every entity, indexed by id and by tenant → team, with
 * additive rollups kept current on every change. Reads never touch Redis or PostgreSQL.
 * Team membership never changes (it is part of an entity's identity), so team lists
 * only grow and are replaced wholesale by a reload.
 */
export class EntityView {
  readonly byId = new Map<number, CachedEntity>();
  readonly tenants = new Map<string, TenantNode>();
  readonly counters = emptyCounters();
  /** Bumped on every change; lets readers memoise derived results. */
  revision = 0;
  private readonly types = new Map<string, string>();

  get size(): number {
    return this.byId.size;
  }

  get entityTypes(): string[] {
    return [...this.types.keys()].sort();
  }

  /** Applies a state if it is newer than the one held. Returns whether it changed anything. */
  apply(e: CachedEntity): boolean {
    const old = this.byId.get(e.id);
    if (old && old.version >= e.version) return false;
    if (old) {
      // Updated in place: the team list and the id index keep pointing at the same object.
      this.count(old, -1);
      Object.assign(old, e);
      this.intern(old);
      this.count(old, 1);
    } else {
      const own = { ...e };
      this.intern(own).entities.push(own);
      this.byId.set(own.id, own);
      this.count(own, 1);
    }
    this.revision++;
    return true;
  }

  /** Replaces everything with a snapshot (start-up, or after a full refresh). */
  reset(): void {
    this.byId.clear();
    this.tenants.clear();
    this.types.clear();
    Object.assign(this.counters, emptyCounters());
    this.revision++;
  }

  /** Shares one copy of each tenant, team and type string: at a million entities it matters. */
  private intern(e: CachedEntity): TeamNode {
    const team = this.team(e);
    e.tenantName = team.tenantName;
    e.teamName = team.teamName;
    let type = this.types.get(e.entityType);
    if (type === undefined) {
      type = e.entityType;
      this.types.set(type, type);
    }
    e.entityType = type;
    return team;
  }

  private count(e: CachedEntity, sign: 1 | -1): void {
    const team = this.team(e);
    addTo(this.counters, e, sign);
    addTo(team.counters, e, sign);
    addTo(this.tenants.get(e.tenantName)?.counters as Counters, e, sign);
  }

  private team(e: CachedEntity): TeamNode {
    let tenant = this.tenants.get(e.tenantName);
    if (!tenant) {
      tenant = { tenantName: e.tenantName, counters: emptyCounters(), teams: new Map() };
      this.tenants.set(e.tenantName, tenant);
    }
    let team = tenant.teams.get(e.teamName);
    if (!team) {
      team = { tenantName: e.tenantName, teamName: e.teamName, counters: emptyCounters(), entities: [] };
      tenant.teams.set(e.teamName, team);
    }
    return team;
  }
}
