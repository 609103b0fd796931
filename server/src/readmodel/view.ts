import { STATUSES, type Status } from '@sla/shared';
import { addTerm, checksumTerm, removeTerm } from '../domain/checksum.js';
import type { EntityState } from '../domain/entity.js';
import { Columns, SlotIndex } from './columns.js';
import { type Counters, emptyCounters } from './rollup.js';

export type TeamNode = { index: number; tenantName: string; teamName: string; counters: Counters; slots: number[] };
export type TenantNode = { tenantName: string; counters: Counters; teams: Map<string, TeamNode> };

const STATUS_CODE = new Map<string, number>(STATUSES.map((s, i) => [s, i]));

/**
 * This pod's in-process view of every entity, indexed by id and by tenant → team, with
 * additive rollups kept current on every change. Reads never touch Redis or PostgreSQL.
 * Entities live in columns (see columns.ts) and are materialised as objects only for the
 * few a request returns. Team membership never changes (it is part of an entity's
 * identity), so team slot lists only grow and are replaced wholesale by a reset.
 */
export class EntityView {
  readonly tenants = new Map<string, TenantNode>();
  readonly counters = emptyCounters();
  /** Bumped on every change; lets readers memoise derived results. */
  revision = 0;
  /** Checksum of every entity's (id, version) held (domain/checksum.ts), kept current by `apply`. */
  checksum = 0;
  readonly col = new Columns();
  private names: string[] = [];
  private teams: TeamNode[] = [];
  private typeNames: string[] = [];
  private typeCodes = new Map<string, number>();
  private readonly slots = new SlotIndex();
  private count = 0;

  /** Entities in the view. */
  get size(): number {
    return this.count;
  }

  get entityTypes(): string[] {
    return [...this.typeNames].sort();
  }

  /** Applies a state if it is newer than the one held. Returns whether it changed anything. */
  apply(e: EntityState): boolean {
    let slot = this.slots.get(e.id);
    const c = this.col;
    if (slot >= 0 && (c.version[slot] as number) >= e.version) return false;
    if (slot >= 0) {
      this.countSlot(slot, -1);
      this.checksum = removeTerm(this.checksum, checksumTerm(e.id, c.version[slot] as number));
    } else {
      slot = this.count++;
      c.ensure(this.count);
      const team = this.team(e.tenantName, e.teamName);
      team.slots.push(slot);
      c.team[slot] = team.index;
      c.id[slot] = e.id;
      this.names[slot] = e.entityName;
      c.type[slot] = this.typeCode(e.entityType);
      this.slots.set(e.id, slot);
    }
    c.version[slot] = e.version;
    this.checksum = addTerm(this.checksum, checksumTerm(e.id, e.version));
    c.slaTarget[slot] = e.slaTarget;
    c.currentSla[slot] = e.currentSla;
    c.status[slot] = STATUS_CODE.get(e.status) ?? 3;
    c.statusSince[slot] = e.statusSince;
    c.observedAt[slot] = e.observedAt;
    c.updatedAt[slot] = e.updatedAt;
    this.countSlot(slot, 1);
    this.revision++;
    return true;
  }

  /** The slot of an entity id, or -1. */
  slotOf(id: number): number {
    return this.slots.get(id);
  }

  get(id: number): EntityState | undefined {
    const slot = this.slots.get(id);
    return slot >= 0 ? this.entity(slot) : undefined;
  }

  /** A fresh object for one slot. */
  entity(slot: number): EntityState {
    const c = this.col;
    const team = this.teamOf(slot);
    return {
      id: c.id[slot] as number,
      tenantName: team.tenantName,
      teamName: team.teamName,
      entityType: this.typeNames[c.type[slot] as number] as string,
      entityName: this.names[slot] as string,
      slaTarget: c.slaTarget[slot] as number,
      currentSla: c.currentSla[slot] as number,
      status: this.status(slot),
      statusSince: c.statusSince[slot] as number,
      observedAt: c.observedAt[slot] as number,
      updatedAt: c.updatedAt[slot] as number,
      version: c.version[slot] as number,
    };
  }

  /** The team (and tenant) of one slot. */
  teamOf(slot: number): TeamNode {
    return this.teams[this.col.team[slot] as number] as TeamNode;
  }

  status(slot: number): Status {
    return STATUSES[this.col.status[slot] as number] as Status;
  }

  name(slot: number): string {
    return this.names[slot] as string;
  }

  typeName(slot: number): string {
    return this.typeNames[this.col.type[slot] as number] as string;
  }

  /** Every entity as a fresh object (start-up copies, tests). */
  *entities(): Generator<EntityState> {
    for (let slot = 0; slot < this.count; slot++) yield this.entity(slot);
  }

  /** Replaces everything with a snapshot (start-up). */
  reset(): void {
    this.tenants.clear();
    this.teams = [];
    this.names = [];
    this.typeNames = [];
    this.typeCodes.clear();
    this.slots.clear();
    this.count = 0;
    this.checksum = 0;
    Object.assign(this.counters, emptyCounters());
    this.revision++;
  }

  private countSlot(slot: number, sign: 1 | -1): void {
    const c = this.col;
    const team = this.teams[c.team[slot] as number] as TeamNode;
    const tenant = this.tenants.get(team.tenantName) as TenantNode;
    const status = this.status(slot);
    const sla = c.currentSla[slot] as number;
    const compliant = sla >= (c.slaTarget[slot] as number) ? sign : 0;
    for (const k of [this.counters, team.counters, tenant.counters]) {
      k.total += sign;
      k.byStatus[status] += sign;
      k.compliant += compliant;
      k.slaSum += sign * sla;
    }
  }

  private typeCode(type: string): number {
    let code = this.typeCodes.get(type);
    if (code === undefined) {
      code = this.typeNames.length;
      this.typeNames.push(type);
      this.typeCodes.set(type, code);
    }
    return code;
  }

  private team(tenantName: string, teamName: string): TeamNode {
    let tenant = this.tenants.get(tenantName);
    if (!tenant) {
      tenant = { tenantName, counters: emptyCounters(), teams: new Map() };
      this.tenants.set(tenantName, tenant);
    }
    let team = tenant.teams.get(teamName);
    if (!team) {
      team = { index: this.teams.length, tenantName, teamName, counters: emptyCounters(), slots: [] };
      this.teams.push(team);
      tenant.teams.set(teamName, team);
    }
    return team;
  }
}
