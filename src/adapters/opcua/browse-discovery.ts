import {
  AttributeIds,
  BrowseDirection,
  NodeClass,
  OPCUAClient,
  resolveNodeId,
  type BrowseDescriptionOptions,
  type BrowseResult,
  type ClientSession,
  type ReferenceDescription,
} from 'node-opcua';
import type { TagDataType } from '../../core/index.js';
import { resolveIdentity } from './client-identity.js';
import { endpointSecurity } from './endpoint-security.js';
import { OpcuaError } from './errors.js';
import type { OpcuaDevice } from './opcua-device.js';
import { openClientPki } from './pki.js';

/** Where and how to browse. */
export interface DiscoverOptions {
  options: Pick<OpcuaDevice['options'], 'endpoint' | 'securityMode' | 'securityPolicy' | 'identity' | 'applicationName' | 'requestTimeout'>;
  /** Client PKI folder (own certificate, trusted/rejected server certificates). */
  pkiDir: string;
  /** NodeId to start from. Default the Objects folder (i=85). */
  root?: string;
  /** Folders deeper than this are not entered. Default 10. */
  maxDepth?: number;
  /** Stop after this many variables. Default 10,000. */
  maxTags?: number;
  /** Name namespaces by URI (`nsu=<uri>;s=...`), so bindings survive a server that renumbers them. */
  namespaceUris?: boolean;
}

/** A variable found by browsing, as a tag binding would describe it. */
export interface DiscoveredTag {
  nodeId: string;
  /** Browse names from the start node to the variable's parent. */
  path: string[];
  name: string;
  type: TagDataType;
  unit: string;
  low?: number;
  high?: number;
  description: string;
  /** The server grants CurrentWrite; the config still decides. */
  serverWritable: boolean;
}

/** What a browse found. */
export interface Discovery {
  tags: DiscoveredTag[];
  /** Variables skipped because their data type has no tag equivalent (structures, arrays of bytes...). */
  skipped: { nodeId: string; reason: string }[];
  truncated: boolean;
}

const HAS_PROPERTY = resolveNodeId('HasProperty').toString();
const TYPE_OF_BUILTIN: Record<number, TagDataType> = { 1: 'boolean', 2: 'integer', 3: 'integer', 4: 'integer', 5: 'integer', 6: 'integer', 7: 'integer', 8: 'integer', 9: 'integer', 10: 'number', 11: 'number', 12: 'string', 21: 'string' };
// Double and Float subtypes used by AnalogItems (Duration, UtcTime is not one: it stays skipped).
const TYPE_OF_SUBTYPE: Record<number, TagDataType> = { 26: 'number', 27: 'integer', 28: 'integer', 290: 'number' };

/**
 * Browses an OPC UA server's address space (Organizes and HasComponent
 * references, namespace 0 skipped below the start node) and describes every
 * variable as a tag: data type, engineering unit and EURange of AnalogItems.
 */
export async function discoverOpcua(opts: DiscoverOptions): Promise<Discovery> {
  const o = opts.options;
  const pki = await openClientPki(opts.pkiDir);
  const client = OPCUAClient.create({
    applicationName: o.applicationName,
    endpointMustExist: false,
    ...endpointSecurity(o),
    clientCertificateManager: pki.manager,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    transportTimeout: o.requestTimeout,
    defaultTransactionTimeout: o.requestTimeout,
  });
  try {
    await client.connect(o.endpoint);
    const session = await client.createSession(await resolveIdentity(o.identity));
    try {
      const found = await browseTree(session, opts);
      if (!opts.namespaceUris) return found;
      const namespaces = await session.readNamespaceArray();
      const byUri = (nodeId: string): string => nodeId.replace(/^ns=(\d+);/, (whole, ns: string) => (namespaces[Number(ns)] ? `nsu=${namespaces[Number(ns)]};` : whole));
      return { ...found, tags: found.tags.map((t) => ({ ...t, nodeId: byUri(t.nodeId) })) };
    } finally {
      await session.close().catch(() => {});
    }
  } catch (cause) {
    if (cause instanceof OpcuaError) throw cause;
    const message = (cause as Error).message;
    const hint = /certificate/i.test(message) ? `; the server certificate was put in ${opts.pkiDir}/rejected: trust it (move it to trusted/certs or use the API) and run again` : '';
    throw new OpcuaError('OPCUA_DISCOVERY_FAILED', `browsing ${o.endpoint} failed: ${message}${hint}`, { cause });
  } finally {
    await client.disconnect().catch(() => {});
    await pki.release().catch(() => {});
  }
}

interface Pending {
  nodeId: string;
  path: string[];
}

async function browseTree(session: ClientSession, opts: DiscoverOptions): Promise<Discovery> {
  const maxDepth = opts.maxDepth ?? 10;
  const maxTags = opts.maxTags ?? 10_000;
  const found: { ref: ReferenceDescription; path: string[] }[] = [];
  const seen = new Set<string>();
  let level: Pending[] = [{ nodeId: opts.root ?? 'i=85', path: [] }];
  let truncated = false;
  for (let depth = 0; level.length > 0 && depth <= maxDepth && !truncated; depth++) {
    const results = await browseAll(session, level.map((p) => ({ nodeId: p.nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: 'HierarchicalReferences', includeSubtypes: true, nodeClassMask: NodeClass.Object | NodeClass.Variable, resultMask: 0x3f })));
    const next: Pending[] = [];
    results.forEach((refs, i) => {
      const parent = level[i]!;
      for (const ref of refs) {
        const id = ref.nodeId.toString();
        if (ref.nodeId.namespace === 0 || seen.has(id) || ref.referenceTypeId.toString() === HAS_PROPERTY) continue;
        seen.add(id);
        const name = ref.browseName.name ?? id;
        if (ref.nodeClass === NodeClass.Variable) {
          if (found.length >= maxTags) truncated = true;
          else found.push({ ref, path: parent.path });
        } else next.push({ nodeId: id, path: [...parent.path, name] });
      }
    });
    level = next;
  }
  return describeVariables(session, found, truncated);
}

async function describeVariables(session: ClientSession, found: { ref: ReferenceDescription; path: string[] }[], truncated: boolean): Promise<Discovery> {
  const tags: DiscoveredTag[] = [];
  const skipped: Discovery['skipped'] = [];
  const CHUNK = 500;
  for (let start = 0; start < found.length; start += CHUNK) {
    const chunk = found.slice(start, start + CHUNK);
    const attrs = await session.read(
      chunk.flatMap(({ ref }) => [AttributeIds.DataType, AttributeIds.Description, AttributeIds.AccessLevel, AttributeIds.ValueRank].map((attributeId) => ({ nodeId: ref.nodeId, attributeId }))),
    );
    const props = await browseAll(session, chunk.map(({ ref }) => ({ nodeId: ref.nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: 'HasProperty', includeSubtypes: true, resultMask: 0x3f })));
    const wanted: { index: number; kind: 'EURange' | 'EngineeringUnits'; nodeId: string }[] = [];
    props.forEach((refs, index) => {
      for (const r of refs) {
        const n = r.browseName.name;
        if (n === 'EURange' || n === 'EngineeringUnits') wanted.push({ index, kind: n, nodeId: r.nodeId.toString() });
      }
    });
    const propValues = wanted.length > 0 ? await session.read(wanted.map((w) => ({ nodeId: w.nodeId, attributeId: AttributeIds.Value }))) : [];
    chunk.forEach(({ ref, path }, i) => {
      const [dataType, description, accessLevel, valueRank] = attrs.slice(i * 4, i * 4 + 4);
      const nodeId = ref.nodeId.toString();
      const dt = dataType?.value.value as { namespace?: number; value?: unknown } | null;
      const type = dt && dt.namespace === 0 && typeof dt.value === 'number' ? (TYPE_OF_BUILTIN[dt.value] ?? TYPE_OF_SUBTYPE[dt.value]) : undefined;
      if (!type) return void skipped.push({ nodeId, reason: `data type ${dt ? String(dt.value) : 'unknown'} has no tag equivalent` });
      if (typeof valueRank?.value.value === 'number' && valueRank.value.value > 0) return void skipped.push({ nodeId, reason: 'arrays are not bound as tags' });
      const tag: DiscoveredTag = {
        nodeId,
        path,
        name: ref.browseName.name ?? nodeId,
        type,
        unit: '',
        description: (description?.value.value as { text?: string } | null)?.text ?? '',
        serverWritable: ((Number(accessLevel?.value.value) || 0) & 0x02) !== 0,
      };
      wanted.forEach((w, k) => {
        if (w.index !== i) return;
        const v = propValues[k]?.value.value as { low?: number; high?: number; displayName?: { text?: string } } | null;
        if (!v) return;
        if (w.kind === 'EURange' && Number.isFinite(v.low) && Number.isFinite(v.high) && v.low! < v.high!) {
          tag.low = v.low!;
          tag.high = v.high!;
        }
        if (w.kind === 'EngineeringUnits') tag.unit = v.displayName?.text ?? '';
      });
      tags.push(tag);
    });
  }
  return { tags, skipped, truncated };
}

/** Browse with continuation points followed to the end. */
async function browseAll(session: ClientSession, descriptions: BrowseDescriptionOptions[]): Promise<ReferenceDescription[][]> {
  const out: ReferenceDescription[][] = [];
  const CHUNK = 500;
  for (let start = 0; start < descriptions.length; start += CHUNK) {
    const results: BrowseResult[] = await session.browse(descriptions.slice(start, start + CHUNK));
    for (const r of results) {
      const refs = [...(r.references ?? [])];
      let cp = r.continuationPoint;
      while (cp && cp.length > 0) {
        const more = await session.browseNext(cp, false);
        refs.push(...(more.references ?? []));
        cp = more.continuationPoint;
      }
      out.push(refs);
    }
  }
  return out;
}
