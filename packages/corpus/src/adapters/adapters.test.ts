import { ADAPTER_NAMES, detectAdapter } from '.';

const detected = (row: Record<string, unknown>): string | undefined => detectAdapter(row)?.name;

describe('adapter auto-detection', () => {
  it('knows each layout, most specific first', () => {
    expect(ADAPTER_NAMES).toEqual(['metamath', 'gsm8k', 'plain', 'numina', 'math', 'qa']);
    expect(detected({ query: 'q', response: 'The answer is: 1' })).toBe('metamath');
    expect(detected({ question: 'q', answer: 'so\n#### 4' })).toBe('gsm8k');
    expect(detected({ question: 'q', answer: '$4$' })).toBe('qa');
    expect(detected({ id: 1, problem: 'p', solution: '\\boxed{2}', answer: '2' })).toBe('plain');
    expect(detected({ problem: 'p', solution: '\\boxed{2}', source: 'olympiads' })).toBe('numina');
    expect(detected({ problem: 'p', solution: '\\boxed{2}', messages: [] })).toBe('numina');
    expect(detected({ problem: 'p', solution: '\\boxed{2}', type: 'Algebra' })).toBe('math');
    expect(detected({ text: 't' })).toBeUndefined();
  });

  it('treats null fields as absent', () => {
    expect(detected({ problem: 'p', answer: null, solution: '\\boxed{2}' })).toBe('math');
  });
});
