import Ajv, { _, str, type ErrorObject, type KeywordCxt, type KeywordDefinition, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';

/**
 * `minBytes`: the least number of UTF-8 bytes a string may have, for the
 * bounds the services count in bytes (a password's), which JSON Schema's
 * minLength, counting characters, cannot state.
 */
const minBytes: KeywordDefinition = {
  keyword: 'minBytes',
  type: 'string',
  schemaType: 'number',
  error: {
    message: ({ schemaCode }) => str`must NOT have fewer than ${schemaCode} bytes`,
    params: ({ schemaCode }) => _`{limit: ${schemaCode}}`,
  },
  code: (cxt: KeywordCxt) => cxt.fail(_`Buffer.byteLength(${cxt.data}, "utf8") < ${cxt.schemaCode}`),
};

/**
 * Bodies are validated strictly (no type coercion, no unknown fields), as
 * FastAPI with pydantic does; path and query strings are coerced, since they
 * are text on the wire.
 */
export function useStrictValidation(app: FastifyInstance): void {
  const options: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false, keywords: [minBytes] };
  const bodyValidator = addFormats(new Ajv({ ...options, coerceTypes: false }));
  const textValidator = addFormats(new Ajv({ ...options, coerceTypes: true }));
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyValidator : textValidator).compile(schema),
  );
}

export interface ValidationDetail {
  loc: (string | number)[];
  msg: string;
  type: string;
}

const PART_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

/** An Ajv error in FastAPI's words: `{loc, msg, type}` as pydantic reports it. */
function describe(error: ErrorObject | FastifySchemaValidationError, part: string): ValidationDetail {
  const path = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment.replace(/~1/g, '/').replace(/~0/g, '~')));
  const loc = [part, ...path];
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { loc: [...loc, String(params.missingProperty)], msg: 'Field required', type: 'missing' };
    case 'additionalProperties':
      return { loc: [...loc, String(params.additionalProperty)], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' };
    case 'type': {
      const expected = String(params.type);
      if (expected === 'object') return { loc, msg: 'Input should be a valid dictionary', type: 'dict_type' };
      if (expected === 'integer') return { loc, msg: 'Input should be a valid integer', type: 'int_parsing' };
      if (expected === 'boolean') return { loc, msg: 'Input should be a valid boolean', type: 'bool_type' };
      return { loc, msg: `Input should be a valid ${expected}`, type: `${expected}_type` };
    }
    case 'minLength':
      return { loc, msg: `String should have at least ${String(params.limit)} characters`, type: 'string_too_short' };
    case 'minBytes':
      return { loc, msg: `String should have at least ${String(params.limit)} bytes`, type: 'string_too_short' };
    case 'maxLength':
      return { loc, msg: `String should have at most ${String(params.limit)} characters`, type: 'string_too_long' };
    case 'pattern':
      return { loc, msg: `String should match pattern '${String(params.pattern)}'`, type: 'string_pattern_mismatch' };
    case 'minimum':
      return { loc, msg: `Input should be greater than or equal to ${String(params.limit)}`, type: 'greater_than_equal' };
    case 'maximum':
      return { loc, msg: `Input should be less than or equal to ${String(params.limit)}`, type: 'less_than_equal' };
    default:
      return { loc, msg: error.message ?? 'Invalid value', type: 'value_error' };
  }
}

export function validationDetails(errors: (ErrorObject | FastifySchemaValidationError)[], part: string): ValidationDetail[] {
  return errors.map((error) => describe(error, PART_NAMES[part] ?? part));
}
