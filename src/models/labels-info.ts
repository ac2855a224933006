import { OTHER_LABEL, type LabelSchemeJSON, type LabelTask } from '../corpus/labels.js';
import type { LabelPrediction } from './model.js';
import { getCategory, GROUPS, groupName, groupOf, type GroupId } from '../taxonomy/taxonomy.js';

/** Display facts about a class label: its official name and the group it belongs to. */
export interface LabelInfo {
  code: string;
  name: string;
  group: string;
  groupName: string;
}

export function describeLabel(label: string, task: LabelTask): LabelInfo {
  if (label === OTHER_LABEL) return { code: label, name: 'Other (rare categories)', group: OTHER_LABEL, groupName: 'Other' };
  if (task === 'group' && (GROUPS as readonly string[]).includes(label)) {
    const g = label as GroupId;
    return { code: label, name: groupName(g), group: g, groupName: groupName(g) };
  }
  const cat = getCategory(label);
  const group = groupOf(label);
  return {
    code: label,
    name: cat?.name ?? label,
    group: group ?? OTHER_LABEL,
    groupName: group ? groupName(group) : 'Other',
  };
}

/**
 * A label with its probability, its keys always in this order: batch output (prediction-json.ts)
 * writes labels by hand and relies on it.
 */
export function labelPrediction(d: LabelInfo, probability: number): LabelPrediction {
  return { code: d.code, name: d.name, group: d.group, groupName: d.groupName, probability };
}

/** A label scheme for backends whose classes are plain arXiv codes or groups (LLM, ONNX). */
export function plainScheme(task: LabelSchemeJSON['task'], labels: string[]): LabelSchemeJSON {
  return { task, labels, options: { task } };
}
