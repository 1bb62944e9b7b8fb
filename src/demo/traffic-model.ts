/**
 * The demo's traffic as a small simulation, so the stream reads like a real system: assets move
 * through the pipeline (discovered → processed → assessed → metadata → organized, same content
 * hash and path throughout), workflows start, complete steps and then complete or fail, and a
 * few creative-project events appear now and then. Deterministic: the same seed and the same
 * clock readings give byte-identical events (event IDs and timestamp microseconds included).
 */
import type { EventInput } from '../core/types.js';
import { pythonIsoTimestamp } from '../core/codec.js';
import { createRng, type Rng } from './prng.js';
import {
  type Asset,
  type Payload,
  type Project,
  type Workflow,
  assetDiscovered,
  assetOrganized,
  assetProcessed,
  metadataUpdated,
  newAsset,
  newProject,
  newWorkflow,
  poisonAssetProcessed,
  projectCreated,
  qualityAssessed,
  workflowCompleted,
  workflowFailed,
  workflowStarted,
  workflowStepCompleted,
} from './payloads.js';
import {
  characterDefined,
  conceptApproved,
  contextUpdated,
  styleChosen,
} from './creative-payloads.js';

/** Every type the demo writes: the 14 of the seed's fixtures. */
export const DEMO_EVENT_TYPES = [
  'asset.discovered',
  'asset.processed',
  'asset.organized',
  'quality.assessed',
  'metadata.updated',
  'project.created',
  'style.chosen',
  'context.updated',
  'character.defined',
  'concept.approved',
  'workflow.started',
  'workflow.step_completed',
  'workflow.completed',
  'workflow.failed',
] as const;

/** The `source` each producer of the origin stamps on its events (as in the fixtures). */
const SOURCE_OF: Record<string, string> = {
  'asset.discovered': 'scanner',
  'asset.processed': 'analyzer',
  'asset.organized': 'organizer',
  'quality.assessed': 'quality-pipeline',
  'metadata.updated': 'metadata-cache',
};
const sourceOf = (type: string): string =>
  SOURCE_OF[type] ?? (type.startsWith('workflow.') ? 'workflow-engine' : 'assistant');

// Bounds keep the simulation's memory flat however long the demo runs.
const MAX_ASSETS_IN_FLIGHT = 300;
const MAX_WORKFLOWS_RUNNING = 40;
const ASSET_STAGES = [
  'asset.processed',
  'quality.assessed',
  'metadata.updated',
  'asset.organized',
] as const;

export interface TrafficModel {
  /** The next event of the simulation, stamped with `nowMs` (ms since the epoch). */
  next(nowMs: number): EventInput;
  /** A poison message (see payloads.ts `poisonAssetProcessed`). */
  poison(nowMs: number): EventInput;
}

type Action = 'discover' | 'advance' | 'wf-start' | 'wf-advance' | 'creative' | 'project';

export function createTrafficModel(seed: number): TrafficModel {
  const rng = createRng(seed);
  const projects: Project[] = [];
  const assets: (Asset & { stage: number })[] = [];
  const workflows: Workflow[] = [];
  const outbox: [string, Payload][] = [];
  let sequence = 0;

  const addProject = (): Project => {
    const p = newProject(rng, projects.length);
    projects.push(p);
    outbox.push(['project.created', projectCreated(rng, p)]);
    return p;
  };
  for (let i = 0; i < 3; i++) addProject();

  const stamp = (eventType: string, data: Payload, nowMs: number, r: Rng = rng): EventInput => ({
    eventType,
    data,
    eventId: r.uuid(),
    timestamp: pythonIsoTimestamp(new Date(nowMs), (nowMs % 1000) * 1000 + r.int(0, 999)),
    source: sourceOf(eventType),
    version: '1.0.0',
  });

  const step = (nowMs: number): [string, Payload] => {
    const day = new Date(nowMs).toISOString().slice(0, 10);
    const action = rng.weighted<Action>([
      ['discover', assets.length < MAX_ASSETS_IN_FLIGHT ? 30 : 0],
      ['advance', assets.length > 0 ? 45 : 0],
      ['wf-start', workflows.length < MAX_WORKFLOWS_RUNNING ? 5 : 0],
      ['wf-advance', workflows.length > 0 ? 16 : 0],
      ['creative', 3],
      ['project', 0.2],
    ]);
    switch (action) {
      case 'discover': {
        const a = { ...newAsset(rng, rng.pick(projects), day, ++sequence), stage: 0 };
        assets.push(a);
        return ['asset.discovered', assetDiscovered(rng, a)];
      }
      case 'advance': {
        const i = rng.int(0, assets.length - 1);
        const a = assets[i];
        const type = ASSET_STAGES[a.stage++];
        if (a.stage >= ASSET_STAGES.length) assets.splice(i, 1);
        if (type === 'asset.processed') return [type, assetProcessed(rng, a)];
        if (type === 'quality.assessed') return [type, qualityAssessed(rng, a)];
        if (type === 'metadata.updated') return [type, metadataUpdated(rng, a)];
        return [type, assetOrganized(rng, a)];
      }
      case 'wf-start': {
        const w = newWorkflow(rng, rng.pick(projects), nowMs);
        workflows.push(w);
        return ['workflow.started', workflowStarted(rng, w)];
      }
      case 'wf-advance': {
        const i = rng.int(0, workflows.length - 1);
        const w = workflows[i];
        if (rng.chance(0.08)) {
          workflows.splice(i, 1);
          return ['workflow.failed', workflowFailed(rng, w, nowMs)];
        }
        if (w.stepsDone < w.totalSteps) {
          w.stepsDone++;
          return ['workflow.step_completed', workflowStepCompleted(rng, w)];
        }
        workflows.splice(i, 1);
        return ['workflow.completed', workflowCompleted(rng, w, nowMs)];
      }
      case 'creative': {
        const p = rng.pick(projects);
        const kind = rng.int(0, 3);
        if (kind === 0) return ['style.chosen', styleChosen(rng, p)];
        if (kind === 1) return ['context.updated', contextUpdated(rng, p)];
        if (kind === 2) return ['character.defined', characterDefined(rng, p)];
        return ['concept.approved', conceptApproved(rng, p)];
      }
      case 'project': {
        addProject();
        return outbox.shift()!;
      }
    }
  };

  // Poison messages draw from their own generator so injecting one (on a timer, in wall-clock
  // time) does not shift the rest of the seeded sequence.
  const poisonRng = createRng(seed ^ 0x5eed);
  return {
    next(nowMs) {
      const [type, data] = outbox.shift() ?? step(nowMs);
      return stamp(type, data, nowMs);
    },
    poison(nowMs) {
      const day = new Date(nowMs).toISOString().slice(0, 10);
      return stamp('asset.processed', poisonAssetProcessed(poisonRng, day), nowMs, poisonRng);
    },
  };
}
