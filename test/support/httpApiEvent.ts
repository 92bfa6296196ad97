/**
 * An API Gateway HTTP API (payload 2.0) event as the api function receives it. With `decoded`, the
 * path as HTTP APIs hand it over (percent-decoded: `%2F` arrives as `/`).
 */
export function httpApiEvent(
  domain: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
  form: 'encoded' | 'decoded' = 'encoded',
) {
  const [encodedPath, rawQueryString = ''] = path.split('?') as [string, string?];
  const rawPath = form === 'decoded' ? decodeURIComponent(encodedPath) : encodedPath;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: {
      host: domain,
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: domain,
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}
