// A scenario draft as the YAML a person would write: the schema line for editors, small maps on one line as in
// the shipped scenarios, what each expectation saw while recording as a comment, and what was not replayed as a
// comment where it happened.
import { Document, isMap, isPair, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ScenarioDraft } from './translate';

const SCHEMA_LINE = ' yaml-language-server: $schema=../appliance/scenario/format/scenario.schema.json';

function flow(node: unknown): void {
  if (isMap(node) || isSeq(node)) (node as YAMLMap | YAMLSeq).flow = true;
}

export function draftToYaml(draft: ScenarioDraft): string {
  const setup: Record<string, unknown> = {};
  if (draft.friends.length > 0) setup.friends = draft.friends;
  if (Object.keys(draft.groups).length > 0) setup.groups = draft.groups;
  const steps = draft.steps.filter((entry) => 'step' in entry).map((entry) => (entry as { step: unknown }).step);
  const doc = new Document({
    scenario: draft.scenario,
    description: draft.description,
    ...(draft.gateways > 1 ? { appliance: { gateways: draft.gateways } } : {}),
    actors: draft.actors,
    ...(Object.keys(setup).length > 0 ? { setup } : {}),
    steps,
  });
  doc.commentBefore = SCHEMA_LINE;
  const root = doc.contents as YAMLMap;
  const get = (map: unknown, key: string): unknown =>
    isMap(map) ? (map.items.find((p) => (p.key as { value?: unknown }).value === key)?.value ?? null) : null;

  for (const pair of (get(root, 'actors') as YAMLMap | null)?.items ?? []) flow(pair.value);
  for (const pair of (get(get(root, 'setup'), 'friends') as YAMLSeq | null)?.items ?? []) flow(pair);
  for (const pair of (get(get(root, 'setup'), 'groups') as YAMLMap | null)?.items ?? []) flow(pair.value);
  flow(get(root, 'appliance'));

  const items = (get(root, 'steps') as YAMLSeq<Node>).items;
  let index = 0;
  let notes: string[] = [];
  for (const entry of draft.steps) {
    if ('note' in entry) {
      notes.push(` ${entry.note}`);
      continue;
    }
    const item = items[index++] as YAMLMap;
    for (const pair of item.items as Pair[]) {
      if (!isPair(pair)) continue;
      // An expectation keeps one field a line; every other step fits on one.
      if ((pair.key as { value?: unknown }).value === 'expect' && isMap(pair.value))
        for (const inner of pair.value.items) flow(inner.value);
      else flow(pair.value);
    }
    const comments = [...notes, ...(entry.comment ? [` ${entry.comment}`] : [])];
    if (comments.length > 0) item.commentBefore = comments.join('\n');
    notes = [];
  }
  if (notes.length > 0) doc.comment = notes.join('\n');
  return doc.toString({ lineWidth: 120, flowCollectionPadding: true });
}
