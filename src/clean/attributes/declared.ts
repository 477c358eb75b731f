/**
 * Pure: the attributes a pipeline declares, by kind of source: name → type. The rules
 * (src/config/rules.ts) made sure an attribute has one type across the sources of a kind.
 */
import type { SourceKind } from '../../config/canonical-fields.js';
import type { AttributeType, SourceConfig } from '../../config/schema.js';

export type DeclaredAttributes = ReadonlyMap<string, AttributeType>;

export function declaredAttributes(sources: readonly Pick<SourceConfig, 'kind' | 'attributes'>[], kind: SourceKind): DeclaredAttributes {
  const out = new Map<string, AttributeType>();
  for (const source of sources) {
    if (source.kind !== kind) continue;
    for (const [name, spec] of Object.entries(source.attributes ?? {})) if (!out.has(name)) out.set(name, spec.type);
  }
  return out;
}
