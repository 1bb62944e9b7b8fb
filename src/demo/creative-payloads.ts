/**
 * Payloads of the seed's creative-project event types (rarer in the demo's traffic than the
 * asset pipeline), in the origin's field order. Pure: randomness comes from the Rng passed in.
 */
import type { Rng } from './prng.js';
import type { Payload, Project } from './payloads.js';

export function styleChosen(rng: Rng, p: Project): Payload {
  return {
    project_id: p.projectId,
    style_name: rng.pick([
      'cyberpunk noir',
      'vaporwave',
      'ukiyo-e',
      'film grain 70s',
      'soft pastel',
    ]),
    style_category: rng.pick(['visual', 'color', 'camera']),
    asset_id: null,
    style_parameters: { contrast: rng.pick(['low', 'medium', 'high']) },
    reference_assets: [rng.hex(64)],
    style_prompt: rng.pick([
      'neon reflections on wet asphalt',
      'muted tones, heavy grain',
      'flat colors, bold outlines',
    ]),
    chosen_by: rng.pick(['user', 'assistant']),
    reason: rng.pick([
      "matches the track's mood",
      'consistent with the storyboard',
      'client feedback',
    ]),
    alternatives_considered: [{ name: rng.pick(['vaporwave', 'noir', 'pastel']) }],
  };
}

export function contextUpdated(rng: Rng, p: Project): Payload {
  const act = rng.int(1, 3);
  return {
    project_id: p.projectId,
    context_type: rng.pick(['narrative', 'visual', 'audio']),
    update_type: rng.pick(['modification', 'addition']),
    context_key: `act_${act}`,
    new_value: {
      summary: rng.pick([
        'the chase moves to the rooftops',
        'the train arrives at dawn',
        'the cat finds the airlock',
      ]),
    },
    previous_value: {
      summary: rng.pick(['the chase stays in the alley', 'the train arrives at night']),
    },
    updated_by: 'user',
    update_reason: rng.pick(['storyboard review', 'client feedback', 'timing']),
    related_assets: [],
    natural_language_description: `Act ${act} revised after review`,
    impacts: ['shot_list'],
  };
}

export function characterDefined(rng: Rng, p: Project): Payload {
  // `version` is a payload field of this dataclass that the origin overwrites with the event's
  // metadata version; keeping it here keeps the origin's field order (see the fixtures' README).
  return {
    project_id: p.projectId,
    character_id: `chr_${String(rng.int(1, 99)).padStart(2, '0')}`,
    character_name: rng.pick(['Vega', 'Orin', 'Mika', 'Tess', 'Bram']),
    character_type: rng.pick(['protagonist', 'antagonist', 'supporting']),
    visual_description: { hair: rng.pick(['silver bob', 'red braid', 'shaved']) },
    personality_traits: [
      rng.pick(['stoic', 'reckless', 'kind']),
      rng.pick(['curious', 'loyal', 'sly']),
    ],
    backstory: rng.pick([
      'a courier who never misses a drop',
      'a retired pilot',
      'a lighthouse keeper',
    ]),
    reference_assets: [rng.hex(64)],
    style_guidelines: {},
    version: '1.0.0',
    previous_version_id: null,
    changes_from_previous: [],
  };
}

export function conceptApproved(rng: Rng, p: Project): Payload {
  return {
    project_id: p.projectId,
    concept_id: `cpt_${rng.int(1, 99)}`,
    concept_type: rng.pick(['scene', 'character', 'location']),
    concept_name: rng.pick(['Rooftop chase', 'Airlock', 'Dawn arrival', 'Koi at night']),
    description: rng.pick([
      'Vega escapes across neon rooftops',
      'the crew waits at the airlock',
      'first light over the dunes',
    ]),
    approved_by: 'user',
    approval_notes: null,
    concept_assets: [rng.hex(64)],
    reference_materials: [],
    production_notes: { shots: rng.int(3, 30) },
    dependencies: [`chr_${String(rng.int(1, 9)).padStart(2, '0')}`],
  };
}
