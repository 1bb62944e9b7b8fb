/**
 * Payload builders for the seed's event types, field for field in the order the origin's
 * dataclasses declare them (see ../shared/fixtures/seed-format-events.jsonl), so what the demo
 * writes looks like what a real AliceMultiverse producer writes. Pure: all randomness comes
 * from the Rng passed in.
 */
import type { Rng } from './prng.js';

export type Payload = Record<string, unknown>;

/** An asset as it moves through the pipeline (discovered → processed → assessed → organized). */
export interface Asset {
  contentHash: string;
  filePath: string;
  fileSize: number;
  sourceType: string;
  projectName: string;
  ext: string;
  day: string;
  stars: number;
  sequence: number;
}

export interface Project {
  projectId: string;
  projectName: string;
}

export interface Workflow {
  workflowId: string;
  workflowType: string;
  workflowName: string;
  projectId: string;
  provider: string;
  totalSteps: number;
  stepsDone: number;
  startedAtMs: number;
  estimatedCost: number;
}

const SOURCES = ['midjourney', 'flux', 'sd', 'dalle', 'ideogram', 'runway'] as const;
const SUBJECTS = [
  'cat_astronaut',
  'portrait',
  'robot',
  'lighthouse',
  'neon_alley',
  'forest_spirit',
  'rooftop_chase',
  'koi_pond',
  'desert_train',
  'storm_cliff',
];
const PROMPTS = [
  'portrait of a lighthouse keeper, 35mm',
  'a cat in a space suit, studio light',
  'rain-soaked neon alley, cinematic',
  'koi pond from above, watercolor',
  'steam train crossing a desert at dusk',
  'forest spirit made of moss, macro',
];
const MODELS: Record<string, string[]> = {
  midjourney: ['v6.1', 'v7'],
  flux: ['flux-pro', 'flux-dev'],
  sd: ['sdxl', 'sd3.5'],
  dalle: ['dall-e-3'],
  ideogram: ['v2'],
  runway: ['gen-3'],
};
const ISSUES = [
  'slight blur',
  'jpeg artifacts',
  'extra fingers',
  'low contrast',
  'noise in shadows',
  'cropped subject',
];
const PROVIDERS = ['fal.ai', 'replicate', 'openai', 'runway', 'local-gpu'];
const WORKFLOWS: [string, string, number][] = [
  ['image_generation', 'batch upscale', 3],
  ['image_generation', 'variations', 2],
  ['video_generation', 'shot render', 4],
  ['audio_generation', 'score draft', 2],
  ['analysis', 'quality sweep', 3],
];
const STEP_NAMES = ['prepare', 'generate', 'upscale', 'encode', 'publish'];
const FAILURES: [string, string, Payload][] = [
  ['provider_error', 'upstream returned 503 Service Unavailable', { status: 503 }],
  ['timeout', 'step exceeded 120000 ms', { timeout_ms: 120000 }],
  ['rate_limited', '429 Too Many Requests', { status: 429, retry_after_s: 30 }],
  ['validation_error', 'input image smaller than 512 px', { min_px: 512 }],
];

export function newProject(rng: Rng, index: number): Project {
  const names = [
    'Neon Noir Music Video',
    'Space Cats',
    'Lighthouse Stories',
    'Desert Express',
    'Koi Garden',
    'Forest Spirits',
  ];
  return {
    projectId: `prj_${rng.hex(4)}`,
    projectName: index < names.length ? names[index] : `Project ${index + 1}`,
  };
}

export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function newAsset(rng: Rng, project: Project, day: string, sequence: number): Asset {
  const sourceType = rng.pick(SOURCES);
  const ext = sourceType === 'runway' ? 'mp4' : rng.pick(['png', 'png', 'webp', 'jpg']);
  const name = `${rng.pick(SUBJECTS)}_${String(rng.int(1, 9999)).padStart(4, '0')}.${ext}`;
  return {
    contentHash: rng.hex(64),
    filePath: `/inbox/${sourceType}/${day}/${name}`,
    fileSize: ext === 'mp4' ? rng.int(8_000_000, 120_000_000) : rng.int(180_000, 9_500_000),
    sourceType,
    projectName: slug(project.projectName),
    ext,
    day,
    stars: rng.weighted([
      [5, 2],
      [4, 4],
      [3, 3],
      [2, 1],
      [1, 1],
    ]),
    sequence,
  };
}

export function assetDiscovered(rng: Rng, a: Asset): Payload {
  return {
    file_path: a.filePath,
    content_hash: a.contentHash,
    file_size: a.fileSize,
    media_type: a.ext === 'mp4' ? 'video' : 'image',
    project_name: a.projectName,
    source_type: a.sourceType,
    inbox_path: '/inbox',
    discovery_source: rng.weighted([
      ['watch_mode', 6],
      ['manual_scan', 2],
      ['api_upload', 1],
    ]),
  };
}

export function assetProcessed(rng: Rng, a: Asset): Payload {
  const [width, height] = rng.pick([
    [1024, 1024],
    [1024, 1536],
    [1536, 1024],
    [2048, 2048],
    [1920, 1080],
  ]);
  return {
    content_hash: a.contentHash,
    file_path: a.filePath,
    metadata: { width, height },
    extracted_metadata: { prompt: rng.pick(PROMPTS) },
    generation_params: { model: rng.pick(MODELS[a.sourceType]), seed: rng.int(1, 999999) },
    processing_duration_ms: rng.int(40, 900),
    processor_version: '2.3.1',
  };
}

/**
 * The poison message: an asset.processed for a truncated upload (0×0). The demo's healthy
 * worker rejects it every time, so it is redelivered until the library dead-letters it.
 */
export function poisonAssetProcessed(rng: Rng, day: string): Payload {
  return {
    content_hash: rng.hex(64),
    file_path: `/inbox/uploads/${day}/truncated_upload_${rng.int(100, 999)}.png`,
    metadata: { width: 0, height: 0 },
    extracted_metadata: {},
    generation_params: {},
    processing_duration_ms: rng.int(1, 9),
    processor_version: '2.3.1',
  };
}

export function isPoison(data: Record<string, unknown>): boolean {
  const m = data.metadata as { width?: unknown; height?: unknown } | undefined;
  return !!m && m.width === 0 && m.height === 0;
}

export function qualityAssessed(rng: Rng, a: Asset): Payload {
  const issues = a.stars >= 5 ? [] : [rng.pick(ISSUES)];
  return {
    content_hash: a.contentHash,
    file_path: a.filePath,
    star_rating: a.stars,
    combined_score: rng.float(0.12 + a.stars * 0.15, 0.2 + a.stars * 0.16),
    brisque_score: rng.float(8, 60, 1),
    sightengine_score: rng.float(0.3, 0.99),
    claude_assessment: null,
    quality_issues: issues,
    pipeline_mode: rng.weighted([
      ['standard', 8],
      ['premium', 1],
      ['basic', 2],
    ]),
    assessment_duration_ms: rng.int(300, 4200),
    stages_completed: ['brisque', 'sightengine'],
  };
}

export function metadataUpdated(rng: Rng, a: Asset): Payload {
  return {
    content_hash: a.contentHash,
    file_path: a.filePath,
    metadata_type: rng.weighted([
      ['embedded', 3],
      ['cache', 1],
    ]),
    updated_fields: ['rating', 'tags'],
    metadata: {
      rating: a.stars,
      tags: rng.pick([['cat', 'space'], ['portrait'], ['city', 'night'], ['nature']]),
    },
    update_reason: 'quality_assessment',
    previous_version: null,
  };
}

export function assetOrganized(rng: Rng, a: Asset): Payload {
  const seq = String(a.sequence).padStart(5, '0');
  return {
    content_hash: a.contentHash,
    source_path: a.filePath,
    destination_path: `/organized/${a.day}/${a.projectName}/${a.sourceType}/${a.stars}-star/${a.projectName}-${seq}.${a.ext}`,
    project_name: a.projectName,
    source_type: a.sourceType,
    date_folder: a.day,
    quality_folder: `${a.stars}-star`,
    operation: rng.weighted([
      ['move', 4],
      ['copy', 1],
    ]),
    sequence_number: a.sequence,
  };
}

export function projectCreated(rng: Rng, p: Project): Payload {
  return {
    project_id: p.projectId,
    project_name: p.projectName,
    description: rng.pick([
      '3-minute music video, rain-soaked city',
      'a picture book in 24 plates',
      'teaser for a short film',
    ]),
    project_type: rng.pick(['music_video', 'illustration', 'short_film']),
    initial_context: { bpm: rng.int(70, 140) },
    style_preferences: { palette: [`#${rng.hex(6)}`, `#${rng.hex(6)}`] },
    created_by: 'user',
    parent_project_id: null,
  };
}

export function newWorkflow(rng: Rng, p: Project, nowMs: number): Workflow {
  const [workflowType, workflowName, totalSteps] = rng.pick(WORKFLOWS);
  return {
    workflowId: `wf_${rng.int(1000, 99999)}`,
    workflowType,
    workflowName,
    projectId: p.projectId,
    provider: rng.pick(PROVIDERS),
    totalSteps,
    stepsDone: 0,
    startedAtMs: nowMs,
    estimatedCost: rng.float(0.02, 3.5),
  };
}

export function workflowStarted(rng: Rng, w: Workflow): Payload {
  return {
    workflow_id: w.workflowId,
    workflow_type: w.workflowType,
    workflow_name: w.workflowName,
    project_id: w.projectId,
    initiated_by: rng.weighted([
      ['user', 3],
      ['scheduled', 2],
      ['assistant', 1],
    ]),
    input_parameters: { count: rng.int(1, 48), scale: rng.pick([1, 2, 4]) },
    provider: w.provider,
    estimated_duration_ms: w.totalSteps * rng.int(5000, 40000),
    estimated_cost: w.estimatedCost,
  };
}

export function workflowStepCompleted(rng: Rng, w: Workflow): Payload {
  const n = w.stepsDone;
  return {
    workflow_id: w.workflowId,
    step_id: `st_${n}`,
    step_name: STEP_NAMES[(n - 1) % STEP_NAMES.length],
    step_number: n,
    total_steps: w.totalSteps,
    status: 'completed',
    output_data: { images: rng.int(1, 48) },
    duration_ms: rng.int(800, 65000),
    resource_usage: { gpu_s: rng.float(0.5, 70, 1) },
  };
}

export function workflowCompleted(rng: Rng, w: Workflow, nowMs: number): Payload {
  return {
    workflow_id: w.workflowId,
    workflow_type: w.workflowType,
    total_duration_ms: Math.max(1, nowMs - w.startedAtMs) + rng.int(0, 999),
    steps_completed: w.totalSteps,
    output_assets: Array.from({ length: rng.int(1, 3) }, () => rng.hex(64)),
    output_metadata: { format: w.workflowType === 'video_generation' ? 'mp4' : 'png' },
    total_cost: rng.float(w.estimatedCost * 0.8, w.estimatedCost * 1.2),
    provider_used: w.provider,
    resource_usage: { gpu_s: rng.float(1, 200, 1) },
  };
}

export function workflowFailed(rng: Rng, w: Workflow, nowMs: number): Payload {
  const [errorType, errorMessage, details] = rng.pick(FAILURES);
  return {
    workflow_id: w.workflowId,
    workflow_type: w.workflowType,
    error_type: errorType,
    error_message: errorMessage,
    failed_at_step: `st_${w.stepsDone + 1}`,
    error_details: { ...details, provider: w.provider },
    is_retryable: errorType !== 'validation_error',
    retry_count: rng.int(0, 3),
    max_retries: 3,
    duration_before_failure_ms: Math.max(1, nowMs - w.startedAtMs) + rng.int(0, 999),
    partial_outputs: [],
  };
}
