import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { PAGE_SIZE } from './limits';

/**
 * What an operation would make a server do, measured from its document alone,
 * the same way by the gateway and by each subgraph.
 *
 * Every measure is taken once per selection set: a named fragment is measured
 * the first time it is spread and its numbers are reused at every other spread,
 * so the work is linear in the document's size even when fragments spread one
 * another twice at each of thirty levels (2^30 fields once written out).
 */
export interface OperationMeasure {
  /** The longest chain of nested fields; introspection fields add nothing. */
  depth: number;
  /**
   * Every field costs 1, and a field that takes `first` (a page) multiplies what
   * is below it by the page size, so that `posts(first: 100) { edges { node {
   * comments(first: 100) … } } }` costs what it would fetch. The page size is the
   * one the resolver will use: the argument after the operation's variable
   * defaults and coercion, else the schema's default (20); a size the resolver
   * would refuse, or one that cannot be known because the variables do not
   * coerce, counts as the largest page (100). Introspection fields
   * (`__schema`, `__type`, `__typename`) are free: Sandbox's own schema query is
   * deep, and cheap.
   */
  cost: number;
  /**
   * Field selections once every fragment is written out, introspection fields
   * included: what query planning and execution walk. Counted arithmetically,
   * never by expanding.
   */
  selections: number;
}

export type Fragments = ReadonlyMap<string, FragmentDefinitionNode>;

export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

const NOTHING: OperationMeasure = { depth: 0, cost: 0, selections: 0 };

/**
 * Measures a validated operation of `schema` with the variables the client sent
 * (see OperationMeasure).
 */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Fragments,
  variables: Record<string, unknown>,
): OperationMeasure {
  const { coerced } = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });

  const pageSize = (definition: GraphQLField<unknown, unknown> | undefined, node: FieldNode): number => {
    if (!definition?.args.some((argument) => argument.name === 'first')) return 1;
    const written = node.arguments?.find((argument) => argument.name.value === 'first');
    if (!coerced && written?.value.kind === Kind.VARIABLE) return PAGE_SIZE.max;
    let size: unknown;
    try {
      size = getArgumentValues(definition, node, coerced ?? {}).first;
    } catch {
      return PAGE_SIZE.max;
    }
    // As the resolvers read it (parsePageArgs): no size, or null, is the default page.
    if (size === undefined || size === null) return PAGE_SIZE.default;
    return typeof size === 'number' && Number.isInteger(size) && size >= PAGE_SIZE.min && size <= PAGE_SIZE.max ? size : PAGE_SIZE.max;
  };

  const memo = new Map<string, OperationMeasure>();

  const measureFragment = (name: string): OperationMeasure => {
    const known = memo.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment) return NOTHING;
    // Validation refuses fragment cycles; should one reach here, it ends instead of looping.
    memo.set(name, NOTHING);
    const measured = measureSet(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
    memo.set(name, measured);
    return measured;
  };

  const measureSet = (selectionSet: SelectionSetNode, parentType: GraphQLNamedType | null | undefined): OperationMeasure => {
    let depth = 0;
    let cost = 0;
    let selections = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const definition = isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
        const below = selection.selectionSet
          ? measureSet(selection.selectionSet, definition && getNamedType(definition.type))
          : NOTHING;
        selections += 1 + below.selections;
        if (name.startsWith('__')) continue;
        depth = Math.max(depth, below.depth + 1);
        cost += 1 + pageSize(definition, selection) * below.cost;
        continue;
      }
      const inner =
        selection.kind === Kind.FRAGMENT_SPREAD
          ? measureFragment(selection.name.value)
          : measureSet(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType);
      depth = Math.max(depth, inner.depth);
      cost += inner.cost;
      selections += inner.selections;
    }
    return { depth, cost, selections };
  };

  return measureSet(operation.selectionSet, schema.getRootType(operation.operation));
}

/**
 * How many times each root field is selected once fragments and inline
 * fragments are written out; aliases count apart (`a: login … b: login …` is
 * login twice), as do fields under `@skip`/`@include`, whatever the condition.
 * Named fragments are counted once and reused, and a selection set at the root
 * can name no more distinct fields than the root type has, so this is linear too.
 */
export function rootFieldCounts(operation: OperationDefinitionNode, fragments: Fragments): Map<string, number> {
  const memo = new Map<string, Map<string, number>>();

  const countFragment = (name: string): Map<string, number> => {
    const known = memo.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment) return new Map();
    memo.set(name, new Map());
    const counted = countSet(fragment.selectionSet);
    memo.set(name, counted);
    return counted;
  };

  const countSet = (selectionSet: SelectionSetNode): Map<string, number> => {
    const counts = new Map<string, number>();
    const add = (name: string, times: number) => counts.set(name, (counts.get(name) ?? 0) + times);
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        add(selection.name.value, 1);
        continue;
      }
      const inner = selection.kind === Kind.FRAGMENT_SPREAD ? countFragment(selection.name.value) : countSet(selection.selectionSet);
      for (const [name, times] of inner) add(name, times);
    }
    return counts;
  };

  return countSet(operation.selectionSet);
}

export interface MeasureLimits {
  maxDepth: number;
  maxCost: number;
  maxSelections: number;
}

/** Why `measure` is over `limits`, or null when it is within them. */
export function measureOverLimits(measure: OperationMeasure, limits: MeasureLimits): string | null {
  if (measure.depth > limits.maxDepth) return `Query depth ${measure.depth} exceeds the limit of ${limits.maxDepth}`;
  if (measure.cost > limits.maxCost) return `Query cost ${measure.cost} exceeds the limit of ${limits.maxCost}`;
  if (measure.selections > limits.maxSelections) {
    return `Query selects ${measure.selections} fields with its fragments written out, over the limit of ${limits.maxSelections}`;
  }
  return null;
}
