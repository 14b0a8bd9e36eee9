/** The benchmarks' HTTP client for the API: a bearer token, JSON in, the answer's text out. */
export async function apiCall(base: string, token: string, method: string, url: string, body: unknown, expect: number): Promise<string> {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (response.status !== expect) throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 500)}`);
  return text;
}
