/**
 * SeedEvents: the 14 event types of the seed's origin (AliceMultiverse) and their payload fields,
 * in the order its dataclasses declare them (as ../shared/fixtures/seed-format-events.jsonl
 * shows them on the wire). Use it as the event map: `new EventPersistence<SeedEvents>()`.
 *
 * Field types are what the fixture holds (`T | null` where it holds null; nested objects as
 * `Record<string, unknown>`; an empty list as `unknown[]` unless a sibling field shows its
 * element type). test/types/seed-events.types.ts compiles every fixture payload against it. Metadata (`event_id`, `timestamp`,
 * `source`, `version`, `event_type`) is not payload. `character.defined`'s own `version: int`
 * field shares its name with the metadata `version` on the wire, so it is read as the event's
 * `version` (a number), not as a payload field.
 */

type Json = Record<string, unknown>;

/** The seed's event map: event type → payload. */
export type SeedEvents = {
  'asset.discovered': {
    file_path: string;
    content_hash: string;
    file_size: number;
    media_type: string;
    project_name: string;
    source_type: string;
    inbox_path: string;
    discovery_source: string;
  };
  'asset.processed': {
    content_hash: string;
    file_path: string;
    metadata: Json;
    extracted_metadata: Json;
    generation_params: Json;
    processing_duration_ms: number;
    processor_version: string;
  };
  'asset.organized': {
    content_hash: string;
    source_path: string;
    destination_path: string;
    project_name: string;
    source_type: string;
    date_folder: string;
    quality_folder: string;
    operation: string;
    sequence_number: number;
  };
  'quality.assessed': {
    content_hash: string;
    file_path: string;
    star_rating: number;
    combined_score: number;
    brisque_score: number;
    sightengine_score: number;
    claude_assessment: Json | null;
    quality_issues: string[];
    pipeline_mode: string;
    assessment_duration_ms: number;
    stages_completed: string[];
  };
  'metadata.updated': {
    content_hash: string;
    file_path: string;
    metadata_type: string;
    updated_fields: string[];
    metadata: Json;
    update_reason: string;
    previous_version: Json | null;
  };
  'project.created': {
    project_id: string;
    project_name: string;
    description: string;
    project_type: string;
    initial_context: Json;
    style_preferences: Json;
    created_by: string;
    parent_project_id: string | null;
  };
  'style.chosen': {
    project_id: string;
    style_name: string;
    style_category: string;
    asset_id: string | null;
    style_parameters: Json;
    reference_assets: string[];
    style_prompt: string;
    chosen_by: string;
    reason: string;
    alternatives_considered: Json[];
  };
  'context.updated': {
    project_id: string;
    context_type: string;
    update_type: string;
    context_key: string;
    new_value: Json;
    previous_value: Json;
    updated_by: string;
    update_reason: string;
    related_assets: string[];
    natural_language_description: string;
    impacts: string[];
  };
  'character.defined': {
    project_id: string;
    character_id: string;
    character_name: string;
    character_type: string;
    visual_description: Json;
    personality_traits: string[];
    backstory: string;
    reference_assets: string[];
    style_guidelines: Json;
    previous_version_id: string | null;
    changes_from_previous: unknown[];
  };
  'concept.approved': {
    project_id: string;
    concept_id: string;
    concept_type: string;
    concept_name: string;
    description: string;
    approved_by: string;
    approval_notes: string | null;
    concept_assets: string[];
    reference_materials: unknown[];
    production_notes: Json;
    dependencies: string[];
  };
  'workflow.started': {
    workflow_id: string;
    workflow_type: string;
    workflow_name: string;
    project_id: string;
    initiated_by: string;
    input_parameters: Json;
    provider: string;
    estimated_duration_ms: number;
    estimated_cost: number;
  };
  'workflow.step_completed': {
    workflow_id: string;
    step_id: string;
    step_name: string;
    step_number: number;
    total_steps: number;
    status: string;
    output_data: Json;
    duration_ms: number;
    resource_usage: Json;
  };
  'workflow.completed': {
    workflow_id: string;
    workflow_type: string;
    total_duration_ms: number;
    steps_completed: number;
    output_assets: string[];
    output_metadata: Json;
    total_cost: number;
    provider_used: string;
    resource_usage: Json;
  };
  'workflow.failed': {
    workflow_id: string;
    workflow_type: string;
    error_type: string;
    error_message: string;
    failed_at_step: string;
    error_details: Json;
    is_retryable: boolean;
    retry_count: number;
    max_retries: number;
    duration_before_failure_ms: number;
    partial_outputs: unknown[];
  };
};

/** The seed's event types. */
export type SeedEventType = keyof SeedEvents;
