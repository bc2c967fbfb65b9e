import { normalizeStop } from './stop-tag';

const stops = ['<end_of_step>', '<end_of_code>', '<end_of_answer>'];

describe('normalizeStop', () => {
  it('takes a reported stop string and strips it if the text still ends with it', () => {
    expect(normalizeStop('x = 1\n', '<end_of_step>', stops)).toEqual({
      text: 'x = 1\n',
      stop: '<end_of_step>',
    });
    expect(normalizeStop('x = 1\n<end_of_code>', '<end_of_code>', stops)).toEqual({
      text: 'x = 1\n',
      stop: '<end_of_code>',
    });
  });

  it('reads a token id or null as EOS (no tag)', () => {
    expect(normalizeStop('done<end_of_step>', 151643, stops)).toEqual({
      text: 'done<end_of_step>',
      stop: null,
    });
    expect(normalizeStop('done', null, stops)).toEqual({ text: 'done', stop: null });
  });

  it('matches configured stops against the text end when nothing is reported', () => {
    expect(normalizeStop('a<end_of_answer>', undefined, stops)).toEqual({
      text: 'a',
      stop: '<end_of_answer>',
    });
    expect(normalizeStop('a', undefined, stops)).toEqual({ text: 'a', stop: null });
    expect(normalizeStop('ab', undefined, ['b', 'ab'])).toEqual({ text: '', stop: 'ab' });
  });
});
