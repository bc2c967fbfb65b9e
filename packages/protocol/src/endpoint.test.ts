import { resolveEndpoint } from './endpoint';

describe('resolveEndpoint', () => {
  it("names an endpoint by its given name, else by its URL's host:port", () => {
    expect(resolveEndpoint('http://vllm-0:8000/v1')).toEqual({
      url: 'http://vllm-0:8000/v1',
      name: 'vllm-0:8000',
    });
    expect(resolveEndpoint({ url: 'https://api.example.com' })).toEqual({
      url: 'https://api.example.com',
      name: 'api.example.com',
    });
    expect(resolveEndpoint({ url: 'http://a:1', name: 'policy-a' })).toEqual({
      url: 'http://a:1',
      name: 'policy-a',
    });
  });
});
