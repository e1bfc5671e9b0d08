import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** What API Gateway sends: REST APIs the v1 proxy event, HTTP APIs (and function URLs) the v2 one. */
export type ApiGatewayEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
export type LambdaHandler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

/**
 * A container keeps module state between invocations, so the first invocation
 * builds the handler (connecting the database) and later ones reuse it: one
 * connection per container. A build that fails is forgotten, so the next
 * invocation tries again rather than failing for the container's whole life.
 */
export function lazyHandler<TEvent, TResult>(
  build: () => Promise<LambdaHandler<TEvent, TResult>>,
): LambdaHandler<TEvent, TResult> {
  let built: Promise<LambdaHandler<TEvent, TResult>> | undefined;
  return async (event, context) => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return (await built)(event, context);
  };
}

export const isV2Event = (event: ApiGatewayEvent): event is APIGatewayProxyEventV2 => 'version' in event && event.version === '2.0';

/** v2 events carry lower-case header names; v1 events carry them as the client sent them. */
export function eventHeader(event: ApiGatewayEvent, name: string): string | undefined {
  return Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** The caller's address as API Gateway saw the connection: never a header the client could write. */
export function sourceIp(event: ApiGatewayEvent): string | null {
  return (isV2Event(event) ? event.requestContext?.http?.sourceIp : event.requestContext?.identity?.sourceIp) ?? null;
}

